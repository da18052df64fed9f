"""The beheerder's people pages in chromium, with axe on every page: the beheerder invites a PM'er for two
locations; the invitation arrives by mail (a real SMTP server, a real worker); the invited person follows
its link and lands signed in (development: no identity provider); the beheerder sees them in the list
and deactivates them, and the invited person's session stops at once."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import asyncpg
import pytest
from playwright.async_api import Browser, Page
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from overdracht import demo
from tests.browser import assert_accessible, own_page, serve
from tests.conftest import free_port, make_worker
from tests.helpers import eventually, text_of
from tests.test_berichten import Mailbox, mail_settings, smtp_server
from tests.test_gebruikers import LINK, NAMEN, B, Z, ensure_organisations

BEHEERDER = demo.STAFF_USERS[10].id
QUEUE = "overdracht-test-mensen-browser"


@dataclass
class Site:
    base: str
    mailbox: Mailbox
    settings: Settings  # its worker's: the mail server, the task queue


@pytest.fixture(scope="module")
async def site(env: WorkflowEnvironment, pool: asyncpg.Pool, settings: Settings) -> AsyncIterator[Site]:
    """The app over HTTP with a worker whose mail reaches a real SMTP server."""
    await ensure_organisations(pool)
    port = free_port()
    with_mail = mail_settings(settings, port).model_copy(update={"task_queue": QUEUE})
    async with (
        smtp_server(port) as mailbox,
        make_worker(env.client, pool, with_mail, task_queue=QUEUE),
        serve(with_mail) as base,
    ):
        yield Site(base, mailbox, with_mail)


async def sign_in(page: Page, base: str) -> None:
    await page.goto(f"{base}/aanmelden")
    await page.get_by_label("Gebruiker").select_option(str(BEHEERDER))
    await page.get_by_role("button", name="Aanmelden").click()
    await page.wait_for_url(f"{base}/")


async def test_the_beheerder_invites_a_pm_who_signs_in_from_the_mail_and_is_deactivated(
    site: Site, page: Page, browser: Browser
) -> None:
    base, naam = site.base, f"Fleur Uitnodiging {uuid.uuid4().hex[:6]}"
    email = f"fleur.{uuid.uuid4().hex[:8]}@example.org"
    await sign_in(page, base)
    await page.goto(f"{base}/beheer")
    await assert_accessible(page)
    await page.get_by_role("link", name="Mensen en rollen").click()
    await page.get_by_role("heading", name="Mensen en rollen", level=1).wait_for()
    await assert_accessible(page)
    await page.get_by_role("link", name="Iemand uitnodigen").click()
    await page.get_by_role("heading", name="Iemand uitnodigen").wait_for()
    await assert_accessible(page)

    # Sent empty: the form again, with what to fix.
    await page.get_by_role("button", name="Uitnodiging versturen").click()
    await page.get_by_role("heading", name="Kijk nog even naar uw antwoord").wait_for()
    await assert_accessible(page)

    await page.get_by_label("Naam", exact=True).fill(naam)
    await page.get_by_label("E-mailadres", exact=True).fill(email)
    await page.get_by_label("Pedagogisch medewerker", exact=True).check()
    await page.get_by_label(NAMEN[B]).check()
    await page.get_by_label(NAMEN[Z]).focus()
    await page.keyboard.press("Space")  # with the keyboard too
    await page.get_by_role("button", name="Uitnodiging versturen").click()
    await page.get_by_text("De uitnodiging is verstuurd").wait_for()
    await page.get_by_role("heading", name=naam).wait_for()
    await assert_accessible(page)

    # The mail, with the link; the invited person follows it in a browser of their own.
    async def mailed() -> list[str]:
        return [LINK.findall(text_of(m))[0] for rcpt, m in site.mailbox.messages if rcpt == [email]]

    [code] = await eventually(mailed)
    link = urlsplit(f"http://127.0.0.1:8000/uitnodiging?code={code}")
    async with own_page(browser) as invited:
        await invited.goto(f"{base}{link.path}?{link.query}")
        await invited.get_by_role("heading", name=f"Welkom, {naam}").wait_for()
        assert "code=" not in invited.url  # the code left the address at once
        await assert_accessible(invited)
        await invited.get_by_role("button", name="Aanmelden").click()
        await invited.get_by_text(f"{naam} (pedagogisch medewerker)").wait_for()
        assert invited.url == f"{base}/"
        await assert_accessible(invited)

        # The beheerder finds them in the list, opens their page and deactivates them.
        await page.goto(f"{base}/beheer/mensen?rol=pedagogisch_medewerker")
        row = page.get_by_role("row").filter(has_text=naam)
        await row.get_by_text(f"{NAMEN[Z]}, {NAMEN[B]}").wait_for()
        await row.get_by_text("actief").wait_for()
        await assert_accessible(page)
        await page.get_by_role("link", name=naam).click()
        await page.get_by_role("button", name="Account deactiveren").click()
        await page.get_by_text("Het account is gedeactiveerd").wait_for()
        await assert_accessible(page)

        # Their next page: the sign-in page.
        await invited.reload()
        await invited.get_by_role("heading", name="Aanmelden", level=1).wait_for()
        assert invited.url == f"{base}/aanmelden"
        await assert_accessible(invited)

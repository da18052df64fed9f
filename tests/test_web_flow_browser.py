"""One overdracht from start to end through the pages, each person in their own browser, with axe on
every page they see: the PM'er fills the form and submits it; both parents, on a phone, consent with the
code from their e-mail (a real SMTP server, a real worker); the PM'er sends it; the school confirms
receipt, asks for a warme overdracht, and records it as held; the coordinator sees where it stands but
not whose it is. Each checks what that person sees and does not see."""

import re
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from uuid import UUID

import asyncpg
import pytest
from playwright.async_api import Browser, Page, expect

from overdracht import demo
from schemas.ids import overdracht_id_for
from tests.browser import assert_accessible, own_page, serve
from tests.happy_path import place_child
from tests.helpers import eventually, text_of
from tests.screenshots import screenshot
from tests.test_ouder_sessies import CODE_LINK, Mailing, add_parent, mailing

__all__ = ["mailing"]

PHONE = 320
DOMEINEN = (
    "Taal", "Rekenen", "Grote motoriek", "Fijne motoriek", "Sociaal-emotionele ontwikkeling", "Spel",
    "Zelfredzaamheid", "Welbevinden",
)  # fmt: skip


@pytest.fixture(scope="module")
async def mail_server(mailing: Mailing) -> AsyncIterator[str]:
    """The app over HTTP whose workflows run on a worker that mails through a real SMTP server."""
    async with serve(mailing.settings) as base:
        yield base


async def sign_in(page: Page, base: str, gebruiker_id: UUID) -> None:
    await page.goto(f"{base}/aanmelden")
    await page.get_by_label("Gebruiker").select_option(str(gebruiker_id))
    await page.get_by_role("button", name="Aanmelden").press("Enter")
    await page.get_by_role("button", name="Afmelden").wait_for()


async def fits(page: Page) -> None:
    """Nothing scrolls sideways: the page fits the phone's width."""
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE, page.url


async def codes_mailed(mailing: Mailing, addresses: list[str]) -> dict[str, str]:
    """The code in each parent's invitation, as the mail server received it."""

    async def found() -> dict[str, str]:
        codes = {}
        for recipients, message in mailing.mailbox.messages:
            for address in addresses:
                if address in recipients and (m := CODE_LINK.search(text_of(message))):
                    codes[address] = m[1]
        return codes

    return await eventually(found, lambda codes: len(codes) == len(addresses))


async def test_one_overdracht_from_the_form_to_the_warme_overdracht_through_every_role_s_pages(
    mail_server: str, mailing: Mailing, browser: Browser, pool: asyncpg.Pool
) -> None:
    base = mail_server
    kind_id, first_parent = await place_child(pool)
    naam = f"Testkind Proef-{str(kind_id)[:8]}"
    tag = uuid.uuid4().hex[:10]
    addresses = [f"ouder-a-{tag}@demo.invalid", f"ouder-b-{tag}@demo.invalid"]
    await add_parent(pool, kind_id, addresses[0], first_parent)
    await add_parent(pool, kind_id, addresses[1])
    overdracht = f"{base}/overdrachten/{overdracht_id_for(kind_id)}"

    # The PM'er opens the overdracht, fills the form and submits it to the parents.
    async with own_page(browser) as pm:
        await sign_in(pm, base, demo.PM_USER[demo.BOOMHUT])
        await pm.get_by_role("button", name=f"Overdracht openen voor {naam}").press("Enter")
        await pm.get_by_role("link", name="Formulier invullen").click()
        await pm.get_by_role("radio", name="Nee", exact=True).check()
        for domein in DOMEINEN:
            await pm.get_by_role("group", name=domein, exact=True).get_by_role("radio", name="Zoals verwacht").check()
        await pm.get_by_label("Toelichting: Taal").fill("Vertelt graag over thuis.")
        await pm.get_by_label("Observatie-instrument", exact=True).select_option("kijk")
        await pm.get_by_label("Datum van de observatie").fill("2026-10-01")
        await pm.get_by_role("button", name="Opslaan en naar de ouders sturen").click()
        await pm.get_by_text("Het formulier is naar de ouders gestuurd.").wait_for()
        await assert_accessible(pm)
        await screenshot(pm, "overdracht-pedagogisch-medewerker")

        # Each parent, on a phone, with the code from their own e-mail.
        codes = await codes_mailed(mailing, addresses)
        for address in addresses:
            async with own_page(browser, width=PHONE) as ouder:
                await ouder.goto(f"{base}/ouder?code={codes[address]}")
                await ouder.get_by_role("heading", name=f"Overdracht van {naam}").wait_for()
                assert ouder.url == overdracht  # the code is not in the address any more
                await expect(ouder.get_by_text("Vertelt graag over thuis.")).to_be_visible()
                # What a parent does not see: the staff's steps, the other parent's name.
                await expect(ouder.get_by_role("button", name=re.compile("versturen"))).to_have_count(0)
                other = "Tweede testouder" if address == addresses[0] else "Testouder"
                await expect(ouder.get_by_text(other, exact=True)).to_have_count(0)
                await assert_accessible(ouder)
                await fits(ouder)
                if address == addresses[0]:
                    await screenshot(ouder, "ouder")
                await ouder.get_by_role("link", name="Toestemming geven of weigeren").click()
                await ouder.get_by_role("radio", name="Ja, ik geef toestemming").check()
                await ouder.get_by_role("button", name="Verder").click()
                await ouder.get_by_role("heading", name="Controleer uw keuze").wait_for()
                await assert_accessible(ouder)
                await fits(ouder)
                await ouder.get_by_role("button", name="Ja, ik geef toestemming").click()
                await ouder.get_by_text("Uw toestemming is opgeslagen.").wait_for()

        # With both parents' consent, the PM'er sends it to the school.
        await pm.goto(overdracht)
        await expect(pm.get_by_text("klaar om te versturen", exact=True)).to_be_visible()
        await pm.get_by_role("button", name="Naar Basisschool De Ster versturen").click()
        await pm.get_by_text("De overdracht is naar de school verstuurd.").wait_for()
        await assert_accessible(pm)

    # The school finds it in its inbox, confirms receipt, asks for and records a warme overdracht.
    async with own_page(browser) as school:
        await sign_in(school, base, demo.SCHOOL_USER[demo.STER])
        te_doen = school.get_by_role("table", name="Te doen")
        await expect(te_doen.get_by_role("link", name=naam, exact=True)).to_be_visible()
        await assert_accessible(school)
        await screenshot(school, "school")
        await expect(school.get_by_text("Tweede testouder")).to_have_count(0)  # parents are not the school's
        await te_doen.get_by_role("link", name=f"Ontvangst bevestigen voor {naam}").click()
        first_day = (date.today() + timedelta(days=120)).isoformat()
        await school.get_by_label("Eerste schooldag").fill(first_day)
        await school.get_by_label("Wij willen een warme overdracht").check()
        await school.get_by_label("Toelichting (niet verplicht)").fill("Wij kennen het gezin nog niet.")
        await assert_accessible(school)
        await school.get_by_role("button", name="Ontvangst bevestigen").click()
        await school.get_by_text("Plan nu de warme overdracht.").wait_for()
        await assert_accessible(school)
        held = school.get_by_role("form", name="Vastleggen als gehouden")
        await held.get_by_label("Datum").fill(date.today().isoformat())
        await held.get_by_role("radio", name="Gesprek", exact=True).check()
        await held.get_by_role("checkbox", name="Mentor van de voorschool").check()
        await held.get_by_role("checkbox", name="Intern begeleider").check()
        await held.get_by_role("button", name="Warme overdracht vastleggen").click()
        await expect(school.get_by_text("afgerond", exact=True).first).to_be_visible()
        await assert_accessible(school)

    # The locatiemanager's start page (the README's picture of it).
    async with own_page(browser) as lm:
        await sign_in(lm, base, demo.LM_USER[demo.BOOMHUT])
        await assert_accessible(lm)
        await screenshot(lm, "locatiemanager")

    # The coordinator sees that it is done, and where, but not whose it is.
    async with own_page(browser) as coordinator:
        await sign_in(coordinator, base, demo.COORDINATOR)
        await expect(coordinator.get_by_text(naam)).to_have_count(0)
        await assert_accessible(coordinator)
        await coordinator.goto(overdracht)
        await expect(coordinator.get_by_text("afgerond", exact=True)).to_be_visible()
        await expect(coordinator.get_by_text(naam)).to_have_count(0)
        await expect(coordinator.get_by_text("Vertelt graag over thuis.")).to_have_count(0)
        await assert_accessible(coordinator)

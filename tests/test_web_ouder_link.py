"""A parent whose link no longer works asks for a new one on a page, with their own address: the new
link arrives by mail (a real SMTP server) and signs them in; an unknown address gets the same page and
nothing is sent; what is no address keeps the input and says what to fill in."""

import uuid
from email.message import EmailMessage

import asyncpg

from schemas.ids import overdracht_id_for
from tests.conftest import app_client
from tests.helpers import eventually, text_of
from tests.test_ouder_codes import no_attempts
from tests.test_ouder_sessies import CODE_LINK, Mailing, Submitted, mailing, submitted

__all__ = ["mailing", "no_attempts", "submitted"]

ORIGIN = {"Origin": "http://test"}


async def test_a_parent_asks_for_a_new_link_on_the_page_and_signs_in_with_it(
    mailing: Mailing, pool: asyncpg.Pool, submitted: Submitted, no_attempts: None
) -> None:
    parent_id, address = next(iter(submitted.parents.items()))
    async with app_client(mailing.settings) as browser:
        form = await browser.get("/ouder/nieuwe-link")
        assert form.status_code == 200 and "Een nieuwe link aanvragen" in form.text

        wrong = await browser.post("/ouder/nieuwe-link", data={"email": "geen adres"}, headers=ORIGIN)
        assert wrong.status_code == 400
        assert 'href="#veld-email">Vul uw e-mailadres in' in wrong.text and 'value="geen adres"' in wrong.text
        foreign = await browser.post(
            "/ouder/nieuwe-link", data={"email": address}, headers={"Origin": "https://elders.example"}
        )
        assert foreign.status_code == 403

        before = len(mailing.mailbox.messages)
        asked = await browser.post("/ouder/nieuwe-link", data={"email": address}, headers=ORIGIN)
        assert asked.status_code == 200 and "Dan krijgt u binnen een paar minuten een e-mail" in asked.text

        async def new_mails() -> list[tuple[list[str], EmailMessage]]:
            return mailing.mailbox.messages[before:]

        mails = await eventually(new_mails, lambda new: any(address in r for r, _ in new))
        [message] = [m for r, m in mails if address in r]
        [code] = CODE_LINK.findall(text_of(message))
        signed_in = await browser.get(f"/ouder?code={code}")
        assert signed_in.headers["location"] == f"/overdrachten/{overdracht_id_for(submitted.kind_id)}"

        unknown = await browser.post(
            "/ouder/nieuwe-link", data={"email": f"onbekend.{uuid.uuid4().hex[:8]}@example.org"}, headers=ORIGIN
        )
        assert unknown.status_code == 200 and unknown.text.count("Dan krijgt u") == 1


async def test_a_link_that_does_not_work_points_to_the_new_link_page(mailing: Mailing) -> None:
    async with app_client(mailing.settings) as browser:
        r = await browser.get("/ouder?code=ongeldig")

    assert r.status_code == 401 and 'href="/ouder/nieuwe-link"' in r.text

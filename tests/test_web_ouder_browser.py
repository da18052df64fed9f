"""A parent on a phone (320 px wide) in a real browser (Debian's chromium, tests/browser.py), with axe on
every page: signs in with their personal link, reads the form, gives a reaction, consents through the
confirmation step with the keyboard only, reads the inzage-log, and switches to English."""

import re

import asyncpg
import httpx
from playwright.async_api import Locator, Page

from db import kinderen
from tests.browser import assert_accessible
from tests.cases import NewCase
from tests.test_ouder_brieven import code_in

MAX_TABS = 60


async def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, as a keyboard user moves through the page."""
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        if await target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} never got the focus with Tab")


async def assert_fits(page: Page) -> None:
    """Nothing sticks out sideways at this width: no horizontal scrolling on a phone."""
    widths = await page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide on a {widths[1]} px screen"


async def checked(page: Page) -> None:
    await assert_accessible(page)
    await assert_fits(page)


async def test_a_parent_on_a_phone_reads_reacts_consents_with_the_keyboard_and_reads_the_inzage_log(
    live_server: str, page: Page, new_case: NewCase, api: httpx.AsyncClient, pool: asyncpg.Pool
) -> None:
    case = await new_case("bij_ouders")
    [parent_id] = await kinderen.parents(pool, case.kind_id)
    letter = await api.post(f"{case.path}/ouders/{parent_id}/brieven", headers=case.pm)
    naam = f"Testkind Proef-{str(case.kind_id)[:8]}"
    await page.set_viewport_size({"width": 320, "height": 640})

    # Signs in with the link from the letter, and reads the form as the school will read it.
    await page.goto(f"{live_server}/ouder?code={code_in(letter.content)}")
    await page.get_by_role("heading", name=f"Overdracht van {naam}").wait_for()
    overview = page.url
    await page.get_by_role("heading", name="Het formulier, zoals de school het leest").wait_for()
    await page.get_by_role("heading", name="Zich fijn voelen").wait_for()
    assert await page.get_by_text("zoals verwacht voor de leeftijd").count() == 8
    await checked(page)

    # A reaction: first without a choice (a message at the field), then as meant.
    await page.get_by_role("link", name="Reageren op het formulier").click()
    await page.get_by_role("heading", name="Reageren op het formulier").wait_for()
    await checked(page)
    await page.get_by_label("Wat klopt er niet, of waarom twijfelt u?").fill("Thuis praat ze veel meer.")
    await page.get_by_role("button", name="Reactie versturen").click()
    await page.get_by_role("alert").get_by_role("link", name="Kies of het formulier klopt.").wait_for()
    assert await page.get_by_label("Wat klopt er niet, of waarom twijfelt u?").input_value() == (
        "Thuis praat ze veel meer."
    )
    await checked(page)
    await page.get_by_label("Nee, niet alles klopt").check()
    await page.get_by_role("button", name="Reactie versturen").click()
    await page.get_by_text("Uw reactie is opgeslagen.").wait_for()
    await page.get_by_text("Thuis praat ze veel meer.").wait_for()
    await checked(page)

    # Consent, with the keyboard only: the choice, what it means, the confirmation.
    await tab_to(page, page.get_by_role("link", name="Toestemming geven of weigeren"))
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Toestemming geven of weigeren").wait_for()
    await checked(page)
    yes = page.get_by_role("radio", name="Ja, ik geef toestemming")
    await tab_to(page, yes)
    await page.keyboard.press("Space")
    assert await yes.is_checked()
    await tab_to(page, page.get_by_role("button", name="Verder"))
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Controleer uw keuze").wait_for()
    await page.get_by_text("De voorschool stuurt het formulier naar Basisschool De Ster.").wait_for()
    await checked(page)
    await tab_to(page, page.get_by_role("button", name="Ja, ik geef toestemming"))
    await page.keyboard.press("Enter")
    await page.get_by_text("Uw toestemming is opgeslagen.").wait_for()
    assert page.url.startswith(overview)
    await page.get_by_role("link", name="Uw toestemming intrekken").wait_for()  # what is possible now
    assert await page.get_by_role("link", name="Toestemming geven of weigeren").count() == 0
    await checked(page)
    assert (await case.get(case.pm))["status"] == "gereed_voor_verzending"

    # The inzage-log: who read or changed the child's data, and why.
    await tab_to(page, page.get_by_role("link", name=re.compile("^Bekijk wie de gegevens van uw kind")))
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Wie gebruikte de gegevens?").wait_for()
    await page.get_by_text("Gewijzigd: de toestemming van de ouders").first.wait_for()
    await checked(page)

    # And once in English, from the language switch.
    await page.get_by_role("link", name="English").click()
    await page.get_by_role("heading", name="Who used the data?").wait_for()
    assert await page.locator("html").get_attribute("lang") == "en"
    await page.get_by_text("Changed: the parents' consent").first.wait_for()
    await checked(page)
    await page.goto(overview)
    await page.get_by_role("heading", name=f"Handover of {naam}").wait_for()
    await checked(page)

"""The school's pages in a real browser (Debian's chromium, tests/browser.py), with axe on every page: the
IB'er signs in, opens the inbox and a sent overdracht, confirms receipt with the keyboard, then plans and
records the warme overdracht."""

import re
from datetime import date, timedelta

from playwright.async_api import Page, ViewportSize, expect

from overdracht import demo
from tests.browser import assert_accessible
from tests.cases import NewCase

IB_STER = demo.SCHOOL_USER[demo.STER]
PHONE: ViewportSize = {"width": 320, "height": 640}


async def assert_fine_on_a_phone(page: Page) -> None:
    """The page as it is now on a 320 px screen: accessible, and nothing wider than the screen (no
    sideways scrolling of the page; a wide table scrolls itself). The viewport is restored after."""
    before = page.viewport_size
    await page.set_viewport_size(PHONE)
    try:
        width = await page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 320 px screen"
        await assert_accessible(page)
    finally:
        if before:
            await page.set_viewport_size(before)


async def test_the_school_confirms_receipt_and_holds_the_warme_overdracht(
    live_server: str, page: Page, new_case: NewCase
) -> None:
    case = await new_case("verzonden", vve=True)  # a VVE child: a warme overdracht is needed
    name = f"Testkind Proef-{str(case.kind_id)[:8]}"
    overdracht = f"{live_server}/overdrachten/{case.path.rsplit('/', 1)[1]}"
    first_day, warm_day = date.today() + timedelta(days=120), date.today() + timedelta(days=100)

    await page.goto(f"{live_server}/")
    await page.get_by_role("heading", name="Aanmelden").wait_for()
    await assert_accessible(page)
    await page.get_by_label("Gebruiker").select_option(str(IB_STER))
    await page.get_by_role("button", name="Aanmelden").focus()
    await page.keyboard.press("Enter")

    # The inbox: the new overdracht waits for the school, with what to do.
    await page.get_by_role("heading", name="Ontvangen overdrachten").wait_for()
    await assert_accessible(page)
    await assert_fine_on_a_phone(page)
    await page.get_by_role("link", name=f"Ontvangst bevestigen voor {name}").wait_for()
    await page.get_by_role("link", name=name, exact=True).focus()
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name=f"Overdracht van {name}").wait_for()
    assert page.url == overdracht
    await assert_accessible(page)

    # Confirm receipt, with the keyboard only.
    await page.get_by_role("link", name="Ontvangst bevestigen").focus()
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Ontvangst bevestigen").wait_for()
    await assert_accessible(page)
    await assert_fine_on_a_phone(page)
    # A date field's segments follow the browser's own language: filled as the field stores it.
    await page.get_by_label("Eerste schooldag").fill(first_day.isoformat())
    await page.get_by_label("Toelichting (niet verplicht)").focus()
    await page.keyboard.type("Wij zien de warme overdracht graag tegemoet.")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Ontvangst bevestigen")).to_be_focused()
    await page.keyboard.press("Enter")

    # Received: on to the warme overdracht.
    await page.get_by_role("heading", name="Warme overdracht").wait_for()
    assert page.url == f"{overdracht}/warme-overdracht?gedaan=ontvangst-bevestigd-warm"
    await page.get_by_role("status").get_by_text("De ontvangst is bevestigd. Plan nu de warme overdracht.").wait_for()
    await assert_accessible(page)
    await assert_fine_on_a_phone(page)

    plan = page.locator("form", has=page.get_by_role("button", name="Warme overdracht plannen"))
    await plan.get_by_label("Datum").fill(warm_day.isoformat())
    await plan.get_by_label("Videogesprek").focus()
    await page.keyboard.press("Space")
    await plan.get_by_role("button", name="Warme overdracht plannen").focus()
    await page.keyboard.press("Enter")
    await page.get_by_role("status").get_by_text("De warme overdracht is gepland.").wait_for()
    await page.get_by_role("heading", name="Opnieuw plannen").wait_for()
    await assert_accessible(page)

    record = page.locator("form", has=page.get_by_role("button", name="Warme overdracht vastleggen"))
    assert await record.get_by_label("Datum").input_value() == warm_day.isoformat()  # the planned day
    await record.get_by_label("Videogesprek").check()
    await record.get_by_role("button", name="Warme overdracht vastleggen").click()
    # Nobody named: the form again, the message linked from the summary at the top.
    summary = page.get_by_role("alert")
    await summary.get_by_role("link", name=re.compile("^Kies wie er meededen")).wait_for()
    await assert_accessible(page)
    await record.get_by_label("Mentor van de voorschool").check()
    await record.get_by_label("Intern begeleider").check()
    await record.get_by_role("button", name="Warme overdracht vastleggen").click()

    await page.get_by_role("heading", name=f"Overdracht van {name}").wait_for()
    await page.get_by_role("status").get_by_text("De warme overdracht is vastgelegd.").wait_for()
    assert page.url == f"{overdracht}?gedaan=warme-overdracht-vastgelegd"
    await assert_accessible(page)
    done = await case.get(case.school)
    assert done["status"] == "afgerond"
    assert done["warmeOverdracht"]["gehoudenOp"] == warm_day.isoformat()
    assert done["tijdstippen"]["eersteSchooldag"] == first_day.isoformat()

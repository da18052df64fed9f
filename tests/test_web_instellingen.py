"""`/instellingen`: a member of staff chooses how reminders come (at once, a daily overview, or as the
gemeente does it), with the keyboard and axe in a real browser too (a parent has none: the API's
permission matrix holds `/v1/mijn-instellingen`, the same use case, to that)."""

import re

import httpx
from playwright.async_api import Page, expect

from overdracht import demo
from tests.browser import assert_accessible
from tests.test_web_pages import ORIGIN, browser_like, csrf, sign_in

__all__ = ["browser_like"]


def checked(html: str) -> list[str]:
    return re.findall(r'name="berichten" value="(\w+)"[^>]* checked', html)


async def test_a_pm_chooses_the_daily_overview_and_back(browser_like: httpx.AsyncClient) -> None:
    await sign_in(browser_like, demo.PM_USER[demo.ZONNETJE])
    start = await browser_like.get("/")
    assert 'href="/instellingen">Instellingen</a>' in start.text
    form = await browser_like.get("/instellingen")
    assert checked(form.text) == ["gemeente"] and "Nu: elk bericht meteen." in form.text

    wrong = await browser_like.post(
        "/instellingen", data={"csrf": csrf(form.text), "berichten": "nooit"}, headers=ORIGIN
    )
    assert wrong.status_code == 400 and 'href="#veld-berichten"' in wrong.text
    chosen = await browser_like.post(
        "/instellingen", data={"csrf": csrf(form.text), "berichten": "dagelijks"}, headers=ORIGIN
    )
    assert chosen.headers["location"] == "/instellingen?gedaan=instellingen-opgeslagen"
    page = await browser_like.get(chosen.headers["location"])
    assert checked(page.text) == ["dagelijks"] and "Uw instellingen zijn opgeslagen." in page.text
    api = await browser_like.get("/v1/mijn-instellingen")  # the same setting, as the API tells it (no token: 401)
    assert api.status_code == 401

    back = await browser_like.post(
        "/instellingen", data={"csrf": csrf(page.text), "berichten": "gemeente"}, headers=ORIGIN
    )
    assert checked((await browser_like.get(back.headers["location"])).text) == ["gemeente"]


async def test_the_settings_page_works_with_the_keyboard_and_axe_finds_nothing(live_server: str, page: Page) -> None:
    await page.goto(f"{live_server}/aanmelden")
    await page.get_by_label("Gebruiker").select_option(str(demo.LM_USER[demo.ZONNETJE]))
    await page.get_by_role("button", name="Aanmelden").click()
    await page.get_by_role("link", name="Instellingen").click()
    await page.get_by_role("heading", name="Instellingen").wait_for()
    await assert_accessible(page)
    await page.get_by_role("radio", name="Eén overzicht per dag").focus()
    await page.keyboard.press("Space")
    await page.get_by_role("button", name="Opslaan").focus()
    await page.keyboard.press("Enter")
    await page.get_by_text("Uw instellingen zijn opgeslagen.").wait_for()
    await expect(page.get_by_role("radio", name="Eén overzicht per dag")).to_be_checked()
    await assert_accessible(page)
    await page.get_by_role("radio", name="Zoals mijn gemeente het instelt").check()
    await page.get_by_role("button", name="Opslaan").click()
    await page.get_by_text("Uw instellingen zijn opgeslagen.").wait_for()

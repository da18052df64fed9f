"""The first pages in a real browser (Debian's chromium, tests/browser.py), with axe on each: a PM'er
signs in with the keyboard and reads an overdracht; a parent opens their personal link on a phone."""

import re

import asyncpg
import httpx
from playwright.async_api import Page

from overdracht import demo
from schemas.ids import overdracht_id_for
from tests.browser import assert_accessible
from tests.conftest import Login
from tests.happy_path import place_child
from tests.test_ouder_brieven import PM, code_in, open_child


async def test_a_pm_signs_in_with_the_keyboard_and_reads_an_overdracht(
    live_server: str, page: Page, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    child = await open_child(api, pool, login)
    await page.goto(f"{live_server}/")
    await page.get_by_role("heading", name="Aanmelden").wait_for()
    await assert_accessible(page)

    await page.get_by_label("Gebruiker").select_option(str(demo.PM_USER[demo.BOOMHUT]))
    await page.get_by_role("button", name="Aanmelden").focus()
    await page.keyboard.press("Enter")

    await page.get_by_role("heading", name="Wat moet ik doen").wait_for()
    await assert_accessible(page)
    # A placed child without an overdracht: open one from the start page, with the keyboard.
    waiting, _ = await place_child(pool)
    await page.reload()
    await page.get_by_role("button", name=f"Overdracht openen voor Testkind Proef-{str(waiting)[:8]}").focus()
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name=f"Overdracht van Testkind Proef-{str(waiting)[:8]}").wait_for()
    assert page.url == f"{live_server}/overdrachten/{overdracht_id_for(waiting)}"
    await assert_accessible(page)
    await page.goto(f"{live_server}/")
    # An overdracht of the location is a link on the start page (the first fifty, next deadline first).
    first = page.locator("table a").first
    await first.click()
    await page.get_by_role("heading", name=re.compile("^Overdracht")).wait_for()
    assert page.url.startswith(f"{live_server}/overdrachten/")
    # As the link in a message opens it.
    await page.goto(f"{live_server}/overdrachten/{child.overdracht_id}")
    await page.get_by_role("heading", name=f"Overdracht van Testkind Proef-{str(child.kind_id)[:8]}").wait_for()
    await assert_accessible(page)


async def test_a_parent_opens_their_personal_link_on_a_phone(
    live_server: str, page: Page, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    child = await open_child(api, pool, login)
    letter = await api.post(child.letter, headers=await login(PM))
    code = code_in(letter.content)
    await page.set_viewport_size({"width": 320, "height": 640})

    await page.goto(f"{live_server}/ouder?code={code}")

    await page.get_by_role("heading", name=re.compile("^Overdracht")).wait_for()
    assert page.url == f"{live_server}/overdrachten/{child.overdracht_id}"  # the code is gone from the address
    await assert_accessible(page)
    await page.goto(f"{live_server}/ouder?code={code}")  # used once already
    await page.get_by_role("heading", name="Deze link werkt niet meer").wait_for()
    await assert_accessible(page)

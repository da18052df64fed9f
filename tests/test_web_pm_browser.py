"""The PM'er's whole flow in chromium, with the keyboard and axe on every page: open an overdracht for a
placed child, fill the form (htmx saves each change as a draft), see what is still missing, submit it to
the parents, record one parent's consent given on paper."""

import re
from typing import Literal

import asyncpg
from playwright.async_api import Page, expect

from overdracht import demo
from schemas.ids import overdracht_id_for
from tests.browser import assert_accessible
from tests.happy_path import place_child
from tests.screenshots import screenshot

DOMEINEN = (
    "Taal", "Rekenen", "Grote motoriek", "Fijne motoriek", "Sociaal-emotionele ontwikkeling", "Spel",
    "Zelfredzaamheid", "Welbevinden",
)  # fmt: skip


async def press(page: Page, locator_name: str, role: Literal["button", "link", "radio", "checkbox"] = "button") -> None:
    """Activate a control as a keyboard user does: focus it, then Enter (Space for a radio or checkbox)."""
    control = page.get_by_role(role, name=locator_name, exact=True)
    await control.focus()
    await page.keyboard.press("Space" if role in ("radio", "checkbox") else "Enter")


async def test_a_pm_opens_fills_and_submits_an_overdracht_with_the_keyboard(
    live_server: str, page: Page, pool: asyncpg.Pool
) -> None:
    kind_id, _ = await place_child(pool)
    naam = f"Testkind Proef-{str(kind_id)[:8]}"
    await page.goto(f"{live_server}/aanmelden")
    await page.get_by_label("Gebruiker").select_option(str(demo.PM_USER[demo.BOOMHUT]))
    await press(page, "Aanmelden")
    await page.get_by_role("heading", name="Wat moet ik doen").wait_for()
    await screenshot(page, "pedagogisch-medewerker")
    await press(page, f"Overdracht openen voor {naam}")
    await page.get_by_role("heading", name=f"Overdracht van {naam}").wait_for()
    await press(page, "Formulier invullen", role="link")
    await page.get_by_role("heading", name=f"Formulier van {naam}").wait_for()
    await assert_accessible(page)
    status = page.locator("#formulierstatus")

    # Each change is saved as a draft by itself (htmx), and the list of what is missing shrinks.
    await press(page, "Ja", role="radio")
    await expect(status).to_contain_text("Concept opgeslagen om")
    await expect(status.get_by_role("link", name="VVE-programma")).to_be_visible()
    await page.get_by_label("VVE-programma").select_option("piramide")
    await page.get_by_label("Aantal maanden VVE").fill("18")
    await page.keyboard.press("Tab")
    await expect(status.get_by_role("link", name="Aantal maanden VVE")).to_have_count(0)
    await page.reload()
    await expect(page.get_by_label("Aantal maanden VVE")).to_have_value("18")  # it was saved

    # A wrong number: the draft is not saved, and the status says which field.
    await page.get_by_label("Uren VVE per week").fill("heel veel")
    await page.keyboard.press("Tab")
    await expect(status).to_contain_text("Niet opgeslagen: 1 veld klopt niet.")
    await page.get_by_label("Uren VVE per week").fill("16")
    await page.keyboard.press("Tab")
    await expect(status).to_contain_text("Concept opgeslagen om")

    for domein in DOMEINEN:
        group = page.get_by_role("group", name=domein, exact=True)
        radio = group.get_by_role("radio", name="Zoals verwacht")
        await radio.focus()
        await page.keyboard.press("Space")
    await page.get_by_label("Toelichting: Taal").fill("Vertelt graag over thuis.")
    await page.get_by_label("Observatie-instrument", exact=True).select_option("kijk")
    await page.get_by_label("Datum van de observatie").fill("2026-10-01")
    await page.keyboard.press("Tab")
    await expect(status).to_contain_text("Niets: het formulier is compleet")
    await assert_accessible(page)

    await press(page, "Opslaan en naar de ouders sturen")

    await page.get_by_text("Het formulier is naar de ouders gestuurd.").wait_for()
    assert page.url == f"{live_server}/overdrachten/{overdracht_id_for(kind_id)}?gedaan=ingediend"
    await expect(page.get_by_text("bij de ouders", exact=True)).to_be_visible()
    await assert_accessible(page)

    # One parent signed the paper form: the PM'er records it.
    await press(page, "Ouders: toestemming op papier, brief met code, nieuwe link", role="link")
    await page.get_by_role("heading", name=re.compile("^Ouders van")).wait_for()
    await assert_accessible(page)
    await page.get_by_role("link", name=re.compile("^Besluit over toestemming")).first.click()
    await press(page, "Besluit vastleggen")  # nothing chosen yet: the summary says what is missing
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Kijk nog even naar uw antwoord")
    await assert_accessible(page)
    await summary.get_by_role("link").first.click()
    await expect(page.locator("#veld-besluit")).to_be_focused()
    await press(page, "Toestemming gegeven", role="radio")
    await press(page, "Getekend op het papieren formulier", role="radio")
    await press(page, "Besluit vastleggen")
    await page.get_by_text("Het besluit van de ouder is vastgelegd.").wait_for()
    await assert_accessible(page)

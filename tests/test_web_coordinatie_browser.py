"""The coordinator's pages in a real browser (Debian's chromium, tests/browser.py), with axe on each: the
overview and a filter that the address then carries, the achterstanden, the deadline forecast and its
workbook downloaded, and a deadline moved from an overdracht's page (a refused form first)."""

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from openpyxl import load_workbook
from playwright.async_api import Page, expect

from overdracht import demo
from protocol.dates import end_of_day
from tests.browser import assert_accessible
from tests.cases import NewCase


async def test_the_coordinator_reads_the_figures_and_moves_a_deadline(
    live_server: str, page: Page, new_case: NewCase, tmp_path: Path
) -> None:
    case = await new_case("concept")
    overdracht_id = case.path.rsplit("/", 1)[-1]
    await page.goto(f"{live_server}/aanmelden")
    await page.get_by_label("Gebruiker").select_option(str(demo.COORDINATOR))
    await page.get_by_role("button", name="Aanmelden").click()

    # The start page is the overview of the current school year: charts beside tables of the same figures.
    await page.get_by_role("heading", name=re.compile("^Overzicht schooljaar")).wait_for()
    await expect(page.get_by_role("table", name=re.compile("^Kengetallen per stadsdeel"))).to_be_visible()
    await assert_accessible(page)

    # A filter: the address carries it, so the view can be shared.
    await page.get_by_label("Wijk", exact=True).select_option(label="Literatuurwijk (Almere Stad)")
    await page.get_by_role("button", name="Tonen").click()
    await page.wait_for_url(re.compile(r"wijk="))
    wijk = str(next(w for w, (_, naam) in demo.WIJKEN.items() if naam == "Literatuurwijk"))
    assert parse_qs(urlsplit(page.url).query)["wijk"] == [wijk]
    await expect(page.get_by_label("Wijk", exact=True)).to_have_value(wijk)
    await assert_accessible(page)

    await page.get_by_role("navigation", name="Coördinatie").get_by_role("link", name="Achterstanden").click()
    await page.get_by_role("heading", name="Achterstanden", exact=True).wait_for()
    await assert_accessible(page)

    await page.get_by_role("link", name="Deadlines komende weken").click()
    await page.get_by_role("heading", name="Deadlines komende weken").wait_for()
    await expect(page.get_by_role("img", name="Deadlines per week")).to_be_visible()
    await assert_accessible(page)
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name=re.compile(r"^Excel-werkmap \(\.xlsx\)")).click()
    download = await downloading.value
    assert re.fullmatch(r"prognose-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    target = tmp_path / download.suggested_filename
    await download.save_as(target)
    book = load_workbook(target)
    assert book.sheetnames == ["Prognose"] and book["Prognose"]["A1"].value == "Soort"

    await page.get_by_role("link", name="VVE zonder overdracht").click()
    await page.get_by_role("heading", name="VVE-kinderen zonder overdracht").wait_for()
    await assert_accessible(page)

    # An overdracht's page: move its send deadline, with a reason.
    await page.goto(f"{live_server}/overdrachten/{overdracht_id}")
    await page.get_by_role("link", name="Deadline verplaatsen").click()
    await page.get_by_role("heading", name="Deadline verplaatsen").wait_for()
    await assert_accessible(page)
    await page.get_by_role("button", name="Deadline verplaatsen").click()  # nothing filled in
    await expect(page.get_by_role("alert")).to_contain_text("Vul in waarom u de deadline verplaatst.")
    await assert_accessible(page)
    await page.get_by_role("radio", name=re.compile("^Verzenden")).check()
    new_day = date.today() + timedelta(days=150)
    await page.get_by_label("Nieuwe datum").fill(new_day.isoformat())
    await page.get_by_label("Waarom verplaatst u de deadline?").fill("Het kind was lang ziek.")
    await page.get_by_role("button", name="Deadline verplaatsen").click()

    await expect(page.get_by_text("De deadline is verplaatst.")).to_be_visible()
    await expect(page.get_by_role("list").filter(has_text="deadline verplaatst")).to_have_count(1)
    assert page.url.endswith(f"/overdrachten/{overdracht_id}?gedaan=deadline_verplaatst")
    await assert_accessible(page)
    detail = await case.get(case.pm)
    assert datetime.fromisoformat(detail["termijnen"]["deadlines"]["verzenden"]) == end_of_day(new_day)

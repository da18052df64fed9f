"""An import job's page in a real browser, with axe: while the job runs it shows a progress bar that
htmx keeps up to date without a reload, and when the job ends the outcome replaces it. The job's state
is set in the database, so what the page shows at each moment is known."""

import uuid

import asyncpg
from playwright.async_api import Page, expect

from overdracht import demo
from tests.browser import assert_accessible


async def test_the_progress_bar_follows_the_job_and_gives_way_to_the_outcome(
    live_server: str, page: Page, pool: asyncpg.Pool
) -> None:
    taak_id = uuid.uuid4()
    manager = demo.LM_USER[demo.BOOMHUT]
    await pool.execute(
        "INSERT INTO import_taken (id, gemeente_id, gebruiker_id, status, rijen) VALUES ($1, $2, $3, 'bezig', 4)",
        taak_id, demo.ALMERE, manager,
    )  # fmt: skip
    await pool.executemany(
        "INSERT INTO import_rijen (taak_id, regel, volgnummer, opgeslagen, overdracht) VALUES ($1, $2, $3, $4, $5)",
        [(taak_id, 2, 0, "nieuw", "ingepland"), (taak_id, 3, 1, None, None), (taak_id, 4, 2, None, None),
         (taak_id, 5, None, "afgewezen", "geen")],
    )  # fmt: skip
    await page.goto(f"{live_server}/aanmelden")
    await page.get_by_label("Gebruiker").select_option(str(manager))
    await page.get_by_role("button", name="Aanmelden").click()
    await page.goto(f"{live_server}/plaatsingen/import/{taak_id}")

    bar = page.get_by_role("progressbar", name="Bezig met opslaan: 2 van 4 regels klaar.")
    await expect(bar).to_have_attribute("value", "2")
    await assert_accessible(page)

    # The job goes on and ends: the page follows by itself.
    await pool.execute(
        "UPDATE import_rijen SET opgeslagen = 'bijgewerkt', overdracht = 'geopend' WHERE taak_id = $1 AND regel = 3",
        taak_id,
    )
    await expect(page.get_by_role("progressbar", name="Bezig met opslaan: 3 van 4 regels klaar.")).to_be_visible()
    await pool.execute(
        "UPDATE import_rijen SET opgeslagen = 'ongewijzigd', overdracht = 'geen' WHERE taak_id = $1 AND regel = 4",
        taak_id,
    )
    await pool.execute("UPDATE import_taken SET status = 'klaar', klaar_op = now() WHERE id = $1", taak_id)
    await page.get_by_text("Het bestand is ingelezen: 4 regels.").wait_for()
    await expect(page.get_by_role("progressbar")).to_have_count(0)
    await expect(page.locator("dt:text-is('Nieuwe kinderen') + dd")).to_have_text("1")
    await expect(page.locator("dt:text-is('Overdrachten nu geopend') + dd")).to_have_text("1")
    await expect(page.get_by_role("link", name="Download het verslag per regel (CSV)")).to_be_visible()
    await assert_accessible(page)

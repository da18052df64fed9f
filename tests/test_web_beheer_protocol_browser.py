"""The beheerder's protocol and audit export in chromium, with the keyboard and axe on every page: upload
a protocol file with a mistake, find it by its setting, correct it in the box, read the differences,
activate it; then download the audit export of today."""

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from playwright.async_api import Page, expect

from protocol.dates import amsterdam_date
from tests.browser import assert_accessible
from tests.test_protocol_beheer import LATER, a_gemeente
from tests.test_web_pm_browser import press

# Almere's file, sent at 3 years 11 months, with one mistake: escalation to the coordinator before the manager.
MISTAKE = LATER.replace("naar_coordinator_na_werkdagen = 10", "naar_coordinator_na_werkdagen = 3")


async def test_a_beheerder_corrects_uploads_and_activates_a_protocol_then_exports_the_audit_trail(
    live_server: str, page: Page, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    g = await a_gemeente(pool)
    await page.goto(f"{live_server}/aanmelden")
    await page.get_by_label("Gebruiker").select_option(str(g.beheerder))
    await press(page, "Aanmelden")
    await page.get_by_role("heading", name="Beheer", exact=True).wait_for()
    await assert_accessible(page)

    await press(page, "Protocol", "link")
    await page.get_by_role("heading", name="Protocol", exact=True).wait_for()
    await expect(page.get_by_role("row", name="Versie 1")).to_contain_text("actief")
    await assert_accessible(page)
    bestand = tmp_path / "protocol.toml"
    bestand.write_text(MISTAKE)
    await page.get_by_label("Protocolbestand").set_input_files(bestand)
    await press(page, "Uploaden en controleren")

    # The mistake, by its setting: in the summary, and beside its line of the file.
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Het protocol heeft 1 fout")
    await press(
        page,
        "escalatie.naar_coordinator_na_werkdagen: naar_coordinator_na_werkdagen moet groter zijn dan"
        " naar_leidinggevende_na_werkdagen",
        "link",
    )
    target = page.locator("#veld-escalatie-naar-coordinator-na-werkdagen")
    await expect(target).to_contain_text("escalatie.naar_coordinator_na_werkdagen")
    await expect(page.locator("tr", has=target)).to_contain_text("naar_coordinator_na_werkdagen = 3")
    assert page.url.endswith("#veld-escalatie-naar-coordinator-na-werkdagen")
    await assert_accessible(page)

    # Corrected in the box, where what was sent is kept.
    box = page.get_by_label("Of plak de inhoud van het bestand hier")
    kept = await box.input_value()
    assert "naar_coordinator_na_werkdagen = 3" in kept
    await box.fill(kept.replace("naar_coordinator_na_werkdagen = 3", "naar_coordinator_na_werkdagen = 10"))
    await press(page, "Uploaden en controleren")

    await page.get_by_role("heading", name="Protocolversie 2").wait_for()
    await expect(page.get_by_role("status")).to_contain_text("opgeslagen als concept")
    differences = page.get_by_role("table", name="Verschil met de actieve versie (versie 1)")
    await expect(differences.get_by_role("row")).to_have_count(2)  # the header and the one setting
    row = differences.get_by_role("row", name="Verzonden naar de school uiterlijk")
    await expect(row.get_by_role("cell")).to_have_text(["3 jaar en 10 maanden", "3 jaar en 11 maanden"])
    await assert_accessible(page)
    await press(page, "Versie 2 activeren")

    await expect(page.get_by_role("status")).to_contain_text("De versie is geactiveerd")
    await expect(page.get_by_role("row", name="Versie 2")).to_contain_text("actief")
    await expect(page.get_by_role("row", name="Versie 1")).to_contain_text("eerder actief")
    await assert_accessible(page)

    # The audit trail of today, the beheerder's own rows: the upload and the activation are in it.
    await page.goto(f"{live_server}/beheer")
    await press(page, "Audit-log", "link")
    await page.get_by_role("heading", name="Audit-log exporteren").wait_for()
    await assert_accessible(page)
    today = amsterdam_date(datetime.now(UTC)).isoformat()
    await page.get_by_label("Eerste dag").fill(today)
    await page.get_by_label("Laatste dag").fill(today)
    await page.get_by_label("Gebruiker").select_option(label="Bea Beheer (functioneel beheer)")
    async with page.expect_download() as download:
        await press(page, "Downloaden als CSV")
    saved = tmp_path / "audit.csv"
    await (await download.value).save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert {r["Gebruiker-id"] for r in rows} == {str(g.beheerder)}
    assert {"protocol.versie.2", "protocol.versie.2.activering"} <= {r["Onderwerp"] for r in rows}

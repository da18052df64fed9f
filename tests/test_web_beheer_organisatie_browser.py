"""The beheerder of a gemeente that is just starting builds its organisation in a real browser (Debian's
chromium, tests/browser.py), with axe on every page: a stadsdeel, a wijk, a voorschool location, the
schools from DUO's file; then renames one school and closes it."""

import asyncpg
from playwright.async_api import Page, expect

from tests.browser import assert_accessible
from tests.test_duo import duo_csv, vestiging
from tests.test_organisatie_api import make_gemeente


async def test_a_beheerder_sets_up_the_organisation_from_the_pages(
    live_server: str, page: Page, pool: asyncpg.Pool
) -> None:
    g = await make_gemeente(pool, "Zeewolde", leeg=True)
    await page.goto(f"{live_server}/aanmelden")
    await page.get_by_label("Gebruiker").select_option(str(g.beheerder))
    await page.get_by_role("button", name="Aanmelden").click()
    await page.get_by_role("heading", name="Beheer", exact=True).wait_for()
    await assert_accessible(page)

    await page.get_by_role("link", name="Organisatie", exact=True).click()
    await page.get_by_role("heading", name="Organisatie van Zeewolde").wait_for()
    await expect(page.get_by_text("Nog geen stadsdelen.")).to_be_visible()
    await assert_accessible(page)

    # A stadsdeel: first without a name (the form says why), then with one, with the keyboard.
    await page.get_by_role("link", name="Stadsdeel toevoegen").click()
    await page.get_by_role("heading", name="Nieuw stadsdeel").wait_for()
    await assert_accessible(page)
    await page.get_by_role("button", name="Toevoegen").click()
    await page.get_by_role("heading", name="Kijk nog even naar uw antwoord").wait_for()
    await assert_accessible(page)
    await page.get_by_role("link", name="Vul dit in.").click()  # the summary leads to the field
    await expect(page.get_by_label("Naam")).to_be_focused()
    await page.keyboard.type("Centrum")
    await page.keyboard.press("Enter")
    await expect(page.get_by_text("Toegevoegd.")).to_be_visible()

    await page.get_by_role("link", name="Wijk toevoegen").click()
    await page.get_by_role("heading", name="Nieuwe wijk").wait_for()
    await assert_accessible(page)
    await page.get_by_label("Naam").fill("Haven")
    await page.get_by_label("Stadsdeel").select_option(label="Centrum")
    await page.get_by_role("button", name="Toevoegen").click()
    await expect(page.get_by_text("Toegevoegd.")).to_be_visible()

    await page.get_by_role("link", name="Locatie toevoegen").click()
    await page.get_by_role("heading", name="Nieuwe voorschoollocatie").wait_for()
    await page.get_by_label("Naam").fill("Peuteropvang De Duikboot")
    await page.get_by_label("Wijk").select_option(label="Haven (Centrum)")
    await page.get_by_label("LRK-nummer").fill("12345678")  # one digit short
    await page.get_by_role("button", name="Toevoegen").click()
    await expect(page.get_by_label("LRK-nummer")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("Naam")).to_have_value("Peuteropvang De Duikboot")  # kept
    await assert_accessible(page)
    await page.get_by_label("LRK-nummer").fill("123456789")
    await page.get_by_role("button", name="Toevoegen").click()
    await expect(page.get_by_role("link", name="Peuteropvang De Duikboot")).to_be_visible()
    await assert_accessible(page)

    # The schools, from DUO's file (the whole country's: only Zeewolde's rows are read).
    await page.get_by_role("link", name="Scholen inlezen uit het bestand van DUO").click()
    await page.get_by_role("heading", name="Scholen inlezen uit het bestand van DUO").wait_for()
    await assert_accessible(page)
    bestand = duo_csv([
        vestiging("12AB00", "OBS De Zeearend", "0050", "ZEEWOLDE"),
        vestiging("04XY00", "Basisschool Het Anker", "0034", "ALMERE"),
        vestiging("34CD00", "CBS De Wieken", "0050", "ZEEWOLDE"),
    ])  # fmt: skip
    await page.get_by_label("Wijk voor nieuwe scholen").select_option(label="Haven (Centrum)")
    await page.get_by_label("Het bestand van DUO").set_input_files(
        {"name": "03.-alle-vestigingen-basisonderwijs.csv", "mimeType": "text/csv", "buffer": bestand}
    )
    await page.get_by_role("button", name="Scholen inlezen").click()
    await page.get_by_role("heading", name="Verslag: scholen ingelezen").wait_for()
    await expect(page.get_by_text("2 toegevoegd, 0 bijgewerkt, 0 ongewijzigd, 0 overgeslagen")).to_be_visible()
    await assert_accessible(page)

    # Rename one, then close it.
    await page.get_by_role("link", name="OBS De Zeearend").click()
    await page.get_by_role("heading", name="School wijzigen: OBS De Zeearend").wait_for()
    await assert_accessible(page)
    await page.get_by_label("Naam").fill("Kindcentrum De Zeearend")
    await page.get_by_role("button", name="Opslaan").click()
    await expect(page.get_by_text("De wijziging is opgeslagen.")).to_be_visible()
    await page.get_by_role("heading", name="School wijzigen: Kindcentrum De Zeearend").wait_for()
    await page.get_by_role("button", name="School sluiten").click()
    await expect(page.get_by_text("Er kan niets nieuws meer bij")).to_be_visible()
    await expect(page.get_by_role("button", name="School weer openen")).to_be_visible()
    await assert_accessible(page)

    await page.get_by_role("link", name="Terug naar de organisatie").click()
    row = page.get_by_role("row", name="Kindcentrum De Zeearend")
    await expect(row).to_contain_text("gesloten sinds")
    await expect(page.get_by_role("row", name="CBS De Wieken")).to_contain_text("open")
    await assert_accessible(page)

"""A gemeente set up from nothing through the pages alone, in chromium, with axe on every page: the
first beheerder (made by `overdracht beheerder`) builds the organisation (a stadsdeel, a wijk, a
location, the schools from DUO's file), uploads and activates the protocol, invites a locatiemanager and
a coordinator (by mail: a real SMTP server, a real worker); the locatiemanager signs in from the mail and
imports the placements; the coordinator signs in from the mail and sees the overdracht in the gemeente's
overview, and nothing of Almere."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
from dateutil.relativedelta import relativedelta
from playwright.async_api import Browser, Page, expect
from temporalio.testing import WorkflowEnvironment

from db import namespaces
from protocol.dates import amsterdam_date
from services.inrichting import EersteBeheerder, first_beheerder
from tests.browser import assert_accessible, own_page
from tests.conftest import gemeente_worker
from tests.helpers import eventually, text_of
from tests.screenshots import screenshot
from tests.test_duo import duo_csv, vestiging
from tests.test_gebruikers import LINK
from tests.test_web_beheer_mensen_browser import Site, site

ROOT = Path(__file__).resolve().parent.parent
__all__ = ["site"]  # the app over HTTP whose worker mails through a real SMTP server
TODAY = amsterdam_date(datetime.now(UTC))


@asynccontextmanager
async def follow_invitation(site: Site, browser: Browser, email: str, naam: str) -> AsyncIterator[Page]:
    """The invited person's own browser, signed in from the link in their mail."""

    async def mailed() -> list[str]:
        return [LINK.findall(text_of(m))[0] for rcpt, m in site.mailbox.messages if rcpt == [email]]

    [code] = await eventually(mailed)
    link = urlsplit(f"http://127.0.0.1:8000/uitnodiging?code={code}")
    async with own_page(browser) as invited:
        await invited.goto(f"{site.base}{link.path}?{link.query}")
        await invited.get_by_role("heading", name=f"Welkom, {naam}").wait_for()
        await assert_accessible(invited)
        await invited.get_by_role("button", name="Aanmelden").click()
        await invited.wait_for_url(f"{site.base}/")
        yield invited


async def invite(page: Page, naam: str, email: str, rol: str, locatie: str | None = None) -> None:
    await page.get_by_role("link", name="Iemand uitnodigen").click()
    await page.get_by_role("heading", name="Iemand uitnodigen").wait_for()
    await page.get_by_label("Naam", exact=True).fill(naam)
    await page.get_by_label("E-mailadres", exact=True).fill(email)
    await page.get_by_label(rol, exact=True).check()
    if locatie:
        await page.get_by_label(locatie, exact=True).check()
    await assert_accessible(page)
    await page.get_by_role("button", name="Uitnodiging versturen").click()
    await page.get_by_text("De uitnodiging is verstuurd").wait_for()


async def test_a_beheerder_sets_up_a_new_gemeente_and_its_coordinator_sees_the_overview(
    site: Site, page: Page, browser: Browser, pool: asyncpg.Pool, env: WorkflowEnvironment, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    gemeente = f"Proefdorp {tag}"
    made = await first_beheerder(pool, gemeente, "Bea Begin", f"bea.{tag}@example.org")
    # Its engine namespace of its own, made as `overdracht beheerder` does, with a worker for it.
    namespace = await namespaces.of_gemeente(pool, made.gemeente_id)
    assert namespace is not None
    async with gemeente_worker(env, pool, site.settings, namespace):
        await _set_up(site, page, browser, pool, made, gemeente, tmp_path)


async def _set_up(
    site: Site, page: Page, browser: Browser, pool: asyncpg.Pool, made: EersteBeheerder, gemeente: str, tmp_path: Path
) -> None:
    base, tag = site.base, gemeente.removeprefix("Proefdorp ")

    # The first beheerder signs in and builds the organisation.
    await page.goto(f"{base}/aanmelden")
    await page.get_by_label("Gebruiker").select_option(str(made.gebruiker_id))
    await page.get_by_role("button", name="Aanmelden").click()
    await page.get_by_role("heading", name="Beheer", exact=True).wait_for()
    await assert_accessible(page)
    await screenshot(page, "beheerder")
    await page.get_by_role("link", name="Organisatie", exact=True).click()
    await page.get_by_role("link", name="Stadsdeel toevoegen").click()
    await page.get_by_label("Naam").fill("Centrum")
    await page.get_by_role("button", name="Toevoegen").click()
    await page.get_by_role("link", name="Wijk toevoegen").click()
    await page.get_by_label("Naam").fill("Haven")
    await page.get_by_label("Stadsdeel").select_option(label="Centrum")
    await page.get_by_role("button", name="Toevoegen").click()
    await page.get_by_role("link", name="Locatie toevoegen").click()
    await page.get_by_label("Naam").fill(f"Peuteropvang De Duikboot {tag}")
    await page.get_by_label("Wijk").select_option(label="Haven (Centrum)")
    await page.get_by_label("LRK-nummer").fill("123456789")
    await page.get_by_role("button", name="Toevoegen").click()
    await expect(page.get_by_role("link", name=f"Peuteropvang De Duikboot {tag}")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="Scholen inlezen uit het bestand van DUO").click()
    await page.get_by_label("Wijk voor nieuwe scholen").select_option(label="Haven (Centrum)")
    rows = [vestiging("12AB00", f"OBS De Zeearend {tag}", "0999", gemeente.upper())]
    rows.append(vestiging("04XY00", "Basisschool Het Anker", "0034", "ALMERE"))
    await page.get_by_label("Het bestand van DUO").set_input_files(
        {"name": "vestigingen-basisonderwijs.csv", "mimeType": "text/csv", "buffer": duo_csv(rows)}
    )
    await page.get_by_role("button", name="Scholen inlezen").click()
    await expect(page.get_by_text("1 toegevoegd, 0 bijgewerkt, 0 ongewijzigd, 0 overgeslagen")).to_be_visible()
    await assert_accessible(page)

    # The protocol: Almere's file, checked, then activated.
    await page.goto(f"{base}/beheer")
    await page.get_by_role("link", name="Protocol", exact=True).click()
    await page.get_by_label("Protocolbestand").set_input_files(ROOT / "protocol" / "almere.toml")
    await page.get_by_role("button", name="Uploaden en controleren").click()
    await page.get_by_role("heading", name="Protocolversie 1").wait_for()
    await assert_accessible(page)
    await page.get_by_role("button", name="Versie 1 activeren").click()
    await expect(page.get_by_role("status")).to_contain_text("De versie is geactiveerd")

    # The people: a locatiemanager for the new location, and a coordinator.
    lm, coordinator = (f"lm.{tag}@example.org", "Lotte Locatie"), (f"co.{tag}@example.org", "Cor Coördinator")
    await page.goto(f"{base}/beheer")
    await page.get_by_role("link", name="Mensen en rollen").click()
    await invite(page, lm[1], lm[0], "Locatiemanager", f"Peuteropvang De Duikboot {tag}")
    await page.goto(f"{base}/beheer/mensen")
    await invite(page, coordinator[1], coordinator[0], "Coördinator")

    # The locatiemanager signs in from the mail and imports the placements: one child past 3½.
    born = (TODAY - relativedelta(years=3, months=7)).strftime("%d-%m-%Y")
    csv = (
        "voornaam;achternaam;geboortedatum;locatie;vve_indicatie;ouder1_naam;ouder1_email;school\r\n"
        f"Pien;Proef-{tag};{born};Peuteropvang De Duikboot {tag};ja;Ouder Proef;ouder.{tag}@example.org;"
        f"OBS De Zeearend {tag}\r\n"
    )
    async with follow_invitation(site, browser, lm[0], lm[1]) as manager:
        await manager.get_by_role("link", name="Plaatsingen importeren (CSV)").click()
        await manager.get_by_role("heading", name="Plaatsingen importeren").wait_for()
        await assert_accessible(manager)
        await manager.get_by_label("CSV-bestand met plaatsingen").set_input_files(
            {"name": "plaatsingen.csv", "mimeType": "text/csv", "buffer": csv.encode()}
        )
        await manager.get_by_role("button", name="Inlezen").click()
        await manager.get_by_text("Het bestand is ingelezen: 1 regels.").wait_for()
        await expect(manager.locator("dt:text-is('Overdrachten nu geopend') + dd")).to_have_text("1")
        await assert_accessible(manager)

    # The coordinator signs in from the mail: the gemeente's overview counts it; Almere is not there.
    async with follow_invitation(site, browser, coordinator[0], coordinator[1]) as coord:
        await coord.get_by_role("heading", name="Overzicht schooljaar", exact=False).wait_for()
        await expect(coord.get_by_role("table").filter(has_text="Haven").first).to_be_visible()
        await assert_accessible(coord)
        await screenshot(coord, "coordinator")
        await coord.goto(f"{base}/overdrachten")
        await expect(coord.get_by_role("link", name=f"Overdracht bij Peuteropvang De Duikboot {tag}")).to_have_count(1)
        await expect(coord.get_by_text("De Boomhut")).to_have_count(0)
        await expect(coord.get_by_text(f"Proef-{tag}")).to_have_count(0)  # metadata only
        await assert_accessible(coord)

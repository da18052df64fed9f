"""The beheerder's organisation pages (/beheer/organisatie), over HTTP against the real app: who may see
them (the pages' own matrix), another gemeente's organisation a 404 page, bad input the form again with
what was typed and a message per field, closing and opening again (a closed school no longer offered to
choose), and the DUO import's upload with its report. The browser test: test_web_beheer_organisatie_browser.py."""

import re
from collections.abc import AsyncIterator
from uuid import UUID

import asyncpg
import httpx
import pytest

from core.settings import Settings
from overdracht import demo
from tests.conftest import Login, app_client
from tests.test_duo import duo_csv, vestiging
from tests.test_organisatie_api import BEHEERDER, Gemeente, brin, lrk, make_gemeente, uniek
from tests.test_ouder_brieven import open_child
from tests.test_web_pages import ORIGIN, sign_in

ADRES = "/beheer/organisatie"


def csrf_of(html: str) -> str:
    [token] = re.findall(r'name="csrf" value="([^"]+)"', html)[:1]
    return token


class Browser:
    """One signed-in person's browser: pages and forms as the person sends them."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.csrf = ""

    async def get(self, path: str, status: int = 200) -> str:
        r = await self.client.get(path, headers={"Accept": "text/html"})
        assert r.status_code == status, f"GET {path}: {r.status_code}"
        if 'name="csrf"' in r.text:
            self.csrf = csrf_of(r.text)
        return r.text

    async def post(
        self, path: str, data: dict[str, str], status: int = 303, files: dict[str, tuple[str, bytes, str]] | None = None
    ) -> httpx.Response:
        if not self.csrf:
            await self.get(ADRES if status != 403 else "/")
        headers = {**ORIGIN, "Accept": "text/html"}
        r = await self.client.post(path, data={"csrf": self.csrf, **data}, headers=headers, files=files)
        assert r.status_code == status, f"POST {path}: {r.status_code} {r.text[:2000]}"
        return r


@pytest.fixture
async def browser(settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[Browser]:
    async with app_client(settings) as client:
        await sign_in(client, BEHEERDER)
        yield Browser(client)


async def browser_of(client: httpx.AsyncClient, user: UUID) -> Browser:
    r = await sign_in(client, user)
    assert r.status_code == 303
    return Browser(client)


def fout_bij(html: str, veld: str) -> str:
    """The message shown beside a field (its error element), without the hidden "Fout: "."""
    m = re.search(rf'id="veld-{veld}-fout"><span class="visueel-verborgen">Fout: </span>([^<]+)</div>', html)
    assert m, f"no message beside {veld}"
    return m[1]


def waarde_van(html: str, veld: str) -> str:
    m = re.search(rf'id="veld-{veld}" name="{veld}" value="([^"]*)"', html)
    assert m, f"no field {veld}"
    return m[1]


# Who may see them


PAGES = [
    ADRES,
    f"{ADRES}/stadsdelen/nieuw",
    f"{ADRES}/locaties/nieuw",
    f"{ADRES}/scholen/duo-import",
    f"{ADRES}/scholen/{demo.STER}",
    f"{ADRES}/wijken/{next(iter(demo.WIJKEN))}",
]


@pytest.mark.parametrize(
    "user",
    [demo.COORDINATOR, demo.PM_USER[demo.BOOMHUT], demo.LM_USER[demo.BOOMHUT], demo.SCHOOL_USER[demo.STER]],
    ids=["coordinator", "pm", "lm", "school"],
)
async def test_only_the_beheerder_has_the_organisation_pages(
    settings: Settings, pool: asyncpg.Pool, user: UUID
) -> None:
    async with app_client(settings) as client:
        other = await browser_of(client, user)
        for path in PAGES:
            html = await other.get(path, 403)
            assert "functioneel beheer" in html or "Met de rol" in html
        await other.get("/")
        r = await other.post(f"{ADRES}/stadsdelen/nieuw", {"naam": "Door een ander"}, 403)
        assert "Niet toegestaan" in r.text
        r = await other.post(f"{ADRES}/scholen/{demo.STER}/sluiten", {}, 403)
    assert await pool.fetchval("SELECT count(*) FROM stadsdelen WHERE naam = 'Door een ander'") == 0
    assert await pool.fetchval("SELECT gesloten_op FROM scholen WHERE id = $1", demo.STER) is None


async def test_the_beheerder_sees_the_organisation_and_reaches_it_from_the_start_page(browser: Browser) -> None:
    start = await browser.get("/")
    assert f'href="{ADRES}"' in start
    html = await browser.get(ADRES)
    for naam in ("Almere Stad", "Literatuurwijk", "Peuteropvang De Boomhut", "Basisschool De Ster"):
        assert naam in html
    assert f'href="{ADRES}/scholen/{demo.STER}"' in html
    for path in PAGES:
        await browser.get(path)


async def test_another_gemeentes_organisation_is_a_404_page_and_not_listed(
    settings: Settings, pool: asyncpg.Pool, browser: Browser
) -> None:
    elders = await make_gemeente(pool)
    async with app_client(settings) as client:
        theirs = await browser_of(client, elders.beheerder)
        html = await theirs.get(ADRES)
        assert "Peuteropvang Elders" in html and "Boomhut" not in html and "Almere" not in html
        for path in (f"{ADRES}/scholen/{demo.STER}", f"{ADRES}/locaties/{demo.BOOMHUT}"):
            assert "bestaat niet of hoort niet bij uw gemeente" in await theirs.get(path, 404)
        await theirs.post(f"{ADRES}/scholen/{demo.STER}", {"naam": "Overgenomen", "wijkId": str(elders.wijk)}, 404)
        await theirs.post(f"{ADRES}/scholen/{demo.STER}/sluiten", {}, 404)
        # A wijk of Almere to put their location in: unknown.
        r = await theirs.post(
            f"{ADRES}/locaties/nieuw",
            {"naam": "Ergens", "wijkId": str(next(iter(demo.WIJKEN))), "lrkNummer": lrk()},
            400,
        )
        assert fout_bij(r.text, "wijkId") == "onbekende wijk"
    assert await pool.fetchval("SELECT naam FROM scholen WHERE id = $1", demo.STER) == "Basisschool De Ster"
    # Ours does not list theirs.
    assert "Peuteropvang Elders" not in await browser.get(ADRES)


# Adding, changing, closing


async def test_bad_input_comes_back_with_what_was_typed_and_a_message_per_field(browser: Browser) -> None:
    r = await browser.post(f"{ADRES}/stadsdelen/nieuw", {"naam": "   "}, 400)
    assert fout_bij(r.text, "naam") == "Vul dit in."
    assert 'href="#veld-naam"' in r.text  # the summary links to the field

    stadsdeel = uniek("Poort")
    await browser.post(f"{ADRES}/stadsdelen/nieuw", {"naam": stadsdeel})
    sd_id = await id_in(browser, "stadsdelen", stadsdeel)
    r = await browser.post(f"{ADRES}/stadsdelen/nieuw", {"naam": stadsdeel.upper()}, 409)
    assert fout_bij(r.text, "naam") == "er is al een stadsdeel met deze naam"
    assert waarde_van(r.text, "naam") == stadsdeel.upper()

    wijk = uniek("Havenkwartier")
    await browser.post(f"{ADRES}/wijken/nieuw", {"naam": wijk, "stadsdeelId": str(sd_id)})
    wijk_id = await id_in(browser, "wijken", wijk)
    locatie = uniek("Peuteropvang Het Kompas")
    r = await browser.post(f"{ADRES}/locaties/nieuw", {"naam": locatie, "wijkId": "", "lrkNummer": "12-34"}, 400)
    assert fout_bij(r.text, "wijkId") == "Vul dit in."
    assert waarde_van(r.text, "naam") == locatie and waarde_van(r.text, "lrkNummer") == "12-34"
    r = await browser.post(
        f"{ADRES}/locaties/nieuw", {"naam": locatie, "wijkId": str(wijk_id), "lrkNummer": "12-34"}, 400
    )
    assert fout_bij(r.text, "lrkNummer").startswith("Een LRK-nummer is 9 tot 12 cijfers")
    assert f'<option value="{wijk_id}" selected>' in r.text  # the choice kept
    r = await browser.post(
        f"{ADRES}/scholen/nieuw", {"naam": "", "wijkId": str(wijk_id), "brin": "1A", "vestiging": "x"}, 400
    )
    assert fout_bij(r.text, "naam") == "Vul dit in."
    r = await browser.post(
        f"{ADRES}/scholen/nieuw", {"naam": "S", "wijkId": str(wijk_id), "brin": "1A", "vestiging": "x"}, 400
    )
    assert fout_bij(r.text, "brin").startswith("Een BRIN-nummer is 4 tekens")
    assert fout_bij(r.text, "vestiging").startswith("Het vestigingsnummer is 2 cijfers")
    school = {"naam": uniek("Basisschool De Branding"), "wijkId": str(wijk_id), "brin": brin(), "vestiging": "00"}
    r = await browser.post(f"{ADRES}/scholen/nieuw", {**school, "intakeEmail": "aanmelden bij de balie"}, 400)
    assert fout_bij(r.text, "intakeEmail").startswith("Vul een e-mailadres in")
    assert waarde_van(r.text, "intakeEmail") == "aanmelden bij de balie"
    await browser.post(f"{ADRES}/scholen/nieuw", {**school, "intakeEmail": "aanmelden@branding.example.org"})
    school_id = await id_in(browser, "scholen", school["naam"])
    assert (
        waarde_van(await browser.get(f"{ADRES}/scholen/{school_id}"), "intakeEmail") == "aanmelden@branding.example.org"
    )
    await browser.post(f"{ADRES}/scholen/{school_id}", {**school, "intakeEmail": ""})  # emptied: none
    assert waarde_van(await browser.get(f"{ADRES}/scholen/{school_id}"), "intakeEmail") == ""

    r = await browser.post(f"{ADRES}/locaties/nieuw", {"naam": locatie, "wijkId": str(wijk_id), "lrkNummer": lrk()})
    assert r.headers["location"] == f"{ADRES}?gedaan=organisatie-toegevoegd"
    locatie_id = await id_in(browser, "locaties", locatie)
    # Changing it: an emptied name is a mistake, not "leave it".
    r = await browser.post(f"{ADRES}/locaties/{locatie_id}", {"naam": "", "wijkId": str(wijk_id), "lrkNummer": ""}, 400)
    assert fout_bij(r.text, "naam") == "Vul dit in."
    nieuw = uniek("Peuteropvang De Vuurtoren")
    r = await browser.post(f"{ADRES}/locaties/{locatie_id}", {"naam": nieuw, "wijkId": str(wijk_id), "lrkNummer": ""})
    assert r.headers["location"] == f"{ADRES}/locaties/{locatie_id}?gedaan=organisatie-opgeslagen"
    html = await browser.get(r.headers["location"])
    assert "De wijziging is opgeslagen." in html and waarde_van(html, "naam") == nieuw


async def id_in(browser: Browser, pad: str, naam: str) -> UUID:
    html = await browser.get(ADRES)
    m = re.search(rf'href="{ADRES}/{pad}/([0-9a-f-]{{36}})">{re.escape(naam)}</a>', html)
    assert m, f"{naam} not listed"
    return UUID(m[1])


async def test_a_closed_school_is_no_longer_offered_to_choose_and_opens_again(
    browser: Browser, settings: Settings, api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    naam = uniek("Basisschool De Uitkijk")
    wijk = next(iter(demo.WIJKEN))
    await browser.post(f"{ADRES}/scholen/nieuw", {"naam": naam, "wijkId": str(wijk), "brin": brin(), "vestiging": "00"})
    school_id = await id_in(browser, "scholen", naam)
    child = await open_child(api, pool, login)
    async with app_client(settings) as client:
        pm = await browser_of(client, demo.PM_USER[demo.BOOMHUT])
        assert naam in await pm.get(f"/overdrachten/{child.overdracht_id}/school")

        r = await browser.post(f"{ADRES}/scholen/{school_id}/sluiten", {})
        assert r.headers["location"] == f"{ADRES}/scholen/{school_id}?gedaan=organisatie-gesloten"
        html = await browser.get(r.headers["location"])
        assert "Gesloten sinds" in html and "School weer openen" in html
        assert naam not in await pm.get(f"/overdrachten/{child.overdracht_id}/school")

        await browser.post(f"{ADRES}/scholen/{school_id}/heropenen", {})
        assert naam in await pm.get(f"/overdrachten/{child.overdracht_id}/school")
        assert "School sluiten" in await browser.get(f"{ADRES}/scholen/{school_id}")


# The DUO import


async def test_the_duo_file_is_uploaded_and_its_report_shown(settings: Settings, pool: asyncpg.Pool) -> None:
    g: Gemeente = await make_gemeente(pool, "Zeewolde")
    rijen = [
        vestiging("12AB00", "OBS De Zeearend", "0050", "ZEEWOLDE"),
        vestiging("04XY00", "Basisschool Het Anker", "0034", "ALMERE"),
        vestiging("12AB0", "Onleesbaar", "0050", "ZEEWOLDE"),
    ]
    async with app_client(settings) as client:
        theirs = await browser_of(client, g.beheerder)
        form = await theirs.get(f"{ADRES}/scholen/duo-import")
        assert "Adressen alle vestigingen basisonderwijs" in form and 'enctype="multipart/form-data"' in form

        # No file; then the placements CSV: the form again, the wijk kept, the message beside the file.
        r = await theirs.post(f"{ADRES}/scholen/duo-import", {"wijkId": str(g.wijk)}, 400)
        assert fout_bij(r.text, "bestand") == "Kies het CSV-bestand van DUO."
        assert f'<option value="{g.wijk}" selected>' in r.text
        bad = b"voornaam;achternaam\r\nA;B\r\n"
        r = await theirs.post(
            f"{ADRES}/scholen/duo-import", {"wijkId": str(g.wijk)}, 400, files={"bestand": ("x.csv", bad, "text/csv")}
        )
        assert "Dit is niet het bestand van DUO" in fout_bij(r.text, "bestand")

        r = await theirs.post(
            f"{ADRES}/scholen/duo-import", {"wijkId": str(g.wijk)}, 200,
            files={"bestand": ("03.-alle-vestigingen-basisonderwijs.csv", duo_csv(rijen), "text/csv")},
        )  # fmt: skip
        assert "1 toegevoegd, 0 bijgewerkt, 0 ongewijzigd, 1 overgeslagen" in r.text
        assert "is 1 rij van andere gemeenten" in r.text
        assert "OBS De Zeearend</a>" in r.text and "Het Anker" not in r.text  # another gemeente's: only counted
        assert "VESTIGINGSCODE is geen BRIN met vestiging" in r.text
        assert "Basisschool Elders" in r.text  # not in the file: reported
        added = "SELECT count(*) FROM scholen WHERE brin = '12AB' AND vestiging = '00' AND wijk_id = $1"
        assert await pool.fetchval(added, g.wijk) == 1

        # The gemeentecode, on the same page.
        r = await theirs.post(f"{ADRES}/gemeentecode", {"gemeentecode": "5a"}, 400)
        assert fout_bij(r.text, "gemeentecode").startswith("De gemeentecode is 4 cijfers")
        r = await theirs.post(f"{ADRES}/gemeentecode", {"gemeentecode": "50"})
        assert waarde_van(await theirs.get(r.headers["location"]), "gemeentecode") == "0050"


async def test_the_beheerder_sets_how_staff_get_reminders(
    browser: Browser, api: httpx.AsyncClient, login: Login
) -> None:
    html = await browser.get(ADRES)
    assert 'id="herinneringen"' in html and '<option value="8" selected>8:00 uur</option>' in html
    wrong = await browser.post(f"{ADRES}/herinneringen", {"bundelen": "true", "bundelUur": "25"}, 400)
    assert fout_bij(wrong.text, "bundelUur")
    beheerder = await login(BEHEERDER)
    code = (await api.get("/v1/gemeente", headers=beheerder)).json()["gemeentecode"]
    try:
        r = await browser.post(f"{ADRES}/herinneringen", {"bundelen": "true", "bundelUur": "7"})
        assert r.headers["location"] == f"{ADRES}?gedaan=organisatie-opgeslagen"
        gemeente = (await api.get("/v1/gemeente", headers=beheerder)).json()
        assert (gemeente["bundelen"], gemeente["bundelUur"], gemeente["gemeentecode"]) == (True, 7, code)
    finally:
        await browser.post(f"{ADRES}/herinneringen", {"bundelen": "false", "bundelUur": "8"})

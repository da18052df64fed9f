"""POST /v1/imports/plaatsingen: a CSV export of placements, through the real API, engine and database.

Each test imports into a gemeente of its own (its own locations, users and protocol), so the rows it
counts are exactly the ones it made."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from dateutil.relativedelta import relativedelta
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from db import protocol as protocols
from overdracht import demo
from protocol.dates import amsterdam_date
from schemas.protocol import ProtocolConfig
from services.commands import overdracht_id_for
from services.plaatsingen_csv import BestandOngeldig, elfproef, lees_bestand, lees_datum
from tests.conftest import Login, app_client, free_port
from tests.helpers import HandoverHandle, assert_problem, eventually, finished_import
from workflows.handover import HandoverWorkflow
from workflows.ids import workflow_id

URL = "/v1/imports/plaatsingen"
COLUMNS = (
    "voornaam", "achternaam", "geboortedatum", "locatie", "vve_indicatie", "vve_indicatie_datum",
    "ouder1_naam", "ouder1_email", "ouder2_naam", "ouder2_email", "bsn", "school",
)  # fmt: skip

TODAY = amsterdam_date(datetime.now(UTC))
OLDER = TODAY - relativedelta(years=3, months=7)  # past the start age (3½), no deadline passed yet
YOUNGER = TODAY - relativedelta(years=2)  # opens itself in a year and a half
PAST_DEADLINE = TODAY - relativedelta(years=3, months=11)  # past the send deadline (3y10m)


def dmy(d: date) -> str:
    return d.strftime("%d-%m-%Y")


@dataclass
class Gemeente:
    id: uuid.UUID
    bos: uuid.UUID  # location "Peuteropvang Het Bos"
    wei: uuid.UUID  # location "Peuterspeelzaal De Wei"
    linde: uuid.UUID  # school "Basisschool De Linde"
    manager_bos: uuid.UUID
    manager_wei: uuid.UUID
    pm_bos: uuid.UUID
    beheerder: uuid.UUID


@pytest.fixture
async def gemeente(pool: asyncpg.Pool) -> Gemeente:
    g = Gemeente(*(uuid.uuid4() for _ in range(8)))
    stadsdeel, wijk = uuid.uuid4(), uuid.uuid4()
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("INSERT INTO gemeenten VALUES ($1, 'Houten')", g.id)
        await conn.execute("INSERT INTO stadsdelen VALUES ($1, $2, 'Centrum')", stadsdeel, g.id)
        await conn.execute("INSERT INTO wijken VALUES ($1, $2, 'Oude Dorp')", wijk, stadsdeel)
        await conn.execute("INSERT INTO locaties VALUES ($1, $2, 'Peuteropvang Het Bos')", g.bos, wijk)
        await conn.execute("INSERT INTO locaties VALUES ($1, $2, 'Peuterspeelzaal De Wei')", g.wei, wijk)
        await conn.execute(
            "INSERT INTO scholen (id, wijk_id, naam) VALUES ($1, $2, 'Basisschool De Linde')", g.linde, wijk
        )
        users = [
            (g.manager_bos, "locatiemanager", g.bos),
            (g.manager_wei, "locatiemanager", g.wei),
            (g.pm_bos, "pedagogisch_medewerker", g.bos),
            (g.beheerder, "beheerder", None),
        ]
        await conn.executemany(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id, locatie_id) VALUES ($1, 'Medewerker', $2, $3, $4)",
            [(u, rol, g.id, loc) for u, rol, loc in users],
        )
    await protocols.store(pool, g.id, ProtocolConfig())
    return g


def csv_file(*rows: dict[str, str], delimiter: str = ";", bom: bool = True) -> bytes:
    lines = [delimiter.join(COLUMNS)] + [delimiter.join(row.get(c, "") for c in COLUMNS) for row in rows]
    return ("\ufeff" if bom else "").encode() + ("\r\n".join(lines) + "\r\n").encode()


def child(voornaam: str, achternaam: str, born: date, locatie: str, **more: str) -> dict[str, str]:
    return {
        "voornaam": voornaam,
        "achternaam": achternaam,
        "geboortedatum": dmy(born),
        "locatie": locatie,
        "vve_indicatie": "nee",
        "ouder1_naam": f"Ouder {achternaam}",
        "ouder1_email": f"ouder.{achternaam.lower().replace(' ', '')}@example.org",
        **more,
    }


def mixed_file(g: Gemeente) -> bytes:
    """Good rows (lines 2, 3, 12) among every kind of bad one."""
    return csv_file(
        child(  # 2: past the start age, everything filled in, location and school by name
            "Noortje",
            "Vissering",
            OLDER,
            "Peuteropvang Het Bos",
            vve_indicatie="ja",
            vve_indicatie_datum=dmy(OLDER + relativedelta(years=2)),
            ouder2_naam="Tom Vissering",
            ouder2_email="tom.vissering@example.org",
            bsn="111222333",
            school="Basisschool De Linde",
        ),  # fmt: skip
        # 3: younger, location by id, ISO date
        {**child("Daantje", "Bakkerman", YOUNGER, str(g.bos)), "geboortedatum": YOUNGER.isoformat()},
        {**child("Semmie", "Smitsma", OLDER, "Peuteropvang Het Bos"), "geboortedatum": "31-02-2023"},  # 4
        {**child("Milaatje", "de Witte", OLDER, "Peuteropvang Het Bos"), "geboortedatum": "morgen"},  # 5
        child("Finnley", "Mulderink", OLDER, "Peuterspeelzaal Nergens"),  # 6: no such location
        child("Julia", "Bosschaert", OLDER, "Peuterspeelzaal De Wei"),  # 7: another manager's location
        child("noortje", " VISSERING", OLDER, "Peuteropvang Het Bos", ouder1_email="x@example.org"),  # 8: line 2
        child("A" * 10_000, "Langnaam", OLDER, "Peuteropvang Het Bos"),  # 9
        child("Lucassen", "Dekkering", OLDER, "Peuteropvang Het Bos", bsn="123456789"),  # 10
        child("Emmaatje", "Janssema", OLDER, "Peuteropvang Het Bos", ouder1_email="emma-at-example.org"),  # 11
        child("Saartje", "Meijering", PAST_DEADLINE, "Peuteropvang Het Bos", vve_indicatie="ja"),  # 12
        child(  # 13: two faults in one row
            "Tijn", "Koopmans", OLDER, "Peuteropvang Het Bos", vve_indicatie="misschien", ouder2_email="eva@example.org"
        ),
    )


PERSONAL = ("Noortje", "Vissering", "Daantje", "Bakkerman", "Semmie", "Milaatje", "Finnley", "Julia", "Bosschaert",
            "AAAAAAAAAA", "Lucassen", "Dekkering", "Emmaatje", "Saartje", "Meijering", "Koopmans", "111222333",
            "123456789", "example.org", "emma-at-example")  # fmt: skip

MIXED_REJECTIONS = {
    4: [("geboortedatum", "deze datum bestaat niet")],
    5: [("geboortedatum", "geen datum; gebruik DD-MM-JJJJ of JJJJ-MM-DD")],
    6: [("locatie", "onbekende locatie in uw gemeente")],
    7: [("locatie", "niet uw locatie")],
    8: [(None, "dubbele rij: hetzelfde kind als regel 2")],
    9: [("voornaam", "langer dan 200 tekens")],
    10: [("bsn", "voldoet niet aan de elfproef")],
    11: [("ouder1_email", "geen geldig e-mailadres")],
    13: [
        ("vve_indicatie", "gebruik ja of nee (of true/false, 1/0)"),
        ("ouder2_naam", "vul ook de naam van de tweede ouder in (het e-mailadres mag leeg blijven)"),
    ],
}


async def post_file(api: httpx.AsyncClient, who: dict[str, str], content: bytes) -> httpx.Response:
    return await api.post(URL, headers=who, files={"bestand": ("plaatsingen.csv", content, "text/csv")})


async def upload(api: httpx.AsyncClient, who: dict[str, str], content: bytes) -> dict[str, Any]:
    """The file posted, and what its job did, once it has ended."""
    done = await finished_import(api, await post_file(api, who, content), who)
    result: dict[str, Any] = done.json()["resultaat"]
    return result


async def counts(pool: asyncpg.Pool, g: Gemeente) -> tuple[int, int, int]:
    """Children at the gemeente's locations, its users, its overdrachten."""
    return (
        await pool.fetchval("SELECT count(*) FROM kinderen WHERE locatie_id = ANY($1::uuid[])", [g.bos, g.wei]),
        await pool.fetchval("SELECT count(*) FROM gebruikers WHERE gemeente_id = $1", g.id),
        await pool.fetchval("SELECT count(*) FROM overdrachten WHERE gemeente_id = $1", g.id),
    )


async def kind_id(pool: asyncpg.Pool, g: Gemeente, voornaam: str) -> uuid.UUID:
    return await pool.fetchval(
        "SELECT id FROM kinderen WHERE voornaam = $1 AND locatie_id = ANY($2::uuid[])", voornaam, [g.bos, g.wei]
    )


def rejections(body: dict[str, Any]) -> dict[int, list[tuple[str | None, str]]]:
    return {r["regel"]: [(f["veld"], f["reden"]) for f in r["fouten"]] for r in body["afgewezenRijen"]}


async def test_good_rows_are_imported_and_bad_rows_reported_by_line_and_field(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, gemeente: Gemeente
) -> None:
    g = gemeente

    manager = await login(g.manager_bos)
    posted = await post_file(api, manager, mixed_file(g))
    done = await finished_import(api, posted, manager)

    body = done.json()["resultaat"]
    assert rejections(body) == MIXED_REJECTIONS
    assert {k: body[k] for k in ("rijen", "geimporteerd", "bijgewerkt", "ongewijzigd", "afgewezen")} == {
        "rijen": 12, "geimporteerd": 3, "bijgewerkt": 0, "ongewijzigd": 0, "afgewezen": 9,
    }  # fmt: skip
    assert (body["overdrachtenGeopend"], body["overdrachtenIngepland"]) == (2, 1)
    for word in PERSONAL:
        assert word not in posted.text and word not in done.text
    # Only the good rows were written, with their parents.
    children = await pool.fetch(
        "SELECT voornaam, achternaam, geboortedatum, bsn, vve_indicatie, aangemelde_school_id FROM kinderen"
        " WHERE locatie_id = ANY($1::uuid[]) ORDER BY voornaam",
        [g.bos, g.wei],
    )
    assert [(c["voornaam"], c["achternaam"], c["geboortedatum"]) for c in children] == [
        ("Daantje", "Bakkerman", YOUNGER), ("Noortje", "Vissering", OLDER), ("Saartje", "Meijering", PAST_DEADLINE),
    ]  # fmt: skip
    noortje = children[1]
    assert (noortje["bsn"], noortje["vve_indicatie"], noortje["aangemelde_school_id"]) == ("111222333", True, g.linde)
    parents = await pool.fetch(
        "SELECT g.naam, g.email, k.voornaam FROM gebruikers g JOIN kinderen k ON k.id = g.kind_id"
        " WHERE g.gemeente_id = $1 AND g.rol = 'ouder'",
        g.id,
    )
    assert {(p["voornaam"], p["naam"], p["email"]) for p in parents} == {
        ("Noortje", "Ouder Vissering", "ouder.vissering@example.org"),
        ("Noortje", "Tom Vissering", "tom.vissering@example.org"),
        ("Daantje", "Ouder Bakkerman", "ouder.bakkerman@example.org"),
        ("Saartje", "Ouder Meijering", "ouder.meijering@example.org"),
    }


async def test_importing_the_same_file_again_changes_nothing(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, gemeente: Gemeente
) -> None:
    manager = await login(gemeente.manager_bos)
    await upload(api, manager, mixed_file(gemeente))
    after_first = await counts(pool, gemeente)

    body = await upload(api, manager, mixed_file(gemeente))

    assert {k: body[k] for k in ("geimporteerd", "bijgewerkt", "ongewijzigd", "afgewezen")} == {
        "geimporteerd": 0, "bijgewerkt": 0, "ongewijzigd": 3, "afgewezen": 9,
    }  # fmt: skip
    assert (body["overdrachtenGeopend"], body["overdrachtenIngepland"]) == (0, 0)
    assert rejections(body) == MIXED_REJECTIONS
    # 3 children; 4 staff + 4 parents; 2 overdrachten open (the third opens itself later).
    assert after_first == (3, 8, 2)
    assert await counts(pool, gemeente) == after_first


async def test_an_older_child_is_opened_by_the_importer_and_a_younger_one_waits_in_the_engine(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, gemeente: Gemeente, env: WorkflowEnvironment
) -> None:
    g = gemeente
    await upload(api, await login(g.manager_bos), mixed_file(g))
    pm = await login(g.pm_bos)
    older, younger, late = [overdracht_id_for(await kind_id(pool, g, n)) for n in ("Noortje", "Daantje", "Saartje")]

    listing = await api.get("/v1/overdrachten", headers=pm, params={"locatieId": str(g.bos), "pageSize": 100})

    assert listing.status_code == 200, listing.text
    seen = {o["id"]: o for o in listing.json()["resultaten"]}
    assert set(seen) == {str(older), str(late)}
    assert seen[str(older)]["status"] == "concept"
    assert seen[str(older)]["school"]["id"] == str(g.linde) and seen[str(older)]["vveIndicatie"] is True
    timeline = (await api.get(f"/v1/overdrachten/{older}/tijdlijn", headers=pm)).json()["gebeurtenissen"]
    assert (timeline[0]["gebeurtenis"], timeline[0]["rol"]) == ("geopend", "locatiemanager")
    actor = await pool.fetchval(
        "SELECT actor_id FROM overdracht_gebeurtenissen WHERE overdracht_id = $1 AND gebeurtenis = 'geopend'", older
    )
    assert actor == g.manager_bos
    # Past the send deadline: opened all the same, and flagged at once.
    await eventually(
        lambda: pool.fetchval("SELECT open_vlaggen FROM overdrachten WHERE id = $1", late),
        lambda flags: "te_laat_verzenden" in flags,
    )
    # The younger child: nothing in the read model yet, but a workflow waiting to open itself.
    assert await pool.fetchval("SELECT count(*) FROM overdrachten WHERE id = $1", younger) == 0
    handle: HandoverHandle = env.client.get_workflow_handle_for(HandoverWorkflow.run, workflow_id(younger))
    state = await handle.query(HandoverWorkflow.state)
    assert state.geopend_op is None and state.status.value == "concept"
    assert (await handle.describe()).close_time is None


async def test_a_beheerder_imports_for_every_location_and_a_changed_row_is_updated(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, gemeente: Gemeente
) -> None:
    g = gemeente
    beheerder = await login(g.beheerder)
    rows = [
        child("Jip", "Veldhuizen", YOUNGER, "Peuteropvang Het Bos", vve_indicatie="0"),
        child("Janneke", "Veldhuizen", YOUNGER, str(g.wei), vve_indicatie="false"),
    ]
    # The other upload: the file as the body, comma-delimited, without a BOM.
    headers = {**beheerder, "content-type": "text/csv; charset=utf-8"}

    posted = await api.post(URL, headers=headers, content=csv_file(*rows, delimiter=",", bom=False))
    first = (await finished_import(api, posted, headers)).json()["resultaat"]
    changed = [{**rows[0], "vve_indicatie": "ja", "ouder1_naam": "Ouder Veldhuizen-Smit"}, rows[1]]
    posted = await api.post(URL, headers=headers, content=csv_file(*changed, delimiter=",", bom=False))
    second = (await finished_import(api, posted, headers)).json()["resultaat"]

    assert (first["geimporteerd"], first["overdrachtenIngepland"]) == (2, 2)
    assert {k: second[k] for k in ("geimporteerd", "bijgewerkt", "ongewijzigd")} == {
        "geimporteerd": 0, "bijgewerkt": 1, "ongewijzigd": 1,
    }  # fmt: skip
    jip = await pool.fetchrow(
        "SELECT vve_indicatie, locatie_id FROM kinderen WHERE id = $1", await kind_id(pool, g, "Jip")
    )
    assert jip is not None
    assert (jip["vve_indicatie"], jip["locatie_id"]) == (True, g.bos)
    janneke = await kind_id(pool, g, "Janneke")
    assert await pool.fetchval("SELECT locatie_id FROM kinderen WHERE id = $1", janneke) == g.wei
    parents = await pool.fetch("SELECT naam FROM gebruikers WHERE kind_id = $1", await kind_id(pool, g, "Jip"))
    assert [p["naam"] for p in parents] == ["Ouder Veldhuizen-Smit"]


async def test_when_the_engine_is_down_the_file_is_refused_whole_and_nothing_is_stored(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, gemeente: Gemeente, settings: Settings
) -> None:
    """Without the engine no job could run: the answer says try later (503), and no child, parent or
    job is left behind; the same file then imports whole."""
    g = gemeente
    manager = await login(g.manager_bos)
    content = csv_file(
        child("Bram", "Engelsma", OLDER, "Peuteropvang Het Bos"),
        child("Roos", "Engelsma", YOUNGER, "Peuteropvang Het Bos"),
    )
    down = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}", "engine_timeout_seconds": 2})

    async with app_client(down) as broken:
        assert_problem(await post_file(broken, manager, content), 503)

    assert await counts(pool, g) == (0, 4, 0)
    assert await pool.fetchval("SELECT count(*) FROM import_taken WHERE gebruiker_id = $1", g.manager_bos) == 0

    body = await upload(api, manager, content)

    assert (body["geimporteerd"], body["overdrachtenGeopend"], body["overdrachtenIngepland"]) == (2, 1, 1)
    assert await counts(pool, g) == (2, 6, 1)


async def test_only_a_locatiemanager_or_beheerder_may_import(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, gemeente: Gemeente
) -> None:
    content = csv_file(child("Vera", "Verboden", OLDER, "Peuteropvang Het Bos"))

    for who in (gemeente.pm_bos, demo.CHILDREN[0].parent_id, demo.COORDINATOR):
        assert_problem(await post_file(api, await login(who), content), 403)
    assert_problem(await api.post(URL, files={"bestand": ("p.csv", content, "text/csv")}), 401)
    assert await counts(pool, gemeente) == (0, 4, 0)


async def test_a_file_that_is_no_usable_csv_is_refused_whole(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, gemeente: Gemeente
) -> None:
    manager = await login(gemeente.manager_bos)
    good = child("Vera", "Geweigerd", OLDER, "Peuteropvang Het Bos")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    missing = "voornaam;geboortedatum;locatie;vve_indicatie;ouder1_naam\r\nVera;01-01-2023;Het Bos;nee;X\r\n"
    too_many = csv_file(*[good] * 10_001)
    too_big = csv_file(good) + b"\r\n" * (5 * 1024 * 1024)

    assert "CSV" in assert_problem(await post_file(api, manager, png), 400)["detail"]
    body = assert_problem(await post_file(api, manager, missing.encode()), 400)
    # A parent's address is optional (a parent without one gets a printed letter): its column too.
    assert {p["name"]: p["reason"] for p in body["invalidParams"]} == {"achternaam": "kolom ontbreekt"}
    assert "achternaam" in body["detail"]
    assert assert_problem(await post_file(api, manager, b""), 400)["detail"].startswith("Het bestand is leeg")
    assert "10000 rijen" in assert_problem(await post_file(api, manager, too_many), 400)["detail"]
    assert "5 MB" in assert_problem(await post_file(api, manager, too_big), 400)["detail"]
    assert "UTF-8" in assert_problem(await post_file(api, manager, "voornaam;Zoë".encode("latin-1")), 400)["detail"]
    as_json = await api.post(URL, headers=manager, json={"voornaam": "Vera"})
    assert assert_problem(as_json, 400)["invalidParams"][0]["name"] == "Content-Type"
    no_field = await api.post(URL, headers=manager, files={"anders": ("p.csv", csv_file(good), "text/csv")})
    assert assert_problem(no_field, 400)["invalidParams"] == [{"name": "bestand", "reason": "ontbreekt"}]
    assert await counts(pool, gemeente) == (0, 4, 0)


def test_a_file_checked_without_its_rows_counts_and_refuses_as_when_read_whole() -> None:
    """The API only checks and counts an uploaded file (the job reads its rows): the same answer."""
    good = child("Vera", "Geweigerd", OLDER, "Peuteropvang Het Bos")
    kop, rest = csv_file(good, good, good).split(b"\r\n", 1)
    data = kop + b";klas\r\n" + rest  # a column the import does not know
    whole, checked = lees_bestand(data), lees_bestand(data, rijen=False)
    assert (checked.aantal, checked.genegeerde_kolommen) == (whole.aantal, whole.genegeerde_kolommen) == (3, ["klas"])
    assert len(whole.rijen) == 3 and checked.rijen == []
    with pytest.raises(BestandOngeldig, match="10000 rijen"):
        lees_bestand(csv_file(*[good] * 10_001), rijen=False)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("05-03-2023", date(2023, 3, 5)),
        ("5-3-2023", date(2023, 3, 5)),
        ("2023-03-05", date(2023, 3, 5)),
        ("29-02-2024", date(2024, 2, 29)),
        ("29-02-2023", "deze datum bestaat niet"),
        ("2023-13-01", "deze datum bestaat niet"),
        ("05/03/2023", "geen datum; gebruik DD-MM-JJJJ of JJJJ-MM-DD"),
        ("gisteren", "geen datum; gebruik DD-MM-JJJJ of JJJJ-MM-DD"),
    ],
)
def test_dates_are_read_in_both_formats(text: str, read: date | str) -> None:
    assert lees_datum(text) == read


@pytest.mark.parametrize(
    ("bsn", "valid"), [("111222333", True), ("123456782", True), ("123456789", False), ("000000000", False)]
)
def test_the_elfproef(bsn: str, valid: bool) -> None:
    assert elfproef(bsn) is valid


async def test_without_a_protocol_nothing_is_imported(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, gemeente: Gemeente
) -> None:
    await pool.execute("DELETE FROM protocol_versies WHERE gemeente_id = $1", gemeente.id)

    r = await post_file(
        api, await login(gemeente.beheerder), csv_file(child("Pim", "Zonder", OLDER, str(gemeente.bos)))
    )

    assert assert_problem(r, 409)["code"] == "protocol_ontbreekt"
    assert await counts(pool, gemeente) == (0, 4, 0)

"""The organisation's admin API (services/organisatie.py): the beheerder adds, renames, moves and closes
stadsdelen, wijken, voorschool locations and schools; every field is checked with its own message; a
duplicate is a 409 naming the field; a closed one takes nothing new while what it has carries on (the
placements import, choosing a school, a child's move); another gemeente's are not found; every change is in
the audit trail. The DUO import: tests/test_organisatie_duo.py."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from overdracht import demo
from schemas.overdracht import Rol
from services.import_controle import LOCATIE_GESLOTEN, SCHOOL_GESLOTEN
from tests.conftest import Login
from tests.helpers import assert_problem, finished_import
from tests.test_ouder_brieven import PM, open_child

BEHEERDER = demo.STAFF_USERS[10].id
assert demo.STAFF_USERS[10].rol is Rol.BEHEERDER


def uniek(naam: str) -> str:
    return f"{naam} {uuid.uuid4().hex[:8]}"


def lrk() -> str:
    return str(uuid.uuid4().int)[:10]


def brin() -> str:
    """A BRIN no demo school has: 2 digits, 2 letters."""
    n = uuid.uuid4().int
    return f"{n % 90 + 10}{chr(65 + n // 90 % 26)}{chr(65 + n // 2340 % 26)}"


@dataclass
class Gemeente:
    """A gemeente of the test's own, with its beheerder and coordinator, a stadsdeel, wijk, location and school."""

    id: UUID
    naam: str
    beheerder: UUID
    coordinator: UUID
    stadsdeel: UUID
    wijk: UUID
    locatie: UUID
    school: UUID


async def make_gemeente(
    pool: asyncpg.Pool, naam: str = "Eldersdorp", gemeentecode: str | None = None, *, leeg: bool = False
) -> Gemeente:
    """`leeg`: no stadsdeel, wijk, location or school yet (a gemeente about to start)."""
    ids = [uuid.uuid4() for _ in range(7)]
    g = Gemeente(ids[0], naam, *ids[1:])
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO gemeenten (id, naam, gemeentecode) VALUES ($1, $2, $3)", g.id, naam, gemeentecode
        )
        await conn.executemany(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id) VALUES ($1, $2, $3, $4)",
            [
                (g.beheerder, f"Beheerder {naam}", "beheerder", g.id),
                (g.coordinator, f"Coördinator {naam}", "coordinator", g.id),
            ],
        )
        if not leeg:
            await conn.execute(
                "INSERT INTO stadsdelen (id, gemeente_id, naam) VALUES ($1, $2, 'Centrum')", g.stadsdeel, g.id
            )
            await conn.execute(
                "INSERT INTO wijken (id, stadsdeel_id, naam) VALUES ($1, $2, 'Haven')", g.wijk, g.stadsdeel
            )
            await conn.execute(
                "INSERT INTO locaties (id, wijk_id, naam, lrk_nummer) VALUES ($1, $2, 'Peuteropvang Elders', $3)",
                g.locatie, g.wijk, lrk(),
            )  # fmt: skip
            await conn.execute(
                "INSERT INTO scholen (id, wijk_id, naam, brin, vestiging)"
                " VALUES ($1, $2, 'Basisschool Elders', $3, '00')",
                g.school, g.wijk, brin(),
            )  # fmt: skip
    return g


@pytest.fixture
async def elders(pool: asyncpg.Pool) -> Gemeente:
    return await make_gemeente(pool)


class Beheer:
    """The API as one user: each call answers the status expected, or fails with the answer."""

    def __init__(self, api: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.api, self.headers = api, headers

    async def __call__(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        r = await self.api.request(method, f"/v1{path}", headers=self.headers, json=body)
        assert r.status_code == status, f"{method} {path}: {r.status_code} {r.text}"
        return r.json()

    async def refused(self, method: str, path: str, body: Any, status: int) -> dict[str, str]:
        """A refusal: its invalidParams as {field: reason}."""
        r = await self.api.request(method, f"/v1{path}", headers=self.headers, json=body)
        problem = assert_problem(r, status)
        return {p["name"]: p["reason"] for p in problem.get("invalidParams", [])}

    async def tree(self, gemeente_code: str = "") -> dict[str, str]:
        """A fresh stadsdeel, wijk, location and school: their ids."""
        sd = await self("POST", "/stadsdelen", {"naam": uniek("Stadsdeel")}, 201)
        w = await self("POST", "/wijken", {"naam": uniek("Wijk"), "stadsdeelId": sd["id"]}, 201)
        loc = await self(
            "POST", "/locaties", {"naam": uniek("Peuteropvang"), "wijkId": w["id"], "lrkNummer": lrk()}, 201
        )
        s = await self(
            "POST",
            "/scholen",
            {"naam": uniek("Basisschool"), "wijkId": w["id"], "brin": brin(), "vestiging": "00"},
            201,
        )
        return {"stadsdeel": sd["id"], "wijk": w["id"], "locatie": loc["id"], "school": s["id"]}


@pytest.fixture
async def beheer(api: httpx.AsyncClient, login: Login) -> Beheer:
    return Beheer(api, await login(BEHEERDER))


async def audit_rows(pool: asyncpg.Pool, onderwerp: str) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT gebruiker_id, gemeente_id, actie, velden, grondslag, resultaat FROM audit_log WHERE onderwerp = $1"
        " ORDER BY id",
        onderwerp,
    )


# Building it


async def test_the_beheerder_adds_renames_and_moves_each_kind(beheer: Beheer, pool: asyncpg.Pool) -> None:
    noord = await beheer("POST", "/stadsdelen", {"naam": uniek("Noord")}, 201)
    zuid = await beheer("POST", "/stadsdelen", {"naam": uniek("Zuid")}, 201)
    assert (noord["gesloten"], noord["geslotenOp"]) == (False, None)
    wijk = await beheer("POST", "/wijken", {"naam": uniek("Haven"), "stadsdeelId": noord["id"]}, 201)
    wijk2 = await beheer("POST", "/wijken", {"naam": uniek("Stad"), "stadsdeelId": zuid["id"]}, 201)
    assert wijk["stadsdeel"] == {"id": noord["id"], "naam": noord["naam"]}
    # Lenient where people are: spaces in the LRK number, a BRIN in small letters, vestiging "0".
    nummer = lrk()
    locatie = await beheer(
        "POST",
        "/locaties",
        {"naam": "  Peuteropvang   De Haven ", "wijkId": wijk["id"], "lrkNummer": " ".join(nummer)},
        201,
    )
    assert (locatie["naam"], locatie["lrkNummer"], locatie["wijk"]["id"]) == (
        "Peuteropvang De Haven",
        nummer,
        wijk["id"],
    )
    code = brin()
    school = await beheer(
        "POST",
        "/scholen",
        {"naam": uniek("OBS De Haven"), "wijkId": wijk["id"], "brin": code.lower(), "vestiging": "0"},
        201,
    )
    assert (school["brin"], school["vestiging"], school["vestigingscode"]) == (code, "00", f"{code}00")

    # Read back: one, and in the lists.
    assert await beheer("GET", f"/locaties/{locatie['id']}") == locatie
    for path, item in (("/stadsdelen", noord), ("/wijken", wijk), ("/locaties", locatie), ("/scholen", school)):
        assert item in (await beheer("GET", path))["resultaten"]

    # Renamed, moved.
    wijk = await beheer("PATCH", f"/wijken/{wijk['id']}", {"stadsdeelId": zuid["id"]})
    assert wijk["stadsdeel"]["id"] == zuid["id"]
    nieuw = uniek("Peuteropvang Het Anker")
    locatie = await beheer("PATCH", f"/locaties/{locatie['id']}", {"naam": nieuw, "wijkId": wijk2["id"]})
    assert (locatie["naam"], locatie["wijk"]["id"], locatie["lrkNummer"]) == (nieuw, wijk2["id"], nummer)
    school = await beheer("PATCH", f"/scholen/{school['id']}", {"vestiging": "01", "wijkId": wijk2["id"]})
    assert (school["vestigingscode"], school["wijk"]["id"], school["stadsdeel"]["id"]) == (
        f"{code}01",
        wijk2["id"],
        zuid["id"],
    )
    sd = await beheer("PATCH", f"/stadsdelen/{noord['id']}", {"naam": "Noord " + noord["naam"]})
    assert sd["naam"] == "Noord " + noord["naam"]

    # Every change in the audit trail: who, which fields, why; no names.
    rows = await audit_rows(pool, f"organisatie.locatie/{locatie['id']}")
    assert [(r["actie"], r["velden"], r["resultaat"]) for r in rows] == [
        ("wijzigen", ["naam", "wijkId", "lrkNummer"], 201),
        ("wijzigen", ["naam", "wijkId"], 200),
    ]
    assert {(r["gebruiker_id"], r["gemeente_id"], r["grondslag"]) for r in rows} == {
        (BEHEERDER, demo.ALMERE, "OrganisatieBeheren")
    }
    assert [(r["velden"], r["resultaat"]) for r in await audit_rows(pool, f"organisatie.wijk/{wijk['id']}")] == [
        (["naam", "stadsdeelId"], 201),
        (["stadsdeelId"], 200),
    ]


async def test_the_gemeentecode_is_set_and_removed(api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool) -> None:
    g = await make_gemeente(pool, "Codedorp")
    beheer = Beheer(api, await login(g.beheerder))
    assert await beheer("GET", "/gemeente") == {
        "id": str(g.id), "naam": "Codedorp", "gemeentecode": None, "bundelen": False, "bundelUur": 8,
    }  # fmt: skip
    assert (await beheer("PATCH", "/gemeente", {"gemeentecode": "50"}))["gemeentecode"] == "0050"
    # Another field alone leaves the code as it is.
    assert await beheer("PATCH", "/gemeente", {"bundelen": True, "bundelUur": 7}) == {
        "id": str(g.id), "naam": "Codedorp", "gemeentecode": "0050", "bundelen": True, "bundelUur": 7,
    }  # fmt: skip
    assert await beheer.refused("PATCH", "/gemeente", {"gemeentecode": "50a"}, 400) == {
        "gemeentecode": "De gemeentecode is 4 cijfers, zoals het CBS hem geeft: 0034 voor Almere."
    }
    assert (await beheer("PATCH", "/gemeente", {"gemeentecode": None}))["gemeentecode"] is None
    assert [r["velden"] for r in await audit_rows(pool, f"organisatie.gemeente/{g.id}")] == [
        ["gemeentecode"],
        ["bundelen", "bundelUur"],
        ["gemeentecode"],
        ["gemeentecode"],
    ]


# Checking each field


LRK_FOUT = "Een LRK-nummer is 9 tot 12 cijfers, zoals het in het Landelijk Register Kinderopvang staat."
BRIN_FOUT = "Een BRIN-nummer is 4 tekens: 2 cijfers en dan 2 letters of cijfers, bijvoorbeeld 01AB."
VESTIGING_FOUT = "Het vestigingsnummer is 2 cijfers, bijvoorbeeld 00 voor de hoofdvestiging."


@pytest.mark.parametrize(
    ("soort", "velden", "fouten"),
    [
        ("stadsdelen", {"naam": "   "}, {"naam": "Vul een naam in."}),
        ("locaties", {"lrkNummer": "12345678"}, {"lrkNummer": LRK_FOUT}),
        ("locaties", {"lrkNummer": "1234567890123"}, {"lrkNummer": LRK_FOUT}),
        ("locaties", {"lrkNummer": "12345678x"}, {"lrkNummer": LRK_FOUT}),
        ("locaties", {"lrkNummer": "１２３４５６７８９"}, {"lrkNummer": LRK_FOUT}),  # digits, but not 0-9
        ("locaties", {"naam": "", "lrkNummer": "1"}, {"naam": "Vul een naam in.", "lrkNummer": LRK_FOUT}),
        ("scholen", {"brin": "1AB"}, {"brin": BRIN_FOUT}),
        ("scholen", {"brin": "ABCD"}, {"brin": BRIN_FOUT}),
        ("scholen", {"vestiging": "A1"}, {"vestiging": VESTIGING_FOUT}),
        ("scholen", {"vestiging": "100"}, {"vestiging": VESTIGING_FOUT}),
        ("scholen", {"brin": "01AB00", "vestiging": ""}, {"brin": BRIN_FOUT, "vestiging": VESTIGING_FOUT}),
    ],
)
async def test_each_field_is_checked_with_its_own_message(
    beheer: Beheer, soort: str, velden: dict[str, str], fouten: dict[str, str]
) -> None:
    ids = await beheer.tree()
    geldig = {
        "stadsdelen": {"naam": uniek("Oost")},
        "locaties": {"naam": uniek("Peuteropvang"), "wijkId": ids["wijk"], "lrkNummer": lrk()},
        "scholen": {"naam": uniek("School"), "wijkId": ids["wijk"], "brin": brin(), "vestiging": "00"},
    }[soort]
    before = len((await beheer("GET", f"/{soort}"))["resultaten"])

    assert await beheer.refused("POST", f"/{soort}", {**geldig, **velden}, 400) == fouten
    # The same check when changing one.
    enkelvoud = {"stadsdelen": "stadsdeel", "locaties": "locatie", "scholen": "school"}[soort]
    assert await beheer.refused("PATCH", f"/{soort}/{ids[enkelvoud]}", velden, 400) == fouten
    assert len((await beheer("GET", f"/{soort}"))["resultaten"]) == before


async def test_missing_fields_and_an_unknown_wijk_are_400_naming_the_field(beheer: Beheer) -> None:
    ids = await beheer.tree()
    assert set(await beheer.refused("POST", "/locaties", {"naam": uniek("L")}, 400)) == {"wijkId", "lrkNummer"}
    assert await beheer.refused("POST", "/wijken", {"naam": uniek("W"), "stadsdeelId": str(uuid.uuid4())}, 400) == {
        "stadsdeelId": "onbekend stadsdeel"
    }
    assert await beheer.refused("PATCH", f"/scholen/{ids['school']}", {"wijkId": str(uuid.uuid4())}, 400) == {
        "wijkId": "onbekende wijk"
    }
    assert "onbekend" in (await beheer.refused("PATCH", f"/scholen/{ids['school']}", {"onbekend": 1}, 400))


async def test_a_duplicate_is_409_naming_the_field(
    beheer: Beheer, api: httpx.AsyncClient, login: Login, elders: Gemeente
) -> None:
    ids = await beheer.tree()
    stadsdeel = await beheer("GET", f"/stadsdelen/{ids['stadsdeel']}")
    locatie = await beheer("GET", f"/locaties/{ids['locatie']}")
    school = await beheer("GET", f"/scholen/{ids['school']}")

    # The same name (capitals and spaces aside), LRK number, BRIN with vestiging.
    assert await beheer.refused("POST", "/stadsdelen", {"naam": f" {stadsdeel['naam'].upper()} "}, 409) == {
        "naam": "er is al een stadsdeel met deze naam"
    }
    assert await beheer.refused(
        "POST",
        "/locaties",
        {"naam": uniek("Peuteropvang"), "wijkId": ids["wijk"], "lrkNummer": locatie["lrkNummer"]},
        409,
    ) == {"lrkNummer": "er is al een locatie met dit LRK-nummer"}
    assert set(
        await beheer.refused(
            "POST",
            "/scholen",
            {"naam": uniek("S"), "wijkId": ids["wijk"], "brin": school["brin"], "vestiging": "00"},
            409,
        )
    ) == {"brin", "vestiging"}
    # Renaming into another's name; saving its own name again is no conflict.
    other = await beheer(
        "POST", "/locaties", {"naam": uniek("Peuteropvang"), "wijkId": ids["wijk"], "lrkNummer": lrk()}, 201
    )
    assert await beheer.refused("PATCH", f"/locaties/{other['id']}", {"naam": locatie["naam"]}, 409) == {
        "naam": "er is al een locatie met deze naam"
    }
    assert (
        await beheer(
            "PATCH", f"/locaties/{locatie['id']}", {"naam": locatie["naam"], "lrkNummer": locatie["lrkNummer"]}
        )
    )["naam"] == locatie["naam"]

    # Another gemeente may have the same: its organisation is its own.
    theirs = Beheer(api, await login(elders.beheerder))
    await theirs("POST", "/stadsdelen", {"naam": stadsdeel["naam"]}, 201)
    await theirs(
        "POST",
        "/locaties",
        {"naam": locatie["naam"], "wijkId": str(elders.wijk), "lrkNummer": locatie["lrkNummer"]},
        201,
    )
    await theirs(
        "POST",
        "/scholen",
        {"naam": school["naam"], "wijkId": str(elders.wijk), "brin": school["brin"], "vestiging": "00"},
        201,
    )


# Closing


async def test_a_closed_stadsdeel_or_wijk_takes_nothing_new_and_opens_again(beheer: Beheer, pool: asyncpg.Pool) -> None:
    ids = await beheer.tree()
    other = await beheer.tree()

    wijk = await beheer("PATCH", f"/wijken/{ids['wijk']}", {"gesloten": True})
    assert wijk["gesloten"] and wijk["geslotenOp"]
    assert await beheer.refused(
        "POST", "/locaties", {"naam": uniek("L"), "wijkId": ids["wijk"], "lrkNummer": lrk()}, 409
    ) == {"wijkId": "deze wijk is gesloten"}
    assert await beheer.refused("PATCH", f"/scholen/{other['school']}", {"wijkId": ids["wijk"]}, 409) == {
        "wijkId": "deze wijk is gesloten"
    }
    # What it has carries on: its location is still there, and can be renamed.
    assert (await beheer("PATCH", f"/locaties/{ids['locatie']}", {"naam": uniek("Hernoemd")}))["wijk"]["id"] == ids[
        "wijk"
    ]
    # Closing twice keeps the first moment.
    assert (await beheer("PATCH", f"/wijken/{ids['wijk']}", {"gesloten": True}))["geslotenOp"] == wijk["geslotenOp"]

    stadsdeel = await beheer("PATCH", f"/stadsdelen/{ids['stadsdeel']}", {"gesloten": True})
    assert stadsdeel["gesloten"]
    assert await beheer.refused("POST", "/wijken", {"naam": uniek("W"), "stadsdeelId": ids["stadsdeel"]}, 409) == {
        "stadsdeelId": "dit stadsdeel is gesloten"
    }
    assert await beheer.refused("PATCH", f"/wijken/{other['wijk']}", {"stadsdeelId": ids["stadsdeel"]}, 409) == {
        "stadsdeelId": "dit stadsdeel is gesloten"
    }

    # Open again: it takes new ones.
    await beheer("PATCH", f"/stadsdelen/{ids['stadsdeel']}", {"gesloten": False})
    assert (await beheer("PATCH", f"/wijken/{ids['wijk']}", {"gesloten": False}))["geslotenOp"] is None
    await beheer("POST", "/locaties", {"naam": uniek("L"), "wijkId": ids["wijk"], "lrkNummer": lrk()}, 201)
    assert [r["velden"] for r in await audit_rows(pool, f"organisatie.wijk/{ids['wijk']}")] == [
        ["naam", "stadsdeelId"],
        ["gesloten"],
        [],
        ["gesloten"],
    ]


def placements(*rijen: tuple[str, str, str]) -> bytes:
    """A placements CSV: (achternaam, location id, school id or "") per child, two years old (it opens
    itself at 3½)."""
    born = (date.today() - timedelta(days=2 * 365)).strftime("%d-%m-%Y")
    kop = "voornaam;achternaam;geboortedatum;locatie;vve_indicatie;ouder1_naam;school"
    return "\r\n".join([kop, *(f"Kind;{a};{born};{loc};nee;Ouder;{school}" for a, loc, school in rijen)]).encode()


async def test_a_closed_location_takes_no_new_child_but_its_children_carry_on(
    beheer: Beheer, api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool
) -> None:
    ids = await beheer.tree()
    school = await beheer(
        "POST", "/scholen", {"naam": uniek("S"), "wijkId": ids["wijk"], "brin": brin(), "vestiging": "00"}, 201
    )
    bekend, nieuw, naar_gesloten_school = uniek("Bekend"), uniek("Nieuw"), uniek("School")
    headers = {**beheer.headers, "Content-Type": "text/csv"}
    r = await api.post(
        "/v1/imports/plaatsingen", headers=headers, content=placements((bekend, ids["locatie"], school["id"]))
    )
    assert (await finished_import(api, r, headers)).json()["resultaat"]["geimporteerd"] == 1

    await beheer("PATCH", f"/locaties/{ids['locatie']}", {"gesloten": True})
    await beheer("PATCH", f"/scholen/{school['id']}", {"gesloten": True})
    other = await beheer.tree()
    r = await api.post(
        "/v1/imports/plaatsingen",
        headers=headers,
        content=placements((bekend, ids["locatie"], school["id"]), (nieuw, ids["locatie"], ""),
                           (naar_gesloten_school, other["locatie"], school["id"])),
    )  # fmt: skip

    result = (await finished_import(api, r, headers)).json()["resultaat"]
    assert (result["ongewijzigd"], result["geimporteerd"], result["afgewezen"]) == (1, 0, 2), result
    assert [(a["regel"], a["fouten"]) for a in result["afgewezenRijen"]] == [
        (3, [{"veld": "locatie", "reden": LOCATIE_GESLOTEN}]),
        (4, [{"veld": "school", "reden": SCHOOL_GESLOTEN}]),
    ]
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM kinderen WHERE achternaam = ANY($1::text[])", [nieuw, naar_gesloten_school]
        )
        == 0
    )


async def test_a_closed_school_is_not_chosen_and_no_child_moves_to_a_closed_location(
    beheer: Beheer, api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool
) -> None:
    ids = await beheer.tree()
    child = await open_child(api, pool, login)
    await beheer("PATCH", f"/scholen/{ids['school']}", {"gesloten": True})
    r = await api.put(
        f"/v1/overdrachten/{child.overdracht_id}/school", headers=await login(PM), json={"schoolId": ids["school"]}
    )
    assert {p["name"]: p["reason"] for p in assert_problem(r, 400)["invalidParams"]} == {
        "schoolId": "deze school is gesloten"
    }

    await beheer("PATCH", f"/scholen/{ids['school']}", {"gesloten": False})
    r = await api.put(
        f"/v1/overdrachten/{child.overdracht_id}/school", headers=await login(PM), json={"schoolId": ids["school"]}
    )
    assert r.status_code == 200, r.text
    # The school closes now: the overdracht already with it carries on.
    await beheer("PATCH", f"/scholen/{ids['school']}", {"gesloten": True})
    r = await api.get(f"/v1/overdrachten/{child.overdracht_id}", headers=await login(PM))
    assert r.json()["school"]["id"] == ids["school"]

    await beheer("PATCH", f"/locaties/{ids['locatie']}", {"gesloten": True})
    lm = demo.LM_USER[demo.BOOMHUT]
    r = await api.post(
        f"/v1/kinderen/{child.kind_id}/verhuizingen", headers=await login(lm), json={"locatieId": ids["locatie"]}
    )
    assert {p["name"] for p in assert_problem(r, 400)["invalidParams"]} == {"locatieId"}


# Two gemeenten


async def test_another_gemeentes_organisation_is_not_found_and_not_listed(
    beheer: Beheer, api: httpx.AsyncClient, login: Login, elders: Gemeente, pool: asyncpg.Pool
) -> None:
    ours = await beheer.tree()
    theirs = Beheer(api, await login(elders.beheerder))

    for soort, id_ in (("stadsdelen", ours["stadsdeel"]), ("wijken", ours["wijk"]), ("locaties", ours["locatie"]),
                       ("scholen", ours["school"])):  # fmt: skip
        await theirs.refused("GET", f"/{soort}/{id_}", None, 404)
        await theirs.refused("PATCH", f"/{soort}/{id_}", {"naam": "Overgenomen", "gesloten": True}, 404)
        listed = {x["id"] for x in (await theirs("GET", f"/{soort}"))["resultaten"]}
        assert id_ not in listed and listed, soort
        assert str(getattr(elders, soort_naam(soort))) in listed
        # And the other way round.
        await beheer.refused("GET", f"/{soort}/{getattr(elders, soort_naam(soort))}", None, 404)
    # Their things cannot go into ours, nor ours into theirs.
    assert await theirs.refused(
        "POST", "/locaties", {"naam": "L", "wijkId": ours["wijk"], "lrkNummer": lrk()}, 400
    ) == {"wijkId": "onbekende wijk"}
    assert await theirs.refused("PATCH", f"/wijken/{elders.wijk}", {"stadsdeelId": ours["stadsdeel"]}, 400) == {
        "stadsdeelId": "onbekend stadsdeel"
    }
    assert (await theirs("GET", "/gemeente"))["id"] == str(elders.id)
    # Nothing of ours changed.
    assert (await beheer("GET", f"/scholen/{ours['school']}"))["gesloten"] is False
    # The refusals are in the audit trail, with their status, as the other gemeente's beheerder's.
    rows = await audit_rows(pool, f"organisatie.school/{ours['school']}")
    assert [(r["gebruiker_id"], r["gemeente_id"], r["resultaat"]) for r in rows if r["resultaat"] == 404] == [
        (elders.beheerder, elders.id, 404)
    ]


def soort_naam(soort: str) -> str:
    return {"stadsdelen": "stadsdeel", "wijken": "wijk", "locaties": "locatie", "scholen": "school"}[soort]


@pytest.mark.parametrize(
    "user", [demo.COORDINATOR, demo.PM_USER[demo.BOOMHUT], demo.LM_USER[demo.BOOMHUT], demo.SCHOOL_USER[demo.STER]]
)
async def test_only_the_beheerder_keeps_the_organisation(api: httpx.AsyncClient, login: Login, user: UUID) -> None:
    other = Beheer(api, await login(user))
    await other.refused("GET", "/scholen", None, 403)
    await other.refused("POST", "/stadsdelen", {"naam": uniek("Stadsdeel")}, 403)
    await other.refused("PATCH", f"/scholen/{demo.STER}", {"gesloten": True}, 403)
    r = await api.post("/v1/scholen/duo-import", headers={**other.headers, "Content-Type": "text/csv"}, content=b"x")
    assert_problem(r, 403)

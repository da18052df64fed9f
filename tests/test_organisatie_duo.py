"""The gemeente's schools from DUO's file of basisonderwijs vestigingen (POST /v1/scholen/duo-import): only
the gemeente's rows, each school found again by BRIN and vestiging, a report per row, idempotent; a school
the file does not list is reported, not changed. The reading itself: tests/test_duo.py."""

import uuid
from typing import Any

import asyncpg
import httpx

from services.duo import MAX_BESTAND_BYTES
from tests.conftest import Login
from tests.helpers import assert_problem
from tests.test_duo import duo_csv, vestiging
from tests.test_organisatie_api import Beheer, Gemeente, audit_rows, make_gemeente


async def importeer(api: httpx.AsyncClient, beheer: Beheer, data: bytes, wijk: object = None, status: int = 200) -> Any:
    params = {"wijkId": str(wijk)} if wijk else {}
    r = await api.post(
        "/v1/scholen/duo-import", headers={**beheer.headers, "Content-Type": "text/csv"}, params=params, content=data
    )
    assert r.status_code == status, r.text
    return r.json()


def uitkomsten(result: dict[str, Any]) -> list[tuple[int, str, str | None, str | None]]:
    return [(r["regel"], r["uitkomst"], r["vestigingscode"], r["toelichting"]) for r in result["regels"]]


async def zeewolde(pool: asyncpg.Pool, login: Login, api: httpx.AsyncClient) -> tuple[Gemeente, Beheer]:
    g = await make_gemeente(pool, "Zeewolde")
    # A school the beheerder made by hand before, without BRIN: the file's row of the same name is it.
    await pool.execute("INSERT INTO scholen (id, wijk_id, naam) VALUES ($1, $2, 'OBS De Wieken')", uuid.uuid4(), g.wijk)
    return g, Beheer(api, await login(g.beheerder))


FILE = [
    vestiging("12AB00", "OBS De Zeearend", "0050", "ZEEWOLDE"),
    vestiging("04XY00", "Basisschool Het Anker", "0034", "ALMERE"),
    vestiging("12AB01", "OBS De Zeearend, dependance Horst", "0050", "ZEEWOLDE"),
    vestiging("34CD00", "OBS DE WIEKEN", "0050", "ZEEWOLDE"),
    vestiging("12AB0", "Onleesbare vestiging", "0050", "ZEEWOLDE"),
    vestiging("12AB00", "OBS De Zeearend (nog eens)", "0050", "ZEEWOLDE"),
    vestiging("77ZZ00", "", "0303", "DRONTEN"),  # another gemeente's bad row: only another gemeente's
]


async def test_the_gemeentes_schools_come_from_duos_file_with_a_report_per_row(
    api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool
) -> None:
    g, beheer = await zeewolde(pool, login, api)

    result = await importeer(api, beheer, duo_csv(FILE), g.wijk)

    assert uitkomsten(result) == [
        (2, "toegevoegd", "12AB00", None),
        (3, "overgeslagen", "04XY00", "andere gemeente (ALMERE)"),
        (4, "toegevoegd", "12AB01", None),
        (5, "bijgewerkt", "34CD00", "BRIN en vestiging aangevuld"),
        (6, "overgeslagen", "12AB0", "VESTIGINGSCODE is geen BRIN met vestiging (zoals 01AB00)"),
        (7, "overgeslagen", "12AB00", "dezelfde vestiging als regel 2"),
        (8, "overgeslagen", "77ZZ00", "andere gemeente (DRONTEN)"),
    ]
    assert [r["naam"] for r in result["regels"]][:3] == ["OBS De Zeearend", None, "OBS De Zeearend, dependance Horst"]
    counts = ("rijen", "toegevoegd", "bijgewerkt", "ongewijzigd", "overgeslagen", "andereGemeente", "gemeenteOp")
    assert [result[k] for k in counts] == [7, 2, 1, 0, 2, 2, "gemeentenaam"]
    # The school the file does not list: reported, not changed.
    assert [s["naam"] for s in result["nietInBestand"]] == ["Basisschool Elders"]
    scholen = {s["vestigingscode"]: s for s in (await beheer("GET", "/scholen"))["resultaten"]}
    assert set(scholen) == {"12AB00", "12AB01", "34CD00", scholen_elders(scholen)}
    assert scholen["12AB00"]["wijk"]["id"] == str(g.wijk)
    assert scholen["34CD00"]["naam"] == "OBS De Wieken"  # its own capitals kept
    ids = {code: s["id"] for code, s in scholen.items()}
    added = [r["schoolId"] for r in result["regels"] if r["uitkomst"] == "toegevoegd"]
    assert added == [ids["12AB00"], ids["12AB01"]]

    # Again: nothing changes.
    again = await importeer(api, beheer, duo_csv(FILE), g.wijk)
    assert [again[k] for k in counts] == [7, 0, 0, 3, 2, 2, "gemeentenaam"]
    assert {s["vestigingscode"]: s["id"] for s in (await beheer("GET", "/scholen"))["resultaten"]} == ids

    # Audited: the import, and each school it added or changed.
    rows = await audit_rows(pool, "organisatie.scholen.duo-import")
    assert [(r["gebruiker_id"], r["actie"], r["resultaat"]) for r in rows if r["gemeente_id"] == g.id] == [
        (g.beheerder, "importeren", 200)
    ] * 2
    assert [r["velden"] for r in await audit_rows(pool, f"organisatie.school/{ids['34CD00']}")] == [
        ["brin", "vestiging"]
    ]


def scholen_elders(scholen: dict[str, Any]) -> str:
    return next(code for code, s in scholen.items() if s["naam"] == "Basisschool Elders")


async def test_a_new_name_is_taken_a_closed_school_stays_closed_and_new_schools_need_a_wijk(
    api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool
) -> None:
    g, beheer = await zeewolde(pool, login, api)
    await importeer(api, beheer, duo_csv(FILE), g.wijk)
    scholen = {s["vestigingscode"]: s for s in (await beheer("GET", "/scholen"))["resultaten"]}
    # The beheerder closed the dependance and wrote the main school's name in their own capitals.
    await beheer("PATCH", f"/scholen/{scholen['12AB01']['id']}", {"gesloten": True})
    await beheer("PATCH", f"/scholen/{scholen['12AB00']['id']}", {"naam": "Obs  de Zeearend"})
    nieuwe_wijk = await beheer("POST", "/wijken", {"naam": "Horst", "stadsdeelId": str(g.stadsdeel)}, 201)
    await beheer("PATCH", f"/scholen/{scholen['12AB00']['id']}", {"wijkId": nieuwe_wijk["id"]})

    renamed = [
        vestiging("12AB00", "OBS De Zeearend", "0050", "ZEEWOLDE"),
        vestiging("12AB01", "Kindcentrum De Horst", "0050", "ZEEWOLDE"),
        vestiging("56EF00", "CBS Het Kompas", "0050", "ZEEWOLDE"),
    ]
    result = await importeer(api, beheer, duo_csv(renamed))  # no wijk: new schools are skipped

    assert uitkomsten(result) == [
        (2, "ongewijzigd", "12AB00", None),
        (3, "bijgewerkt", "12AB01", "naam was 'OBS De Zeearend, dependance Horst'"),
        (4, "overgeslagen", "56EF00", "nieuwe school: kies op het formulier de wijk voor nieuwe scholen"),
    ]
    after = {s["vestigingscode"]: s for s in (await beheer("GET", "/scholen"))["resultaten"]}
    assert (after["12AB01"]["naam"], after["12AB01"]["gesloten"]) == ("Kindcentrum De Horst", True)
    assert (after["12AB00"]["naam"], after["12AB00"]["wijk"]["id"]) == ("Obs de Zeearend", nieuwe_wijk["id"])
    assert "56EF00" not in after
    # A closed wijk takes no new schools; another gemeente's wijk is unknown.
    await beheer("PATCH", f"/wijken/{g.wijk}", {"gesloten": True})
    assert_problem(
        await api.post(
            "/v1/scholen/duo-import",
            headers={**beheer.headers, "Content-Type": "text/csv"},
            params={"wijkId": str(g.wijk)},
            content=duo_csv(renamed),
        ),
        409,
    )
    other = await make_gemeente(pool, "Dronten")
    r = await importeer(api, beheer, duo_csv(renamed), other.wijk, status=400)
    assert r["invalidParams"] == [{"name": "wijkId", "reason": "onbekende wijk"}]
    assert "56EF00" not in {s["vestigingscode"] for s in (await beheer("GET", "/scholen"))["resultaten"]}


async def test_the_gemeentecode_finds_rows_the_name_does_not(
    api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool
) -> None:
    g = await make_gemeente(pool, "Den Haag")
    beheer = Beheer(api, await login(g.beheerder))
    rows = [vestiging("27XY00", "Haagse Basisschool", "0518", "'S-GRAVENHAGE")]

    by_name = await importeer(api, beheer, duo_csv(rows), g.wijk)
    assert (by_name["toegevoegd"], by_name["andereGemeente"], by_name["gemeenteOp"]) == (0, 1, "gemeentenaam")

    await beheer("PATCH", "/gemeente", {"gemeentecode": "518"})
    by_code = await importeer(api, beheer, duo_csv(rows), g.wijk)
    assert (by_code["toegevoegd"], by_code["andereGemeente"], by_code["gemeenteOp"]) == (1, 0, "gemeentenummer")


async def test_a_file_that_is_not_duos_or_too_big_is_refused_whole(
    api: httpx.AsyncClient, login: Login, pool: asyncpg.Pool
) -> None:
    g, beheer = await zeewolde(pool, login, api)
    placements = b"voornaam;achternaam;geboortedatum;locatie\r\nA;B;01-01-2022;Peuteropvang\r\n"

    r = await importeer(api, beheer, placements, g.wijk, status=400)
    assert {p["name"] for p in r["invalidParams"]} == {
        "VESTIGINGSCODE", "VESTIGINGSNAAM", "GEMEENTENUMMER of GEMEENTENAAM"
    }  # fmt: skip
    too_big = duo_csv(FILE) + b" " * MAX_BESTAND_BYTES
    assert_problem(
        await api.post(
            "/v1/scholen/duo-import", headers={**beheer.headers, "Content-Type": "text/csv"}, content=too_big
        ),
        413,
    )
    assert_problem(
        await api.post(
            "/v1/scholen/duo-import", headers={**beheer.headers, "Content-Type": "application/pdf"}, content=b"%PDF"
        ),
        415,
    )
    assert len((await beheer("GET", "/scholen"))["resultaten"]) == 2  # as before
    # As a web form sends it: multipart, the file in `bestand`.
    r2 = await api.post(
        "/v1/scholen/duo-import",
        headers=beheer.headers,
        params={"wijkId": str(g.wijk)},
        files={"bestand": ("03.-alle-vestigingen-basisonderwijs.csv", duo_csv(FILE), "text/csv")},
    )
    assert (r2.status_code, r2.json()["toegevoegd"]) == (200, 2), r2.text

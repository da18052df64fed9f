"""The protocol, managed through the API by a gemeente's beheerder: a file is uploaded as a draft that
changes nothing, refused with its errors per setting, compared with the active version per setting, and
activated (new overdrachten take it, running ones keep theirs); within the beheerder's own gemeente only."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg
import httpx

from db import protocol as protocols
from protocol.dates import age_reached, end_of_day
from protocol.loader import ALMERE, parse
from schemas.protocol import Protocol, ProtocolConfig
from services.protocol_beheer import als_toml, instellingen
from tests.conftest import Login
from tests.helpers import PROBLEM
from tests.test_protocol_versions import a_child, a_gemeente_with_a_pm

URL = "/v1/protocol-versies"
TOML = {"Content-Type": "application/toml"}
# Almere's file with one change: sent at 3 years 11 months instead of 10.
LATER = ALMERE.read_text().replace(
    "verzenden_uiterlijk = { jaren = 3, maanden = 10 }", "verzenden_uiterlijk = { jaren = 3, maanden = 11 }"
)
# Four mistakes: a holiday ending before it starts, escalation out of order, a month 14, a typo.
WRONG = (
    ALMERE.read_text()
    .replace("van = 2026-07-18, tot = 2026-08-30", "van = 2026-07-18, tot = 2026-06-30")
    .replace("naar_coordinator_na_werkdagen = 10", "naar_coordinator_na_werkdagen = 3")
    .replace("start = { jaren = 3, maanden = 6 }", "start = { jaren = 3, maanden = 14 }")
    .replace("na_afronding_maanden = 3", "na_afronding_maanden = 3\nna_afronding_maand = 4")
)


@dataclass
class Gemeente:
    id: uuid.UUID
    locatie: uuid.UUID
    pm: uuid.UUID
    beheerder: uuid.UUID


async def a_gemeente(pool: asyncpg.Pool, *, protocol: bool = True) -> Gemeente:
    """A gemeente of its own (its protocol is its own), with a location, a PM'er and a beheerder; its
    version 1 active (Almere's defaults) unless `protocol` is false."""
    gemeente, locatie, pm = await a_gemeente_with_a_pm(pool)
    beheerder = uuid.uuid4()
    await pool.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id) VALUES ($1, 'Bea Beheer', 'beheerder', $2)",
        beheerder,
        gemeente,
    )
    if protocol:
        await protocols.store(pool, gemeente, ProtocolConfig())
    return Gemeente(gemeente, locatie, pm, beheerder)


async def test_an_upload_is_a_draft_with_its_differences_and_changes_nothing(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    beheerder, pm = await login(g.beheerder), await login(g.pm)

    r = await api.post(URL, headers={**beheerder, **TOML}, content=LATER.encode())

    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"{URL}/2"
    assert (body["versie"], body["actief"], body["geactiveerdOp"], body["actieveVersie"]) == (2, False, None, 1)
    assert body["geuploadDoor"] == {"id": str(g.beheerder), "naam": "Bea Beheer"}
    assert body["verschillen"] == [
        {
            "instelling": "verzenden_uiterlijk",
            "omschrijving": "Verzonden naar de school uiterlijk (leeftijd)",
            "oud": {"jaren": 3, "maanden": 10},
            "nieuw": {"jaren": 3, "maanden": 11},
        }
    ]
    assert body["bestand"] == LATER
    # A draft is never taken: a new overdracht still gets version 1.
    kind = await a_child(pool, g.locatie, date(2023, 5, 10))
    opened = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind)})
    assert opened.status_code == 201 and opened.json()["protocolVersie"] == 1
    listed = (await api.get(URL, headers=beheerder)).json()
    assert listed["actieveVersie"] == 1
    assert [(v["versie"], v["actief"], v["geactiveerdOp"] is None) for v in listed["resultaten"]] == [
        (2, False, True),
        (1, True, False),
    ]
    row = await pool.fetchrow(
        "SELECT actie, velden, grondslag, resultaat FROM audit_log WHERE gebruiker_id = $1 AND onderwerp = $2",
        g.beheerder,
        "protocol.versie.2",
    )
    assert row is not None
    assert dict(row) == {
        "actie": "wijzigen",
        "velden": ["verzenden_uiterlijk"],
        "grondslag": "ProtocolBeheren",
        "resultaat": 201,
    }


async def test_activated_new_overdrachten_take_it_and_running_ones_keep_theirs(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    beheerder, pm = await login(g.beheerder), await login(g.pm)
    born = date(2023, 5, 10)
    first, second = await a_child(pool, g.locatie, born), await a_child(pool, g.locatie, born)
    running = (await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(first)})).json()
    assert (await api.post(URL, headers={**beheerder, **TOML}, content=LATER.encode())).status_code == 201

    activated = await api.post(f"{URL}/2/activeringen", headers=beheerder)

    assert activated.status_code == 201, activated.text
    assert activated.json()["gewijzigd"] is True
    assert activated.json()["versie"]["actief"] is True and activated.json()["versie"]["verschillen"] == []
    new = (await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(second)})).json()
    old_now = (await api.get(f"/v1/overdrachten/{running['id']}", headers=pm)).json()
    assert (old_now["protocolVersie"], new["protocolVersie"]) == (1, 2)
    assert datetime.fromisoformat(old_now["termijnen"]["deadlines"]["verzenden"]) == end_of_day(
        age_reached(born, 3, 10)
    )
    assert datetime.fromisoformat(new["termijnen"]["deadlines"]["verzenden"]) == end_of_day(age_reached(born, 3, 11))
    # Version 1 now differs from the active one the other way round; activating 2 again changes nothing.
    one = (await api.get(f"{URL}/1", headers=beheerder)).json()
    assert [(d["instelling"], d["oud"], d["nieuw"]) for d in one["verschillen"]] == [
        ("verzenden_uiterlijk", {"jaren": 3, "maanden": 11}, {"jaren": 3, "maanden": 10})
    ]
    again = await api.post(f"{URL}/2/activeringen", headers=beheerder)
    assert again.status_code == 200 and again.json()["gewijzigd"] is False
    rows = await pool.fetch(
        "SELECT onderwerp, velden FROM audit_log WHERE gebruiker_id = $1 AND onderwerp LIKE '%activering'",
        g.beheerder,
    )
    assert [(r["onderwerp"], r["velden"]) for r in rows] == [("protocol.versie.2.activering", ["verzenden_uiterlijk"])]


async def test_a_bad_file_is_refused_with_every_error_by_setting_and_nothing_stored(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    beheerder = await login(g.beheerder)

    r = await api.post(URL, headers={**beheerder, **TOML}, content=WRONG.encode())

    assert r.status_code == 400 and r.headers["content-type"] == PROBLEM
    reasons = {p["name"]: p["reason"] for p in r.json()["invalidParams"]}
    assert reasons == {
        "start.maanden": "moet 11 of minder zijn",
        "schoolvakanties.4.tot": "tot (2026-06-30) ligt voor van (2026-07-18)",
        "escalatie.naar_coordinator_na_werkdagen": (
            "naar_coordinator_na_werkdagen moet groter zijn dan naar_leidinggevende_na_werkdagen"
        ),
        "bewaartermijnen.na_afronding_maand": "onbekende sleutel",
    }
    assert "4 fouten" in r.json()["detail"]
    # Not TOML at all, and the same through a web form's multipart: the file is named.
    broken = await api.post(URL, headers=beheerder, files={"bestand": ("p.toml", b"start = { jaren = 3", "text/plain")})
    assert broken.status_code == 400
    [param] = broken.json()["invalidParams"]
    assert param["name"] == "bestand" and param["reason"].startswith("geen geldige TOML")
    empty = await api.post(URL, headers={**beheerder, **TOML}, content=b"  \n")
    assert empty.status_code == 400 and empty.json()["invalidParams"][0]["name"] == "bestand"
    assert await pool.fetchval("SELECT count(*) FROM protocol_versies WHERE gemeente_id = $1", g.id) == 1
    # Corrected, through the multipart form: stored.
    ok = await api.post(URL, headers=beheerder, files={"bestand": ("p.toml", LATER.encode(), "application/toml")})
    assert ok.status_code == 201 and ok.json()["versie"] == 2


async def test_a_gemeente_without_a_protocol_gets_one_by_activating_its_first_upload(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool, protocol=False)
    beheerder, pm = await login(g.beheerder), await login(g.pm)
    kind = await a_child(pool, g.locatie, date(2023, 5, 10))

    first = (await api.post(URL, headers={**beheerder, **TOML}, content=LATER.encode())).json()

    assert first["actieveVersie"] is None
    # Against nothing: every setting is new.
    assert len(first["verschillen"]) == len(list(instellingen(ProtocolConfig()))) == 24
    assert all(d["oud"] is None for d in first["verschillen"])
    refused = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind)})
    assert refused.status_code == 409 and refused.json()["code"] == "protocol_ontbreekt"
    assert (await api.post(f"{URL}/1/activeringen", headers=beheerder)).status_code == 201
    opened = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind)})
    assert opened.status_code == 201 and opened.json()["protocolVersie"] == 1


async def test_another_gemeentes_versions_are_not_there(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    ours, theirs = await a_gemeente(pool), await a_gemeente(pool)
    beheerder, other = await login(ours.beheerder), await login(theirs.beheerder)
    for _ in range(2):
        assert (await api.post(URL, headers={**beheerder, **TOML}, content=LATER.encode())).status_code == 201

    assert (await api.get(f"{URL}/3", headers=other)).status_code == 404
    assert (await api.post(f"{URL}/3/activeringen", headers=other)).status_code == 404
    assert [v["versie"] for v in (await api.get(URL, headers=other)).json()["resultaten"]] == [1]
    # Their version 1 is their own, and activating it changes nothing of ours.
    assert (await api.post(f"{URL}/1/activeringen", headers=other)).status_code == 200
    assert (await api.post(f"{URL}/3/activeringen", headers=beheerder)).status_code == 201
    assert [(await protocols.current(pool, gemeente)) for gemeente in (ours.id, theirs.id)] == [
        Protocol(versie=3, config=parse(LATER)),
        Protocol(versie=1, config=ProtocolConfig()),
    ]
    assert [v["versie"] for v in (await api.get(URL, headers=beheerder)).json()["resultaten"]] == [3, 2, 1]
    assert (await api.get(f"{URL}/99", headers=beheerder)).status_code == 404


async def test_only_the_beheerder_manages_the_protocol(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    pm = await login(g.pm)

    refused = [
        await api.get(URL, headers=pm),
        await api.get(f"{URL}/1", headers=pm),
        await api.post(URL, headers={**pm, **TOML}, content=LATER.encode()),
        await api.post(f"{URL}/1/activeringen", headers=pm),
    ]

    assert [r.status_code for r in refused] == [403] * 4
    assert (await api.get(URL)).status_code == 401
    assert await pool.fetchval("SELECT count(*) FROM protocol_versies WHERE gemeente_id = $1", g.id) == 1


def test_a_version_not_uploaded_as_a_file_is_written_as_one_that_reads_back_the_same() -> None:
    config = parse(LATER)

    assert parse(als_toml(config)) == config
    assert parse(als_toml(ProtocolConfig())) == ProtocolConfig()

"""Protocol versions: a running overdracht keeps the version it started with; new ones take the newest."""

import subprocess
import sys
import uuid
from datetime import date, datetime
from pathlib import Path

import asyncpg
import httpx

from db import protocol as protocols
from protocol.dates import age_reached, end_of_day
from schemas.protocol import Leeftijd, ProtocolConfig
from tests.conftest import Login

ROOT = Path(__file__).resolve().parent.parent


async def a_gemeente_with_a_pm(pool: asyncpg.Pool) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """A gemeente of its own (its protocol versions are its own), a location, a PM'er: (gemeente, locatie, pm)."""
    gemeente, stadsdeel, wijk, locatie, pm = (uuid.uuid4() for _ in range(5))
    await pool.execute("INSERT INTO gemeenten VALUES ($1, 'Nieuwegein')", gemeente)
    await pool.execute("INSERT INTO stadsdelen VALUES ($1, $2, 'Noord')", stadsdeel, gemeente)
    await pool.execute("INSERT INTO wijken VALUES ($1, $2, 'Galecop')", wijk, stadsdeel)
    await pool.execute("INSERT INTO locaties VALUES ($1, $2, 'Peuterspeelzaal Galecop')", locatie, wijk)
    await pool.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id, locatie_id) VALUES ($1, 'PM', 'pedagogisch_medewerker', $2, $3)",
        pm,
        gemeente,
        locatie,
    )
    return gemeente, locatie, pm


async def a_child(pool: asyncpg.Pool, locatie: uuid.UUID, born: date) -> uuid.UUID:
    kind = uuid.uuid4()
    await pool.execute(
        "INSERT INTO kinderen (id, locatie_id, voornaam, achternaam, geboortedatum) VALUES ($1, $2, 'Kind', 'Proef', $3)",
        kind,
        locatie,
        born,
    )
    return kind


async def test_a_running_overdracht_keeps_its_version(api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login) -> None:
    gemeente, locatie, pm_id = await a_gemeente_with_a_pm(pool)
    pm = await login(pm_id)
    born = date(2023, 5, 10)
    first, second = await a_child(pool, locatie, born), await a_child(pool, locatie, born)

    no_protocol = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(first)})
    assert no_protocol.status_code == 409 and no_protocol.json()["code"] == "protocol_ontbreekt"

    await protocols.store(pool, gemeente, ProtocolConfig())
    old = (await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(first)})).json()
    # Nieuwegein sends at 3 years 11 months.
    await protocols.store(pool, gemeente, ProtocolConfig(verzenden_uiterlijk=Leeftijd(jaren=3, maanden=11)))
    new = (await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(second)})).json()
    old_now = (await api.get(f"/v1/overdrachten/{old['id']}", headers=pm)).json()

    assert (old_now["protocolVersie"], new["protocolVersie"]) == (1, 2)
    assert datetime.fromisoformat(old_now["termijnen"]["deadlines"]["verzenden"]) == end_of_day(
        age_reached(born, 3, 10)
    )
    assert datetime.fromisoformat(new["termijnen"]["deadlines"]["verzenden"]) == end_of_day(age_reached(born, 3, 11))


async def test_storing_the_same_configuration_again_makes_no_new_version(pool: asyncpg.Pool) -> None:
    gemeente, _, _ = await a_gemeente_with_a_pm(pool)

    first = await protocols.store(pool, gemeente, ProtocolConfig())
    again = await protocols.store(pool, gemeente, ProtocolConfig())

    assert first.versie == again.versie == 1


def test_the_command_refuses_a_bad_file_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "nieuwegein.toml"
    bad.write_text("verzenden_uiterlijk = { jaren = 3, maanden = 2 }\n")

    result = subprocess.run(
        [sys.executable, "-m", "overdracht", "protocol", str(bad), "--gemeente", str(uuid.uuid4())],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip

    assert result.returncode != 0
    assert "verzenden_uiterlijk" in result.stderr

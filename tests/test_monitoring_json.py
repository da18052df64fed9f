"""Answers PostgreSQL writes as JSON (schemas.base.JsonAnswer) are what the model would write: the API
sends them without validating them per request, so each query that writes one is held here to its
model: every field and no other (the model forbids extras), in the model's own formats, for names with
characters JSON must escape, and for an empty list. (tests/test_monitoring_totalen.py holds the key
figures from the totals to those counted from the rows, both written this way.)"""

import json
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from db import gebruikers
from db import monitoring as monitoring_db
from schemas.monitoring import Groepering, Kengetallen, ZonderOverdracht
from schemas.overdracht import Status
from schemas.protocol import Leeftijd
from tests.happy_path import place_child
from tests.test_monitoring import TODAY, Gemeente, a_birthday, a_gemeente, an_overdracht

START = Leeftijd(jaren=3, maanden=6)
AWKWARD = 'Peuteropvang "De Ster" \\ één – 🌟\n\tB'


async def test_the_children_without_an_overdracht_are_written_as_the_model_writes_them(pool: asyncpg.Pool) -> None:
    g = await a_gemeente(pool)
    await pool.execute("UPDATE locaties SET naam = $2 WHERE id = $1", g.l3, AWKWARD)
    placed = [
        (await place_child(pool, locatie, None, vve=True, born=a_birthday(jaren, maanden)))[0]
        for locatie, jaren, maanden in [(g.l1, 3, 8), (g.l3, 4, 2), (g.l3, 3, 6), (g.l1, 3, 5)]
    ]
    await an_overdracht(pool, g, g.l1, vve=True, born=a_birthday(3, 9))

    row = await monitoring_db.zonder_overdracht(pool, g.id, START, TODAY, 7)

    answer = ZonderOverdracht.model_validate_json(row["antwoord"])
    assert json.loads(row["antwoord"]) == json.loads(answer.model_dump_json())
    assert (answer.peildatum, answer.startleeftijd, answer.protocol_versie) == (TODAY, START, 7)
    assert [k.kind_id for k in answer.kinderen] == [placed[1], placed[0], placed[2]]  # longest past first
    assert [k.maanden_na_startleeftijd for k in answer.kinderen] == [8, 2, 0]
    assert answer.kinderen[0].locatie.naam == AWKWARD
    assert (answer.kinderen[0].wijk.id, answer.kinderen[0].stadsdeel.id) == (g.zeeenbuurt, g.zuid)
    assert row["kind_ids"] == [k.kind_id for k in answer.kinderen]  # the audit names the children listed


async def test_no_children_without_an_overdracht_is_an_empty_list(pool: asyncpg.Pool) -> None:
    g = await a_gemeente(pool)
    await place_child(pool, g.l1, None, vve=True, born=a_birthday(3, 1))  # not past the start age yet

    row = await monitoring_db.zonder_overdracht(pool, g.id, START, TODAY, 1)

    assert json.loads(row["antwoord"])["kinderen"] == []
    assert ZonderOverdracht.model_validate_json(row["antwoord"]).kinderen == []
    assert row["kind_ids"] == []


async def some_overdrachten(pool: asyncpg.Pool, g: Gemeente) -> None:
    """Two school years; every status; schools and none; late and on time; a VVE child's warm handover."""
    now = datetime.now(UTC)
    for n, status in enumerate(Status):
        await an_overdracht(
            pool, g, (g.l1, g.l2, g.l3)[n % 3], school=(g.s1, None, g.s2)[n % 3], status=status,
            schooljaar=("2026-2027", "2027-2028")[n % 2], vve=n % 2 == 0, vlaggen=("school_onbekend",) if n % 4 else (),
            deadlines={"toestemming": now, "verzenden": now}, toestemming_op=now + timedelta(days=n % 2 * 2 - 1),
            verzonden_op=now - timedelta(days=1) if n % 3 else None, ontvangen_op=now if n % 2 == 0 else None,
            eerste_schooldag=TODAY + timedelta(days=10), gehouden_op=TODAY,
        )  # fmt: skip


@pytest.mark.parametrize("groepering", list(Groepering))
@pytest.mark.parametrize("schooljaar", [None, "2027-2028"])
async def test_the_key_figures_are_written_as_the_model_writes_them(
    pool: asyncpg.Pool, groepering: Groepering, schooljaar: str | None
) -> None:
    g = await a_gemeente(pool)
    await pool.execute("UPDATE scholen SET naam = $2 WHERE id = $1", g.s2, AWKWARD)
    await some_overdrachten(pool, g)
    coordinator = await gebruikers.get(pool, g.coordinator)
    assert coordinator is not None

    answer = await monitoring_db.kengetallen(pool, coordinator, groepering, schooljaar)

    model = Kengetallen.model_validate_json(answer)
    assert json.loads(answer) == json.loads(model.model_dump_json())
    assert (model.groepering, model.schooljaar) == (groepering, schooljaar)
    years = [j.schooljaar for j in model.schooljaren]
    assert years == ([schooljaar] if schooljaar else ["2026-2027", "2027-2028"])
    for jaar in model.schooljaren:
        assert jaar.totaal.aantal == sum(groep.aantal for groep in jaar.groepen) > 0
        assert jaar.totaal.per_status == {
            s: sum(groep.per_status[s] for groep in jaar.groepen) for s in jaar.totaal.per_status
        }
        names = [groep.groep.naam if groep.groep else None for groep in jaar.groepen]
        assert names == sorted(names, key=lambda n: (n is None, n or ""))  # by name, no group last
    everything = await monitoring_db.kengetallen(pool, coordinator, groepering, None)
    assert sum(j.totaal.aantal for j in Kengetallen.model_validate_json(everything).schooljaren) == len(Status)


async def test_no_key_figures_is_an_empty_list(pool: asyncpg.Pool) -> None:
    g = await a_gemeente(pool)
    coordinator = await gebruikers.get(pool, g.coordinator)
    assert coordinator is not None

    answer = await monitoring_db.kengetallen(pool, coordinator, Groepering.SCHOOL, None)

    assert json.loads(answer) == {"groepering": "school", "schooljaar": None, "schooljaren": []}

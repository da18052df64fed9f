"""The overdracht as the people in it live it, over a year and a half in a few seconds: a child born
on 29 February 2024 with a VVE-indicatie; both parents consent; the school is named late; the school
confirms receipt late; the warme overdracht is held on time. The timeline shows each step, each flag
and each message, at the moment it happened."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment

from core.settings import Settings
from db import protocol as protocols
from overdracht import demo
from protocol.dates import AMSTERDAM, end_of_day
from schemas.overdracht import Rol
from schemas.workflow import Actor, Open, Openingsuitkomst
from services.commands import overdracht_id_for, start_handover
from tests.conftest import app_client, make_worker, suite_data_converter, time_skipping_server_path
from tests.happy_path import VVE_FORM, handover_input
from tests.helpers import HandoverHandle
from workflows.handover import HandoverWorkflow
from workflows.ids import workflow_id

QUEUE = "overdracht-story"
BORN = date(2024, 2, 29)


@pytest.fixture
async def story_env() -> AsyncIterator[WorkflowEnvironment]:
    """A server of its own: the shared one's clock has long passed this child's 3½."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=time_skipping_server_path(), data_converter=suite_data_converter()
    )
    yield env
    await env.shutdown()


async def at(env: WorkflowEnvironment, day: date, hour: int = 10) -> None:
    """Let time pass until `day` at `hour` o'clock, Amsterdam."""
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM).astimezone(UTC)
    now = await env.get_current_time()
    assert moment > now, f"the story cannot go back to {day}"
    await env.sleep(moment - now)


async def test_noor_born_on_29_february(story_env: WorkflowEnvironment, pool: asyncpg.Pool, settings: Settings) -> None:
    # Placed at De Boomhut with a VVE-indicatie, no school known yet, two parents with custody.
    kind_id, mum, dad = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await pool.execute(
        "INSERT INTO kinderen (id, locatie_id, voornaam, achternaam, geboortedatum, vve_indicatie)"
        " VALUES ($1, $2, 'Noor', 'Schrikkel', $3, true)",
        kind_id,
        demo.BOOMHUT,
        BORN,
    )
    for parent in (mum, dad):
        await pool.execute(
            "INSERT INTO gebruikers (id, naam, rol, gemeente_id, kind_id, email) VALUES ($1, 'Ouder', 'ouder', $2, $3, $4)",
            parent,
            demo.ALMERE,
            kind_id,
            f"{parent}@demo.invalid",
        )
    protocol = await protocols.current(pool, demo.ALMERE)
    assert protocol is not None
    input = handover_input(
        kind_id, school_id=None, geboortedatum=BORN, vve_indicatie=True, publish_search_attributes=False
    ).model_copy(update={"protocol": protocol, "overdracht_id": overdracht_id_for(kind_id)})
    overdracht_id = input.overdracht_id
    path = f"/v1/overdrachten/{overdracht_id}"
    story_settings = settings.model_copy(
        update={"temporal_address": story_env.client.service_client.config.target_host, "task_queue": QUEUE}
    )

    async with make_worker(story_env.client, pool, story_settings, QUEUE), app_client(story_settings) as api:

        async def as_(user: uuid.UUID) -> dict[str, str]:
            r = await api.post("/v1/dev/tokens", json={"gebruikerId": str(user)})
            return {"Authorization": f"Bearer {r.json()['accessToken']}"}

        pm, school = await as_(demo.PM_USER[demo.BOOMHUT]), await as_(demo.SCHOOL_USER[demo.STER])
        mum_, dad_ = await as_(mum), await as_(dad)

        async def step(method: str, suffix: str, who: dict[str, str], body: Any = None) -> dict[str, Any]:
            r = await api.request(method, f"{path}{suffix}", headers=who, json=body)
            assert r.status_code in (200, 201), f"{method} {suffix}: {r.text}"
            return r.json()

        # Placed in November 2026 (imported by the location manager); the overdracht opens itself when
        # Noor turns 3½ (29 August 2027).
        importer = Actor(gebruiker_id=demo.LM_USER[demo.BOOMHUT], rol=Rol.LOCATIEMANAGER)
        placed = await start_handover(
            story_env.client, story_settings, input, Open(actor=importer, op_startleeftijd=True)
        )
        assert placed.uitkomst is Openingsuitkomst.INGEPLAND
        handle: HandoverHandle = story_env.client.get_workflow_handle_for(
            HandoverWorkflow.run, workflow_id(overdracht_id)
        )
        await at(story_env, date(2027, 8, 30))
        assert (await step("GET", "", pm))["status"] == "concept"

        await at(story_env, date(2027, 9, 6))
        await step("PUT", "/formulier", pm, VVE_FORM)
        await step("POST", "/indieningen", pm)
        await at(story_env, date(2027, 9, 10))
        assert (await step("POST", "/toestemmingen", mum_, {"besluit": "gegeven"}))["status"] == "bij_ouders"
        await at(story_env, date(2027, 9, 20))
        assert (await step("POST", "/toestemmingen", dad_, {"besluit": "gegeven"}))["status"] == "wacht_op_school"

        # 3 years 9 months (29 November 2027) passes without a school: flagged.
        await at(story_env, date(2027, 12, 2))
        late_school = await step("PUT", "/school", mum_, {"schoolId": str(demo.STER)})
        assert late_school["status"] == "gereed_voor_verzending"
        await at(story_env, date(2027, 12, 3))
        assert (await step("POST", "/verzendingen", pm))["status"] == "verzonden"

        # Ten working days pass (deadline: end of 17 December); the school confirms on the 21st.
        await at(story_env, date(2027, 12, 21))
        received = await step(
            "POST", "/ontvangstbevestigingen", school, {"eersteSchooldag": "2028-03-01", "reden": "Kerstdrukte"}
        )
        assert received["status"] == "ontvangen" and received["warmeOverdracht"]["vereist"]

        await at(story_env, date(2028, 1, 20))
        await step(
            "POST", "/warme-overdrachten", school, {"actie": "plannen", "datum": "2028-02-14", "vorm": "gesprek"}
        )
        await at(story_env, date(2028, 2, 14), hour=16)
        done = await step(
            "POST",
            "/warme-overdrachten",
            school,
            {
                "actie": "vastleggen",
                "datum": "2028-02-14",
                "vorm": "gesprek",
                "deelnemers": ["mentor", "intern begeleider", "ouder"],
            },
        )
        assert done["status"] == "afgerond"
        assert done["termijnen"]["vlaggen"] == ["school_onbekend", "te_laat_bevestigen"]
        assert done["termijnen"]["openVlaggen"] == []

        timeline = (await api.get(f"{path}/tijdlijn", headers=pm)).json()["gebeurtenissen"]
        outbox = (await api.get("/v1/dev/berichten", headers=pm, params={"overdrachtId": str(overdracht_id)})).json()
        await handle.terminate("story told")  # before its three months of retention run out

    def line(e: dict[str, Any]) -> tuple[str, ...]:
        d = e["details"]
        what = d.get("vlag") or ":".join(filter(None, [d.get("soort"), d.get("aanleiding"), d.get("ontvanger")]))
        day = datetime.fromisoformat(e["tijdstip"]).astimezone(AMSTERDAM).date().isoformat()
        return (day, e["gebeurtenis"], what) if what else (day, e["gebeurtenis"])

    assert [line(e) for e in timeline] == [
        ("2027-08-29", "geopend"),
        ("2027-08-29", "bericht", "uitnodiging:start:pedagogisch_medewerker"),
        ("2027-08-29", "bericht", "uitnodiging:start:ouders"),
        ("2027-09-06", "formulier_opgeslagen"),
        ("2027-09-06", "ingediend"),
        ("2027-09-06", "bericht", "uitnodiging:indiening:ouders"),
        ("2027-09-10", "toestemming_gegeven"),  # one of two
        ("2027-09-20", "toestemming_gegeven"),  # for wherever Noor is enrolled: no school was named
        ("2027-09-20", "bericht", "uitnodiging:overdrachtcode:ouders"),  # their code for the school
        ("2027-11-30", "vlag_gezet", "school_onbekend"),  # 29 November has ended
        ("2027-11-30", "bericht", "herinnering:school_onbekend:ouders"),
        ("2027-11-30", "bericht", "herinnering:school_onbekend:pedagogisch_medewerker"),
        ("2027-12-02", "school_gekozen"),
        ("2027-12-03", "verzonden"),
        ("2027-12-03", "bericht", "uitnodiging:aangekomen:school_intake"),  # the school hears of it at once
        ("2027-12-11", "bericht", "herinnering:bevestigen:school"),  # after 5 working days (end of the 10th)
        ("2027-12-18", "vlag_gezet", "te_laat_bevestigen"),  # after 10 (end of the 17th)
        ("2027-12-18", "bericht", "herinnering:bevestigen:school"),
        ("2027-12-21", "ontvangst_bevestigd"),
        ("2028-01-20", "warme_overdracht_gepland"),
        ("2028-02-14", "warme_overdracht_gehouden"),
        ("2028-02-14", "afgerond"),
    ]
    assert timeline[0]["rol"] is None  # opened by the service itself, at 3½
    assert timeline[7]["details"] == {}  # both parents have now consented
    assert timeline[6]["details"] == {"nog_nodig": "1"}
    flag = next(e for e in timeline if e["gebeurtenis"] == "vlag_gezet")
    assert datetime.fromisoformat(flag["tijdstip"]) - end_of_day(date(2027, 11, 29)) < timedelta(minutes=1)
    # Each message of the timeline is in the outbox, once.
    assert len(outbox["resultaten"]) == sum(e["gebeurtenis"] == "bericht" for e in timeline) == 9
    assert all(b["status"] == "geen_mailserver" for b in outbox["resultaten"])

"""Nothing readable in the engine: after a whole overdracht through the API, neither `temporal workflow
show` (the real CLI, as an operator runs it) nor the engine's SQLite file holds the child's or the
parents' personal data in clear text. And keys rotate: an overdracht started under the old key
finishes under the new one."""

import asyncio
import base64
import binascii
import contextlib
import json
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn
from google.protobuf.message import Message
from pydantic import SecretStr
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from core import temporal
from core.codec import ENCODING, KEY_ID_METADATA
from core.settings import Settings
from overdracht import demo
from overdracht.devstack import temporal_binary
from overdracht.worker import build_worker
from schemas.overdracht import Rol
from tests.conftest import app_client, free_port
from tests.happy_path import COMPLETE_FORM
from workflows import search_attributes

QUEUE = "overdracht-privacy"
BEHEERDER = next(u.id for u in demo.STAFF_USERS if u.rol is Rol.BEHEERDER)

# Distinctive strings: found anywhere, they are a leak.
VOORNAAM = "Zebediahfenna"
ACHTERNAAM = "Klaverwortelkamp"
BORN = date.today() - timedelta(days=3 * 365 + 7 * 30)  # 3 years 7 months: no deadline falls during the test
FORM_TEXT = f"{VOORNAAM} telt tot tien en zingt graag"  # a mentor writes the child's name in a note
PROFESSIONALS = "Logopediste-Wierickerschans"
ADVIES = "Advies-Oosterblokkerhoek"
MUM_EMAIL = "moeder.klaverwortelkamp@ouders.invalid"
DAD_EMAIL = "vader.klaverwortelkamp@ouders.invalid"
ZIENSWIJZE = f"Wij herkennen {VOORNAAM} hierin. Vragen? Mail {MUM_EMAIL}"

PERSONAL_DATA = [
    VOORNAAM, ACHTERNAAM, BORN.isoformat(), BORN.strftime("%d-%m-%Y"), FORM_TEXT, PROFESSIONALS, ADVIES,
    ZIENSWIJZE, MUM_EMAIL, DAD_EMAIL,
]  # fmt: skip
# Without the codec the history shows these (the control): the test can fail.
IN_THE_HISTORY_WITHOUT_CODEC = [VOORNAAM, BORN.isoformat(), FORM_TEXT, PROFESSIONALS, ADVIES, MUM_EMAIL]

FORM: dict[str, Any] = {
    **COMPLETE_FORM,
    "ontwikkeling": {**COMPLETE_FORM["ontwikkeling"], "taal": {"niveau": "voorsprong", "toelichting": FORM_TEXT}},
    "bijzonderheden": {"betrokkenProfessionals": PROFESSIONALS, "adviesVoorSchool": ADVIES},
}


async def place_child(pool: asyncpg.Pool) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A child with a distinctive name at De Boomhut, registered at De Ster; two parents with custody."""
    kind_id, parents = uuid.uuid4(), [uuid.uuid4(), uuid.uuid4()]
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO kinderen (id, locatie_id, voornaam, achternaam, geboortedatum, vve_indicatie,"
            " aangemelde_school_id) VALUES ($1, $2, $3, $4, $5, false, $6)",
            kind_id, demo.BOOMHUT, VOORNAAM, f"{ACHTERNAAM}-{str(kind_id)[:4]}", BORN, demo.STER,
        )  # fmt: skip
        for parent, email in zip(parents, (MUM_EMAIL, DAD_EMAIL), strict=True):
            await conn.execute(
                "INSERT INTO gebruikers (id, naam, rol, gemeente_id, kind_id, email) VALUES ($1, $2, 'ouder', $3, $4, $5)",
                parent, f"Ouder {ACHTERNAAM}", demo.ALMERE, kind_id, email,
            )  # fmt: skip
    return kind_id, parents


class Steps:
    """One overdracht through the API, step by step, as its people take them."""

    def __init__(self, api: httpx.AsyncClient) -> None:
        self.api = api
        self.path = ""

    async def headers(self, user: uuid.UUID) -> dict[str, str]:
        r = await self.api.post("/v1/dev/tokens", json={"gebruikerId": str(user)})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['accessToken']}"}

    async def take(self, method: str, suffix: str, user: uuid.UUID, body: Any = None) -> dict[str, Any]:
        r = await self.api.request(method, f"{self.path}{suffix}", headers=await self.headers(user), json=body)
        assert r.status_code in (200, 201), f"{method} {suffix}: {r.text}"
        return r.json()

    async def open_to_consent(self, kind_id: uuid.UUID, parents: list[uuid.UUID]) -> str:
        """Opened, the form filled in and submitted, the parents' reaction and consent: ready to send."""
        pm = demo.PM_USER[demo.BOOMHUT]
        opened = await self.take("POST", "/v1/overdrachten", pm, {"kindId": str(kind_id)})
        self.path = f"/v1/overdrachten/{opened['id']}"
        await self.take("PUT", "/formulier", pm, FORM)
        await self.take("POST", "/indieningen", pm)
        await self.take("POST", "/ouderreacties", parents[0], {"eens": "ja", "zienswijze": ZIENSWIJZE})
        decisions = [await self.take("POST", "/toestemmingen", p, {"besluit": "gegeven"}) for p in parents]
        assert decisions[-1]["status"] == "gereed_voor_verzending"
        return opened["id"]

    async def send_and_confirm(self) -> dict[str, Any]:
        await self.take("POST", "/verzendingen", demo.PM_USER[demo.BOOMHUT])
        first_day = (date.today() + timedelta(days=120)).isoformat()
        return await self.take(
            "POST", "/ontvangstbevestigingen", demo.SCHOOL_USER[demo.STER], {"eersteSchooldag": first_day}
        )


# What an operator sees


async def run_cli(*args: str) -> str:
    """The real `temporal` CLI, without blocking the event loop the worker (and API) run on."""
    proc = await asyncio.create_subprocess_exec(
        temporal_binary(), *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


def with_payloads_decoded(cli_json: str) -> bytes:
    """The CLI's JSON shows a payload's bytes as base64: every string that is base64 is added decoded,
    so the search below sees what anyone can read from it."""
    found: list[bytes] = [cli_json.encode()]

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            with contextlib.suppress(binascii.Error, ValueError):
                found.append(base64.b64decode(value, validate=True))

    walk(json.loads(cli_json))
    return b"\n".join(found)


async def what_the_operator_sees(target: str, workflow_id: str) -> dict[str, bytes]:
    show = ["workflow", "show", "--workflow-id", workflow_id, "--address", target]
    return {
        "temporal workflow show --output json": with_payloads_decoded(await run_cli(*show, "--output", "json")),
        # The table an operator reads: the CLI prints plain JSON payloads as their values.
        "temporal workflow show --detailed": (await run_cli(*show, "--detailed")).encode(),
    }


def engine_files(database: Path) -> dict[str, bytes]:
    """The SQLite file and its write-ahead log (and shared memory), as they lie on disk."""
    files = sorted(database.parent.glob(database.name + "*"))
    assert database in files
    return {f.name: f.read_bytes() for f in files}


def readable(haystacks: dict[str, bytes], secrets: list[str]) -> list[tuple[str, str]]:
    return [(where, s) for where, data in haystacks.items() for s in secrets if s.encode() in data]


@contextlib.asynccontextmanager
async def engine_with_sqlite(database: Path, settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """A dev server of its own, on a SQLite file with a write-ahead log as `make run` keeps it."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(),
        dev_server_database_filename=str(database),
        dev_server_extra_args=["--sqlite-pragma", "journal_mode=wal"],
        search_attributes=search_attributes.ALL,
        data_converter=temporal.data_converter(settings),
    )
    try:
        yield env
    finally:
        await env.shutdown()


@contextlib.asynccontextmanager
async def live_api(settings: Settings) -> AsyncIterator[str]:
    """The API over real HTTP (the CLI calls its codec endpoint), in this event loop."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), "the API did not start"
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving


@pytest.mark.parametrize("codec", [True, False], ids=["encrypted", "control-without-codec"])
async def test_nothing_personal_is_readable_in_the_engine(
    codec: bool, pool: asyncpg.Pool, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not codec:
        # The control: every client and worker as before the codec. The same run must show the data,
        # or the searches below prove nothing.
        monkeypatch.setattr(temporal, "data_converter", lambda settings: pydantic_data_converter)
    database = tmp_path / "temporal.db"
    kind_id, parents = await place_child(pool)

    async with engine_with_sqlite(database, settings) as env:
        target = env.client.service_client.config.target_host
        own = settings.model_copy(update={"temporal_address": target, "task_queue": QUEUE})
        async with build_worker(env.client, pool, own, task_queue=QUEUE), app_client(own) as api:
            steps = Steps(api)
            overdracht_id = await steps.open_to_consent(kind_id, parents)
            assert (await steps.send_and_confirm())["status"] == "afgerond"

            seen = await what_the_operator_sees(target, f"overdracht-{overdracht_id}")
            on_disk = engine_files(database)
            decoded = ""  # what an administrator sees through the codec endpoint
            if codec:
                # An administrator with the codec endpoint does see it (what the web UI asks for).
                async with live_api(own) as url:
                    token = (await steps.headers(BEHEERDER))["Authorization"]
                    decoded = await run_cli(
                        "workflow", "show", "--workflow-id", f"overdracht-{overdracht_id}", "--address", target,
                        "--detailed", "--codec-endpoint", f"{url}/v1/codec", "--codec-auth", token,
                    )  # fmt: skip
        on_disk_after = {f"{name} (stopped)": data for name, data in engine_files(database).items()}

    everywhere = seen | on_disk | on_disk_after
    if codec:
        assert readable(everywhere, PERSONAL_DATA) == []
        assert VOORNAAM in decoded and ZIENSWIJZE in decoded
    else:
        for where in ("temporal workflow show --output json", "temporal workflow show --detailed", "temporal.db"):
            found = {s for w, s in readable(everywhere, IN_THE_HISTORY_WITHOUT_CODEC) if w.startswith(where)}
            assert found == set(IN_THE_HISTORY_WITHOUT_CODEC), (where, found)


# Key rotation

KEY_2025, KEY_2026 = os.urandom(32), os.urandom(32)


def keyed(settings: Settings, **keys: bytes) -> Settings:
    """The service as configured with these keys (the last one active), on a task queue of its own."""
    return settings.model_copy(
        update={
            "payload_keys": {k: SecretStr(base64.b64encode(v).decode()) for k, v in keys.items()},
            "payload_key_id": None,
            "task_queue": "overdracht-rotation",
        }
    )


@contextlib.asynccontextmanager
async def service(settings: Settings, pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    """A worker and the API as their processes start: each with its own client from temporal.connect."""
    async with build_worker(await temporal.connect(settings), pool, settings), app_client(settings) as api:
        yield api


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every payload of a history event, except search attributes and headers: the engine indexes
    those (metadata only, workflows/search_attributes.py); the codec does not touch them."""
    if isinstance(message, Payload):
        yield message
        return
    for field, value in message.ListFields():
        if field.message_type is None or field.name in ("search_attributes", "header"):
            continue
        if isinstance(value, Message):
            children = [value]
        elif field.message_type.GetOptions().map_entry:
            children = [v for v in value.values() if isinstance(v, Message)]
        else:
            children = list(value)
        for child in children:
            yield from payloads_in(child)


async def test_an_overdracht_started_under_the_old_key_finishes_under_the_new_one(
    env: WorkflowEnvironment, pool: asyncpg.Pool, settings: Settings
) -> None:
    kind_id, parents = await place_child(pool)
    before, after = keyed(settings, **{"2025": KEY_2025}), keyed(settings, **{"2025": KEY_2025, "2026": KEY_2026})

    async with service(before, pool) as api:
        steps = Steps(api)
        overdracht_id = await steps.open_to_consent(kind_id, parents)

    # Read as the engine holds it: a client without the codec.
    plain = Client(
        env.client.service_client, namespace=settings.temporal_namespace, data_converter=pydantic_data_converter
    )
    handle = plain.get_workflow_handle(f"overdracht-{overdracht_id}")
    restarted_at = len((await handle.fetch_history()).events)

    # Restarted with the new key added: it is the active one now; the old one still decrypts.
    async with service(after, pool) as api:
        steps.api = api
        assert (await steps.send_and_confirm())["status"] == "afgerond"

    events = (await handle.fetch_history()).events
    key_ids: dict[str, set[int]] = {}
    for event in events:
        if event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
            continue  # a patch marker: the SDK writes the patch's name (workflow.patched) as it is
        for payload in payloads_in(event):
            assert payload.metadata["encoding"] == ENCODING, f"a plain payload in event {event.event_id}"
            key_ids.setdefault(payload.metadata[KEY_ID_METADATA].decode(), set()).add(event.event_id)
    assert set(key_ids) == {"2025", "2026"}
    assert max(key_ids["2025"]) <= restarted_at < min(key_ids["2026"])

"""An integrator's SDK, generated from the live OpenAPI document by openapi-python-client in the test run,
drives one overdracht of a VVE child from opening to AFGEROND as the people involved would: the PM'er
opens it, saves the form and submits it, the parent consents, the PM'er sends it, the school confirms
receipt and plans and records the warme overdracht. Only the SDK's generated functions and models speak
to the API (the child and its parent are put in the database, as the import would).

The SDK exists only while the test runs, so mypy never sees it: its modules are imported by name and
used untyped here."""

import asyncio
import contextlib
import importlib
import json
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from overdracht import demo
from tests.happy_path import VVE_FORM, place_child

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "overdracht_sdk"
# The operations whose bodies or answers are files (a PDF, a scan, a CSV, the protocol's TOML): a client
# generated from JSON schemas leaves those bodies and answers out, and says so. Any other warning is the
# document's fault.
FILE_TYPES = {"application/pdf", "image/jpeg", "image/png", "text/csv", "application/toml"}


@pytest.fixture(scope="module")
def sdk(live_api: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The SDK generated from the document the API serves, importable as PACKAGE; yields the base URL a
    client of it is given."""
    folder = tmp_path_factory.mktemp("sdk")
    config = folder / "config.json"
    config.write_text(json.dumps({"post_hooks": []}))  # as generated: no formatter run over it
    generated = subprocess.run(
        [str(GENERATOR), "generate", "--url", f"{live_api}/v1/openapi.json", "--output-path", str(folder / PACKAGE),
         "--meta", "none", "--config", str(config)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    said = generated.stdout + generated.stderr
    assert generated.returncode == 0, said
    for method, path, reason in re.findall(r"^WARNING parsing (\S+) (\S+) within \S+\n(.+)$", said, re.MULTILINE):
        media_types = set(re.findall(r"\b[a-z]+/[a-z0-9.+-]+\b", reason))
        assert media_types and media_types <= FILE_TYPES, f"{method} {path}: {reason}"
    assert said.count("WARNING") == len(re.findall(r"^WARNING parsing ", said, re.MULTILINE)), said
    sys.path.insert(0, str(folder))
    try:
        yield f"{live_api}/v1"  # the document's server: its paths are from there
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.partition(".")[0] == PACKAGE]:
            del sys.modules[name]


def generated(module: str) -> Any:
    """A module of the SDK, e.g. `api.overdrachten.open_overdracht` or `models.status`."""
    return importlib.import_module(f"{PACKAGE}.{module}")


def call(module: str) -> Any:
    """An operation's `asyncio_detailed` function, which answers with the status code and the parsed model."""
    return generated(f"api.{module}").asyncio_detailed


def answered(status: int, response: Any) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.content.decode()}"
    return response.parsed


async def test_an_sdk_generated_from_the_document_drives_an_overdracht_to_afgerond(
    sdk: str, pool: asyncpg.Pool
) -> None:
    client, models = generated("client"), generated("models")
    kind_id, parent_id = await place_child(pool, vve=True)
    people = contextlib.AsyncExitStack()

    async def signed_in(user: UUID) -> Any:
        """A client with the user's bearer token, from the development sign-in (POST /v1/dev/tokens)."""
        async with client.Client(base_url=sdk) as anyone:
            request = models.TokenAanvraag(gebruiker_id=user)
            token = answered(200, await call("ontwikkeling.create_dev_token")(client=anyone, body=request))
        return await people.enter_async_context(client.AuthenticatedClient(base_url=sdk, token=token.access_token))

    async with people:
        pm, school = await signed_in(demo.PM_USER[demo.BOOMHUT]), await signed_in(demo.SCHOOL_USER[demo.STER])
        await walk(models, pm, await signed_in(parent_id), school, kind_id)


async def walk(models: Any, pm: Any, parent: Any, school: Any, kind_id: UUID) -> None:
    Status = models.Status

    async def settled(overdracht_id: UUID, status: Any) -> Any:
        """The detail as the PM'er reads it, once it shows `status` (a step's outcome reaches the read
        model the detail is read from behind the step's own answer, or with it)."""
        seen = []
        for _ in range(100):
            detail = answered(200, await call("overdrachten.get_overdracht")(overdracht_id, client=pm))
            if detail.status == status:
                return detail
            seen.append(detail.status)
            await asyncio.sleep(0.1)
        raise AssertionError(f"the detail stayed {seen[-1]}, not {status}")

    async def step(name: str, who: Any, overdracht_id: UUID, **body: Any) -> Any:
        """One step, as an integrator sends it: with an Idempotency-Key of its own."""
        function = call(f"overdrachten.{name}")
        answer = answered(201, await function(overdracht_id, client=who, idempotency_key=str(uuid.uuid4()), **body))
        return await settled(overdracht_id, answer.status)

    opened = answered(
        201,
        await call("overdrachten.open_overdracht")(
            client=pm, body=models.OverdrachtOpenen(kind_id=kind_id), idempotency_key=str(uuid.uuid4())
        ),
    )
    overdracht_id = opened.id
    assert opened.status == Status.CONCEPT

    saved = answered(
        200,
        await call("overdrachten.save_formulier")(overdracht_id, client=pm, body=models.Formulier.from_dict(VVE_FORM)),
    )
    assert saved.formulier.vve.indicatie is True
    # A step without data: the SDK sends its body as given, and an omitted one it cannot send (it passes
    # its "unset" marker to the JSON encoder), so the empty object the document allows goes with it.
    nothing = models.LegeStap()
    assert (await step("submit_formulier", pm, overdracht_id, body=nothing)).status == Status.BIJ_OUDERS
    consent = models.ToestemmingVastleggen(besluit=models.Besluit.GEGEVEN)
    assert (
        await step("record_toestemming", parent, overdracht_id, body=consent)
    ).status == Status.GEREED_VOOR_VERZENDING
    assert (await step("send_overdracht", pm, overdracht_id, body=nothing)).status == Status.VERZONDEN
    first_day, warm_day = date.today() + timedelta(days=120), date.today() + timedelta(days=100)
    receipt = models.OntvangstBevestigen(eerste_schooldag=first_day)
    received = await step("confirm_ontvangst", school, overdracht_id, body=receipt)
    assert received.status == Status.ONTVANGEN
    assert received.warme_overdracht.vereist is True  # a VVE child: received is not yet done
    plan = models.WarmeOverdrachtPlannen(actie="plannen", datum=warm_day, vorm=models.Vorm.GESPREK)
    planned = await step("take_warme_overdracht_actie", school, overdracht_id, body=plan)
    assert planned.status == Status.WARME_OVERDRACHT_GEPLAND
    held = models.WarmeOverdrachtVastleggen(
        actie="vastleggen", datum=warm_day, vorm=models.Vorm.GESPREK, deelnemers=["mentor", "intern begeleider"]
    )
    done = await step("take_warme_overdracht_actie", school, overdracht_id, body=held)

    assert done.status == Status.AFGEROND
    assert done.tijdstippen.eerste_schooldag == first_day
    assert done.warme_overdracht.gehouden_op == warm_day
    # The school and the parent read the same outcome, each through the SDK.
    for who in (school, parent):
        detail = answered(200, await call("overdrachten.get_overdracht")(overdracht_id, client=who))
        assert detail.status == Status.AFGEROND

"""Schemathesis against the API's own OpenAPI, over real HTTP: for every operation, generated valid
and invalid requests, as several roles; no server error and no response that breaks its own schema,
status codes or headers."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Err
from temporalio.testing import WorkflowEnvironment

from overdracht import demo
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# `negative_data_rejection` is left out: every request here carries a valid token, so a generated
# case whose only fault is a missing token is rightly accepted. That invalid input is refused with a 400
# is tested by hand (tests/test_api.py, tests/test_list.py: unknown query parameters too).
ROLES = {
    "pm": demo.PM_USER[demo.BOOMHUT],
    "ouder": demo.CHILDREN[11].parent_id,
    "school": demo.SCHOOL_USER[demo.STER],
    "coordinator": demo.COORDINATOR,
}


@pytest.fixture(scope="session")
def live_api(database_url: str, env: WorkflowEnvironment, pool: object) -> Iterator[str]:
    """The API and a worker as the processes `make run` starts, on a task queue of their own: the
    suite's in-process worker does not run while a plain (not async) test like these does."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OVERDRACHT_")} | {
        "OVERDRACHT_ENVIRONMENT": "test",
        "OVERDRACHT_DATABASE_URL": database_url,
        "OVERDRACHT_TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
        "OVERDRACHT_TASK_QUEUE": "overdracht-schemathesis",
        "OVERDRACHT_API_PORT": str(port),
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "overdracht", what], cwd=ROOT, env=environment, stdout=subprocess.DEVNULL
        )
        for what in ("api", "worker")
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/v1/gezondheid", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield base
    finally:
        for p in processes:
            p.terminate()
            p.wait(timeout=15)


@pytest.fixture(scope="session")
def api_schema(live_api: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{live_api}/v1/openapi.json")


@pytest.fixture(scope="session")
def tokens(live_api: str) -> dict[str, dict[str, str]]:
    headers = {}
    for role, user in ROLES.items():
        r = httpx.post(f"{live_api}/v1/dev/tokens", json={"gebruikerId": str(user)})
        headers[role] = {"Authorization": f"Bearer {r.json()['accessToken']}"}
    return headers


Operation = schemathesis.APIOperation[Any, Any, Any, Any]


def operations(schema: schemathesis.BaseSchema) -> list[Operation]:
    found = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):  # an operation the document describes wrongly
            raise result.err()
        found.append(result.ok())
    return found


@pytest.mark.parametrize("mode", list(GenerationMode))
def test_every_operation_keeps_its_own_contract(
    api_schema: schemathesis.BaseSchema, tokens: dict[str, dict[str, str]], mode: GenerationMode
) -> None:
    """Valid (positive) and invalid (negative) requests for every operation, each sent as every role:
    each role meets other answers (401, 403, 404, 400, 409) to check against the document."""
    failures: dict[str, str] = {}
    for operation in operations(api_schema):

        @given(case=operation.as_strategy(generation_mode=mode))
        # The same examples every run (derived from the operation): a failure is one that stays failed.
        @settings(
            max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True
        )
        def run(case: schemathesis.Case[Operation]) -> None:
            for headers in tokens.values():
                case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            if mode is not GenerationMode.NEGATIVE:
                raise
            # Nothing in this operation can be made invalid (the health check has no input).
        except Exception as exc:  # noqa: BLE001 - collected, reported together below
            failures[operation.label] = str(exc)[:1500]
    assert not failures, "\n\n".join(f"{label}:\n{reason}" for label, reason in failures.items())


def test_the_document_covers_the_api_contract(api_schema: schemathesis.BaseSchema) -> None:
    labels = {op.label for op in operations(api_schema)}

    assert len(labels) >= 20
    assert "POST /v1/overdrachten/{overdracht_id}/warme-overdrachten" in labels

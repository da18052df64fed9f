"""Schemathesis against the API's own OpenAPI, over real HTTP, as its command line runs it: every check
it has, in the examples, coverage and fuzzing phases, once for each of four roles, each meeting other
answers (401, 403, 404, 400, 409) to hold against the document. Any failure fails the role's test with
Schemathesis's own report of it: the operation, the check, the answer, and a curl command to repeat it.

What a check cannot know about one operation is configured in tests/schemathesis.toml, each with its
reason; the Idempotency-Key's values are made unique per request in tests/schemathesis_hooks.py."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
import schemathesis
from schemathesis.core.result import Err

from overdracht import demo

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "tests" / "schemathesis.toml"
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
# The sides of an overdracht and its monitoring, each allowed what the others are refused. Not the
# functioneel beheerder or the locatiemanager: their operations change what the other runs read and act
# on (they deactivate people, close locations, end placements, import children), and the runs go at the
# same time.
ROLES = {
    "pm": demo.PM_USER[demo.BOOMHUT],
    "ouder": demo.CHILDREN[11].parent_id,
    "school": demo.SCHOOL_USER[demo.STER],
    "coordinator": demo.COORDINATOR,
}
# Fuzzing's cases per operation and role. The coverage phase's cases follow from each schema: some 3,300
# per role. The four runs take about a minute on this project's two cores, and some two CPU-minutes.
MAX_EXAMPLES = 5
AT_MOST = 600  # seconds for one role's run on a busy machine: generous, never the point


class Run:
    """One role's run of the CLI, in a process of its own: the roles run at the same time, each with one
    worker. (With two worker threads in one process, Hypothesis's description of a strategy failed in
    our runs with Python 3.11.7's "AST constructor recursion depth mismatch", CPython issue 106905: an
    error of the run, not of the API.)"""

    def __init__(self, role: str, base: str, token: str, output: Path) -> None:
        self.role, self.output = role, output
        command = [
            str(SCHEMATHESIS),
            "--config-file", str(CONFIG),
            "run", f"{base}/v1/openapi.json",
            "--checks", "all",
            "--phases", "examples,coverage,fuzzing",
            "--mode", "all",
            "--max-examples", str(MAX_EXAMPLES),
            # The same cases every run, derived from the schema: a failure is one that stays failed.
            "--generation-deterministic",
            "--workers", "1",
            # Every failure of an operation, not only its first.
            "--continue-on-failure",
            "--no-color",
        ]  # fmt: skip
        # The token reaches the configuration's ${OVERDRACHT_SCHEMATHESIS_TOKEN}, and not the command line.
        environment = os.environ | {"OVERDRACHT_SCHEMATHESIS_TOKEN": token}
        self._out: IO[bytes] = output.open("wb")
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=self._out, stderr=subprocess.STDOUT)

    def finish(self) -> tuple[int, str]:
        try:
            code = self.process.wait(timeout=AT_MOST)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self._out.close()
        return code, self.output.read_text()


@pytest.fixture(scope="session")
def runs(live_api: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    folder = tmp_path_factory.mktemp("schemathesis")
    started = {}
    for role, user in ROLES.items():
        r = httpx.post(f"{live_api}/v1/dev/tokens", json={"gebruikerId": str(user)})
        assert r.status_code == 200, r.text
        # .txt, not .log: Schemathesis's report, not a log of the service's (tests/log_scan.py).
        started[role] = Run(role, live_api, r.json()["accessToken"], folder / f"{role}.txt")
    yield started
    for run in started.values():
        if run.process.poll() is None:
            run.process.kill()
            run.finish()


def report(output: str) -> str:
    """Schemathesis's errors and failures and its summary: what a failed run is to be read for."""
    start = re.search(r"^=+ (ERRORS|FAILURES) =+$", output, re.MULTILINE)
    return output[start.start() :] if start else output[-6000:]


@pytest.fixture(scope="session")
def operation_count(live_api: str) -> int:
    document = httpx.get(f"{live_api}/v1/openapi.json").json()
    return sum(len(operations) for operations in document["paths"].values())


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_its_own_contract(runs: dict[str, Run], operation_count: int, role: str) -> None:
    code, output = runs[role].finish()

    assert code == 0, f"Schemathesis as {role} (exit code {code}):\n\n{report(output)}"
    # A run that tested nothing ends well too: this one tested every operation in the coverage and the
    # fuzzing phase, and ran the examples.
    assert f"Tested: {operation_count}" in output, output[-3000:]
    assert output.count(f"✅ {operation_count} passed") == 2, output[-3000:]
    assert re.search(r"^ +✅ Examples$", output, re.MULTILINE), output[-3000:]


Operation = schemathesis.APIOperation[Any, Any, Any, Any]


def test_the_document_covers_the_api_contract(live_api: str) -> None:
    schema = schemathesis.openapi.from_url(f"{live_api}/v1/openapi.json")
    labels = set()
    for result in schema.get_all_operations():
        if isinstance(result, Err):  # an operation the document describes wrongly
            raise result.err()
        labels.add(result.ok().label)

    assert len(labels) >= 20
    assert "POST /overdrachten/{overdracht_id}/warme-overdrachten" in labels  # from the server's URL, /v1

"""The layering, kept true by the suite: routes parse, call the service layer and answer; only the
service layer calls the engine; SQL lives under db/; the core depends on nothing above it."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, as written (`db.overdrachten`, `db`, `temporalio.client`, …)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def offending(paths: list[Path], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    result = {}
    for path in paths:
        bad = sorted(m for m in imports_of(path) if m.split(".")[0] in forbidden or m.startswith(forbidden))
        if bad:
            result[str(path.relative_to(ROOT))] = bad
    return result


# The API's own plumbing may reach the database (the audit trail's writer, the idempotency store) and
# the engine's health; routes may not.
ROUTES = files("api/routes")
# The web app's pages are routes too: the same service layer, never a second path (its session store,
# web/sessions.py, is plumbing like api/deps.py).
PAGES = [p for p in files("web") if p.name != "sessions.py"]


def test_routes_reach_the_database_and_the_engine_only_through_the_service_layer() -> None:
    assert offending(ROUTES + PAGES, ("db", "asyncpg", "workflows", "services.commands")) == {}
    assert offending(ROUTES, ("activities",)) == {}


def test_routes_hold_no_sql() -> None:
    sql = [
        p for p in ROUTES + PAGES if any(word in p.read_text() for word in ("SELECT ", "INSERT ", "UPDATE ", "DELETE "))
    ]
    assert sql == []


def test_activities_hold_no_sql() -> None:
    words = ("SELECT ", "INSERT ", "UPDATE ", "DELETE ")
    assert [p.name for p in files("activities") if any(w in p.read_text() for w in words)] == []


# Session state a pooled connection would carry to its next user: the pool no longer clears it at
# release (db/pool.py PooledConnection). Transaction-scoped forms (pg_advisory_xact_lock, SET LOCAL,
# set_config(…, true)) end with their transaction and are fine.
SESSION_STATE = re.compile(
    r"pg_(try_)?advisory_lock|\bLISTEN\b|add_listener|[\"']\s*SET\s+(?!LOCAL\b)(SESSION\s+)?[a-z_.]+\s*(=|TO\b)"
    r"|set_config\([^)]*false\s*\)|\bWITH\s+HOLD\b",
    re.IGNORECASE,
)
# Files that hold such state on a connection of their own, never the pool's.
OWN_CONNECTION = {"db/migrate.py"}  # the migrations' lock, on a connection closed when they are done


def test_no_code_leaves_state_in_a_pooled_session() -> None:
    found = {
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for folder in ("db", "services", "activities", "api", "web", "core")
        for p in files(folder)
        if str(p.relative_to(ROOT)) not in OWN_CONNECTION
        for m in SESSION_STATE.finditer(p.read_text())
    }
    assert found == set()


def test_the_session_state_check_finds_what_it_looks_for() -> None:
    for sql in (
        "SELECT pg_advisory_lock(1)",
        "LISTEN berichten",
        '"SET statement_timeout = 0"',
        "'SET search_path TO x'",
        "set_config('role', 'x', false)",
        "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
    ):
        assert SESSION_STATE.search(sql), sql
    for sql in ("SELECT pg_advisory_xact_lock(1)", '"SET LOCAL statement_timeout = 0"', "UPDATE t SET a = 1"):
        assert not SESSION_STATE.search(sql), sql


@pytest.mark.parametrize("folder", ["core", "schemas", "protocol", "db"])
def test_the_lower_layers_do_not_import_the_upper_ones(folder: str) -> None:
    assert offending(files(folder), ("api", "services", "overdracht", "web")) == {}


def test_only_the_service_layer_and_the_runtime_call_the_engine() -> None:
    callers = {
        str(p.relative_to(ROOT))
        for folder in ("api", "db", "schemas", "core", "protocol", "activities")
        for p in files(folder)
        if "services.commands" in imports_of(p) or "workflows.handover" in imports_of(p)
    }
    assert callers == set()


def test_every_worker_module_imports_on_its_own() -> None:
    """No import cycle hides behind the order the suite happens to import in: the worker process
    starts from `overdracht.worker`, and each activity or workflow module imports first in a fresh state."""
    modules = ["overdracht.worker"] + [
        f"{p.parent.name}.{p.stem}"
        for folder in ("activities", "workflows")
        for p in files(folder)
        if p.stem != "__init__"
    ]
    script = (
        "import importlib, sys\n"
        "roots = ('activities', 'workflows', 'services', 'db', 'schemas', 'core', 'protocol', 'overdracht', 'api', 'web')\n"
        "for name in sys.argv[1:]:\n"
        "    for loaded in [m for m in sys.modules if m.split('.')[0] in roots]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module(name)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, *modules], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]

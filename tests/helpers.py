"""Small helpers the tests share: reading a problem answer, waiting for what happens in the
background (a timer's record, a purge), and the type of a handle on the workflow."""

import asyncio
import io
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar
from uuid import uuid4

import asyncpg
import httpx
from pypdf import PdfWriter
from temporalio.client import WorkflowHandle

from db.migrate import MIGRATIONS
from schemas.workflow import HandoverState
from workflows.handover import HandoverWorkflow

PROBLEM = "application/problem+json"
T = TypeVar("T")
# A handle on one overdracht's workflow, typed: its queries and updates check their arguments.
HandoverHandle = WorkflowHandle[HandoverWorkflow, HandoverState]


def assert_problem(r: httpx.Response, status: int) -> dict[str, Any]:
    """The response is a problem+json with this status, a title and a detail; returns its body."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def a_pdf(title: str = "Observatie") -> bytes:
    """A small, valid one-page PDF whose document title is `title`, in clear text in the file (letters and
    digits only: PDF escapes other characters)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    assert title.encode() in out.getvalue()
    return out.getvalue()


async def eventually(check: Callable[[], Awaitable[T]], ok: Callable[[T], Any] = bool, within: float = 15.0) -> T:
    """Poll `check` (in real time) until `ok` holds for what it returns."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = await check()
        if ok(result):
            return result
        assert loop.time() < deadline, f"not within {within:.0f} s; last seen: {result}"
        await asyncio.sleep(0.05)


async def finished_import(api: httpx.AsyncClient, posted: httpx.Response, headers: dict[str, str]) -> httpx.Response:
    """The job a `POST /v1/imports/plaatsingen` accepted (202), fetched as its starter sees it once it has
    ended: the last `GET /v1/imports/{id}`. Its `resultaat` holds what the import did."""
    assert posted.status_code == 202, posted.text
    location = posted.headers["location"]
    assert location == f"/v1/imports/{posted.json()['id']}"
    auth = {k: v for k, v in headers.items() if k.lower() == "authorization"}
    done = await eventually(
        lambda: api.get(location, headers=auth),
        lambda r: r.status_code != 200 or r.json()["status"] in ("klaar", "mislukt"),
        within=60,
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "klaar", done.text
    return done


def text_of(message: EmailMessage) -> str:
    """A received message's plain-text part (each message also has an HTML one)."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "no text/plain part"
    text: str = part.get_content()
    return text


# A benchmark's tiny run: its stack's start and the demo data take most of it; generous for a loaded machine.
BENCH_TIMEOUT = 600


def tiny_bench(name: str, tmp_path: Path) -> tuple[dict[str, Any], str]:
    """`python -m bench.<name> --tiny`, its stack under `tmp_path` (it must succeed): the results it
    wrote, and everything it printed and wrote, for a search for personal data."""
    out = tmp_path / f"{name}.json"
    run = subprocess.run(
        [sys.executable, "-m", f"bench.{name}", "--tiny", "--out", str(out), "--workdir", str(tmp_path / "stack")],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=BENCH_TIMEOUT,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results: dict[str, Any] = json.loads(out.read_text())
    return results, run.stdout + run.stderr + out.read_text()


@asynccontextmanager
async def database_before(database_url: str, migration: str) -> AsyncIterator[str]:
    """A database of its own on `database_url`'s server with every migration before `migration` (its
    number, "030") applied and none from there on: its DSN, to test that migration on the rows it
    meets. Dropped after."""
    name = f"voor_{migration}_{uuid4().hex[:8]}"
    admin = await asyncpg.connect(database_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    dsn = f"{database_url.rsplit('/', 1)[0]}/{name}"
    try:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute("CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz)")
            for path in sorted(MIGRATIONS.glob("*.sql")):
                if path.name >= migration:
                    break
                await conn.execute(path.read_text())
        finally:
            await conn.close()
        yield dsn
    finally:
        admin = await asyncpg.connect(database_url)
        try:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        finally:
            await admin.close()

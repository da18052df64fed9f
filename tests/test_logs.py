"""Logs: JSON lines with the request id in production, the X-Request-ID header, the formatters'
safety net for personal data, and the log scan (tests/log_scan.py) that can fail the run."""

import io
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pydantic
import pytest
from fastapi import FastAPI, Request
from temporalio.worker import Worker

from api.errors import install_error_handlers
from api.request_id import HEADER, install_request_id
from core.logs import REQUEST_ID, JsonFormatter, TextFormatter, log_format
from core.settings import Environment, Settings
from overdracht import demo
from tests.conftest import free_port
from tests.log_scan import LogScan, ScanHandler, find_names

ROOT = Path(__file__).resolve().parent.parent
NOOR = next(c for c in demo.CHILDREN if c.voornaam == "Noor")


@contextmanager
def captured(logger_name: str, formatter: logging.Formatter) -> Iterator[io.StringIO]:
    """A logger's lines as `formatter` writes them, formatted when logged (as the real handler does).
    Not propagated: no other handler, nor the suite's log scan, sees these records."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield out
    finally:
        logger.removeHandler(handler)


def lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


# The formatters


def test_json_lines_carry_time_level_logger_message_request_id_and_safe_extras() -> None:
    token = REQUEST_ID.set("req-123")
    try:
        with captured("test.logs.json", JsonFormatter()) as out:
            logging.getLogger("test.logs.json").info(
                "overdracht %s opened", "o-1", extra={"regel": 3, "status": "concept", "ids": ["a", "b"]}
            )
    finally:
        REQUEST_ID.reset(token)

    [entry] = lines(out)
    assert entry["message"] == "overdracht o-1 opened"
    assert (entry["level"], entry["logger"], entry["request_id"]) == ("INFO", "test.logs.json", "req-123")
    assert entry["time"].endswith("+00:00")
    assert (entry["regel"], entry["status"], entry["ids"]) == (3, "concept", ["a", "b"])


def test_outside_a_request_the_request_id_is_null() -> None:
    with captured("test.logs.none", JsonFormatter()) as out:
        logging.getLogger("test.logs.none").warning("worker started")
    assert lines(out)[0]["request_id"] is None


def test_the_formatters_mask_personal_extras_objects_and_bsns() -> None:
    class Kind(pydantic.BaseModel):
        voornaam: str

    extra = {"voornaam": NOOR.voornaam, "email": "ouder.1@demo.invalid", "kind": Kind(voornaam=NOOR.voornaam)}
    with captured("test.logs.mask", JsonFormatter()) as out:
        logging.getLogger("test.logs.mask").info("bsn 111222333 of %s", "o-1", extra=extra)
    with captured("test.logs.mask.text", TextFormatter()) as text:
        logging.getLogger("test.logs.mask.text").info("bsn 111222333", extra=extra)

    [entry] = lines(out)
    assert entry["voornaam"] == entry["email"] == "[verwijderd]" and entry["kind"] == "<Kind>"
    assert entry["message"] == "bsn [bsn] of o-1"
    for written in (out.getvalue(), text.getvalue()):
        assert NOOR.voornaam not in written and "111222333" not in written and "demo.invalid" not in written


def test_an_exception_is_logged_without_the_input_it_quotes() -> None:
    class Kind(pydantic.BaseModel):
        geboortedatum: int

    with captured("test.logs.exc", JsonFormatter()) as out:
        try:
            Kind.model_validate({"geboortedatum": f"{NOOR.voornaam} {NOOR.achternaam}"})
        except pydantic.ValidationError:
            logging.getLogger("test.logs.exc").exception("unexpected error")

    [entry] = lines(out)
    assert entry["exc_type"] == "ValidationError"
    assert "geboortedatum" in entry["exception"] and "Traceback" in entry["exception"]
    assert NOOR.voornaam not in entry["exception"] and NOOR.achternaam not in entry["exception"]


async def test_a_database_error_is_logged_without_the_value_it_quotes(pool: asyncpg.Pool) -> None:
    name = f"{NOOR.voornaam} {NOOR.achternaam}"
    with captured("test.logs.db", JsonFormatter()) as out:
        try:  # refused by asyncpg before it reaches the server: "… argument $1: 'Noor Jansen' (invalid UUID …)"
            await pool.fetchval("SELECT $1::uuid", name)
        except asyncpg.DataError:
            logging.getLogger("test.logs.db").exception("unexpected error")
        # PostgreSQL's own words (made here: the server would write them to its log too, where the
        # suite's log scan would rightly find them).
        try:
            raise asyncpg.InvalidTextRepresentationError(f'invalid input syntax for type integer: "{name}"')
        except asyncpg.PostgresError:
            logging.getLogger("test.logs.db").exception("unexpected error")

    entries = lines(out)
    assert len(entries) == 2
    for entry in entries:
        assert "invalid input" in entry["exception"], entry
        assert NOOR.voornaam not in entry["exception"] and NOOR.achternaam not in entry["exception"]


def test_the_text_format_names_the_request() -> None:
    token = REQUEST_ID.set("req-9")
    try:
        with captured("test.logs.text", TextFormatter()) as out:
            logging.getLogger("test.logs.text").info("bearer token refused", extra={"reason": "expired"})
    finally:
        REQUEST_ID.reset(token)
    assert out.getvalue().rstrip().endswith('INFO test.logs.text [req-9]: bearer token refused reason="expired"')


@pytest.mark.parametrize(
    ("environment", "configured", "expected"),
    [
        ("production", None, "json"),
        ("development", None, "text"),
        ("test", "json", "json"),
        ("production", "TEXT", "text"),
    ],
)
def test_json_in_production_text_elsewhere_unless_configured(
    environment: str, configured: str | None, expected: str
) -> None:
    assert log_format(Settings(environment=Environment(environment), log_format=configured)) == expected


def test_an_unknown_log_format_is_refused() -> None:
    with pytest.raises(ValueError, match="OVERDRACHT_LOG_FORMAT"):
        log_format(Settings(log_format="xml"))


# The request id


async def test_every_response_carries_a_request_id_and_a_sane_incoming_one_is_kept(api: httpx.AsyncClient) -> None:
    answers = [
        await api.get("/v1/gezondheid"),
        await api.get("/v1/overdrachten"),  # 401
        await api.get("/v1/bestaat-niet"),  # 404
        await api.post("/v1/dev/tokens", json={"gebruikerId": "geen-uuid"}),  # 400
    ]
    ids = [r.headers.get(HEADER) for r in answers]
    assert all(ids) and len(set(ids)) == len(ids), ids

    for incoming in ("abc-123", "0af7651916cd43dd8448eb211c80319c", "00-0af76519-b7ad6b71-01", "req_1.2:3/x+y="):
        r = await api.get("/v1/gezondheid", headers={HEADER: incoming})
        assert r.headers[HEADER] == incoming


@pytest.mark.parametrize(
    "bad",
    [
        "x" * 129,  # too long
        "abc\x01def",  # a control character
        "abc\tdef",
        "two words",
        'quote"d',
        '{"level":"ERROR"}',  # a forged log field
        "ünïcode",
        "",
    ],
)
async def test_a_bad_incoming_request_id_is_replaced(api: httpx.AsyncClient, bad: str) -> None:
    r = await api.get("/v1/gezondheid", headers={HEADER.encode(): bad.encode("latin-1", "replace")})
    returned = r.headers[HEADER]
    assert returned != bad and len(returned) == 32 and int(returned, 16) >= 0


def _app_that_fails() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_request_id(app)

    @app.get("/id")
    async def request_id(request: Request) -> dict[str, str]:
        logging.getLogger("test.logs.app").info("handling")
        return {"id": request.state.request_id}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    return app


async def test_the_request_id_is_in_the_request_state_the_log_lines_and_a_500() -> None:
    app = _app_that_fails()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    with captured("test.logs.app", JsonFormatter()) as handled, captured("api.errors", JsonFormatter()) as errors:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            ok = await client.get("/id", headers={HEADER: "trace-1"})
            generated = await client.get("/id")
            failed = await client.get("/boom", headers={HEADER: "trace-500"})

    assert ok.json() == {"id": "trace-1"} and ok.headers[HEADER] == "trace-1"
    assert generated.json() == {"id": generated.headers[HEADER]}
    assert [e["request_id"] for e in lines(handled)] == ["trace-1", generated.headers[HEADER]]
    # A 500 is answered by Starlette's outermost middleware; the id still comes along, and is logged.
    assert failed.status_code == 500 and failed.headers[HEADER] == "trace-500"
    [error] = lines(errors)
    assert (error["message"], error["request_id"], error["exc_type"]) == (
        "unexpected error",
        "trace-500",
        "RuntimeError",
    )
    assert REQUEST_ID.get() is None  # nothing leaks out of the request


# The process as deployed: `overdracht api` writes JSON lines only, uvicorn's access log included


def test_the_api_process_writes_json_lines_with_the_request_id(
    settings: Settings, worker: Worker, tmp_path: Path
) -> None:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OVERDRACHT_")} | {
        "OVERDRACHT_ENVIRONMENT": "test",
        "OVERDRACHT_LOG_FORMAT": "json",
        "OVERDRACHT_DATABASE_URL": settings.effective_database_url(),
        "OVERDRACHT_TEMPORAL_ADDRESS": settings.temporal_address,
        # The suite's worker polls this queue: the API is ready (/v1/gezondheid) only with one.
        "OVERDRACHT_TASK_QUEUE": settings.task_queue,
        "OVERDRACHT_API_PORT": str(port),
    }
    log = tmp_path / "api.log"  # the log scan reads it too
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "overdracht", "api"], cwd=ROOT, env=environment, stdout=out, stderr=out
        )
    try:
        base = f"http://127.0.0.1:{port}"
        # Generous: on a busy machine two API processes and their readiness check take a while to start.
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/v1/gezondheid", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        headers = {HEADER: "trace-access", "Authorization": "Bearer not-a-token"}
        r = httpx.get(f"{base}/v1/overdrachten?pageSize=1", headers=headers, timeout=5)
        assert r.status_code == 401 and r.headers[HEADER] == "trace-access"
    finally:
        process.terminate()
        process.wait(timeout=15)

    entries = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]  # every line is JSON
    [access] = [e for e in entries if e["logger"] == "uvicorn.access" and e["request_id"] == "trace-access"]
    assert "GET /v1/overdrachten?pageSize=1" in access["message"] and "401" in access["message"]
    [refused] = [e for e in entries if e["message"] == "bearer token refused"]
    assert refused["request_id"] == "trace-access" and refused["reason"]
    assert any(e["logger"] == "uvicorn.error" and "Application startup complete" in e["message"] for e in entries)


# The log scan can fail: its search, and its handler, on their own (not on the suite's logs)


def test_the_scan_finds_a_childs_name_as_a_whole_word() -> None:
    assert find_names(f'{{"message": "opened for {NOOR.voornaam} {NOOR.achternaam}"}}') == ["Noor", "Jansen"]
    assert find_names("Testkind Proef-1a2b3c4d, bsn 999990019") == ["Testkind", "Proef", "999990019"]
    assert find_names("to ouder.12@demo.invalid, from noreply@overdracht.invalid") == ["ouder.12@demo.invalid"]
    assert find_names("wijk Noord, stadsdeel Almere Stad, noor, Noortjes") == []


def test_the_scan_reports_a_name_in_a_log_line_and_a_bsn_the_formatter_masked() -> None:
    scan = LogScan(current="tests/test_logs.py::example")
    logger = logging.getLogger("test.logs.scan")
    handler = ScanHandler(scan)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.info("nothing personal here", extra={"overdracht_id": "o-1"})
        logger.info("opened for %s", "Zoë")
        logger.info("bsn %s", "999990019")
    finally:
        logger.removeHandler(handler)

    assert scan.lines == 3
    assert [(h.name, h.how, h.where) for h in scan.hits] == [
        ("Zoë", "log line", "tests/test_logs.py::example"),
        ("999990019", "record logged by code (masked in the log line)", "tests/test_logs.py::example"),
    ]


def test_a_code_in_an_access_log_line_s_query_string_is_masked() -> None:
    """uvicorn logs the path with its query string: a parent's or an invitee's one-time code stays out."""
    access = logging.getLogger("uvicorn.access")
    masking = [f for f in access.filters if type(f).__name__ == "_QueryValuesMasked"]
    assert masking, "core.logs installs the filter on uvicorn's access log"
    with captured("uvicorn.access", TextFormatter()) as out:
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/ouder?code=Zx9-geheim_1&taal=en", "1.1", 303)
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/overdrachten?status=CONCEPT", "1.1", 200)

    assert "Zx9-geheim_1" not in out.getvalue()
    assert "/ouder?code=[verwijderd]&taal=en" in out.getvalue() and "/overdrachten?status=CONCEPT" in out.getvalue()

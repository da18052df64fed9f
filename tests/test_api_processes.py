"""`overdracht api` as production runs it: several processes on one port (OVERDRACHT_API_WORKERS), each
serving the app and logging through the service's own handler."""

import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from core.settings import API_ROLE, Settings
from tests.conftest import free_port
from tests.processes import ROOT

AT_MOST = 60.0  # seconds for two processes to start on a busy machine: generous, never the point


def children(pid: int) -> list[int]:
    """The processes `pid` started that run Python's multiprocessing (uvicorn's workers), by /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        if parent == pid and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found


def test_the_api_runs_as_two_processes_that_both_serve(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "OVERDRACHT_ENVIRONMENT": "test",
        "DATABASE_URL": settings.effective_database_url(),
        "OVERDRACHT_API_DATABASE_USER": API_ROLE,
        "OVERDRACHT_TEMPORAL_ADDRESS": settings.temporal_address,
        "OVERDRACHT_TASK_QUEUE": settings.task_queue,
        "OVERDRACHT_PAYLOAD_KEYS": json.dumps({k: v.get_secret_value() for k, v in settings.payload_keys.items()}),
        "OVERDRACHT_API_PORT": str(port),
        "OVERDRACHT_API_WORKERS": "2",
        "OVERDRACHT_LOG_FORMAT": "json",
    }
    log = tmp_path / "api.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "overdracht", "api"], cwd=ROOT, env=env, stdout=out, stderr=out)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + AT_MOST
        answers: list[httpx.Response] = []
        while time.monotonic() < deadline and len(answers) < 20:
            assert proc.poll() is None, log.read_text()
            try:
                answers.append(httpx.get(f"http://127.0.0.1:{port}/v1/gezondheid", timeout=5))
            except httpx.TransportError:
                time.sleep(0.2)
        assert len(answers) == 20, log.read_text()
        # Ready or not (the engine's worker may be another test's), the app itself answers, as itself.
        assert all(r.status_code in (200, 503) and "API-Version" in r.headers for r in answers)

        workers = children(proc.pid)
        assert len(workers) == 2, log.read_text()

        # Each process set up its logging: both started the app, in the service's JSON lines (the second
        # may still be starting while the first answers everything: wait for it, not for a moment).
        def started() -> int:
            lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
            return sum(line["message"] == "Application startup complete." for line in lines)

        while started() < 2 and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.2)
        assert started() == 2, log.read_text()

        # A kept-alive connection is answered at once: the answer's head and body went out as two
        # writes, the second held until the client acknowledged the first, which Linux delays 40 ms.
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            took = []
            for _ in range(21):
                start = time.perf_counter()
                client.get("/v1/gezondheid/levend").raise_for_status()
                took.append(time.perf_counter() - start)
        assert statistics.median(took) < 0.03, took
    finally:
        # SIGTERM: uvicorn's supervisor stops its workers and then itself.
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=AT_MOST)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            for pid in workers:  # orphaned by the kill: still ours while they run uvicorn's worker
                with contextlib.suppress(OSError):
                    if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                        os.kill(pid, signal.SIGKILL)
    assert proc.returncode == 0, log.read_text()
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]  # its workers stopped with it

"""`overdracht dev` (what `make run` starts) as a person uses it: healthy within 60 seconds, the
happy path works against it over real HTTP, Ctrl-C stops every process it started, and a second
start reuses the data without the seed changing anything."""

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from overdracht import demo
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class DevStack:
    def __init__(self, data_dir: Path) -> None:
        self.ports = {name: free_port() for name in ("api", "pg", "temporal", "ui")}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("OVERDRACHT_") and k != "DATABASE_URL"}
        self.env |= {
            "OVERDRACHT_DATA_DIR": str(data_dir),
            "OVERDRACHT_API_PORT": str(self.ports["api"]),
            "OVERDRACHT_PG_PORT": str(self.ports["pg"]),
            "OVERDRACHT_TEMPORAL_ADDRESS": f"127.0.0.1:{self.ports['temporal']}",
            "OVERDRACHT_TEMPORAL_UI_PORT": str(self.ports["ui"]),
        }
        self.log = data_dir.parent / "dev.log"
        self.api = f"http://127.0.0.1:{self.ports['api']}"
        self.dsn = f"postgresql://overdracht@127.0.0.1:{self.ports['pg']}/overdracht"

    def start(self) -> float:
        """Start it; returns the seconds until it said it runs (its banner, printed once it is ready)."""
        started = time.monotonic()
        earlier = len(self.log.read_text()) if self.log.exists() else 0  # the log of an earlier start
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "overdracht", "dev"], cwd=ROOT, env=self.env, stdout=log, stderr=log
            )
        while time.monotonic() - started < 180:
            assert self.proc.poll() is None, f"overdracht dev stopped:\n{self.log.read_text()[-3000:]}"
            if "Overdracht is running" in self.log.read_text()[earlier:]:
                return time.monotonic() - started
            time.sleep(0.25)
        pytest.fail(f"no banner within 180s:\n{self.log.read_text()[-3000:]}")

    def health(self, path: str = "/v1/gezondheid") -> httpx.Response:
        return httpx.get(f"{self.api}{path}", timeout=10)

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=60)


def _totals(dsn: str) -> tuple[int, int]:
    async def query() -> tuple[int, int]:
        conn = await asyncpg.connect(dsn)
        try:
            # Steps people took (timers add their own events between runs: flags, reminders).
            row = await conn.fetchrow(
                "SELECT (SELECT count(*) FROM overdrachten) AS n,"
                " (SELECT count(*) FROM overdracht_gebeurtenissen WHERE actor_rol IS NOT NULL) AS steps"
            )
            assert row is not None
            return row["n"], row["steps"]
        finally:
            await conn.close()

    return asyncio.run(query())


# A plain (not async) test: it drives processes and waits on them, as a person at a terminal would.
def test_dev_stack_runs_serves_and_stops_cleanly(tmp_path: Path) -> None:
    stack = DevStack(tmp_path / "data")
    seconds = stack.start()
    try:
        # The banner comes once the service is ready to work: the demo's protocol in, a worker polling.
        assert stack.health().status_code == 200
        assert seconds < 120
        smoke = subprocess.run(
            [sys.executable, "-m", "tests.smoke_running_stack", "--api", stack.api],
            cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert smoke.returncode == 0, smoke.stdout + smoke.stderr
        assert "happy path ok: concept -> concept -> bij_ouders" in smoke.stdout
        before = _totals(stack.dsn)
        assert before[0] == sum(1 for c in demo.CHILDREN if c.stage) + 1  # and the smoke test's
    finally:
        code = stack.interrupt()

    assert code == 0
    for name, port in stack.ports.items():
        assert not _port_open(port), f"{name} still listening on {port} after Ctrl-C"
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout
    assert leftovers == "", f"processes left running: {leftovers}"

    # A second start reuses the data: same overdrachten, nothing re-seeded.
    stack.start()
    try:
        assert _totals(stack.dsn) == before
    finally:
        assert stack.interrupt() == 0


def test_an_empty_start_and_the_first_beheerder(tmp_path: Path) -> None:
    """`OVERDRACHT_DEMO=false make run`: no demo data at all; `overdracht beheerder` makes a gemeente (with
    its engine namespace) and its first beheerder, who is then on the sign-in page and reaches the
    administration."""
    stack = DevStack(tmp_path / "data")
    stack.env["OVERDRACHT_DEMO"] = "false"
    stack.start()
    try:
        assert "No demo data (OVERDRACHT_DEMO=false)" in stack.log.read_text()
        # Alive, but not ready: no gemeente has a protocol yet (the banner says how to set one up).
        assert stack.health("/v1/gezondheid/levend").status_code == 200
        not_ready = stack.health()
        assert not_ready.status_code == 503 and not_ready.json()["onderdelen"]["protocol"]["status"] == "niet_klaar"

        async def counts() -> tuple[int, int]:
            conn = await asyncpg.connect(stack.dsn)
            try:
                return await conn.fetchval("SELECT count(*) FROM gemeenten"), await conn.fetchval(
                    "SELECT count(*) FROM gebruikers"
                )
            finally:
                await conn.close()

        assert asyncio.run(counts()) == (0, 0)
        command = [sys.executable, "-m", "overdracht", "beheerder", "--gemeente", "Gemeente Proefstad"]
        made = subprocess.run(
            [*command, "--naam", "Bea Beheer", "--email", "bea@proefstad.invalid"],
            cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
        assert "(new)" in made.stdout and "(made)" in made.stdout
        assert re.search(r"Its engine namespace gemeente-[0-9a-f-]{36} is ready", made.stdout), made.stdout
        again = subprocess.run(
            [*command, "--naam", "Bea Beheer", "--email", "BEA@proefstad.invalid"],
            cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert "(existing)" in again.stdout and "(already there)" in again.stdout
        wrong = subprocess.run(
            [*command, "--naam", "Bea", "--email", "geen adres"], cwd=ROOT, env=stack.env, capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip
        assert wrong.returncode != 0 and "geldig e-mailadres" in wrong.stderr
        assert asyncio.run(counts()) == (1, 1)

        with httpx.Client(base_url=stack.api) as browser:
            sign_in_page = browser.get("/aanmelden")
            assert "Bea Beheer" in sign_in_page.text
            found = re.search(r"beheerder ([0-9a-f-]{36})", made.stdout)
            assert found, made.stdout
            signed_in = browser.post("/aanmelden", data={"gebruikerId": found[1]}, headers={"Origin": stack.api})
            assert signed_in.status_code == 303
            assert '<h1 class="utrecht-heading-1">Beheer</h1>' in browser.get("/").text
    finally:
        assert stack.interrupt() == 0

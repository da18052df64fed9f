"""How many reads a second `overdracht api` serves with one process and with two (OVERDRACHT_API_WORKERS):
50 readers at once, each on its own keep-alive connection, asking a PM'er's list of overdrachten
(`GET /v1/overdrachten`, signed in with a bearer token) as fast as it is answered, for 10 seconds.

    python -m bench.api_processes                # 1 and 2 processes, 10 s each
    python -m bench.api_processes --tiny         # 1 s each: that it runs

It starts its own stack with the demo data (bench.own_stack), then `overdracht api` as production runs it
(uvicorn, over the loopback) once per number of processes. The readers speak HTTP/1.1 on raw asyncio
streams, not through httpx, so that the load itself costs little of the machine's CPU: on a machine with
two cores, they share it with the API. Every answer must be a 200; the figure is answers per second. URLs
carry no personal data; nothing of a child or a parent is printed or written."""

import asyncio
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from bench import BenchError, arguments, fail, free_port, own_stack, stop_process, write_results
from core.settings import Settings
from overdracht import demo

NAME = "api_processes"
READERS = 50
SECONDS, TINY_SECONDS = 10.0, 1.0
PATH = "/v1/overdrachten?pageSize=25"
ROOT = Path(__file__).resolve().parent.parent


def _env(settings: Settings, port: int, workers: int) -> dict[str, str]:
    return {
        **os.environ,
        "OVERDRACHT_ENVIRONMENT": settings.environment.value,
        "DATABASE_URL": settings.effective_database_url(),
        "OVERDRACHT_API_DATABASE_USER": settings.api_database_user or "",
        "OVERDRACHT_TEMPORAL_ADDRESS": settings.temporal_address,
        "OVERDRACHT_TASK_QUEUE": settings.task_queue,
        "OVERDRACHT_API_PORT": str(port),
        "OVERDRACHT_API_WORKERS": str(workers),
        "OVERDRACHT_LOG_FORMAT": "json",
        "MALLOC_ARENA_MAX": "2",  # as the image sets it (Dockerfile)
    }


async def _reader(port: int, request: bytes, until: float, counts: list[int]) -> None:
    """One connection, one request after another until `until`; counts the 200s, fails on anything else."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < until:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                status = head.split(b"\r\n", 1)[0].decode()
                raise BenchError(f"answered {status}")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.lower().split(b"\r\n")
                if line.startswith(b"content-length:")
            )
            await reader.readexactly(length)
            counts[0] += 1
    finally:
        writer.close()


async def _measure(settings: Settings, workers: int, seconds: float, log: Path) -> dict[str, Any]:
    port = free_port()
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "overdracht",
            "api",
            cwd=ROOT,
            env=_env(settings, port, workers),
            stdout=out,
            stderr=out,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=10) as http:
            for _ in range(300):
                if proc.returncode is not None:
                    raise BenchError(f"`overdracht api` stopped (exit {proc.returncode}); see {log}")
                try:
                    r = await http.post("/v1/dev/tokens", json={"gebruikerId": str(demo.PM_USER[demo.BOOMHUT])})
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.2)
            else:
                raise BenchError("`overdracht api` did not answer within a minute")
            token = r.json()["accessToken"]
        request = f"GET {PATH} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
        # Warm up every process's pool and caches, then measure.
        await asyncio.gather(*(_reader(port, request, time.monotonic() + 1.0, [0]) for _ in range(READERS)))
        counts = [0]
        began = time.monotonic()
        await asyncio.gather(*(_reader(port, request, began + seconds, counts) for _ in range(READERS)))
        elapsed = time.monotonic() - began
        return {"processes": workers, "readers": READERS, "seconds": round(elapsed, 2), "answers": counts[0],
                "per_second": round(counts[0] / elapsed, 1)}  # fmt: skip
    finally:
        await stop_process(proc)


async def main_async(argv: Sequence[str] | None = None) -> int:
    parser = arguments(NAME, __doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=None, help=f"per measurement (default {SECONDS:g})")
    args = parser.parse_args(argv)
    seconds = args.seconds or (TINY_SECONDS if args.tiny else SECONDS)
    log = args.out.with_suffix(".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    try:
        async with own_stack(args.workdir) as settings:
            rows = [await _measure(settings, workers, seconds, log) for workers in (1, 2)]
    except BenchError as exc:
        return fail(str(exc))
    print(f"{'processes':>9} {'readers':>7} {'answers':>8} {'per second':>10}")
    for row in rows:
        print(f"{row['processes']:>9} {row['readers']:>7} {row['answers']:>8} {row['per_second']:>10}")
    write_results(args.out, NAME, {"path": PATH, "rows": rows})
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(main_async(argv))


if __name__ == "__main__":
    sys.exit(main())

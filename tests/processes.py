"""The service's processes as production runs them, each in a process of its own: for the tests that
kill one mid-work."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def service_env(settings: Settings) -> dict[str, str]:
    """The environment an `overdracht` process needs to reach what `settings` names: the database (the
    API as its own role), the engine, the task queue, the payload keys and the mail server."""
    env = {
        **os.environ,
        "OVERDRACHT_ENVIRONMENT": "test",
        "DATABASE_URL": settings.effective_database_url(),
        "OVERDRACHT_TEMPORAL_ADDRESS": settings.temporal_address,
        "OVERDRACHT_TASK_QUEUE": settings.task_queue,
        "OVERDRACHT_PAYLOAD_KEYS": json.dumps({k: v.get_secret_value() for k, v in settings.payload_keys.items()}),
    }
    if settings.api_database_user:
        env["OVERDRACHT_API_DATABASE_USER"] = settings.api_database_user
    if settings.smtp_host:
        env |= {
            "OVERDRACHT_SMTP_HOST": settings.smtp_host,
            "OVERDRACHT_SMTP_PORT": str(settings.smtp_port),
            "OVERDRACHT_SMTP_STARTTLS": str(settings.smtp_starttls).lower(),
        }
    return env


@contextmanager
def worker_process(settings: Settings, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`overdracht worker` with `settings`' engine, database, task queue, payload keys and mail server;
    its output in `log` (the suite's log scan reads it). Killed at the end if it still runs."""
    env = service_env(settings)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "overdracht", "worker"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

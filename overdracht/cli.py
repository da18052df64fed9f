"""`overdracht`: the one command-line entry point (dev, worker, api, migrate, seed)."""

import argparse
import asyncio
import logging
import sys

from overdracht.settings import get_settings


def _migrate() -> None:
    from db.migrate import migrate

    applied = asyncio.run(migrate(get_settings().effective_database_url()))
    print(f"migrations applied: {', '.join(applied) if applied else 'none (up to date)'}")


def _seed() -> None:
    from overdracht.demo import seed

    print(asyncio.run(seed(get_settings())))


def _worker() -> None:
    from overdracht.worker import run_worker

    asyncio.run(run_worker(get_settings()))


def _api() -> None:
    import uvicorn

    from api.app import create_app

    settings = get_settings()
    uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port, log_level="info")


def _setup_engine() -> None:
    from overdracht.engine import register_search_attributes

    added = asyncio.run(register_search_attributes(get_settings()))
    print(f"search attributes added: {', '.join(added) if added else 'none (all present)'}")


def _dev() -> None:
    from overdracht.devstack import run_dev

    sys.exit(asyncio.run(run_dev(get_settings())))


COMMANDS = {
    "dev": (_dev, "everything for development: engine, database, migrations, demo data, worker and API"),
    "worker": (_worker, "only the Temporal worker"),
    "api": (_api, "only the HTTP API"),
    "migrate": (_migrate, "apply the database migrations"),
    "setup-engine": (_setup_engine, "register the search attributes on a Temporal server (safe to repeat)"),
    "seed": (_seed, "load the Almere demo data (needs the engine and the database; safe to repeat)"),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="overdracht", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    COMMANDS[args.command][0]()

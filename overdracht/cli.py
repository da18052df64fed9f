"""`overdracht`: the one command-line entry point (dev, worker, api, migrate, seed)."""

import argparse
import asyncio
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from core.logs import configure as configure_logging
from core.settings import get_settings


def _migrate() -> None:
    from db.migrate import migrate

    applied = asyncio.run(migrate(get_settings().effective_database_url()))
    print(f"migrations applied: {', '.join(applied) if applied else 'none (up to date)'}")


def _seed() -> None:
    from overdracht.demo import seed

    print(asyncio.run(seed(get_settings())))


def _worker() -> None:
    import uvloop

    from overdracht.worker import run_worker

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:  # overdracht/worker.py
        runner.run(run_worker(get_settings()))


def _api() -> None:
    from api.server import serve, server_config

    # OVERDRACHT_API_WORKERS processes on one port, each building the app from the environment.
    serve(server_config(get_settings()))


def _protocol(args: argparse.Namespace) -> None:
    from uuid import UUID

    from db import protocol as protocols
    from db.pool import create_pool
    from protocol.dates import amsterdam_date
    from protocol.loader import ProtocolError, check_current, load

    try:
        config = load(args.file)
        check_current(config, args.file.read_text(), amsterdam_date(datetime.now(UTC)), source=args.file.name)
    except ProtocolError as exc:
        sys.exit(f"refused: {exc}")

    async def store() -> int:
        pool = await create_pool(get_settings().effective_database_url())
        try:
            return (await protocols.store(pool, UUID(args.gemeente), config, args.file.read_text())).versie
        finally:
            await pool.close()

    print(f"protocol for gemeente {args.gemeente}: version {asyncio.run(store())} is current")


def _beheerder(args: argparse.Namespace) -> None:
    from core.temporal import connect
    from db import namespaces
    from db.pool import create_pool
    from overdracht.engine_setup import set_up_namespace
    from services.errors import InvalidInput
    from services.inrichting import first_beheerder

    settings = get_settings()

    async def make() -> str:
        pool = await create_pool(settings.effective_database_url())
        try:
            made = await first_beheerder(pool, args.gemeente, args.naam, args.email, args.extern_id)
            namespace = await namespaces.of_gemeente(pool, made.gemeente_id)
        finally:
            await pool.close()
        gemeente = "new" if made.gemeente_nieuw else "existing"
        gebruiker = "made" if made.gebruiker_nieuw else "already there"
        engine = ""
        if namespace is not None:
            try:
                await set_up_namespace(await connect(settings), namespace)
                engine = f"Its engine namespace {namespace} is ready.\n"
            except RuntimeError:  # the SDK reports an unreachable engine as RuntimeError
                engine = f"The engine is not reachable: run `overdracht setup-engine` to make namespace {namespace}.\n"
        return (
            f"gemeente {made.gemeente_id} ({gemeente}); beheerder {made.gebruiker_id} ({gebruiker}).\n{engine}"
            "Sign in as them: in development at /aanmelden; in production through the identity provider"
            " (with --extern-id, their subject there)."
        )

    try:
        print(asyncio.run(make()))
    except InvalidInput as exc:
        sys.exit(f"refused: {exc.detail}")


def _setup_engine() -> None:
    from overdracht.engine_setup import setup_engine

    made = asyncio.run(setup_engine(get_settings()))
    print(f"search attributes added: {', '.join(made.search_attributes) or 'none (all present)'}")
    print(f"gemeente namespaces made: {', '.join(made.namespaces) or 'none (all present)'}")
    print(f"schedules created: {', '.join(made.schedules) or 'none (all present)'}")


def _dev() -> None:
    from overdracht.devstack import run_dev

    sys.exit(asyncio.run(run_dev(get_settings())))


COMMANDS = {
    "dev": (_dev, "everything for development: engine, database, migrations, demo data, worker and API"),
    "worker": (_worker, "only the Temporal worker"),
    "api": (_api, "only the HTTP API (OVERDRACHT_API_WORKERS processes, one per CPU by default)"),
    "migrate": (_migrate, "apply the database migrations"),
    "setup-engine": (
        _setup_engine,
        "register the search attributes and the schedules on a Temporal server (safe to repeat)",
    ),
    "seed": (_seed, "load the Almere demo data (needs the engine and the database; safe to repeat)"),
}


# The commands that run until stopped; the others do their work and end.
LONG_RUNNING = frozenset({"dev", "worker", "api"})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="overdracht", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text)
    protocol = sub.add_parser(
        "protocol",
        help="validate a protocol file and make it a gemeente's active version at once (the pages and"
        " /v1/protocol-versies upload a draft to compare first)",
    )
    protocol.add_argument("file", type=Path, help="a TOML file like protocol/almere.toml")
    protocol.add_argument("--gemeente", required=True, help="the gemeente's id")
    beheerder = sub.add_parser(
        "beheerder", help="make a gemeente (if new) and its first beheerder, who sets up the rest (safe to repeat)"
    )
    beheerder.add_argument("--gemeente", required=True, help='the gemeente\'s name, e.g. "Gemeente Almere"')
    beheerder.add_argument("--naam", required=True, help="the beheerder's name")
    beheerder.add_argument("--email", required=True, help="the beheerder's e-mail address")
    beheerder.add_argument("--extern-id", help="their subject at the identity provider (production sign-in)")
    args = parser.parse_args(argv)
    configure_logging(get_settings(), engine_logs=args.command in LONG_RUNNING)
    if args.command in LONG_RUNNING:
        COMMANDS[args.command][0]()
        return
    try:
        if args.command == "protocol":
            _protocol(args)
        elif args.command == "beheerder":
            _beheerder(args)
        else:
            COMMANDS[args.command][0]()
    except SystemExit as exc:
        _exit_at_once(exc.code)
    _exit_at_once(0)


def _exit_at_once(code: str | int | None) -> NoReturn:
    """End a one-shot command without the interpreter's teardown. The Temporal client's threads (Rust)
    can call into Python while it finalizes and abort the process ("PyGILState_Release: thread state
    must be current", sdk-python issue 300): a command that did its work would then exit 134. Everything
    is written and flushed first; nothing else is left to tear down."""
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)

"""Drive one overdracht through the whole happy path over HTTP against a running stack (`make run`),
checking the read model and the workflow state agree at every step.

    .venv/bin/python -m tests.smoke_running_stack [--api http://127.0.0.1:8000]

Engine and database addresses come from the same settings as the stack's (OVERDRACHT_* variables)."""

import argparse
import asyncio

import httpx

from core.settings import get_settings
from core.temporal import connect
from db.pool import create_pool
from tests.happy_path import place_child, walk


async def main(api_url: str) -> None:
    settings = get_settings()
    pool = await create_pool(settings.effective_database_url())
    try:
        engine = await connect(settings)
        kind_id, parent_id = await place_child(pool)
        async with httpx.AsyncClient(base_url=api_url, timeout=30) as http:
            seen = await walk(http, engine, pool, kind_id, parent_id)
    finally:
        await pool.close()
    print("happy path ok:", " -> ".join(seen))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    settings = get_settings()
    parser.add_argument("--api", default=f"http://{settings.api_host}:{settings.api_port}")
    asyncio.run(main(parser.parse_args().api))

"""Importing the placements CSV in the browser: the locatiemanager uploads it, follows the job's progress
and reads what happened per line, and downloads the report; a PM'er may not; another manager cannot see
the job; a file that is not a CSV of placements is refused on the page with why."""

import re
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from temporalio.worker import Worker

from core.settings import Settings
from tests.conftest import app_client
from tests.helpers import eventually
from tests.test_import import MIXED_REJECTIONS, Gemeente, counts, gemeente, mixed_file
from tests.test_web_pages import ORIGIN, csrf, sign_in

__all__ = ["gemeente"]


@pytest.fixture
async def client(settings: Settings, pool: asyncpg.Pool, worker: Worker) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings) as c:
        yield c


async def post_file(client: httpx.AsyncClient, token: str, content: bytes) -> httpx.Response:
    files = {"bestand": ("plaatsingen.csv", content, "text/csv")}
    return await client.post("/plaatsingen/import", data={"csrf": token}, files=files, headers=ORIGIN)


async def finished(client: httpx.AsyncClient, posted: httpx.Response) -> tuple[str, httpx.Response]:
    """The job's page an upload leads to, and that page once the job has ended."""
    assert posted.status_code == 303, posted.text
    adres = posted.headers["location"]
    assert re.fullmatch(r"/plaatsingen/import/[0-9a-f-]{36}", adres)
    page = await eventually(lambda: client.get(adres), lambda r: 'id="voortgang"' not in r.text)
    assert page.status_code == 200, page.text
    return adres, page


async def test_the_locatiemanager_imports_the_file_and_reads_each_line_s_outcome(
    client: httpx.AsyncClient, pool: asyncpg.Pool, gemeente: Gemeente
) -> None:
    await sign_in(client, gemeente.manager_bos)
    start = await client.get("/")
    assert 'href="/plaatsingen/import">Plaatsingen importeren' in start.text
    form = await client.get("/plaatsingen/import")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text

    adres, r = await finished(client, await post_file(client, csrf(form.text), mixed_file(gemeente)))

    assert "Het bestand is ingelezen: 12 regels." in r.text
    rejected = r.text.split("Afgewezen regels: pas ze aan")[1].split("</table>")[0]
    lines = {int(line) for line in re.findall(r'scope="row">(\d+)</th>', rejected)}
    assert lines == set(MIXED_REJECTIONS)  # every rejected line, by number, with why
    assert "niet uw locatie" in rejected
    assert "Noortje" not in r.text  # the report names lines, not children
    assert (await counts(pool, gemeente))[0] == 3
    verslag = await client.get(adres + "/verslag.csv")
    assert verslag.headers["content-type"].startswith("text/csv")
    rows = {int(line.split(";")[0]): line.split(";")[1:] for line in verslag.text.lstrip("\ufeff").splitlines()[1:]}
    assert sorted(rows) == list(range(2, 14))  # every line of the file, once
    assert rows[2][:2] == ["nieuw kind", "overdracht geopend"]
    assert all(rows[n][0] == "afgewezen" and rows[n][2] for n in MIXED_REJECTIONS)
    assert "Noortje" not in verslag.text
    # Another location's manager does not see it.
    await sign_in(client, gemeente.manager_wei)
    assert (await client.get(adres)).status_code == 404
    assert (await client.get(adres + "/verslag.csv")).status_code == 404
    await sign_in(client, gemeente.manager_bos)
    token = csrf((await client.get("/plaatsingen/import")).text)
    _, again = await finished(client, await post_file(client, token, mixed_file(gemeente)))
    assert "<dt>Nieuwe kinderen</dt><dd>0</dd>" in again.text  # a second time changes nothing
    assert (await counts(pool, gemeente))[0] == 3


async def test_a_pm_may_not_import_and_a_wrong_file_is_refused_with_why(
    client: httpx.AsyncClient, pool: asyncpg.Pool, gemeente: Gemeente
) -> None:
    await sign_in(client, gemeente.pm_bos)
    assert (await client.get("/plaatsingen/import")).status_code == 403
    await sign_in(client, gemeente.manager_bos)
    token = csrf((await client.get("/plaatsingen/import")).text)

    wrong = await post_file(client, token, f"naam;leeftijd\r\nIemand-{uuid.uuid4().hex[:6]};3\r\n".encode())

    assert wrong.status_code == 400 and 'href="#veld-bestand">' in wrong.text
    assert (await counts(pool, gemeente))[0] == 0

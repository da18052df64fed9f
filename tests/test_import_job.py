"""The placements import as a durable job: a worker process killed in the middle of a file loses and
duplicates nothing; another worker finishes the job where it was. Real processes, a real SIGKILL."""

import signal
from pathlib import Path
from uuid import UUID

import asyncpg
import httpx
from dateutil.relativedelta import relativedelta

from core.settings import Settings
from tests.conftest import Login, app_client
from tests.helpers import eventually, finished_import
from tests.processes import worker_process
from tests.test_import import OLDER, URL, Gemeente, child, csv_file, gemeente

__all__ = ["gemeente"]

ROOT = Path(__file__).resolve().parent.parent
QUEUE = "overdracht-import-crash"
ROWS = 24


async def test_a_worker_killed_mid_file_loses_and_duplicates_nothing(
    pool: asyncpg.Pool, login: Login, gemeente: Gemeente, settings: Settings, tmp_path: Path
) -> None:
    g = gemeente
    # Small batches, one at a time, a short heartbeat: the kill lands in the middle of the file.
    local = settings.model_copy(
        update={
            "task_queue": QUEUE,
            "import_rijen_per_batch": 4,
            "import_batches_tegelijk": 1,
            "import_hartslag_seconden": 2,
        }
    )
    rows = [
        child("Testkind", f"Proef-crash-{i:02}", OLDER - relativedelta(days=i), "Peuteropvang Het Bos")
        for i in range(ROWS)
    ]
    manager = await login(g.manager_bos)

    async def done_rows(taak_id: UUID) -> int:
        return await pool.fetchval(
            "SELECT count(*) FROM import_rijen WHERE taak_id = $1 AND overdracht IS NOT NULL", taak_id
        )

    async with app_client(local) as api:
        with worker_process(local, tmp_path / "worker-1.log") as first:
            posted = await api.post(URL, headers=manager, files={"bestand": ("p.csv", csv_file(*rows), "text/csv")})
            assert posted.status_code == 202, posted.text
            taak_id = UUID(posted.json()["id"])
            await eventually(lambda: done_rows(taak_id), lambda n: n >= 6, within=60)
            first.send_signal(signal.SIGKILL)
            first.wait()
        at_kill = await done_rows(taak_id)
        assert at_kill < ROWS, "the job ended before the kill: nothing was proven"
        job = (await api.get(f"/v1/imports/{taak_id}", headers=manager)).json()
        assert (job["status"], job["verwerkt"]) == ("bezig", at_kill)

        with worker_process(local, tmp_path / "worker-2.log"):
            done = await finished_import(api, posted, manager)

    result = done.json()["resultaat"]
    # Each child stored once, and counted once: its outcome was recorded with it.
    assert (result["rijen"], result["geimporteerd"], result["afgewezen"]) == (ROWS, ROWS, 0)
    assert done.json()["verwerkt"] == ROWS
    names = [r["achternaam"] for r in rows]
    assert await pool.fetchval("SELECT count(*) FROM kinderen WHERE achternaam = ANY($1::text[])", names) == ROWS
    parents = await pool.fetchval(
        "SELECT count(*) FROM gebruikers g JOIN kinderen k ON k.id = g.kind_id WHERE k.achternaam = ANY($1::text[])",
        names,
    )
    assert parents == ROWS
    # Each overdracht opened once, by the importer.
    opened = await pool.fetch(
        "SELECT o.id, count(e.*) AS keer FROM overdrachten o JOIN kinderen k ON k.id = o.kind_id"
        " JOIN overdracht_gebeurtenissen e ON e.overdracht_id = o.id AND e.gebeurtenis = 'geopend'"
        " WHERE k.achternaam = ANY($1::text[]) GROUP BY o.id",
        names,
    )
    assert len(opened) == ROWS and {r["keer"] for r in opened} == {1}
    # Each child named once in the audit trail, written with the check, not again by the second worker.
    audited = await pool.fetchval(
        "SELECT count(*) FROM audit_log a JOIN kinderen k ON k.id = ANY(a.kind_ids)"
        " WHERE k.achternaam = ANY($1::text[]) AND a.actie = 'importeren'",
        names,
    )
    assert audited == ROWS
    # Nothing of the file is kept once the job has ended.
    kept = await pool.fetchval(
        "SELECT count(*) FROM import_rijen WHERE taak_id = $1 AND plaatsing IS NOT NULL", taak_id
    ) + await pool.fetchval("SELECT count(*) FROM import_taken WHERE id = $1 AND bestand IS NOT NULL", taak_id)
    assert kept == 0


async def test_the_job_is_only_for_its_starter_and_the_gemeente_s_beheerder(
    api: httpx.AsyncClient, login: Login, gemeente: Gemeente
) -> None:
    g = gemeente
    manager = await login(g.manager_bos)
    posted = await api.post(
        URL,
        headers=manager,
        files={
            "bestand": ("p.csv", csv_file(child("Testkind", "Proef-eigen", OLDER, "Peuteropvang Het Bos")), "text/csv")
        },
    )
    done = await finished_import(api, posted, manager)
    adres = f"/v1/imports/{done.json()['id']}"

    assert (await api.get(adres, headers=await login(g.beheerder))).status_code == 200
    other = await api.get(adres, headers=await login(g.manager_wei))
    assert (other.status_code, other.json()["code"]) == (404, "niet_gevonden")
    report = await api.get(adres + "/rapport", headers=manager)
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    assert report.text.lstrip("\ufeff").splitlines() == [
        "regel;uitkomst;overdracht;toelichting",
        "2;nieuw kind;overdracht geopend;",
    ]

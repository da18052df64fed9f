"""A repeated import after the overdracht has ended: nothing comes back. A refused child's purged
record stays purged, no new overdracht opens under its id, and the answer says so per row."""

import asyncpg
import httpx

from schemas.imports import ouder_id_voor
from services.commands import overdracht_id_for
from tests.conftest import Login
from tests.happy_path import COMPLETE_FORM
from tests.helpers import assert_problem, eventually
from tests.test_import import OLDER, Gemeente, child, csv_file, gemeente, kind_id, upload

__all__ = ["gemeente"]  # the fixture


async def test_a_reimport_does_not_resurrect_a_refused_overdracht(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, gemeente: Gemeente
) -> None:
    g = gemeente
    row = child("Rosalie", "Terpstra", OLDER, "Peuteropvang Het Bos")
    manager = await login(g.manager_bos)
    assert (await upload(api, manager, csv_file(row)))["overdrachtenGeopend"] == 1
    kind = await kind_id(pool, g, "Rosalie")
    path = f"/v1/overdrachten/{overdracht_id_for(kind)}"
    pm = await login(g.pm_bos)
    assert (await api.put(f"{path}/formulier", headers=pm, json=COMPLETE_FORM)).status_code == 200
    assert (await api.post(f"{path}/indieningen", headers=pm)).status_code == 201
    parent = await login(ouder_id_voor(kind, row["ouder1_email"]))
    refused = await api.post(f"{path}/toestemmingen", headers=parent, json={"besluit": "geweigerd"})
    assert refused.json()["status"] == "geweigerd"
    await eventually(
        lambda: api.get(path, headers=pm), lambda r: r.json()["tijdstippen"]["inhoudVerwijderdOp"] is not None
    )

    body = await upload(api, manager, csv_file(row))

    assert {k: body[k] for k in ("geimporteerd", "bijgewerkt", "ongewijzigd", "afgesloten")} == {
        "geimporteerd": 0, "bijgewerkt": 0, "ongewijzigd": 0, "afgesloten": 1,
    }  # fmt: skip
    assert (body["overdrachtenGeopend"], body["overdrachtenIngepland"]) == (0, 0)
    assert [r["regel"] for r in body["afgeslotenRijen"]] == [2]
    assert "Rosalie" not in str(body) and "Terpstra" not in str(body)
    # The child's record and its parents' accounts stay gone; the overdracht stays refused.
    assert await pool.fetchval("SELECT count(*) FROM kinderen WHERE id = $1", kind) == 0
    assert await pool.fetchval("SELECT count(*) FROM gebruikers WHERE kind_id = $1", kind) == 0
    seen = await api.get(path, headers=pm)
    assert (seen.json()["status"], seen.json()["formulier"]) == ("geweigerd", None)
    assert_problem(await api.put(f"{path}/formulier", headers=pm, json=COMPLETE_FORM), 409)

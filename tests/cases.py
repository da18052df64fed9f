"""A new child's overdracht driven over the API to a stage, and the people who act on it: the fixture
`new_case` that the lifecycle's tests share."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from overdracht import demo
from tests.conftest import Login
from tests.happy_path import COMPLETE_FORM, VVE_FORM, place_child

# The stages a new overdracht is driven through, in order, by `Case.until`.
STAGES = ["concept", "bij_ouders", "gereed_voor_verzending", "verzonden", "ontvangen"]
FIRST_SCHOOL_DAY = (date.today() + timedelta(days=120)).isoformat()
WARM_DAY = (date.today() + timedelta(days=100)).isoformat()


@dataclass
class Case:
    """One new child at De Boomhut, its overdracht, and the people who act on it."""

    api: httpx.AsyncClient
    path: str
    kind_id: UUID
    pm: dict[str, str]
    parents: list[dict[str, str]]
    school: dict[str, str]

    @property
    def parent(self) -> dict[str, str]:
        return self.parents[0]

    async def step(self, method: str, sub: str, who: dict[str, str], expected: int, body: Any = None) -> dict[str, Any]:
        r = await self.api.request(method, f"{self.path}{sub}", headers=who, json=body)
        assert r.status_code == expected, f"{method} {sub}: {r.status_code} {r.text}"
        return r.json()

    async def get(self, who: dict[str, str]) -> dict[str, Any]:
        r = await self.api.get(self.path, headers=who)
        assert r.status_code == 200, r.text
        return r.json()

    async def timeline(self, who: dict[str, str]) -> list[dict[str, Any]]:
        r = await self.api.get(f"{self.path}/tijdlijn", headers=who)
        assert r.status_code == 200, r.text
        return r.json()["gebeurtenissen"]

    async def until(self, stage: str, form: dict[str, Any]) -> dict[str, Any]:
        """Drive the overdracht to `stage` (from CONCEPT with the form saved) the ordinary way."""
        body = await self.step("PUT", "/formulier", self.pm, 200, form)
        for next_stage in STAGES[1 : STAGES.index(stage) + 1]:
            if next_stage == "bij_ouders":
                body = await self.step("POST", "/indieningen", self.pm, 201)
            elif next_stage == "gereed_voor_verzending":
                for parent in self.parents:
                    body = await self.step("POST", "/toestemmingen", parent, 201, {"besluit": "gegeven"})
            elif next_stage == "verzonden":
                body = await self.step("POST", "/verzendingen", self.pm, 201)
            else:
                receipt = {"eersteSchooldag": FIRST_SCHOOL_DAY}
                body = await self.step("POST", "/ontvangstbevestigingen", self.school, 201, receipt)
        assert body["status"] == stage or (stage, body["status"]) == ("ontvangen", "afgerond"), body["status"]
        return body


NewCase = Callable[..., Awaitable[Case]]


@pytest.fixture
async def pm(login: Login) -> dict[str, str]:
    return await login(demo.PM_USER[demo.BOOMHUT])


@pytest.fixture
async def coordinator(login: Login) -> dict[str, str]:
    return await login(demo.COORDINATOR)


@pytest.fixture
def new_case(api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, pm: dict[str, str]) -> NewCase:
    """Open an overdracht for a new child (school De Ster) and drive it to `stage`."""

    async def made(
        stage: str = "concept",
        *,
        vve: bool = False,
        second_parent: bool = False,
        form: dict[str, Any] | None = None,
        born: date | None = None,
    ) -> Case:
        kind_id, parent_id = await place_child(pool, vve=vve, born=born)
        parent_ids = [parent_id]
        if second_parent:
            parent_ids.append(await add_parent(pool, kind_id))
        r = await api.post("/v1/overdrachten", headers=pm, json={"kindId": str(kind_id)})
        assert r.status_code == 201, r.text
        case = Case(
            api=api,
            path=f"/v1/overdrachten/{r.json()['id']}",
            kind_id=kind_id,
            pm=pm,
            parents=[await login(p) for p in parent_ids],
            school=await login(demo.SCHOOL_USER[demo.STER]),
        )
        await case.until(stage, form or (VVE_FORM if vve else COMPLETE_FORM))
        return case

    return made


async def add_parent(pool: asyncpg.Pool, kind_id: UUID) -> UUID:
    """A second parent with custody of the child."""
    parent_id = uuid.uuid4()
    await pool.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id, kind_id) VALUES ($1, 'Tweede ouder', 'ouder', $2, $3)",
        parent_id, demo.ALMERE, kind_id,
    )  # fmt: skip
    return parent_id


def events(items: list[dict[str, Any]], gebeurtenis: str) -> list[dict[str, Any]]:
    return [e for e in items if e["gebeurtenis"] == gebeurtenis]

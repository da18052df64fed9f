"""/v1/gezondheid: is the API up, and can it reach the database and the engine?"""

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import DbDep, TemporalDep
from schemas.api import Gezondheid, Onderdeel

router = APIRouter(prefix="/v1", tags=["gezondheid"])

CHECK_TIMEOUT = 2.0


async def _check(probe: object) -> Onderdeel:
    try:
        await asyncio.wait_for(probe, timeout=CHECK_TIMEOUT)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - any failure means: not reachable
        return Onderdeel(status="onbereikbaar", detail=type(exc).__name__)
    return Onderdeel(status="ok")


@router.get(
    "/gezondheid",
    summary="Liveness and readiness of the API, the engine and the database",
    responses={503: {"model": Gezondheid, "description": "A part is down; `onderdelen` says which."}},
)
async def gezondheid(pool: DbDep, client: TemporalDep) -> JSONResponse:
    database, engine = await asyncio.gather(
        _check(pool.fetchval("SELECT 1")),
        _check(client.service_client.check_health()),
    )
    parts = {"api": Onderdeel(status="ok"), "database": database, "engine": engine}
    healthy = all(p.status == "ok" for p in parts.values())
    body = Gezondheid(status="ok" if healthy else "verstoord", onderdelen=parts)
    return JSONResponse(body.model_dump(mode="json", exclude_none=True), status_code=200 if healthy else 503)

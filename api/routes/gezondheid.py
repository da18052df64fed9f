"""/v1/gezondheid: is the API ready: the database migrated, the engine reachable, a worker polling
(services/gezondheid.py)?"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import clients
from schemas.api import Gezondheid
from services import gezondheid as health

router = APIRouter(prefix="/v1", tags=["gezondheid"])


@router.get(
    "/gezondheid",
    summary="Liveness and readiness of the API, the database and its migrations, the engine and a worker",
    responses={503: {"model": Gezondheid, "description": "A part is down; `onderdelen` says which."}},
)
async def gezondheid(request: Request) -> JSONResponse:
    body = await health.check(clients(request))
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True), status_code=200 if body.status == "ok" else 503
    )

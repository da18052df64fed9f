"""/v1/gezondheid: is the API ready: the database migrated, the engine reachable, a worker polling, a
protocol in force (services/gezondheid.py)? And /v1/gezondheid/levend: does the process answer at all?"""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import clients
from api.errors import problem_response, problems
from schemas.api import Gezondheid
from services import gezondheid as health

router = APIRouter(prefix="/v1", tags=["gezondheid"])


@router.get(
    "/gezondheid",
    operation_id="getGezondheid",
    summary="Gereed: de API, de database en haar migraties, de engine, een worker en een protocol",
    description="Readiness, for a load balancer: 200 when every part is `ok`; else 503 problem+json with"
    " `onderdelen` saying which part is not (`onbereikbaar` or `niet_klaar`, with why). Anyone may ask.",
    response_model=Gezondheid,
    responses=problems(503),
)
async def gezondheid(request: Request) -> Response:
    body = await health.check(clients(request))
    if body.status == "ok":
        return Response(body.model_dump_json(exclude_none=True), media_type="application/json")
    niet = ", ".join(naam for naam, deel in body.onderdelen.items() if deel.status != "ok")
    return problem_response(
        503, "Niet gereed", "NIET_GEREED",
        f"De service is nog niet gereed: {niet}. Zie onderdelen.", request,
        onderdelen=body.onderdelen,
    )  # fmt: skip


@router.get(
    "/gezondheid/levend",
    operation_id="getLevend",
    summary="Levend: het proces antwoordt",
    description="Liveness, for a process supervisor: 200 as long as the API process answers, whatever its"
    " database or engine do (a restart would not cure those). Anyone may ask.",
    response_model=Gezondheid,
    response_model_exclude_none=True,
)
async def levend() -> Gezondheid:
    return health.live()

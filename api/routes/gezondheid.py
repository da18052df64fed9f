"""/v1/gezondheid: is the API ready: the database migrated, the engine reachable, a worker polling, a
protocol in force (services/gezondheid.py)? And /v1/gezondheid/levend: does the process answer at all?"""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import clients
from api.errors import problem_response
from api.problems import Documented, problems
from schemas.api import Gezondheid, Onderdeel
from services import gezondheid as health
from services.errors import NotReadyToServe

router = APIRouter(prefix="/v1", tags=["gezondheid"])


@router.get(
    "/gezondheid",
    operation_id="getGezondheid",
    summary="Gereed: de API, de database en haar migraties, de engine, een worker en een protocol",
    description="Gereedheid, voor een load balancer: 200 als elk onderdeel `ok` is; anders 503 problem+json met in"
    " `onderdelen` welk onderdeel niet (`onbereikbaar` of `niet_klaar`, met waarom). Iedereen mag het vragen.",
    response_model=Gezondheid,
    responses=problems(
        Documented(
            NotReadyToServe(
                "De service is nog niet gereed: worker. Zie onderdelen.",
                onderdelen={
                    "api": Onderdeel(status="ok"),
                    "worker": Onderdeel(status="niet_klaar", detail="geen worker haalt werk op van de taakwachtrij"),
                },
            ),
            "Een onderdeel is er niet: `onderdelen` noemt welk (`onbereikbaar` of `niet_klaar`) en waarom.",
        )
    ),
)
async def gezondheid(request: Request) -> Response:
    body = await health.check(clients(request))
    if body.status == "ok":
        return Response(body.model_dump_json(exclude_none=True), media_type="application/json")
    niet = ", ".join(naam for naam, deel in body.onderdelen.items() if deel.status != "ok")
    return problem_response(
        503, NotReadyToServe.title, NotReadyToServe.code,
        f"De service is nog niet gereed: {niet}. Zie onderdelen.", request,
        onderdelen=body.onderdelen,
    )  # fmt: skip


@router.get(
    "/gezondheid/levend",
    operation_id="getLevend",
    summary="Levend: het proces antwoordt",
    description="Levendigheid, voor een procesbewaker: 200 zolang het API-proces antwoordt, wat de database of de"
    " engine ook doen (een herstart zou die niet verhelpen). Iedereen mag het vragen.",
    response_model=Gezondheid,
    response_model_exclude_none=True,
)
async def levend() -> Gezondheid:
    return health.live()

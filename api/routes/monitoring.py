"""/v1/monitoring: what is overdue, the key figures and their trend per month, what falls due in the
coming weeks (the forecast), and VVE children without an overdracht. Each
route parses, calls its use case (services/monitoring.py) and answers: JSON by default, CSV for
`Accept: text/csv` (`;`-separated, UTF-8 with a BOM, as a Dutch spreadsheet opens it; the columns:
services/spreadsheet.py)."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api.csv import CSV, csv_response, csv_stream, wants_csv
from api.deps import Ctx
from api.problems import BAD_CURSOR, Documented, forbidden, problems
from schemas.base import JsonAnswer
from schemas.monitoring import (
    SCHOOLJAAR_PATTERN,
    AchterstandenPagina,
    Groepering,
    Kengetallen,
    Prognose,
    Trend,
    ZonderOverdracht,
)
from schemas.overdracht import Vlag
from services import monitoring, spreadsheet
from services.errors import InvalidInput, NoProtocol
from services.permissions import Capability

router = APIRouter(prefix="/v1/monitoring", tags=["monitoring"])

# Both media types, in the OpenAPI: JSON (the model) by default, CSV on request.
JSON_OR_CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Standaard JSON; CSV (gescheiden door `;`, UTF-8 met BOM, Nederlandse kolomnamen) bij"
        " `Accept: text/csv`.",
        "content": {CSV: {"schema": {"type": "string"}}},
    }
}


def json_answer(answer: JsonAnswer[Any]) -> Response:
    """An answer PostgreSQL wrote in the model's shape, sent as it is (schemas.base.JsonAnswer)."""
    return Response(answer.json, media_type="application/json", headers={"Vary": "Accept"})


Schooljaar = Annotated[
    str | None,
    Query(pattern=SCHOOLJAAR_PATTERN, description="Een schooljaar, bijvoorbeeld `2026-2027`; standaard alle."),
]
StadsdeelId = Annotated[UUID | None, Query(alias="stadsdeelId", description="Alleen de locaties in dit stadsdeel.")]
WijkId = Annotated[UUID | None, Query(alias="wijkId", description="Alleen de locaties in deze wijk.")]
SCOPE = (
    " De coördinator ziet de gemeente; de pedagogisch medewerker en de locatiemanager hun locatie, de school wat naar"
    " haar is verzonden. Wijk en stadsdeel zijn die van de voorschoollocatie."
)


@router.get(
    "/achterstanden",
    operation_id="getAchterstanden",
    summary="Wat nu te laat is, het oudste eerst: alleen metadata",
    description=(
        "Elke overdracht die u mag zien met een open vlag voor te laat, de oudste eerst (op `achterstalligSinds`):"
        " haar status, open vlaggen en hun deadlines, de locatie met wijk en stadsdeel, de school en het schooljaar."
        " Nooit de naam of geboortedatum van een kind of de inhoud van het formulier. JSON komt in pagina's"
        " (`pageSize`, `cursor`); de CSV (`Accept: text/csv`) bevat de hele lijst voor de filters en negeert"
        " `pageSize` en `cursor`. Voor de locatiemanager, de school en de coördinator."
    ),
    response_model=AchterstandenPagina,
    responses={**JSON_OR_CSV, **problems(forbidden(Capability.ACHTERSTANDEN_LEZEN), BAD_CURSOR)},
)
async def get_achterstanden(
    ctx: Ctx,
    request: Request,
    response: Response,
    vlag: Annotated[list[Vlag] | None, Query(description="Alleen deze open vlaggen (een ervan).")] = None,
    locatie_id: Annotated[UUID | None, Query(alias="locatieId", description="Alleen van deze locatie.")] = None,
    school_id: Annotated[UUID | None, Query(alias="schoolId", description="Alleen naar deze school.")] = None,
    wijk_id: Annotated[UUID | None, Query(alias="wijkId", description="De wijk van de locatie.")] = None,
    stadsdeel_id: Annotated[
        UUID | None, Query(alias="stadsdeelId", description="Het stadsdeel van de locatie.")
    ] = None,
    schooljaar: Schooljaar = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100, description="Hoeveel per pagina.")] = 25,
    cursor: Annotated[str | None, Query(description="De `volgendeCursor` van de vorige pagina.")] = None,
) -> AchterstandenPagina | Response:
    filters = monitoring.Filters(
        vlag=vlag,
        locatie_id=locatie_id,
        school_id=school_id,
        wijk_id=wijk_id,
        stadsdeel_id=stadsdeel_id,
        schooljaar=schooljaar,
    )
    if wants_csv(request.headers.get("accept")):
        # Streamed at constant memory; its one audit row is written before the first byte (api/deps.py).
        batches = await monitoring.achterstanden_download(ctx, filters, cursor)
        return csv_stream(
            "achterstanden",
            spreadsheet.ACHTERSTANDEN_HEADER,
            (spreadsheet.achterstanden_rows(batch) async for batch in batches),
        )
    response.headers["Vary"] = "Accept"
    return await monitoring.achterstanden_page(ctx, filters, page_size, cursor)


MONITORING = forbidden(Capability.MONITORING_LEZEN)


@router.get(
    "/kengetallen",
    operation_id="getKengetallen",
    summary="Kengetallen per schooljaar, per stadsdeel, wijk, locatie of school",
    description=(
        "Per schooljaar en groep: hoeveel overdrachten en hoeveel in elke status; per stap hoeveel op tijd en hoeveel"
        " te laat (toestemming voor de deadline `toestemming`, verzonden voor `verzenden`, ontvangst bevestigd voor"
        " `bevestigen`; een stap telt zodra hij gezet is); van de VVE-kinderen van wie de overdracht is ontvangen,"
        " hoeveel hun warme overdracht voor hun eerste schooldag hadden; weigeringen; en hoeveel er bij de deadline"
        " `school_bekend` nog geen school hadden. Elk schooljaar heeft ook zijn totaal." + SCOPE
    ),
    response_model=Kengetallen,
    responses={**JSON_OR_CSV, **problems(MONITORING)},
)
async def get_kengetallen(
    ctx: Ctx,
    request: Request,
    schooljaar: Schooljaar = None,
    groepering: Annotated[Groepering, Query(description="Hoe te groeperen.")] = Groepering.STADSDEEL,
    stadsdeel_id: StadsdeelId = None,
    wijk_id: WijkId = None,
) -> Response:
    filters = monitoring.Filters(stadsdeel_id=stadsdeel_id, wijk_id=wijk_id)
    result = await monitoring.kengetallen(ctx, groepering, schooljaar, filters)
    if wants_csv(request.headers.get("accept")):
        return csv_response(
            f"kengetallen-{groepering.value}",
            spreadsheet.kengetallen_header(groepering),
            spreadsheet.kengetallen_rows(result.model),
        )
    return json_answer(result)


@router.get(
    "/trend",
    operation_id="getTrend",
    summary="Stappen op tijd en te laat, per maand",
    description=(
        "Per kalendermaand (Europe/Amsterdam), van de stappen die erin gezet zijn: hoeveel op tijd en hoeveel te laat,"
        " per stap, geteld zoals de kengetallen tellen (toestemming voor de deadline `toestemming`, verzonden voor"
        " `verzenden`, ontvangst bevestigd voor `bevestigen`). De oudste maand eerst, elke maand van de eerste tot de"
        " laatste (met nullen waar niets gebeurde). `schooljaar`: van de overdrachten van dat schooljaar." + SCOPE
    ),
    response_model=Trend,
    responses={**JSON_OR_CSV, **problems(MONITORING)},
)
async def get_trend(
    ctx: Ctx,
    request: Request,
    response: Response,
    schooljaar: Schooljaar = None,
    stadsdeel_id: StadsdeelId = None,
    wijk_id: WijkId = None,
) -> Trend | Response:
    result = await monitoring.trend(
        ctx, monitoring.Filters(schooljaar=schooljaar, stadsdeel_id=stadsdeel_id, wijk_id=wijk_id)
    )
    if wants_csv(request.headers.get("accept")):
        return csv_response("trend", spreadsheet.TREND_HEADER, spreadsheet.trend_rows(result))
    response.headers["Vary"] = "Accept"
    return result


@router.get(
    "/prognose",
    operation_id="getPrognose",
    summary="Wat de komende weken vervalt, per week, deadline, locatie en school",
    description=(
        "De prognose van de deadlines: van elke overdracht die u mag zien, de deadlines van stappen die nog gezet"
        " moeten worden (verplaatste meegeteld) die eindigen in deze ISO-week (maandag tot en met zondag,"
        " Europe/Amsterdam) of een van de `weken` - 1 weken erna, geteld per week: in totaal, per deadline, per"
        " voorschoollocatie en per ontvangende school (null: nog geen bekend). Een deadline telt in de week van de dag"
        " aan het eind waarvan hij eindigt; wat voor nu verviel, is te laat (`/v1/monitoring/achterstanden`), geen"
        " prognose. Alleen aantallen: nooit een kind. CSV: één rij per deadline, locatie en school, dan het totaal."
        + SCOPE
    ),
    response_model=Prognose,
    responses={
        **JSON_OR_CSV,
        **problems(
            MONITORING,
            Documented(
                InvalidInput(
                    f"Kies 1 tot en met {monitoring.PROGNOSE_MAX_WEKEN} weken.",
                    invalid_params=[{"name": "weken", "reason": f"1 tot en met {monitoring.PROGNOSE_MAX_WEKEN}"}],
                ),
                f"`weken` is niet 1 tot en met {monitoring.PROGNOSE_MAX_WEKEN}.",
            ),
        ),
    },
)
async def get_prognose(
    ctx: Ctx,
    request: Request,
    response: Response,
    weken: Annotated[
        int,
        Query(ge=1, le=monitoring.PROGNOSE_MAX_WEKEN, description="Hoeveel weken, deze meegeteld (standaard 8)."),
    ] = monitoring.PROGNOSE_WEKEN,
    locatie_id: Annotated[UUID | None, Query(alias="locatieId", description="Alleen van deze locatie.")] = None,
    school_id: Annotated[UUID | None, Query(alias="schoolId", description="Alleen naar deze school.")] = None,
    wijk_id: WijkId = None,
    stadsdeel_id: StadsdeelId = None,
    schooljaar: Schooljaar = None,
) -> Prognose | Response:
    filters = monitoring.Filters(
        locatie_id=locatie_id, school_id=school_id, wijk_id=wijk_id, stadsdeel_id=stadsdeel_id, schooljaar=schooljaar
    )
    result = await monitoring.prognose(ctx, filters, weken)
    if wants_csv(request.headers.get("accept")):
        return csv_response("prognose", spreadsheet.prognose_header(result), spreadsheet.prognose_rows(result))
    response.headers["Vary"] = "Accept"
    return result


@router.get(
    "/zonder-overdracht",
    operation_id="getZonderOverdracht",
    summary="VVE-kinderen voorbij de startleeftijd zonder overdracht: met een ondoorzichtig id, zonder namen",
    description=(
        "Kinderen van uw gemeente met een VVE-indicatie die de startleeftijd van het huidige protocol bereikten (3"
        " jaar en 6 maanden in Almere) en nog geen overdracht hebben, wie het langst voorbij de startleeftijd is"
        " eerst: een ondoorzichtig id van het kind, de locatie met wijk en stadsdeel, en de hele maanden sinds de"
        " startleeftijd. Geen naam, geen geboortedatum. Voor de coördinator."
    ),
    response_model=ZonderOverdracht,
    responses={
        **JSON_OR_CSV,
        **problems(
            forbidden(Capability.KINDEREN_ZONDER_OVERDRACHT_ZIEN),
            Documented(
                NoProtocol(monitoring.NO_PROTOCOL),
                "Voor de gemeente is nog geen protocol actief: er is geen startleeftijd om aan te meten.",
            ),
        ),
    },
)
async def get_zonder_overdracht(ctx: Ctx, request: Request) -> Response:
    result = await monitoring.zonder_overdracht(ctx)
    if wants_csv(request.headers.get("accept")):
        return csv_response(
            "zonder-overdracht", spreadsheet.ZONDER_OVERDRACHT_HEADER, spreadsheet.zonder_overdracht_rows(result.model)
        )
    return json_answer(result)

"""/v1/kinderen/{kindId}: a child's placement ends or moves (services/plaatsingen.py)."""

from uuid import UUID

from fastapi import APIRouter

from api.deps import Ctx
from api.problems import ENGINE_DOWN, OUTCOME_UNKNOWN, Documented, forbidden, problems
from schemas.plaatsing import PlaatsingBeeindigen, PlaatsingGewijzigd, Verhuizing
from services import plaatsingen
from services.errors import InvalidInput, NotFound
from services.overdrachten import CHILD_UNKNOWN
from services.permissions import Capability

router = APIRouter(prefix="/v1/kinderen", tags=["kinderen"])

PLAATSING = (
    forbidden(Capability.PLAATSING_WIJZIGEN),
    Documented(NotFound(CHILD_UNKNOWN), "Het kind staat niet (meer) ingeschreven op uw locatie."),
)


@router.post(
    "/{kind_id}/plaatsing-beeindigingen",
    operation_id="endPlaatsing",
    summary="Het kind verlaat de voorschool: de overdracht wordt geannuleerd, of gaat nooit open",
    description="Voor de locatiemanager van de locatie van het kind. Veilig te herhalen: de eerste datum blijft. Een"
    " lopende overdracht wordt `geannuleerd` (de inhoud verwijderd zoals het protocol zegt); een die nog vanzelf open"
    " zou gaan op de startleeftijd, gaat nooit open.",
    responses=problems(
        *PLAATSING,
        Documented(
            InvalidInput(plaatsingen.NOT_YET, invalid_params=[{"name": "datum", "reason": "ligt in de toekomst"}]),
            "`datum` ligt in de toekomst: een plaatsing eindigt op of na de laatste dag.",
        ),
        ENGINE_DOWN,
        OUTCOME_UNKNOWN,
    ),
)
async def end_placement(kind_id: UUID, body: PlaatsingBeeindigen, ctx: Ctx) -> PlaatsingGewijzigd:
    return await plaatsingen.end_placement(ctx, kind_id, body.reden, body.datum)


@router.post(
    "/{kind_id}/verhuizingen",
    operation_id="moveKind",
    summary="Het kind verhuist naar een andere locatie van de gemeente, die de overdracht overneemt",
    description="Voor de locatiemanager van de huidige locatie van het kind; daarna ziet die locatie de overdracht"
    " niet meer en de nieuwe wel. De mentor van het kind vervalt (de nieuwe locatie wijst er een aan).",
    responses=problems(
        *PLAATSING,
        Documented(
            InvalidInput(
                plaatsingen.OTHER_LOCATION,
                invalid_params=[{"name": "locatieId", "reason": "geen andere open locatie van deze gemeente"}],
            ),
            "`locatieId` is de huidige locatie, een gesloten locatie of geen locatie van uw gemeente.",
        ),
        ENGINE_DOWN,
        OUTCOME_UNKNOWN,
    ),
)
async def move(kind_id: UUID, body: Verhuizing, ctx: Ctx) -> PlaatsingGewijzigd:
    return await plaatsingen.move(ctx, kind_id, body.locatie_id)

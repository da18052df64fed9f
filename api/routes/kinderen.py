"""/v1/kinderen/{kindId}: a child's placement ends or moves (services/plaatsingen.py)."""

from uuid import UUID

from fastapi import APIRouter

from api.deps import Ctx
from api.errors import problems
from schemas.plaatsing import PlaatsingBeeindigen, PlaatsingGewijzigd, Verhuizing
from services import plaatsingen

router = APIRouter(prefix="/v1/kinderen", tags=["kinderen"])


@router.post(
    "/{kind_id}/plaatsing-beeindigingen",
    summary="The child leaves the voorschool: its overdracht is cancelled, or never opens",
    description="For the locatiemanager of the child's location. Safe to repeat: the first date stays. An open"
    " overdracht becomes GEANNULEERD (its content purged as the protocol says); one still waiting to open itself"
    " at the start age never opens.",
    responses=problems(400, 401, 403, 404, 503),
)
async def end_placement(kind_id: UUID, body: PlaatsingBeeindigen, ctx: Ctx) -> PlaatsingGewijzigd:
    return await plaatsingen.end_placement(ctx, kind_id, body.reden, body.datum)


@router.post(
    "/{kind_id}/verhuizingen",
    summary="The child moves to another location of the gemeente, which takes its overdracht over",
    description="For the locatiemanager of the child's current location; afterwards that location no longer sees"
    " the overdracht and the new one does. The child's mentor is cleared (the new location names one).",
    responses=problems(400, 401, 403, 404, 503),
)
async def move(kind_id: UUID, body: Verhuizing, ctx: Ctx) -> PlaatsingGewijzigd:
    return await plaatsingen.move(ctx, kind_id, body.locatie_id)

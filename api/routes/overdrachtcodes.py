"""/v1/overdrachtcode-inwisselingen: the school enters the overdracht code the parents handed over at
enrolment, and receives their child's overdracht (services/overdracht_codes.py)."""

from fastapi import APIRouter, status

from api.deps import Ctx
from api.problems import ENGINE_DOWN, OUTCOME_UNKNOWN, Documented, forbidden, problems
from schemas.api import OverdrachtcodeInwisselen, OverdrachtDetail
from services import overdracht_codes
from services.errors import InvalidInput, NotFound, StepNotAllowed
from services.permissions import Capability

router = APIRouter(prefix="/v1", tags=["overdrachten"])


@router.post(
    "/overdrachtcode-inwisselingen",
    operation_id="redeemOverdrachtcode",
    status_code=status.HTTP_201_CREATED,
    summary="De overdrachtcode van de ouders invoeren: uw school ontvangt de overdracht van hun kind",
    description='Voor een school. Ouders die toestemming gaven voor "de school waar mijn kind is ingeschreven",'
    " krijgen een code per e-mail en op papier; hier ingevoerd wordt de overdracht naar uw school verzonden (status"
    " `verzonden`). Een code werkt één keer; een onbekende, gebruikte of verlopen code is steeds dezelfde 404, die"
    " verder niets zegt. Een school die de gemeente heeft gesloten, ontvangt niets: 409.",
    responses=problems(
        forbidden(Capability.OVERDRACHTCODE_INWISSELEN),
        Documented(
            InvalidInput(
                overdracht_codes.KIES_SCHOOL, invalid_params=[{"name": "schoolId", "reason": "kies een van uw scholen"}]
            ),
            "U werkt voor meer dan één school en `schoolId` ontbreekt, of is geen school van u.",
        ),
        Documented(
            NotFound(overdracht_codes.CODE_ONBEKEND),
            "De code is onbekend, al gebruikt of verlopen, of hoort niet bij een overdracht die op een school wacht.",
        ),
        Documented(
            StepNotAllowed(overdracht_codes.GESLOTEN, invalid_params=[{"name": "schoolId", "reason": "gesloten"}]),
            "Uw school is in de administratie van de gemeente gesloten en ontvangt geen nieuwe overdrachten.",
        ),
        ENGINE_DOWN,
        OUTCOME_UNKNOWN,
    ),
)
async def redeem(body: OverdrachtcodeInwisselen, ctx: Ctx) -> OverdrachtDetail:
    return await overdracht_codes.redeem(ctx, body.code, body.school_id)

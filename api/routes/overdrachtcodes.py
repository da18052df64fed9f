"""/v1/overdrachtcode-inwisselingen: the school enters the overdracht code the parents handed over at
enrolment, and receives their child's overdracht (services/overdracht_codes.py)."""

from fastapi import APIRouter, status

from api.deps import Ctx
from api.errors import problems
from schemas.api import OverdrachtcodeInwisselen, OverdrachtDetail
from services import overdracht_codes

router = APIRouter(prefix="/v1", tags=["overdrachten"])


@router.post(
    "/overdrachtcode-inwisselingen",
    status_code=status.HTTP_201_CREATED,
    summary="Enter the parents' overdracht code: your school receives their child's overdracht",
    description='For a school. Parents who consented for "the school where my child is enrolled" get a code by'
    " mail and on paper; entered here, the overdracht is sent to your school (status VERZONDEN). A code works"
    " once; an unknown, used or expired code is one and the same 404, saying nothing more. A school the"
    " gemeente has closed receives nothing: 409.",
    responses=problems(400, 401, 403, 404, 409, 503),
)
async def redeem(body: OverdrachtcodeInwisselen, ctx: Ctx) -> OverdrachtDetail:
    return await overdracht_codes.redeem(ctx, body.code, body.school_id)

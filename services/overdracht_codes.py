"""Use case of a school with a parent's overdracht code (Plein013's practice): parents who consented
for "the school where my child is enrolled" hand it over at enrolment; the school enters it and
receives the overdracht. A wrong, used or expired code tells nothing."""

from uuid import UUID

from db import organisaties, overdracht_codes
from schemas.api import OverdrachtDetail
from schemas.audit import Actie
from schemas.workflow import ReceiveByCode
from services import commands
from services.context import Context
from services.errors import InvalidInput, NotFound, StepNotAllowed
from services.overdrachten import actor, answer
from services.permissions import Capability, require
from workflows.handover import HandoverWorkflow

# One answer for every code that does not (or no longer) stand for an overdracht waiting for a school.
CODE_ONBEKEND = "Deze overdrachtcode is onbekend, al gebruikt of verlopen. Vraag de ouders om hun code te controleren."


GESLOTEN = (
    "Deze school is in de administratie van de gemeente gesloten en ontvangt geen nieuwe overdrachten. Klopt dat"
    " niet? Vraag het functioneel beheer van de gemeente."
)
KIES_SCHOOL = "U werkt voor meer dan één school: kies de school (vestiging) waar het kind is ingeschreven."


async def redeem(ctx: Context, code: str, school_id: UUID | None = None) -> OverdrachtDetail:
    """`school_id`: which of the caller's schools receives it; needed only by one who works for several."""
    user = require(ctx, Capability.OVERDRACHTCODE_INWISSELEN)
    entry = ctx.audit.add(user, Actie.WIJZIGEN, "overdracht.code_ingewisseld", velden=("school",))
    if (school_id is None and len(user.school_ids) > 1) or (school_id is not None and school_id not in user.school_ids):
        raise InvalidInput(KIES_SCHOOL, invalid_params=[{"name": "schoolId", "reason": "kies een van uw scholen"}])
    school_id = school_id or user.school_id
    if school_id is None:
        raise NotFound(CODE_ONBEKEND)
    if await organisaties.school_open(ctx.pool, school_id) is False:  # before any code is looked at
        raise StepNotAllowed(GESLOTEN, invalid_params=[{"name": "schoolId", "reason": "gesloten"}])
    # The code is claimed (locked) while the engine takes the step, and spent only when it did: a step
    # refused leaves it as it was, and two schools entering the same code cannot both receive it.
    async with ctx.pool.acquire() as conn, conn.transaction():
        overdracht_id = await overdracht_codes.claim(conn, code)
        if overdracht_id is None:
            raise NotFound(CODE_ONBEKEND)
        entry.overdracht_id = overdracht_id
        cmd = ReceiveByCode(actor=actor(ctx), school_id=school_id)
        try:
            await commands.take_step(ctx.temporal, ctx.settings, overdracht_id, HandoverWorkflow.receive_by_code, cmd)
        except StepNotAllowed:
            raise NotFound(CODE_ONBEKEND) from None
        await overdracht_codes.use(conn, overdracht_id)
    return await answer(ctx, overdracht_id)

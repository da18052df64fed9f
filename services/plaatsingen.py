"""Use cases of a child's placement: it ends (the child leaves the voorschool) or moves to another
location of the gemeente. Both reach the child's overdracht, whether it is open or still waiting to
open itself at the start age: a child who left gets none, a child who moved keeps its own."""

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from uuid import UUID

import asyncpg

from db import kinderen
from protocol.dates import amsterdam_date
from schemas.audit import Actie
from schemas.plaatsing import PlaatsingGewijzigd
from schemas.workflow import Cancel, HandoverState, MoveLocation
from services import commands
from services.context import Context
from services.errors import InvalidInput, NotFound, StepNotAllowed
from services.overdrachten import CHILD_UNKNOWN, actor
from services.permissions import Capability, require
from workflows.handover import HandoverWorkflow

NOT_YET = "Een plaatsing kan alleen worden beëindigd op of na de laatste dag."
OTHER_LOCATION = "Kies een andere, open voorschoollocatie van uw gemeente."


async def _placed(ctx: Context, kind_id: UUID, onderwerp: str, velden: tuple[str, ...]) -> asyncpg.Record:
    """The child, placed at the caller's location; the audit row registered first, so a refusal is too."""
    user = require(ctx, Capability.PLAATSING_WIJZIGEN)
    entry = ctx.audit.add(user, Actie.WIJZIGEN, onderwerp, kind_id=kind_id, velden=velden)
    entry.overdracht_id = commands.overdracht_id_for(kind_id)
    kind = await kinderen.placed_at(ctx.pool, kind_id, user.locatie_ids) if user.locatie_ids else None
    if kind is None:
        raise NotFound(CHILD_UNKNOWN)
    return kind


async def end_placement(ctx: Context, kind_id: UUID, reden: str, datum: date | None) -> PlaatsingGewijzigd:
    """The child leaves: its overdracht is cancelled (its content purged as the protocol says), or, not
    opened yet, never opens. Safe to repeat."""
    today = amsterdam_date(datetime.now(UTC))
    if datum is not None and datum > today:
        raise InvalidInput(NOT_YET, invalid_params=[{"name": "datum", "reason": "ligt in de toekomst"}])
    await _placed(ctx, kind_id, "kind.plaatsing_beeindigd", ("plaatsing_beeindigd_op",))
    return await leave(ctx, kind_id, reden, datum or today)


async def leave(ctx: Context, kind_id: UUID, reden: str, datum: date) -> PlaatsingGewijzigd:
    """The child left on `datum`, for a caller that was allowed to say so (the locatiemanager above, or
    the placements import): the end recorded, the overdracht cancelled or never opened."""
    await kinderen.end_placement(ctx.pool, kind_id, datum)
    overdracht_id = commands.overdracht_id_for(kind_id)
    state = await _step(ctx, overdracht_id, lambda: _cancel(ctx, overdracht_id, reden))
    return PlaatsingGewijzigd(
        kind_id=kind_id, overdracht_id=overdracht_id, overdracht_status=state.status if state else None
    )


async def move(ctx: Context, kind_id: UUID, locatie_id: UUID) -> PlaatsingGewijzigd:
    """The child moves to another location of the gemeente, which takes its overdracht over (the old one
    loses access). The engine first: a retry after a failure finds the child where it was."""
    kind = await _placed(ctx, kind_id, "kind.verhuizing", ("locatie_id",))
    if locatie_id == kind["locatie_id"] or not await kinderen.location_in(ctx.pool, locatie_id, kind["gemeente_id"]):
        raise InvalidInput(
            OTHER_LOCATION,
            invalid_params=[{"name": "locatieId", "reason": "geen andere open locatie van deze gemeente"}],
        )
    overdracht_id = commands.overdracht_id_for(kind_id)
    cmd = MoveLocation(actor=actor(ctx), locatie_id=locatie_id)
    state = await _step(
        ctx,
        overdracht_id,
        lambda: commands.take_step(ctx.temporal, ctx.settings, overdracht_id, HandoverWorkflow.move_location, cmd),
    )
    await kinderen.move(ctx.pool, kind_id, locatie_id)
    return PlaatsingGewijzigd(
        kind_id=kind_id, overdracht_id=overdracht_id, overdracht_status=state.status if state else None
    )


async def _cancel(ctx: Context, overdracht_id: UUID, reden: str) -> HandoverState:
    cmd = Cancel(actor=actor(ctx), reden=reden)
    return await commands.take_step(ctx.temporal, ctx.settings, overdracht_id, HandoverWorkflow.cancel, cmd)


async def _step(
    ctx: Context, overdracht_id: UUID, call: Callable[[], Awaitable[HandoverState]]
) -> HandoverState | None:
    """The overdracht's step, or None when there is no overdracht running: never started, or ended."""
    try:
        return await call()
    except StepNotAllowed:
        return None

"""Use cases of the child's mentor: the pedagogisch medewerker of its location who fills in the form,
gets the reminders meant for the PM'er (db/berichten.py) and is the parents' and the school's contact.
The mentor belongs to the placement: it is kept on the child's record (db/kinderen.py), set by the
placements import (column `mentor`), by a PM'er opening the overdracht of a child without one
(services/overdrachten.py), and named by the locatiemanager here."""

from uuid import UUID

from db import kinderen
from schemas.api import OverdrachtDetail, Verwijzing
from schemas.audit import Actie
from services.context import Context
from services.errors import InvalidInput, StepNotAllowed
from services.overdrachten import answer, visible
from services.permissions import Capability, require
from workflows.lifecycle import EINDSTATUSSEN

NOT_A_PM = "De mentor moet een pedagogisch medewerker van de locatie van dit kind zijn."
CLOSED = "Deze overdracht is afgesloten; er is geen mentor meer nodig."


async def assign(ctx: Context, overdracht_id: UUID, mentor_id: UUID) -> OverdrachtDetail:
    """The locatiemanager names the child's mentor: a PM'er of the overdracht's location (else 400,
    whether the user is unknown, elsewhere or no PM'er: the answer tells nothing about other people)."""
    user = require(ctx, Capability.MENTOR_TOEWIJZEN, overdracht_id=overdracht_id)
    entry = ctx.audit.add(
        user, Actie.WIJZIGEN, "overdracht.mentor", overdracht_id=overdracht_id, velden=["kind.mentor"]
    )
    row = await visible(ctx, overdracht_id)
    entry.kind_id = row["kind_id"]
    if row["status"] in EINDSTATUSSEN or row["kind_id"] is None:  # ended (and perhaps purged: no child)
        raise StepNotAllowed(CLOSED)
    if not await kinderen.is_pm_at(ctx.pool, mentor_id, row["locatie_id"]):
        raise InvalidInput(
            NOT_A_PM, invalid_params=[{"name": "mentorId", "reason": "geen pedagogisch medewerker van deze locatie"}]
        )
    await kinderen.set_mentor(ctx.pool, row["kind_id"], mentor_id)
    return await answer(ctx, overdracht_id)


async def candidates(ctx: Context, overdracht_id: UUID) -> list[Verwijzing]:
    """Who the locatiemanager can name as mentor: the PM'ers of the overdracht's location."""
    user = require(ctx, Capability.MENTOR_TOEWIJZEN, overdracht_id=overdracht_id, actie=Actie.LEZEN)
    ctx.audit.add(user, Actie.LEZEN, "locatie.medewerkers", overdracht_id=overdracht_id)
    row = await visible(ctx, overdracht_id)
    return [Verwijzing(id=r["id"], naam=r["naam"]) for r in await kinderen.pms_at(ctx.pool, row["locatie_id"])]

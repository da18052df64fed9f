"""Moving a deadline, with a reason, from the overdracht's page (`/overdrachten/{id}/deadline`): the
coordinator chooses one of the overdracht's open deadlines, a new date and says why; the step is the
API's (`PUT /v1/overdrachten/{id}/deadlines/{stap}`, services/stappen.move_deadline), its timer follows
and the timeline shows it. Bad input comes back with what was typed and a message per field."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel

from protocol.dates import deadline_day
from schemas.audit import Actie
from schemas.base import Reden
from schemas.overdracht import Deadline
from services import monitoring, overdrachten, stappen
from services.errors import ServiceError
from services.permissions import Capability, require
from services.spreadsheet import DEADLINE_NAMEN
from web.invoer import parse
from web.render import GEDAAN, act, caller, done, error_page, page, posted, signed_in
from web.sessions import Aangemeld

router = APIRouter(include_in_schema=False)

GEDAAN["deadline_verplaatst"] = "De deadline is verplaatst. De tijdlijn laat het zien."

VELDEN = ("deadline", "datum", "reden")


class DeadlineVerplaatsen(BaseModel):
    """The form, as the page sends it (the API's body, with the deadline as a field of its own)."""

    deadline: Deadline
    datum: date
    reden: Reden


async def _form(
    request: Request,
    aangemeld: Aangemeld,
    overdracht_id: UUID,
    *,
    waarden: dict[str, str] | None = None,
    fouten: dict[str, str] | None = None,
    melding: str | None = None,
    status: int = 200,
) -> Response:
    try:
        async with caller(request, aangemeld.user) as ctx:
            # The capability first (a 403 page), then the overdracht (a 404 page outside the scope).
            require(ctx, Capability.DEADLINE_VERPLAATSEN, overdracht_id=overdracht_id, actie=Actie.LEZEN)
            o = await overdrachten.detail(ctx, overdracht_id)
    except ServiceError as exc:
        return error_page(request, exc, aangemeld)
    open_ = monitoring.open_deadlines(o)
    opties = [(d.value, f"{DEADLINE_NAMEN[d]} (nu {deadline_day(m):%d-%m-%Y})") for d, m in open_.items()]
    if not open_ and status == 200:  # ended, or nothing left to wait for: the page says why
        status = 409
    if waarden is None:  # the first open one, chosen already when it is the only one
        waarden = {"deadline": next(iter(open_)).value} if len(open_) == 1 else {}
    return page(
        request, "coordinatie/deadline.html", status, aangemeld=aangemeld, o=o, opties=opties,
        open_deadlines=open_, deadline_namen=DEADLINE_NAMEN, waarden=waarden, fouten=fouten or {}, melding=melding,
    )  # fmt: skip


@router.get("/overdrachten/{overdracht_id}/deadline")
async def form(request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(signed_in)]) -> Response:
    return await _form(request, aangemeld, overdracht_id)


@router.post("/overdrachten/{overdracht_id}/deadline")
async def move(request: Request, overdracht_id: UUID, aangemeld: Annotated[Aangemeld, Depends(posted)]) -> Response:
    ingevuld = await request.form()
    waarden = {veld: str(ingevuld.get(veld, "")).strip() for veld in VELDEN}

    async def again(fouten: dict[str, str], melding: str | None, status: int) -> Response:
        return await _form(
            request, aangemeld, overdracht_id, waarden=waarden, fouten=fouten, melding=melding, status=status
        )

    body, fouten = parse(DeadlineVerplaatsen, waarden)
    if fouten.get("datum"):
        fouten["datum"] = "Vul de nieuwe datum in als dag-maand-jaar, bijvoorbeeld 17-08-2026."
    if fouten.get("deadline"):
        fouten["deadline"] = "Kies welke deadline u verplaatst."
    if fouten.get("reden") and not waarden["reden"]:
        fouten["reden"] = "Vul in waarom u de deadline verplaatst."
    if body is None:
        return await again(fouten, None, 400)
    return await act(
        request, aangemeld,
        lambda ctx: stappen.move_deadline(ctx, overdracht_id, body.deadline, body.datum, body.reden),
        then=lambda: done(f"/overdrachten/{overdracht_id}", "deadline_verplaatst"), again=again,
    )  # fmt: skip

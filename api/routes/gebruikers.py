"""/v1/gebruikers: the gemeente's people, for its beheerder (functioneel beheer): who has which role and
where they work, inviting a member of staff, changing their role or locations, deactivating them.
Each route parses, calls its use case (services/gebruikers.py) and answers; the pages under
/beheer/mensen call the same."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from api.deps import Ctx
from api.errors import problems
from schemas.gebruiker import (
    GebruikerBeheer,
    GebruikersLijst,
    GebruikerStatus,
    RolWijziging,
    Uitnodiging,
    UitnodigingVerstuurd,
)
from schemas.overdracht import Rol
from services import gebruikers

router = APIRouter(prefix="/v1/gebruikers", tags=["gebruikers"])

VOOR_BEHEER = (
    " For the beheerder (functioneel beheer), within their own gemeente only: another gemeente's people do not"
    " exist for them (404)."
)


@router.get(
    "",
    summary="Who has which role, and where they work",
    description="The gemeente's staff (every account but the parents'), by role and name, each with the voorschool"
    " locations or schools they work at and their status (`uitgenodigd`: not yet signed in through their"
    " invitation; `actief`; `gedeactiveerd`). Filter by role, location, school or status." + VOOR_BEHEER,
    responses=problems(400, 401, 403, 503),
)
async def list_staff(
    ctx: Ctx,
    rol: Annotated[Rol | None, Query(description="Only this role.")] = None,
    locatie_id: Annotated[UUID | None, Query(alias="locatieId", description="Only who works at this location.")] = None,
    school_id: Annotated[UUID | None, Query(alias="schoolId", description="Only who works for this school.")] = None,
    status_: Annotated[GebruikerStatus | None, Query(alias="status", description="Only this status.")] = None,
) -> GebruikersLijst:
    return await gebruikers.list_staff(ctx, rol, locatie_id, school_id, status_)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Invite a member of staff by e-mail, with a role and where they work",
    description="Makes the account in your gemeente and mails the person a one-time link (valid for 7 days from"
    " when the mail goes out; only its hash is kept). Following it, they sign in with the gemeente's identity"
    " provider, whose name for them is then bound to this account, once; in development, without a provider, the"
    " link signs them in directly. A pedagogisch medewerker or locatiemanager works at one or more locations"
    " (`locatieIds`), the role `school` for one or more schools (`schoolIds`), a coordinator or beheerder for the"
    " whole gemeente (neither). Locations and schools of another gemeente, an address another member of staff of"
    " your gemeente has, and the role `ouder` are refused (400)." + VOOR_BEHEER,
    responses=problems(400, 401, 403, 503),
)
async def invite(body: Uitnodiging, ctx: Ctx) -> GebruikerBeheer:
    return await gebruikers.invite(ctx, body)


@router.get(
    "/{gebruiker_id}",
    summary="One member of staff: role, where they work, status",
    description="As in the list." + VOOR_BEHEER,
    responses=problems(400, 401, 403, 404, 503),
)
async def get_one(gebruiker_id: UUID, ctx: Ctx) -> GebruikerBeheer:
    return await gebruikers.one(ctx, gebruiker_id)


@router.put(
    "/{gebruiker_id}/rol",
    summary="Change a member of staff's role and where they work",
    description="Replaces their role, locations and schools (the same rules as the invitation). It counts from"
    " their next request: a location taken away takes its overdrachten out of their sight at once. Your own role"
    " you cannot change (409): another beheerder can." + VOOR_BEHEER,
    responses=problems(400, 401, 403, 404, 409, 503),
)
async def change_role(gebruiker_id: UUID, body: RolWijziging, ctx: Ctx) -> GebruikerBeheer:
    return await gebruikers.change_role(ctx, gebruiker_id, body)


@router.post(
    "/{gebruiker_id}/deactiveringen",
    summary="Deactivate a member of staff: they can no longer sign in",
    description="At once: their web sessions end, their bearer tokens are refused (401) from the next request,"
    " their unused invitation stops working, and they get no more messages or mentees. The account and its"
    " history stay; reactivating (…/activeringen) lets them sign in again. Safe to repeat. Yourself you cannot"
    " deactivate (409)." + VOOR_BEHEER,
    responses=problems(400, 401, 403, 404, 409, 503),
)
async def deactivate(gebruiker_id: UUID, ctx: Ctx) -> GebruikerBeheer:
    return await gebruikers.deactivate(ctx, gebruiker_id)


@router.post(
    "/{gebruiker_id}/activeringen",
    summary="Reactivate a deactivated member of staff",
    description="They sign in again with the account they had. Safe to repeat." + VOOR_BEHEER,
    responses=problems(400, 401, 403, 404, 503),
)
async def reactivate(gebruiker_id: UUID, ctx: Ctx) -> GebruikerBeheer:
    return await gebruikers.reactivate(ctx, gebruiker_id)


@router.post(
    "/{gebruiker_id}/uitnodigingen",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Invite again: a new one-time link by mail",
    description="For one who has not yet signed in through their invitation (it expired, or the mail is gone):"
    " the earlier link stops working. Refused (409) for one who signed in already, or is deactivated." + VOOR_BEHEER,
    responses=problems(400, 401, 403, 404, 409, 503),
)
async def invite_again(gebruiker_id: UUID, ctx: Ctx) -> UitnodigingVerstuurd:
    return await gebruikers.resend_invitation(ctx, gebruiker_id)

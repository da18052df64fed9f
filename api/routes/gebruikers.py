"""/v1/gebruikers: the gemeente's people, for its beheerder (functioneel beheer): who has which role and
where they work, inviting a member of staff, changing their role or locations, deactivating them.
Each route parses, calls its use case (services/gebruikers.py) and answers; the pages under
/beheer/mensen call the same."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from api.deps import Ctx
from api.problems import ENGINE_DOWN, Documented, forbidden, problems
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
from services.errors import InvalidInput, NotFound, StepNotAllowed
from services.permissions import Capability

router = APIRouter(prefix="/v1/gebruikers", tags=["gebruikers"])

VOOR_BEHEER = (
    " Voor de beheerder (functioneel beheer), alleen binnen de eigen gemeente: de mensen van een andere gemeente"
    " bestaan voor hem niet (404)."
)
BEHEREN = forbidden(Capability.GEBRUIKERS_BEHEREN)
ONBEKEND = Documented(
    NotFound(gebruikers.NIET_GEVONDEN), "`gebruikerId` is geen medewerker van uw gemeente (een ouder ook niet)."
)
ZELF = Documented(StepNotAllowed(gebruikers.ZELF), "Uw eigen account: dat doet een andere beheerder.")
VELDEN = Documented(
    InvalidInput(
        gebruikers.ONGELDIG, invalid_params=[{"name": "locatieIds", "reason": "kies locaties van uw eigen gemeente"}]
    ),
    "Rol en werkplek passen niet bij elkaar, of een locatie of school is van een andere gemeente of gesloten;"
    " `invalidParams` noemt elk veld.",
)


@router.get(
    "",
    operation_id="listGebruikers",
    summary="Wie welke rol heeft, en waar die werkt",
    description="De medewerkers van de gemeente (elk account behalve dat van ouders), op rol en naam, elk met de"
    " voorschoollocaties of scholen waar die werkt en de status (`uitgenodigd`: nog niet aangemeld via de"
    " uitnodiging; `actief`; `gedeactiveerd`). Te filteren op rol, locatie, school of status." + VOOR_BEHEER,
    responses=problems(BEHEREN),
)
async def list_staff(
    ctx: Ctx,
    rol: Annotated[Rol | None, Query(description="Alleen deze rol.")] = None,
    locatie_id: Annotated[
        UUID | None, Query(alias="locatieId", description="Alleen wie op deze locatie werkt.")
    ] = None,
    school_id: Annotated[UUID | None, Query(alias="schoolId", description="Alleen wie voor deze school werkt.")] = None,
    status_: Annotated[GebruikerStatus | None, Query(alias="status", description="Alleen deze status.")] = None,
) -> GebruikersLijst:
    return await gebruikers.list_staff(ctx, rol, locatie_id, school_id, status_)


@router.post(
    "",
    operation_id="inviteGebruiker",
    status_code=status.HTTP_201_CREATED,
    summary="Een medewerker uitnodigen per e-mail, met een rol en een werkplek",
    description="Maakt het account in uw gemeente en mailt de persoon een eenmalige link (7 dagen geldig vanaf het"
    " versturen; alleen de hash wordt bewaard). Via die link meldt de persoon zich aan bij de aanmeldvoorziening van"
    " de gemeente, waarvan de naam voor hem dan eenmalig aan dit account wordt gekoppeld; in ontwikkeling, zonder"
    " aanmeldvoorziening, meldt de link hem direct aan. Een pedagogisch medewerker of locatiemanager werkt op een of"
    " meer locaties (`locatieIds`), de rol `school` voor een of meer scholen (`schoolIds`), een coördinator of"
    " beheerder voor de hele gemeente (geen van beide). Locaties en scholen van een andere gemeente, een adres dat een"
    " andere medewerker van uw gemeente al heeft, en de rol `ouder` worden geweigerd (400)." + VOOR_BEHEER,
    responses=problems(
        BEHEREN,
        VELDEN,
        Documented(
            InvalidInput(
                gebruikers.ONGELDIG,
                invalid_params=[{"name": "email", "reason": "er is al een medewerker met dit e-mailadres"}],
            ),
            "Een andere medewerker van uw gemeente heeft dit e-mailadres al.",
        ),
        ENGINE_DOWN,
    ),
)
async def invite(body: Uitnodiging, ctx: Ctx) -> GebruikerBeheer:
    return await gebruikers.invite(ctx, body)


@router.get(
    "/{gebruiker_id}",
    operation_id="getGebruiker",
    summary="Eén medewerker: rol, werkplek en status",
    description="Zoals in de lijst." + VOOR_BEHEER,
    responses=problems(BEHEREN, ONBEKEND),
)
async def get_one(gebruiker_id: UUID, ctx: Ctx) -> GebruikerBeheer:
    return await gebruikers.one(ctx, gebruiker_id)


@router.put(
    "/{gebruiker_id}/rol",
    operation_id="changeGebruikerRol",
    summary="De rol en de werkplek van een medewerker wijzigen",
    description="Vervangt de rol, locaties en scholen (met dezelfde regels als de uitnodiging). Het geldt vanaf het"
    " volgende verzoek van de medewerker: een locatie die wordt weggenomen, haalt haar overdrachten meteen uit het"
    " zicht. Uw eigen rol kunt u niet wijzigen (409): een andere beheerder wel." + VOOR_BEHEER,
    responses=problems(BEHEREN, VELDEN, ONBEKEND, ZELF),
)
async def change_role(gebruiker_id: UUID, body: RolWijziging, ctx: Ctx) -> GebruikerBeheer:
    return await gebruikers.change_role(ctx, gebruiker_id, body)


@router.post(
    "/{gebruiker_id}/deactiveringen",
    operation_id="deactivateGebruiker",
    summary="Een medewerker deactiveren: die kan zich niet meer aanmelden",
    description="Meteen: de websessies eindigen, de bearer-tokens worden vanaf het volgende verzoek geweigerd (401),"
    " een ongebruikte uitnodiging werkt niet meer, en de medewerker krijgt geen berichten of mentorkinderen meer. Het"
    " account en de geschiedenis blijven; weer activeren (…/activeringen) laat hem zich weer aanmelden. Veilig te"
    " herhalen. Uzelf kunt u niet deactiveren (409)." + VOOR_BEHEER,
    responses=problems(BEHEREN, ONBEKEND, ZELF),
)
async def deactivate(gebruiker_id: UUID, ctx: Ctx) -> GebruikerBeheer:
    return await gebruikers.deactivate(ctx, gebruiker_id)


@router.post(
    "/{gebruiker_id}/activeringen",
    operation_id="reactivateGebruiker",
    summary="Een gedeactiveerde medewerker weer activeren",
    description="De medewerker meldt zich weer aan met het account dat hij had. Veilig te herhalen." + VOOR_BEHEER,
    responses=problems(BEHEREN, ONBEKEND),
)
async def reactivate(gebruiker_id: UUID, ctx: Ctx) -> GebruikerBeheer:
    return await gebruikers.reactivate(ctx, gebruiker_id)


@router.post(
    "/{gebruiker_id}/uitnodigingen",
    operation_id="inviteGebruikerAgain",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Opnieuw uitnodigen: een nieuwe eenmalige link per e-mail",
    description="Voor wie zich nog niet via de uitnodiging heeft aangemeld (ze verliep, of de e-mail is weg): de"
    " eerdere link werkt dan niet meer. Geweigerd (409) voor wie zich al aanmeldde of is gedeactiveerd." + VOOR_BEHEER,
    responses=problems(
        BEHEREN,
        ONBEKEND,
        Documented(
            StepNotAllowed(gebruikers.GEDEACTIVEERD), "De medewerker is gedeactiveerd; activeer hem eerst weer."
        ),
        Documented(StepNotAllowed(gebruikers.AL_AANGEMELD), "De medewerker heeft zich al aangemeld."),
        Documented(StepNotAllowed(gebruikers.ZONDER_ADRES), "Van de medewerker is geen e-mailadres bekend."),
        ENGINE_DOWN,
    ),
)
async def invite_again(gebruiker_id: UUID, ctx: Ctx) -> UitnodigingVerstuurd:
    return await gebruikers.resend_invitation(ctx, gebruiker_id)

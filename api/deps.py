"""The dependencies routes declare: the clients the lifespan owns, the signed-in user, and the
capabilities a route needs (named after what they allow, mapped to roles in one table)."""

import logging
from functools import cache
from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from temporalio.client import Client

from api import auth
from api.errors import Forbidden, Unauthenticated
from core.settings import Settings
from db import gebruikers
from schemas.gebruiker import Gebruiker
from schemas.overdracht import Rol
from services.audit import Audit

log = logging.getLogger(__name__)


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _pool(request: Request) -> asyncpg.Pool:
    return request.app.state.pool


def _temporal(request: Request) -> Client:
    return request.app.state.temporal


SettingsDep = Annotated[Settings, Depends(_settings)]
DbDep = Annotated[asyncpg.Pool, Depends(_pool)]
TemporalDep = Annotated[Client, Depends(_temporal)]

_bearer = HTTPBearer(
    auto_error=False,
    description="A token from the identity provider, a parent's session (POST /v1/ouder-sessies), or, outside"
    " production, POST /v1/dev/tokens.",
)


async def _current_user(
    settings: SettingsDep,
    pool: DbDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Gebruiker:
    if credentials is None:
        raise Unauthenticated("Meld u aan: stuur een geldig bearer-token mee in de Authorization-header.")
    identity = await auth.verify(settings, pool, credentials.credentials)
    user = await _user_for(pool, identity) if identity else None
    if user is None:
        # One answer for every reason (bad signature, expired, unknown user, …): the log says which.
        raise Unauthenticated("Het token is ongeldig of verlopen. Meld u opnieuw aan.")
    return user


async def _user_for(pool: asyncpg.Pool, identity: auth.Identity) -> Gebruiker | None:
    """The user a verified token names. A parent's token is for one child: the user must be that
    child's parent (still), or the token counts for nothing."""
    if identity.extern_id is not None:
        user = await gebruikers.get_by_extern_id(pool, identity.extern_id)
    else:
        user = await gebruikers.get(pool, identity.gebruiker_id) if identity.gebruiker_id else None
    if user is None:
        log.info("bearer token refused", extra={"reason": "unknown_user"})
        return None
    if identity.kind_id is not None and (user.rol is not Rol.OUDER or user.kind_id != identity.kind_id):
        log.info("bearer token refused", extra={"reason": "child_not_in_scope"})
        return None
    return user


CurrentUser = Annotated[Gebruiker, Depends(_current_user)]

STAFF = frozenset({Rol.PEDAGOGISCH_MEDEWERKER, Rol.LOCATIEMANAGER})


def _capability(what: str, roles: frozenset[Rol]):  # noqa: ANN202 - a dependency factory
    async def check(user: CurrentUser, audit: Audit) -> Gebruiker:
        # The capability is the 'why' of every row the route adds to the audit trail; a refusal is a row too.
        audit.grondslag = capability_name(check)
        if user.rol not in roles:
            audit.refused(user)
            raise Forbidden(f"Met de rol '{user.rol.value}' kunt u niet {what}.")
        return user

    check.what = what  # type: ignore[attr-defined]
    return Depends(check)


@cache
def _capabilities() -> dict[object, str]:
    """Each capability's check, by the name it has below. Looked up (once, at the first request, when
    the module is complete) rather than repeated in each line of the table."""
    return {
        meta.dependency: name
        for name, value in globals().items()
        for meta in getattr(value, "__metadata__", ())
        if getattr(getattr(meta, "dependency", None), "what", None)
    }


def capability_name(check: object) -> str:
    return _capabilities().get(check, "onbekend")


def capability_description(name: str) -> str | None:
    """What a capability allows, in words (the inzage-log's 'why')."""
    return next((check.what for check, n in _capabilities().items() if n == name), None)  # type: ignore[attr-defined]


OUDER = frozenset({Rol.OUDER})
SCHOOL = frozenset({Rol.SCHOOL})

# Capabilities: the DOMAIN.md role table, one line each.
OverdrachtOpenen = Annotated[Gebruiker, _capability("een overdracht openen", STAFF)]
FormulierBewerken = Annotated[Gebruiker, _capability("het formulier bewerken of indienen", STAFF)]
PapierenKopieVastleggen = Annotated[Gebruiker, _capability("een papieren kopie vastleggen", STAFF)]
SchoolKiezen = Annotated[Gebruiker, _capability("de school kiezen", STAFF | OUDER)]
OuderreactieGeven = Annotated[Gebruiker, _capability("een reactie van de ouders geven", OUDER)]
ToestemmingGeven = Annotated[Gebruiker, _capability("toestemming geven, weigeren of intrekken", OUDER)]
Verzenden = Annotated[Gebruiker, _capability("de overdracht verzenden", STAFF)]
IntakeBevestigen = Annotated[Gebruiker, _capability("ontvangst en intake bevestigen", SCHOOL)]
Retourneren = Annotated[Gebruiker, _capability("een overdracht retour sturen", SCHOOL)]
# API.md: the PM'er and the school; DOMAIN.md: parents may ask for one too (the route lets them only ask).
WarmeOverdrachtBijdragen = Annotated[
    Gebruiker,
    _capability("aan de warme overdracht bijdragen", frozenset({Rol.PEDAGOGISCH_MEDEWERKER}) | SCHOOL | OUDER),
]
Annuleren = Annotated[Gebruiker, _capability("een overdracht annuleren", frozenset({Rol.LOCATIEMANAGER}))]
DeadlineVerplaatsen = Annotated[Gebruiker, _capability("een deadline verplaatsen", frozenset({Rol.COORDINATOR}))]
PlaatsingenImporteren = Annotated[
    Gebruiker, _capability("plaatsingen importeren", frozenset({Rol.LOCATIEMANAGER, Rol.BEHEERDER}))
]
MonitoringLezen = Annotated[Gebruiker, _capability("de monitoring bekijken", STAFF | SCHOOL | {Rol.COORDINATOR})]
AchterstandenLezen = Annotated[
    Gebruiker,
    _capability("de achterstanden bekijken", frozenset({Rol.LOCATIEMANAGER, Rol.COORDINATOR}) | SCHOOL),
]
KinderenZonderOverdrachtZien = Annotated[
    Gebruiker, _capability("de kinderen zonder overdracht bekijken", frozenset({Rol.COORDINATOR}))
]
PayloadsDecoderen = Annotated[Gebruiker, _capability("versleutelde gegevens inzien", frozenset({Rol.BEHEERDER}))]
# Reading what the list, the detail and the timeline show: everyone, within their scope (and only the
# fields their role may read: services/views.py). A capability of its own for the audit trail's 'why'.
OverdrachtLezen = Annotated[Gebruiker, _capability("overdrachten bekijken", frozenset(Rol))]
# DOMAIN.md: parents see the log of their own child; the location's staff see it with them.
InzageLogLezen = Annotated[Gebruiker, _capability("het inzage-log van een kind bekijken", STAFF | OUDER)]
# The privacy officer's export of the audit trail: functioneel beheer, for their gemeente.
AuditExporteren = Annotated[Gebruiker, _capability("het audit-log exporteren", frozenset({Rol.BEHEERDER}))]

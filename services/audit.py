"""The audit trail as the routes keep it: each read or change of personal data adds a row in the same
request (Logboek Dataverwerkingen): who (user, role, organisation), whose (the child's opaque id, the
overdracht), what (action, subject, the fields), why (the capability used) and the answer's status.

A route registers what it does on the request's `Audit` (one call); the rows are written together,
in one INSERT, when the route is done and before the answer leaves: with its success status, or with
the status of the refusal (403, 404, 409, …) when it raised. A row that cannot be written fails the
request: no personal data goes out unlogged."""

import logging
from collections.abc import AsyncIterator, Iterable
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from temporalio.service import RPCError

from api.errors import DATABASE_DOWN, ApiProblem
from db import audit as audit_log
from db import overdrachten
from schemas.api import OverdrachtSamenvatting, Tijdlijn
from schemas.audit import Actie
from schemas.formulier import Formulier
from schemas.gebruiker import Gebruiker
from schemas.imports import Plaatsing
from schemas.overdracht import Rol
from schemas.workflow import SaveForm

log = logging.getLogger(__name__)

# Grounds that are not a capability of api/deps.py, in words for the inzage-log.
OUDER_CODE = "OuderCode"
OTHER_GROUNDS = {OUDER_CODE: "een eenmalige code uit het bericht aan de ouder inwisselen"}


def _organisatie(user: Gebruiker) -> UUID | None:
    match user.rol:
        case Rol.PEDAGOGISCH_MEDEWERKER | Rol.LOCATIEMANAGER:
            return user.locatie_id
        case Rol.SCHOOL:
            return user.school_id
        case Rol.OUDER:
            return None
        case _:
            return user.gemeente_id


class AuditTrail:
    """The rows one request adds. `grondslag` is set by the capability the route requires."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.grondslag: str | None = None
        self.regels: list[audit_log.Regel] = []

    def add(
        self,
        user: Gebruiker,
        actie: Actie,
        onderwerp: str,
        *,
        overdracht_id: UUID | None = None,
        kind_id: UUID | None = None,
        velden: Iterable[str] = (),
        grondslag: str | None = None,
    ) -> audit_log.Regel:
        """Register one row; the route may fill in `kind_id` and `velden` once it knows them."""
        regel = audit_log.Regel(
            gebruiker_id=user.id,
            rol=user.rol.value,
            gemeente_id=user.gemeente_id,
            organisatie_id=_organisatie(user),
            actie=actie.value,
            onderwerp=onderwerp,
            grondslag=grondslag or self.grondslag or "onbekend",
            kind_id=kind_id,
            overdracht_id=overdracht_id,
            velden=list(velden),
            request_id=getattr(self.request.state, "request_id", None),
        )
        self.regels.append(regel)
        return regel

    def lezen(self, user: Gebruiker, onderwerp: str, overdracht_id: UUID | None = None) -> audit_log.Regel:
        return self.add(user, Actie.LEZEN, onderwerp, overdracht_id=overdracht_id)

    def wijzigen(self, user: Gebruiker, onderwerp: str, overdracht_id: UUID | None = None) -> audit_log.Regel:
        return self.add(user, Actie.WIJZIGEN, onderwerp, overdracht_id=overdracht_id)

    def lijst(
        self, user: Gebruiker, onderwerp: str, rows: Iterable[tuple[UUID | None, UUID | None, list[str]]]
    ) -> None:
        """A list: one row per overdracht or child in it, as (overdracht id, child id, fields)."""
        for overdracht_id, kind_id, velden in rows:
            self.add(user, Actie.LEZEN, onderwerp, overdracht_id=overdracht_id, kind_id=kind_id, velden=velden)

    @property
    def current(self) -> audit_log.Regel:
        """The row the route registered last (a step's, to which `_Steps` adds the fields)."""
        return self.regels[-1]

    def refused(self, user: Gebruiker) -> None:
        """A role that may never do this: recorded by the endpoint, and the overdracht it named."""
        route = self.request.scope.get("route")
        onderwerp = f"{self.request.method} {getattr(route, 'path', self.request.url.path)}"
        actie = Actie.LEZEN if self.request.method == "GET" else Actie.WIJZIGEN
        self.add(user, actie, onderwerp, overdracht_id=_uuid(self.request.path_params.get("overdracht_id")))

    async def write(self, resultaat: int) -> None:
        for regel in self.regels:
            regel.resultaat = resultaat
        await audit_log.append(self.request.app.state.pool, self.regels)


def _uuid(value: object) -> UUID | None:
    try:
        return UUID(str(value)) if value is not None else None
    except ValueError:
        return None


def status_of(exc: BaseException) -> int:
    """The status the error handlers (api/errors.py) will answer for this exception."""
    if isinstance(exc, ApiProblem):
        return exc.status
    if isinstance(exc, RequestValidationError):
        return 400
    if isinstance(exc, HTTPException):
        return exc.status_code
    if isinstance(exc, (RPCError, *DATABASE_DOWN)):
        return 503
    return 500


async def _audit_trail(request: Request, response: Response) -> AsyncIterator[AuditTrail]:
    trail = AuditTrail(request)
    try:
        yield trail
    except Exception as exc:
        if trail.regels:
            try:
                await trail.write(status_of(exc))
            except Exception as failed:  # noqa: BLE001 - the request's own error is the one to answer
                log.error("audit rows of a refused request not written", extra={"error_type": type(failed).__name__})
        raise
    if trail.regels:
        route = request.scope.get("route")
        await trail.write(response.status_code or getattr(route, "status_code", None) or 200)


# Ends when the route does, before the answer is sent: a row that cannot be written fails the answer.
Audit = Annotated[AuditTrail, Depends(_audit_trail, scope="function")]


# Which of the child's data an answer or a change holds: field names, never values.

# Opening carries the child's date of birth, VVE-indicatie and registered school into the overdracht.
OPENEN_VELDEN = ("kind.geboortedatum", "kind.vve_indicatie", "kind.aangemelde_school")


def velden_in(answer: OverdrachtSamenvatting) -> list[str]:
    velden = ["kind.naam", "kind.geboortedatum"] if answer.kind is not None else []
    if getattr(answer, "formulier", None) is not None:
        velden.append("formulier")
    if getattr(answer, "ouderreacties", None):
        velden.append("ouderreacties")
    return velden


def velden_in_tijdlijn(tijdlijn: Tijdlijn) -> list[str]:
    return ["tijdlijn.toelichting"] if any(g.toelichting for g in tijdlijn.gebeurtenissen) else []


async def velden_van_stap(pool: asyncpg.Pool, overdracht_id: UUID, cmd: Any) -> list[str]:
    """What a step changes: the form's sections that differ from the saved ones; for any other step,
    the fields its command carries (`besluit`, `reden`, `schoolId`, …)."""
    if isinstance(cmd, SaveForm):
        # Against an empty form when none was saved yet: a first draft changes what it fills in.
        old = (await overdrachten.form(pool, overdracht_id) or Formulier()).model_dump(mode="json")
        new = cmd.formulier.model_dump(mode="json")
        return [f"formulier.{section}" for section in new if new[section] != old[section]]
    return [name for name, value in cmd if name != "actor" and value not in (None, "", [])]


_PLAATSING_VELDEN = {
    "voornaam": "kind.naam",
    "achternaam": "kind.naam",
    "geboortedatum": "kind.geboortedatum",
    "bsn": "kind.bsn",
    "vve_indicatie": "kind.vve_indicatie",
    "vve_indicatie_datum": "kind.vve_indicatie",
    "school_id": "kind.aangemelde_school",
    "ouders": "ouders",
}


def velden_van_plaatsing(plaatsing: Plaatsing) -> list[str]:
    given = [_PLAATSING_VELDEN[n] for n, v in plaatsing if n in _PLAATSING_VELDEN and v not in (None, "", [])]
    return list(dict.fromkeys(given))

"""The audit trail as the use cases keep it: each read or change of personal data adds a row
(Logboek Dataverwerkingen): who (user, role, organisation), whose (the children's opaque ids, the
overdrachten: a list or a download is one row naming all of them), what (action, subject, the fields),
why (the capability used) and the answer's status.

A use case registers what it does on the caller's `AuditTrail` (services/context.py); whoever serves
the caller (an API request, a page) writes the rows together, in one INSERT, when the use case is done
and before the answer leaves: with its success status, or with the status of the refusal (403, 404,
409, …) when it raised. A row that cannot be written fails the answer: no personal data goes out
unlogged."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

import asyncpg

from db import audit as audit_log
from db import overdrachten
from schemas.api import OverdrachtSamenvatting, Tijdlijn
from schemas.audit import Actie
from schemas.formulier import Formulier
from schemas.gebruiker import Gebruiker
from schemas.imports import Plaatsing
from schemas.overdracht import Rol
from schemas.workflow import SaveForm

# Grounds that are not a capability (services/permissions.py), in words for the inzage-log.
OUDER_CODE = "OuderCode"
# A new code asked for with the parent's address (no one signed in): recorded as the parent's.
OUDER_CODE_AANVRAAG = "OuderCodeAanvraag"
OTHER_GROUNDS = {
    OUDER_CODE: "een eenmalige code uit het bericht aan de ouder inwisselen",
    OUDER_CODE_AANVRAAG: "een nieuwe code aanvragen met het e-mailadres van de ouder",
}


def _organisatie(user: Gebruiker) -> UUID | None:
    """The user's location, school or gemeente. One who works at several locations (schools) has none
    here: db/audit.py records the location (school) of the overdracht the row is about."""
    match user.rol:
        case Rol.PEDAGOGISCH_MEDEWERKER | Rol.LOCATIEMANAGER:
            return user.locatie_id if len(user.locatie_ids) == 1 else None
        case Rol.SCHOOL:
            return user.school_id if len(user.school_ids) == 1 else None
        case Rol.OUDER:
            return None
        case _:
            return user.gemeente_id


class AuditTrail:
    """The rows one request adds. `grondslag` is set by the capability the use case requires
    (services/permissions.py); `endpoint` names what the caller used (`PUT /v1/overdrachten/{overdracht_id}`
    or a page): a refusal is recorded by it."""

    def __init__(self, pool: asyncpg.Pool, *, endpoint: str, request_id: str | None = None) -> None:
        self.pool = pool
        self.endpoint = endpoint
        self.request_id = request_id
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
        """Register one row; the use case may fill in `kind_id` and `velden` once it knows them."""
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
            request_id=self.request_id,
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
        """A list or a download: one row naming every overdracht and child in it, given as (overdracht id,
        child id, fields); one row per set of fields when they differ from line to line."""
        per_velden: dict[tuple[str, ...], audit_log.Regel] = {}
        for overdracht_id, kind_id, velden in rows:
            key = tuple(velden)
            if key not in per_velden:
                per_velden[key] = self.add(user, Actie.LEZEN, onderwerp, velden=velden)
            per_velden[key].subjects.append((overdracht_id, kind_id))

    def refused(self, user: Gebruiker, actie: Actie, overdracht_id: UUID | None) -> None:
        """A role that may never do this: recorded by the endpoint, and the overdracht it named."""
        self.add(user, actie, self.endpoint, overdracht_id=overdracht_id)

    async def write(self, resultaat: int) -> None:
        for regel in self.regels:
            regel.resultaat = resultaat
        await audit_log.append(self.pool, self.regels)


# Which of the child's data an answer or a change holds: field names, never values.

# Opening carries the child's date of birth, VVE-indicatie and registered school into the overdracht.
OPENEN_VELDEN = ("kind.geboortedatum", "kind.vve_indicatie", "kind.aangemelde_school")


def velden_in(answer: OverdrachtSamenvatting) -> list[str]:
    velden = ["kind.naam", "kind.geboortedatum"] if answer.kind is not None else []
    if getattr(answer, "formulier", None) is not None:
        velden.append("formulier")
    if getattr(answer, "ouderreacties", None):
        velden.append("ouderreacties")
    if getattr(answer, "bijlagen", None):
        velden.append("bijlagen")
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
    "mentor_id": "kind.mentor",
    "einde_plaatsing": "kind.plaatsing_beeindigd_op",
    "ouders": "ouders",
}


def velden_van_plaatsing(plaatsing: Plaatsing) -> list[str]:
    given = [_PLAATSING_VELDEN[n] for n, v in plaatsing if n in _PLAATSING_VELDEN and v not in (None, "", [])]
    return list(dict.fromkeys(given))

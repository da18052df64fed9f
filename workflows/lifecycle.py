"""The lifecycle's rules: which step may be taken in which state, whose consent it needs, when a
warme overdracht is required. Pure and deterministic, shared by the workflow's validators and handlers."""

from collections.abc import Iterable, Mapping
from enum import StrEnum
from uuid import UUID

from temporalio.exceptions import ApplicationError

from schemas.formulier import Formulier, Niveau
from schemas.overdracht import Besluit, Status
from schemas.protocol import ToestemmingVan, WarmeOverdrachtCriteria
from schemas.workflow import RecordConsent

S = Status


class Stap(StrEnum):
    """A step a person takes; the value is how an error message names it."""

    FORMULIER_OPSLAAN = "formulier opslaan"
    INDIENEN = "indienen bij de ouders"
    TERUGNEMEN = "formulier terugnemen om te corrigeren"
    OUDERREACTIE = "reactie van de ouders vastleggen"
    PAPIEREN_KOPIE = "papieren kopie vastleggen"
    SCHOOL_KIEZEN = "school kiezen"
    TOESTEMMING = "toestemming vastleggen"
    INTREKKEN = "toestemming intrekken"
    VERZENDEN = "verzenden"
    CODE_INWISSELEN = "overdrachtcode inwisselen"
    ONTVANGST_BEVESTIGEN = "ontvangst bevestigen"
    RETOUR = "retour sturen"
    WARME_OVERDRACHT_AANVRAGEN = "warme overdracht aanvragen"
    WARME_OVERDRACHT_PLANNEN = "warme overdracht plannen"
    WARME_OVERDRACHT_VASTLEGGEN = "warme overdracht vastleggen"
    ANNULEREN = "annuleren"
    VERHUIZEN = "verhuizen naar een andere locatie"
    DEADLINE_VERPLAATSEN = "deadline verplaatsen"


class Weigering(StrEnum):
    """Why the workflow refused a step: the `type` of its ApplicationError, mapped to HTTP by the API."""

    STAP_NIET_TOEGESTAAN = "stap_niet_toegestaan"
    FORMULIER_ONVOLLEDIG = "formulier_onvolledig"


# States the workflow does not leave; once one is reached, only retention remains.
EINDSTATUSSEN = frozenset({S.AFGEROND, S.GEWEIGERD, S.INGETROKKEN, S.GEANNULEERD})
LOPEND = frozenset(Status) - EINDSTATUSSEN
# Consent has been given and the school has not yet confirmed receipt: it may still be withdrawn.
NA_TOESTEMMING_VOOR_ONTVANGST = frozenset({S.WACHT_OP_SCHOOL, S.GEREED_VOOR_VERZENDING, S.VERZONDEN})

ALLOWED_FROM: dict[Stap, frozenset[Status]] = {
    Stap.FORMULIER_OPSLAAN: frozenset({S.CONCEPT}),
    Stap.INDIENEN: frozenset({S.CONCEPT}),
    # A correction round: after the parents' review, until it is sent.
    Stap.TERUGNEMEN: frozenset({S.BIJ_OUDERS, S.WACHT_OP_SCHOOL, S.GEREED_VOOR_VERZENDING}),
    Stap.OUDERREACTIE: frozenset({S.BIJ_OUDERS}),
    Stap.PAPIEREN_KOPIE: frozenset({S.BIJ_OUDERS, S.GEWEIGERD}),
    Stap.SCHOOL_KIEZEN: frozenset({S.CONCEPT, S.BIJ_OUDERS, S.WACHT_OP_SCHOOL, S.GEREED_VOOR_VERZENDING}),
    Stap.TOESTEMMING: frozenset({S.BIJ_OUDERS}),
    Stap.INTREKKEN: frozenset({S.BIJ_OUDERS}) | NA_TOESTEMMING_VOOR_ONTVANGST,
    Stap.VERZENDEN: frozenset({S.GEREED_VOOR_VERZENDING}),
    Stap.CODE_INWISSELEN: frozenset({S.WACHT_OP_SCHOOL}),
    Stap.ONTVANGST_BEVESTIGEN: frozenset({S.VERZONDEN}),
    Stap.RETOUR: frozenset({S.VERZONDEN}),
    Stap.WARME_OVERDRACHT_AANVRAGEN: LOPEND - {S.WARME_OVERDRACHT_GEPLAND, S.WARME_OVERDRACHT_GEHOUDEN},
    Stap.WARME_OVERDRACHT_PLANNEN: frozenset({S.ONTVANGEN, S.WARME_OVERDRACHT_GEPLAND}),
    Stap.WARME_OVERDRACHT_VASTLEGGEN: frozenset({S.ONTVANGEN, S.WARME_OVERDRACHT_GEPLAND}),
    Stap.ANNULEREN: LOPEND,
    Stap.VERHUIZEN: LOPEND,
    Stap.DEADLINE_VERPLAATSEN: LOPEND,
}


def refusal(stap: Stap, status: Status) -> str | None:
    """Why `stap` cannot be taken in `status`, in words a user can act on; None when it can."""
    allowed = ALLOWED_FROM[stap]
    if status in allowed:
        return None
    names = ", ".join(sorted(s.value for s in allowed))
    return f"'{stap.value}' kan alleen in status {names}; deze overdracht is nu {status.value}."


def refused(reason: str, weigering: Weigering = Weigering.STAP_NIET_TOEGESTAAN, *details: object) -> ApplicationError:
    """The workflow's refusal of a step: never retried; the API answers it with 409 or 422."""
    return ApplicationError(reason, *details, type=weigering, non_retryable=True)


def consent_step(cmd: RecordConsent) -> Stap:
    return Stap.INTREKKEN if cmd.besluit is Besluit.INGETROKKEN else Stap.TOESTEMMING


def consents_missing(van: ToestemmingVan, ouders: Iterable[UUID], besluiten: Mapping[UUID, Besluit]) -> int:
    """How many parents' consent is still needed: one, or every parent with custody at submission."""
    given = {p for p, b in besluiten.items() if b is Besluit.GEGEVEN}
    if van is ToestemmingVan.EEN_OUDER:
        return 0 if given else 1
    return len(set(ouders) - given)


def warm_handover_required(
    criteria: WarmeOverdrachtCriteria, vve_indicatie: bool, formulier: Formulier | None, requested: bool
) -> bool:
    """A VVE-indicatie (at placement or in the form), a domain marked `zorg` or to be discussed in the
    warme overdracht, or a request, as the protocol counts them."""
    vve = vve_indicatie or bool(formulier and formulier.vve.indicatie)
    domeinen = formulier.ontwikkeling.values() if formulier else ()
    zorg = any(o.niveau is Niveau.ZORG for o in domeinen)
    bespreken = any(o.bespreken_in_warme_overdracht for o in domeinen)
    return (
        (criteria.bij_vve_indicatie and vve)
        or (criteria.bij_zorg and zorg)
        or (criteria.bij_bespreken and bespreken)
        or (criteria.op_verzoek and requested)
    )

"""The lifecycle's rules as plain data: which step may be taken in which state. Pure and
deterministic, shared by the workflow's validators and handlers."""

from enum import StrEnum

from schemas.overdracht import Status


class Stap(StrEnum):
    """A step a person takes; the value is how an error message names it."""

    FORMULIER_OPSLAAN = "formulier opslaan"
    INDIENEN = "indienen bij de ouders"
    SCHOOL_KIEZEN = "school kiezen"
    TOESTEMMING = "toestemming vastleggen"
    VERZENDEN = "verzenden"
    ONTVANGST_BEVESTIGEN = "ontvangst bevestigen"


class Weigering(StrEnum):
    """Why the workflow refused a step: the `type` of its ApplicationError, mapped to HTTP by the API."""

    STAP_NIET_TOEGESTAAN = "STAP_NIET_TOEGESTAAN"
    FORMULIER_ONVOLLEDIG = "FORMULIER_ONVOLLEDIG"


ALLOWED_FROM: dict[Stap, frozenset[Status]] = {
    Stap.FORMULIER_OPSLAAN: frozenset({Status.CONCEPT}),
    Stap.INDIENEN: frozenset({Status.CONCEPT}),
    Stap.SCHOOL_KIEZEN: frozenset(
        {Status.CONCEPT, Status.BIJ_OUDERS, Status.WACHT_OP_SCHOOL, Status.GEREED_VOOR_VERZENDING}
    ),
    Stap.TOESTEMMING: frozenset({Status.BIJ_OUDERS}),
    Stap.VERZENDEN: frozenset({Status.GEREED_VOOR_VERZENDING}),
    Stap.ONTVANGST_BEVESTIGEN: frozenset({Status.VERZONDEN}),
}

# States the workflow does not leave; it finishes once one is reached.
EINDSTATUSSEN = frozenset({Status.AFGEROND, Status.GEWEIGERD, Status.INGETROKKEN, Status.GEANNULEERD})


def refusal(stap: Stap, status: Status) -> str | None:
    """Why `stap` cannot be taken in `status`, in words a user can act on; None when it can."""
    allowed = ALLOWED_FROM[stap]
    if status in allowed:
        return None
    names = ", ".join(sorted(s.value for s in allowed))
    return f"'{stap.value}' kan alleen in status {names}; deze overdracht is nu {status.value}."

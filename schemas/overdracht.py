"""The overdracht's states, the roles of the people involved, and the events of its timeline."""

from enum import StrEnum


class Status(StrEnum):
    """The lifecycle of ../shared/DOMAIN.md. Overdue is a flag on a state, never a state."""

    CONCEPT = "CONCEPT"
    BIJ_OUDERS = "BIJ_OUDERS"
    GEWEIGERD = "GEWEIGERD"
    WACHT_OP_SCHOOL = "WACHT_OP_SCHOOL"
    GEREED_VOOR_VERZENDING = "GEREED_VOOR_VERZENDING"
    VERZONDEN = "VERZONDEN"
    ONTVANGEN = "ONTVANGEN"
    WARME_OVERDRACHT_GEPLAND = "WARME_OVERDRACHT_GEPLAND"
    WARME_OVERDRACHT_GEHOUDEN = "WARME_OVERDRACHT_GEHOUDEN"
    AFGEROND = "AFGEROND"
    INGETROKKEN = "INGETROKKEN"
    GEANNULEERD = "GEANNULEERD"


class Rol(StrEnum):
    PEDAGOGISCH_MEDEWERKER = "pedagogisch_medewerker"
    LOCATIEMANAGER = "locatiemanager"
    OUDER = "ouder"
    SCHOOL = "school"
    COORDINATOR = "coordinator"
    BEHEERDER = "beheerder"


class Gebeurtenis(StrEnum):
    """What happened to an overdracht: one entry of its timeline."""

    GEOPEND = "GEOPEND"
    FORMULIER_OPGESLAGEN = "FORMULIER_OPGESLAGEN"
    INGEDIEND = "INGEDIEND"
    SCHOOL_GEKOZEN = "SCHOOL_GEKOZEN"
    TOESTEMMING_GEGEVEN = "TOESTEMMING_GEGEVEN"
    TOESTEMMING_GEWEIGERD = "TOESTEMMING_GEWEIGERD"
    VERZONDEN = "VERZONDEN"
    ONTVANGST_BEVESTIGD = "ONTVANGST_BEVESTIGD"
    AFGEROND = "AFGEROND"


class Besluit(StrEnum):
    """A parent's decision on consent for one recipient."""

    GEGEVEN = "gegeven"
    GEWEIGERD = "geweigerd"

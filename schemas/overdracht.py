"""The overdracht's states, the roles of the people involved, and the events of its timeline."""

from enum import StrEnum


class Status(StrEnum):
    """The lifecycle (README: The lifecycle). Overdue is a flag on a state, never a state."""

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
    TERUGGENOMEN = "TERUGGENOMEN"  # the form taken back from the parents to correct it
    OUDERREACTIE = "OUDERREACTIE"
    PAPIEREN_KOPIE_MEEGEGEVEN = "PAPIEREN_KOPIE_MEEGEGEVEN"
    SCHOOL_GEKOZEN = "SCHOOL_GEKOZEN"
    TOESTEMMING_GEGEVEN = "TOESTEMMING_GEGEVEN"
    TOESTEMMING_GEWEIGERD = "TOESTEMMING_GEWEIGERD"
    TOESTEMMING_INGETROKKEN = "TOESTEMMING_INGETROKKEN"
    VERZONDEN = "VERZONDEN"
    CODE_INGEWISSELD = "CODE_INGEWISSELD"  # the school entered the parents' overdracht code: it received it
    ONTVANGST_BEVESTIGD = "ONTVANGST_BEVESTIGD"
    GERETOURNEERD = "GERETOURNEERD"
    WARME_OVERDRACHT_GEVRAAGD = "WARME_OVERDRACHT_GEVRAAGD"
    WARME_OVERDRACHT_GEPLAND = "WARME_OVERDRACHT_GEPLAND"
    WARME_OVERDRACHT_GEHOUDEN = "WARME_OVERDRACHT_GEHOUDEN"
    AFGEROND = "AFGEROND"
    GEANNULEERD = "GEANNULEERD"
    VERZENDING_VERLOPEN = "VERZENDING_VERLOPEN"
    OVERDRACHT_VERLOPEN = "OVERDRACHT_VERLOPEN"  # never finished: ended at the protocol's term
    VERHUISD = "VERHUISD"  # the child moved to another location, which took the overdracht over
    DEADLINE_VERPLAATST = "DEADLINE_VERPLAATST"
    VLAG_GEZET = "VLAG_GEZET"
    BERICHT = "BERICHT"
    INHOUD_VERWIJDERD = "INHOUD_VERWIJDERD"


class Besluit(StrEnum):
    """A parent's decision on consent; `ingetrokken` withdraws consent given earlier."""

    GEGEVEN = "gegeven"
    GEWEIGERD = "geweigerd"
    INGETROKKEN = "ingetrokken"


class ToestemmingVoor(StrEnum):
    """Which school the parents' consent is for."""

    GENOEMDE_SCHOOL = "genoemde_school"  # the school named when they consented: another needs new consent
    INGESCHREVEN_SCHOOL = "ingeschreven_school"  # wherever the child is enrolled


class Wijze(StrEnum):
    """How a parent gave their decision on consent: themselves on the parent page, or to the voorschool,
    which recorded it for them."""

    DIGITAAL = "digitaal"  # the parent, on the parent page
    HANDTEKENING = "handtekening"  # signed on the paper form
    GESPREK = "gesprek"  # said in the conversation with the PM'er


class Deadline(StrEnum):
    """The protocol's deadlines, by the step they are for (the `{stap}` of PUT .../deadlines/{stap})."""

    TOESTEMMING = "toestemming"
    SCHOOL_BEKEND = "school_bekend"
    VERZENDEN = "verzenden"
    BEVESTIGEN = "bevestigen"
    WARME_OVERDRACHT = "warme_overdracht"

    @property
    def vlag(self) -> "Vlag":
        """The flag set when this deadline passes with its step still open."""
        return _VLAG_BIJ_DEADLINE[self]


class Vlag(StrEnum):
    """Overdue: a flag on a state, set when a deadline passes with its step still open. It stays in
    the record after the step is taken late."""

    TE_LAAT_TOESTEMMING = "te_laat_toestemming"
    SCHOOL_ONBEKEND = "school_onbekend"
    TE_LAAT_VERZENDEN = "te_laat_verzenden"
    TE_LAAT_BEVESTIGEN = "te_laat_bevestigen"
    TE_LAAT_WARME_OVERDRACHT = "te_laat_warme_overdracht"

    @property
    def deadline(self) -> Deadline:
        """The deadline whose passing sets this flag."""
        return _DEADLINE_BIJ_VLAG[self]


# Each deadline has its own flag, and each flag its own deadline.
_VLAG_BIJ_DEADLINE: dict[Deadline, Vlag] = {
    Deadline.TOESTEMMING: Vlag.TE_LAAT_TOESTEMMING,
    Deadline.SCHOOL_BEKEND: Vlag.SCHOOL_ONBEKEND,
    Deadline.VERZENDEN: Vlag.TE_LAAT_VERZENDEN,
    Deadline.BEVESTIGEN: Vlag.TE_LAAT_BEVESTIGEN,
    Deadline.WARME_OVERDRACHT: Vlag.TE_LAAT_WARME_OVERDRACHT,
}
_DEADLINE_BIJ_VLAG: dict[Vlag, Deadline] = {v: d for d, v in _VLAG_BIJ_DEADLINE.items()}


class Eens(StrEnum):
    """Whether the parents agree with the form's content."""

    JA = "ja"
    NEE = "nee"
    ONBEKEND = "onbekend"


class Vorm(StrEnum):
    """How a warme overdracht is held."""

    GESPREK = "gesprek"
    TELEFONISCH = "telefonisch"
    VIDEO = "video"

"""The overdracht's states, the roles of the people involved, and the events of its timeline."""

from enum import StrEnum

from schemas.openapi import described_enum


@described_enum(
    "Waar de overdracht staat in de levensloop. Te laat zijn is geen status maar een vlag bij de status (`Vlag`).",
    CONCEPT="De voorschool vult het formulier in; de ouders hebben het nog niet gezien.",
    BIJ_OUDERS="Het formulier ligt bij de ouders: zij lezen het, reageren en besluiten over toestemming.",
    GEWEIGERD="Een ouder weigerde toestemming: de overdracht is beëindigd en de inhoud wordt verwijderd.",
    WACHT_OP_SCHOOL="Er is toestemming, maar nog geen ontvangende school (ook na een retour door een school).",
    GEREED_VOOR_VERZENDING="Er is toestemming en de school is bekend: de voorschool kan de overdracht versturen.",
    VERZONDEN="Verstuurd naar de school; de school moet de ontvangst nog bevestigen.",
    ONTVANGEN="De school bevestigde de ontvangst; een warme overdracht is vereist en nog niet gepland.",
    WARME_OVERDRACHT_GEPLAND="De warme overdracht is gepland en nog niet vastgelegd.",
    WARME_OVERDRACHT_GEHOUDEN="De warme overdracht is vastgelegd; de overdracht gaat meteen door naar `afgerond`"
    " (deze status staat vooral in de tijdlijn).",
    AFGEROND="Voltooid: de school heeft de overdracht ontvangen, en waar vereist is de warme overdracht gehouden.",
    INGETROKKEN="Een ouder trok de toestemming in voordat de school de ontvangst bevestigde: beëindigd.",
    GEANNULEERD="Beëindigd zonder overdracht: het kind vertrok, de locatiemanager annuleerde, of de termijn van het"
    " protocol verliep.",
)
class Status(StrEnum):
    """The lifecycle (README: The lifecycle). Overdue is a flag on a state, never a state."""

    CONCEPT = "concept"
    BIJ_OUDERS = "bij_ouders"
    GEWEIGERD = "geweigerd"
    WACHT_OP_SCHOOL = "wacht_op_school"
    GEREED_VOOR_VERZENDING = "gereed_voor_verzending"
    VERZONDEN = "verzonden"
    ONTVANGEN = "ontvangen"
    WARME_OVERDRACHT_GEPLAND = "warme_overdracht_gepland"
    WARME_OVERDRACHT_GEHOUDEN = "warme_overdracht_gehouden"
    AFGEROND = "afgerond"
    INGETROKKEN = "ingetrokken"
    GEANNULEERD = "geannuleerd"


@described_enum(
    "De rol waarin iemand werkt; die bepaalt wat iemand mag zien en doen.",
    PEDAGOGISCH_MEDEWERKER="Pedagogisch medewerker (PM'er) van de voorschool: vult het formulier in en verstuurt het.",
    LOCATIEMANAGER="Locatiemanager van de voorschool: ziet elke overdracht van de locatie, wijst mentoren toe,"
    " annuleert.",
    OUDER="Ouder of verzorger met gezag: leest het formulier, reageert en besluit over toestemming.",
    SCHOOL="Medewerker van de basisschool (intern begeleider, directie): ontvangt de overdracht.",
    COORDINATOR="VVE-coördinator van de gemeente: ziet alleen metagegevens en kengetallen, nooit de inhoud.",
    BEHEERDER="Functioneel beheer van de gemeente: organisatie, gebruikers en protocol; ziet nooit de inhoud.",
)
class Rol(StrEnum):
    PEDAGOGISCH_MEDEWERKER = "pedagogisch_medewerker"
    LOCATIEMANAGER = "locatiemanager"
    OUDER = "ouder"
    SCHOOL = "school"
    COORDINATOR = "coordinator"
    BEHEERDER = "beheerder"


@described_enum(
    "Wat er met een overdracht gebeurde: één regel van de tijdlijn.",
    GEOPEND="De overdracht is geopend: door een pedagogisch medewerker, of vanzelf op de startleeftijd.",
    FORMULIER_OPGESLAGEN="Het formulier is opgeslagen (een concept mag onvolledig zijn).",
    INGEDIEND="Het formulier is ingediend: de ouders wordt om hun reactie en toestemming gevraagd.",
    TERUGGENOMEN="De voorschool nam het formulier terug van de ouders om het te corrigeren (een correctieronde).",
    OUDERREACTIE="Een ouder reageerde op het formulier: eens of niet, met een zienswijze.",
    PAPIEREN_KOPIE_MEEGEGEVEN="De voorschool gaf de ouders een papieren kopie van het formulier mee.",
    SCHOOL_GEKOZEN="De ontvangende school is gekozen of gewijzigd.",
    TOESTEMMING_GEGEVEN="Een ouder gaf toestemming (zelf, of vastgelegd door de voorschool).",
    TOESTEMMING_GEWEIGERD="Een ouder weigerde toestemming.",
    TOESTEMMING_INGETROKKEN="Een ouder trok eerder gegeven toestemming in.",
    VERZONDEN="De overdracht is naar de school verstuurd.",
    CODE_INGEWISSELD="De school voerde de overdrachtcode van de ouders in en ontving daarmee de overdracht.",
    ONTVANGST_BEVESTIGD="De school bevestigde de ontvangst, met de eerste schooldag.",
    GERETOURNEERD="De school stuurde de overdracht terug: het kind is daar niet ingeschreven.",
    WARME_OVERDRACHT_GEVRAAGD="Iemand vroeg om een warme overdracht (ouders, pedagogisch medewerker of school).",
    WARME_OVERDRACHT_GEPLAND="De warme overdracht is gepland.",
    WARME_OVERDRACHT_GEHOUDEN="De warme overdracht is gehouden en vastgelegd.",
    AFGEROND="De overdracht is afgerond.",
    GEANNULEERD="De overdracht is geannuleerd: het kind vertrok van de voorschool, of de locatiemanager annuleerde.",
    VERZENDING_VERLOPEN="De school bevestigde een verzending nooit; op de termijn van het protocol eindigde de"
    " overdracht (`geannuleerd`).",
    OVERDRACHT_VERLOPEN="De overdracht werd nooit afgerond en eindigde op de termijn van het protocol (`geannuleerd`).",
    VERHUISD="Het kind verhuisde naar een andere locatie van de gemeente, die de overdracht overnam.",
    DEADLINE_VERPLAATST="Een coördinator verplaatste een deadline (met een reden).",
    VLAG_GEZET="Een deadline verstreek terwijl de stap nog openstond: de vlag te laat is gezet.",
    BERICHT="Er ging een bericht uit (uitnodiging, herinnering of escalatie); `details` zegt welk en aan wie.",
    INHOUD_VERWIJDERD="De inhoud (formulier, reactie van de ouders, toelichtingen) is verwijderd na de bewaartermijn.",
)
class Gebeurtenis(StrEnum):
    """What happened to an overdracht: one entry of its timeline."""

    GEOPEND = "geopend"
    FORMULIER_OPGESLAGEN = "formulier_opgeslagen"
    INGEDIEND = "ingediend"
    TERUGGENOMEN = "teruggenomen"  # the form taken back from the parents to correct it
    OUDERREACTIE = "ouderreactie"
    PAPIEREN_KOPIE_MEEGEGEVEN = "papieren_kopie_meegegeven"
    SCHOOL_GEKOZEN = "school_gekozen"
    TOESTEMMING_GEGEVEN = "toestemming_gegeven"
    TOESTEMMING_GEWEIGERD = "toestemming_geweigerd"
    TOESTEMMING_INGETROKKEN = "toestemming_ingetrokken"
    VERZONDEN = "verzonden"
    CODE_INGEWISSELD = "code_ingewisseld"  # the school entered the parents' overdracht code: it received it
    ONTVANGST_BEVESTIGD = "ontvangst_bevestigd"
    GERETOURNEERD = "geretourneerd"
    WARME_OVERDRACHT_GEVRAAGD = "warme_overdracht_gevraagd"
    WARME_OVERDRACHT_GEPLAND = "warme_overdracht_gepland"
    WARME_OVERDRACHT_GEHOUDEN = "warme_overdracht_gehouden"
    AFGEROND = "afgerond"
    GEANNULEERD = "geannuleerd"
    VERZENDING_VERLOPEN = "verzending_verlopen"
    OVERDRACHT_VERLOPEN = "overdracht_verlopen"  # never finished: ended at the protocol's term
    VERHUISD = "verhuisd"  # the child moved to another location, which took the overdracht over
    DEADLINE_VERPLAATST = "deadline_verplaatst"
    VLAG_GEZET = "vlag_gezet"
    BERICHT = "bericht"
    INHOUD_VERWIJDERD = "inhoud_verwijderd"


@described_enum(
    "Het besluit van een ouder over toestemming voor de overdracht.",
    GEGEVEN="De ouder geeft toestemming om de overdracht naar de school te sturen.",
    GEWEIGERD="De ouder weigert toestemming: de overdracht eindigt (`geweigerd`).",
    INGETROKKEN="De ouder trekt eerder gegeven toestemming in, zolang de school de ontvangst niet bevestigde: de"
    " overdracht eindigt (`ingetrokken`).",
)
class Besluit(StrEnum):
    """A parent's decision on consent; `ingetrokken` withdraws consent given earlier."""

    GEGEVEN = "gegeven"
    GEWEIGERD = "geweigerd"
    INGETROKKEN = "ingetrokken"


@described_enum(
    "Voor welke school de toestemming van de ouders geldt.",
    GENOEMDE_SCHOOL="De school die genoemd was toen de ouders toestemden; een andere school vraagt opnieuw toestemming.",
    INGESCHREVEN_SCHOOL="De school waar het kind wordt ingeschreven, welke dat ook wordt.",
)
class ToestemmingVoor(StrEnum):
    """Which school the parents' consent is for."""

    GENOEMDE_SCHOOL = "genoemde_school"  # the school named when they consented: another needs new consent
    INGESCHREVEN_SCHOOL = "ingeschreven_school"  # wherever the child is enrolled


@described_enum(
    "Hoe een ouder het besluit over toestemming gaf.",
    DIGITAAL="De ouder zelf, op de ouderpagina.",
    HANDTEKENING="Ondertekend op het papieren formulier; de voorschool legde het vast.",
    GESPREK="Mondeling, in het gesprek met de pedagogisch medewerker; de voorschool legde het vast.",
)
class Wijze(StrEnum):
    """How a parent gave their decision on consent: themselves on the parent page, or to the voorschool,
    which recorded it for them."""

    DIGITAAL = "digitaal"  # the parent, on the parent page
    HANDTEKENING = "handtekening"  # signed on the paper form
    GESPREK = "gesprek"  # said in the conversation with the PM'er


@described_enum(
    "Hoe de ouder het besluit gaf dat de voorschool namens de ouder vastlegt (digitaal geeft de ouder het zelf).",
    HANDTEKENING="Ondertekend op het papieren formulier.",
    GESPREK="Mondeling, in het gesprek met de pedagogisch medewerker.",
)
class WijzeNamensOuder(StrEnum):
    """The ways of Wijze the voorschool records for a parent: the document lists only these."""

    HANDTEKENING = Wijze.HANDTEKENING.value
    GESPREK = Wijze.GESPREK.value


@described_enum(
    "De deadlines van het protocol, genoemd naar de stap waarvoor ze gelden (ook de `{stap}` van"
    " `PUT /v1/overdrachten/{overdrachtId}/deadlines/{stap}`). Een deadline eindigt aan het eind van de dag"
    " (Europe/Amsterdam).",
    TOESTEMMING="Inzage en toestemming van de ouders (Almere: op 3 jaar en 8 maanden).",
    SCHOOL_BEKEND="De ontvangende school is bekend (Almere: op 3 jaar en 9 maanden).",
    VERZENDEN="Verstuurd naar de school (Almere: op 3 jaar en 10 maanden).",
    BEVESTIGEN="De school bevestigt ontvangst en intake (Almere: binnen 10 schooldagen na verzenden).",
    WARME_OVERDRACHT="De warme overdracht is gehouden, waar die vereist is (vóór de eerste schooldag).",
)
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


@described_enum(
    "Te laat: een vlag bij de status, gezet wanneer een deadline verstrijkt terwijl de stap nog openstaat. De vlag"
    " blijft in het dossier staan, ook als de stap daarna alsnog wordt gezet.",
    TE_LAAT_TOESTEMMING="De deadline `toestemming` verstreek zonder (volledige) toestemming.",
    SCHOOL_ONBEKEND="De deadline `school_bekend` verstreek zonder bekende school.",
    TE_LAAT_VERZENDEN="De deadline `verzenden` verstreek voordat de overdracht verstuurd was.",
    TE_LAAT_BEVESTIGEN="De deadline `bevestigen` verstreek zonder bevestiging van de school.",
    TE_LAAT_WARME_OVERDRACHT="De deadline `warme_overdracht` verstreek voordat de warme overdracht gehouden was.",
)
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


@described_enum(
    "Of de ouders het eens zijn met de inhoud van het formulier.",
    JA="De ouders zijn het eens met de inhoud.",
    NEE="De ouders zijn het niet eens met de inhoud; hun reden en zienswijze staan erbij.",
    ONBEKEND="De ouders weten het (nog) niet, of zeggen het niet.",
)
class Eens(StrEnum):
    """Whether the parents agree with the form's content."""

    JA = "ja"
    NEE = "nee"
    ONBEKEND = "onbekend"


@described_enum(
    "Hoe een warme overdracht wordt gehouden.",
    GESPREK="In een gesprek, samen op één plek.",
    TELEFONISCH="Aan de telefoon.",
    VIDEO="Via een videoverbinding.",
)
class Vorm(StrEnum):
    """How a warme overdracht is held."""

    GESPREK = "gesprek"
    TELEFONISCH = "telefonisch"
    VIDEO = "video"

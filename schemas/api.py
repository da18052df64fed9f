"""Request and response bodies of the public API (camelCase on the wire)."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from schemas.base import ApiModel, Reden, VrijeTekst
from schemas.bijlage import Bijlage
from schemas.formulier import Formulier
from schemas.overdracht import (
    Besluit,
    Deadline,
    Eens,
    Gebeurtenis,
    Rol,
    Status,
    ToestemmingVoor,
    Vlag,
    Vorm,
    Wijze,
)

# Requests


class OverdrachtOpenen(ApiModel):
    kind_id: UUID = Field(description="The child, as placed at the caller's location.")
    school_id: UUID | None = Field(
        default=None, description="The receiving school, if known; defaults to the school the child is registered at."
    )


class LegeStap(ApiModel):
    """A step that needs no data (an empty JSON object, or no body at all)."""


class ToestemmingVastleggen(ApiModel):
    besluit: Besluit
    voor: ToestemmingVoor | None = Field(
        default=None,
        description="Consent for `genoemde_school` (the school named now: choosing another asks the parents again) or"
        " for `ingeschreven_school` (wherever the child is enrolled). Left out: the named school when one is known,"
        " else wherever the child is enrolled.",
    )


class ToestemmingNamensOuder(ApiModel):
    """A parent's decision as the voorschool heard it: signed on the paper form, or said in the conversation."""

    besluit: Besluit
    wijze: Wijze = Field(
        description="`handtekening` (signed on the paper form) or `gesprek` (said in the conversation)."
    )
    datum: date = Field(description="The day the parent gave it (signed, or said); not in the future.")
    voor: ToestemmingVoor | None = Field(default=None, description="As for the parent's own consent.")


class OverdrachtcodeInwisselen(ApiModel):
    code: str = Field(
        min_length=1,
        max_length=64,
        description="The code as the parents handed it over; case, spaces and dashes do not count.",
    )
    school_id: UUID | None = Field(
        None, description="Which of your schools (vestigingen) receives it: needed only if you work for several."
    )


class SchoolKiezen(ApiModel):
    school_id: UUID


class OntvangstBevestigen(ApiModel):
    eerste_schooldag: date = Field(description="The child's planned first school day.")
    warme_overdracht_gewenst: bool = Field(default=False, description="The school asks for a warme overdracht.")
    reden: Reden | None = None


class Ouderreactie(ApiModel):
    eens: Eens = Field(description="Do the parents agree with the form's content?")
    zienswijze: VrijeTekst | None = Field(default=None, description="The parents' view, in their own words.")
    reden: Reden | None = Field(default=None, description="Why they do not agree, or why it is unknown.")


class Retour(ApiModel):
    reden: Reden = Field(description="Why: e.g. the child is not enrolled at this school.")


class Correctie(ApiModel):
    reden: Reden = Field(description="Why the form is taken back, e.g. what the parents pointed out.")


class Annulering(ApiModel):
    reden: Reden = Field(description="Why: the child leaves or moves.")


class DeadlineVerplaatsing(ApiModel):
    datum: date = Field(description="The new deadline: it ends at the end of this day, Europe/Amsterdam.")
    reden: Reden


class WarmeOverdrachtAanvragen(ApiModel):
    actie: Literal["aanvragen"]
    reden: Reden


class WarmeOverdrachtPlannen(ApiModel):
    actie: Literal["plannen"]
    datum: date
    vorm: Vorm


class WarmeOverdrachtVastleggen(ApiModel):
    actie: Literal["vastleggen"]
    datum: date
    vorm: Vorm
    deelnemers: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        min_length=1, max_length=20, description="Who took part, by role (e.g. mentor, intern begeleider, ouder)."
    )


WarmeOverdrachtActie = Annotated[
    WarmeOverdrachtAanvragen | WarmeOverdrachtPlannen | WarmeOverdrachtVastleggen, Field(discriminator="actie")
]


class MentorToewijzen(ApiModel):
    mentor_id: UUID = Field(description="A pedagogisch medewerker of the overdracht's location.")


class TokenAanvraag(ApiModel):
    gebruiker_id: UUID


# Responses


class Verwijzing(ApiModel):
    """An organisation, by id and name."""

    id: UUID
    naam: str


class Mentor(ApiModel):
    """The child's mentor: the pedagogisch medewerker of its location who fills in the form and gets the
    reminders, and whom the parents and the school contact."""

    id: UUID
    naam: str


class KindGegevens(ApiModel):
    voornaam: str
    achternaam: str
    geboortedatum: date
    bsn: str | None = Field(
        default=None,
        description="The child's BSN, if known: only in the detail of one overdracht, and only for the sending"
        " location and the receiving school; null for everyone else.",
    )


class StapTijdstippen(ApiModel):
    """When each step was taken; null while it was not."""

    geopend_op: datetime
    ingediend_op: datetime | None = None
    toestemming_op: datetime | None = None
    verzonden_op: datetime | None = None
    ontvangen_op: datetime | None = None
    afgerond_op: datetime | None = None
    geweigerd_op: datetime | None = None
    ingetrokken_op: datetime | None = None
    geannuleerd_op: datetime | None = None
    papieren_kopie_op: datetime | None = None
    inhoud_verwijderd_op: datetime | None = None
    eerste_schooldag: date | None = None


class Tijdstippen(StapTijdstippen):
    bijgewerkt_op: datetime


class WarmeOverdracht(ApiModel):
    vereist: bool
    gepland_op: date | None = None
    gehouden_op: date | None = None


class Termijnen(ApiModel):
    """The deadlines, and whether anything is late."""

    deadlines: dict[Deadline, datetime] = Field(description="Each deadline's moment, moved ones included.")
    volgende_deadline: datetime | None = Field(description="The earliest deadline of a step still open.")
    vlaggen: list[Vlag] = Field(description="Every overdue flag ever set: a late step stays marked late.")
    open_vlaggen: list[Vlag] = Field(description="What is overdue now.")
    achterstallig_sinds: datetime | None = Field(description="When the oldest open flag was set.")


class OverdrachtSamenvatting(ApiModel):
    """One row of a list. `kind` is left out for roles that work on metadata only."""

    id: UUID
    status: Status
    locatie: Verwijzing
    school: Verwijzing | None
    wijk: Verwijzing
    stadsdeel: Verwijzing
    kind: KindGegevens | None = None
    mentor: Mentor | None = Field(
        default=None,
        description="The child's mentor, for the location's staff, the parents and the school; never for the"
        " coördinator or beheerder. Null without one (or after the purge).",
    )
    formulier_compleet: bool
    schooljaar: str | None = Field(description="The school year the child starts school in, e.g. 2027-2028.")
    vve_indicatie: bool
    tijdstippen: Tijdstippen
    termijnen: Termijnen
    warme_overdracht: WarmeOverdracht
    protocol_versie: int | None
    revisie: int


class OuderreactieWeergave(ApiModel):
    eens: Eens
    zienswijze: str | None = None
    reden: str | None = None
    tijdstip: datetime


class Wijziging(ApiModel):
    """One field of the form that a correction round changed: as the parents saw it before, and now."""

    veld: str = Field(description="The field, as the form names it, e.g. `ontwikkeling.taal.toelichting`.")
    was: str | None
    nu: str | None


class KindZonderOverdracht(ApiModel):
    """A child placed at the caller's location without an overdracht yet: one can be opened for it."""

    kind_id: UUID
    voornaam: str
    achternaam: str
    geboortedatum: date


class OverdrachtDetail(OverdrachtSamenvatting):
    """One overdracht. `formulier` and `ouderreacties` (the parents' part) are there only for roles
    that may read its content."""

    formulier: Formulier | None = None
    ouderreacties: list[OuderreactieWeergave] | None = None
    toestemming_voor: ToestemmingVoor | None = Field(
        default=None,
        description="Once consent is complete: for the named school (`toestemmingSchoolId`) or wherever enrolled.",
    )
    toestemming_school_id: UUID | None = None
    wijzigingen: list[Wijziging] | None = Field(
        default=None,
        description="After a correction round: what changed in the form between the last two versions submitted to"
        " the parents; empty when it was submitted once. Only for roles that may read the form.",
    )
    bijlagen: list[Bijlage] | None = Field(
        default=None, description="The files uploaded with the form (metadata only), for roles that may read it."
    )


class StapResultaat(ApiModel):
    """The overdracht right after the step, as the engine recorded it: metadata only. The answer to
    the steps after which the caller may no longer see the overdracht: a parent's decision on consent
    (a refusal or withdrawal ends it, and its content and the parents' accounts are purged) and a
    school's return."""

    id: UUID
    status: Status
    revisie: int
    tijdstippen: StapTijdstippen
    termijnen: Termijnen


class OverdrachtenPagina(ApiModel):
    resultaten: list[OverdrachtSamenvatting]
    volgende_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class TijdlijnItem(ApiModel):
    revisie: int
    gebeurtenis: Gebeurtenis
    status: Status
    tijdstip: datetime
    rol: Rol | None = Field(description="The role of who took the step; null for the engine itself.")
    details: dict[str, str] = Field(description="Which flag, deadline or message (to whom): metadata only.")
    toelichting: str | None = Field(
        default=None, description="A person's reason, for roles that may read content; gone after the purge."
    )


class Tijdlijn(ApiModel):
    gebeurtenissen: list[TijdlijnItem]


class Token(ApiModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int


class Onderdeel(ApiModel):
    status: Annotated[
        str, Field(description="`ok`, `onbereikbaar` (does not answer) or `niet_klaar` (answers, but is not ready)")
    ]
    detail: str | None = Field(default=None, description="Why not `ok`: the error's kind, or what is not ready.")


class Gezondheid(ApiModel):
    status: Annotated[str, Field(description="`ok` when every part is, else `verstoord`")]
    onderdelen: dict[str, Onderdeel] = Field(
        description="`api`; `database`; `migraties` (every migration applied); `engine`; `worker` (a worker polled"
        " the task queue in the last 2 minutes); `protocol` (some gemeente has an active protocol)."
    )


class InvalidParam(ApiModel):
    name: str
    reason: str


class Problem(ApiModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    code: str
    invalid_params: list[InvalidParam] | None = Field(default=None, description="400: every invalid field.")
    ontbrekende_velden: list[str] | None = Field(default=None, description="422: what the form still needs.")
    onderdelen: dict[str, Onderdeel] | None = Field(
        default=None, description="503 `NIET_GEREED` (/v1/gezondheid): each part's state, as when ready."
    )
    tijdlijn: str | None = Field(
        default=None,
        description="503 `UITKOMST_ONBEKEND`: the overdracht's timeline, where the step shows once taken. Repeating"
        " the request with the same Idempotency-Key returns its real outcome; the step is never taken twice.",
    )

"""The signed-in user: who they are, the role they act in, and the organisations that scope them; and
the people as the beheerder manages them (services/gebruikers.py, /v1/gebruikers)."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from schemas.api import Verwijzing
from schemas.base import ApiModel
from schemas.overdracht import Rol


class Gebruiker(BaseModel):
    """`locatie_ids`: every voorschool location a pedagogisch medewerker or locatiemanager works at;
    `school_ids`: every school (vestiging) a school's member of staff works for. `locatie_id` and
    `school_id` are the first of them, for what needs one; the scope (db/scope.py) takes them all. A
    user made with only `locatie_id` (or `school_id`) works there alone."""

    id: UUID
    naam: str
    rol: Rol
    gemeente_id: UUID
    locatie_id: UUID | None = None
    school_id: UUID | None = None
    kind_id: UUID | None = None
    locatie_ids: tuple[UUID, ...] = ()
    school_ids: tuple[UUID, ...] = ()

    @model_validator(mode="after")
    def _first_and_all(self) -> "Gebruiker":
        if not self.locatie_ids and self.locatie_id is not None:
            self.locatie_ids = (self.locatie_id,)
        if self.locatie_ids and self.locatie_id not in self.locatie_ids:
            self.locatie_id = self.locatie_ids[0]
        if not self.school_ids and self.school_id is not None:
            self.school_ids = (self.school_id,)
        if self.school_ids and self.school_id not in self.school_ids:
            self.school_id = self.school_ids[0]
        return self

    @property
    def reads_content(self) -> bool:
        """The coordinator and the administrator work on metadata only."""
        return self.rol not in (Rol.COORDINATOR, Rol.BEHEERDER)


# The people, as the beheerder manages them

# The roles a beheerder invites: everyone who signs in with an account (parents sign in with their code).
MEDEWERKER_ROLLEN = (Rol.PEDAGOGISCH_MEDEWERKER, Rol.LOCATIEMANAGER, Rol.SCHOOL, Rol.COORDINATOR, Rol.BEHEERDER)
# Who works where: at locations, at schools, or for the whole gemeente.
LOCATIE_ROLLEN = frozenset({Rol.PEDAGOGISCH_MEDEWERKER, Rol.LOCATIEMANAGER})
SCHOOL_ROLLEN = frozenset({Rol.SCHOOL})


class GebruikerStatus(StrEnum):
    UITGENODIGD = "uitgenodigd"  # invited, not yet signed in through the invitation
    ACTIEF = "actief"
    GEDEACTIVEERD = "gedeactiveerd"  # cannot sign in; their sessions and tokens stopped at once


class Functie(StrEnum):
    """What a school's member of staff does there: the direction hears of what is late (escalations)."""

    INTERN_BEGELEIDER = "intern_begeleider"
    DIRECTIE = "directie"


Naam = Annotated[str, Field(min_length=1, max_length=200, description="The person's name, as colleagues know it.")]
Email = Annotated[
    str, Field(min_length=3, max_length=254, description="Where the invitation goes, and later their messages.")
]
LocatieIds = Annotated[
    list[UUID],
    Field(
        max_length=100,
        description="The voorschool locations they work at: one or more for a pedagogisch medewerker or"
        " locatiemanager, none for the other roles.",
    ),
]
SchoolIds = Annotated[
    list[UUID],
    Field(
        max_length=100,
        description="The schools (vestigingen) they work for: one or more for the role `school`, none for the"
        " other roles.",
    ),
]


class Uitnodiging(ApiModel):
    """A member of staff to invite: who, their role, and where they work. Coordinators and beheerders
    work for the whole gemeente (yours: an account is always made in your own gemeente)."""

    naam: Naam
    email: Email
    rol: Rol = Field(description="Any role but `ouder` (parents sign in with the code in their message).")
    locatie_ids: LocatieIds = []
    school_ids: SchoolIds = []
    functie: Functie | None = Field(None, description="For the role `school` only: `directie` hears of what is late.")


class RolWijziging(ApiModel):
    """A user's role and where they work, as they are from now on (replacing what was)."""

    rol: Rol = Field(description="Any role but `ouder`.")
    locatie_ids: LocatieIds = []
    school_ids: SchoolIds = []
    functie: Functie | None = Field(None, description="For the role `school` only.")


class GebruikerBeheer(ApiModel):
    """A member of staff as the beheerder sees them."""

    id: UUID
    naam: str
    email: str | None
    rol: Rol
    functie: str | None
    locaties: list[Verwijzing] = Field(description="Where they work (pedagogisch medewerker, locatiemanager).")
    scholen: list[Verwijzing] = Field(description="The schools they work for (role `school`).")
    status: GebruikerStatus
    gekoppeld: bool = Field(description="Whether their account at the identity provider is bound (first sign-in).")
    uitgenodigd_op: datetime | None = Field(description="When the last invitation was made.")
    aangemeld_op: datetime | None = Field(description="When they first signed in through an invitation.")
    gedeactiveerd_op: datetime | None


class GebruikersLijst(ApiModel):
    resultaten: list[GebruikerBeheer] = Field(description="By role, then by name.")


class UitnodigingVerstuurd(ApiModel):
    bericht_id: UUID = Field(description="The invitation's message in the outbox.")


class Berichtvoorkeur(StrEnum):
    """How a member of staff gets reminders and escalations: each at once, or one digest a day."""

    DIRECT = "direct"
    DAGELIJKS = "dagelijks"


class MijnInstellingen(ApiModel):
    berichten: Berichtvoorkeur | None = Field(
        description="Your own choice; null: as your gemeente does it (`berichtenGemeente`). Reminders are never"
        " switched off, only bundled."
    )
    berichten_gemeente: Berichtvoorkeur = Field(description="What your gemeente does for whoever has not chosen.")
    bundel_uur: int = Field(description="The hour (Amsterdam) a daily digest goes out.")


class MijnInstellingenWijziging(ApiModel):
    berichten: Berichtvoorkeur | None = Field(description="`direct`, `dagelijks`, or null to do as your gemeente does.")

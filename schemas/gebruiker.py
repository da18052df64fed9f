"""The signed-in user: who they are, the role they act in, and the organisations that scope them; and
the people as the beheerder manages them (services/gebruikers.py, /v1/gebruikers)."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from schemas import voorbeelden as vb
from schemas.api import Verwijzing
from schemas.base import EMAIL_PATTERN, ApiModel
from schemas.openapi import described, described_enum
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


@described_enum(
    "Of een medewerker kan aanmelden.",
    UITGENODIGD="Uitgenodigd, nog niet aangemeld via de uitnodiging.",
    ACTIEF="Actief: kan aanmelden.",
    GEDEACTIVEERD="Gedeactiveerd: kan niet aanmelden; sessies en tokens stopten meteen.",
)
class GebruikerStatus(StrEnum):
    UITGENODIGD = "uitgenodigd"  # invited, not yet signed in through the invitation
    ACTIEF = "actief"
    GEDEACTIVEERD = "gedeactiveerd"  # cannot sign in; their sessions and tokens stopped at once


@described_enum(
    "Wat een medewerker van een school daar doet; de directie hoort wat te laat is (escalaties).",
    INTERN_BEGELEIDER="Intern begeleider (IB'er): krijgt ook het aankomstbericht van een overdracht.",
    DIRECTIE="Directie: krijgt de escalaties van de school.",
)
class Functie(StrEnum):
    """What a school's member of staff does there: the direction hears of what is late (escalations)."""

    INTERN_BEGELEIDER = "intern_begeleider"
    DIRECTIE = "directie"


Naam = Annotated[
    str, Field(min_length=1, max_length=200, description="De naam van de medewerker, zoals collega's die kennen.")
]
Email = Annotated[
    str,
    Field(
        min_length=3,
        max_length=254,
        description="Waar de uitnodiging naartoe gaat, en later de berichten.",
        json_schema_extra=EMAIL_PATTERN,
    ),
]
LocatieIds = Annotated[
    list[UUID],
    Field(
        max_length=100,
        description="De voorschoollocaties waar de medewerker werkt: één of meer voor een pedagogisch medewerker of"
        " locatiemanager, geen voor de andere rollen.",
    ),
]
SchoolIds = Annotated[
    list[UUID],
    Field(
        max_length=100,
        description="De scholen (vestigingen) waarvoor de medewerker werkt: één of meer voor de rol `school`, geen"
        " voor de andere rollen.",
    ),
]


class Uitnodiging(ApiModel):
    """A member of staff to invite: who, their role, and where they work. Coordinators and beheerders
    work for the whole gemeente (yours: an account is always made in your own gemeente)."""

    model_config = described(
        "Een medewerker om uit te nodigen: wie, in welke rol, en waar die werkt. Coördinatoren en beheerders werken"
        " voor de hele gemeente (de uwe: een account komt altijd in uw eigen gemeente).",
        {
            "naam": "Intern Begeleider Voorbeeld",
            "email": "ib@oefening.voorbeeld.example",
            "rol": "school",
            "locatieIds": [],
            "schoolIds": [vb.SCHOOL_ID],
            "functie": "intern_begeleider",
        },
    )

    naam: Naam
    email: Email
    rol: Rol = Field(description="Elke rol behalve `ouder` (ouders melden zich aan met de code uit hun bericht).")
    locatie_ids: LocatieIds = []
    school_ids: SchoolIds = []
    functie: Functie | None = Field(
        None, description="Alleen voor de rol `school`: de `directie` hoort wat er te laat is."
    )


class RolWijziging(ApiModel):
    """A user's role and where they work, as they are from now on (replacing what was)."""

    model_config = described(
        "De rol van een gebruiker en waar die werkt, zoals het vanaf nu is (het vervangt wat er was).",
        {
            "rol": "locatiemanager",
            "locatieIds": [vb.LOCATIE_ID, vb.ANDERE_LOCATIE_ID],
            "schoolIds": [],
            "functie": None,
        },
    )

    rol: Rol = Field(description="Elke rol behalve `ouder`.")
    locatie_ids: LocatieIds = []
    school_ids: SchoolIds = []
    functie: Functie | None = Field(None, description="Alleen voor de rol `school`.")


_GEBRUIKER = {
    "id": vb.MENTOR_ID,
    "naam": "Mentor Voorbeeld",
    "email": "mentor@hetvoorbeeld.voorbeeld.example",
    "rol": "pedagogisch_medewerker",
    "functie": None,
    "locaties": [vb.LOCATIE],
    "scholen": [],
    "status": "actief",
    "gekoppeld": True,
    "uitgenodigdOp": "2025-08-25T09:00:00Z",
    "aangemeldOp": "2025-08-25T12:31:00Z",
    "gedeactiveerdOp": None,
}


class GebruikerBeheer(ApiModel):
    """A member of staff as the beheerder sees them."""

    model_config = described("Een medewerker zoals de beheerder die ziet.", _GEBRUIKER)

    id: UUID = Field(description="Het id van de gebruiker.")
    naam: str = Field(description="De naam, zoals collega's die kennen.")
    email: str | None = Field(description="Het e-mailadres; null als er geen is.")
    rol: Rol = Field(description="De rol.")
    functie: str | None = Field(
        description="Bij de rol `school`: `intern_begeleider` of `directie` (zie `Functie`); anders null."
    )
    locaties: list[Verwijzing] = Field(description="Waar de medewerker werkt (pedagogisch medewerker, locatiemanager).")
    scholen: list[Verwijzing] = Field(description="De scholen waarvoor de medewerker werkt (rol `school`).")
    status: GebruikerStatus = Field(description="Of de medewerker kan aanmelden.")
    gekoppeld: bool = Field(
        description="Of het account bij de identiteitsprovider gekoppeld is (bij de eerste aanmelding)."
    )
    uitgenodigd_op: datetime | None = Field(description="Wanneer de laatste uitnodiging gemaakt werd.")
    aangemeld_op: datetime | None = Field(
        description="Wanneer de medewerker zich voor het eerst aanmeldde via een uitnodiging."
    )
    gedeactiveerd_op: datetime | None = Field(description="Wanneer de medewerker gedeactiveerd werd; null als actief.")


class GebruikersLijst(ApiModel):
    model_config = described("De medewerkers van de gemeente.", {"resultaten": [_GEBRUIKER]})

    resultaten: list[GebruikerBeheer] = Field(description="Op rol, dan op naam.")


class UitnodigingVerstuurd(ApiModel):
    model_config = described("De uitnodiging staat klaar om te versturen.", {"berichtId": vb.BERICHT_ID})

    bericht_id: UUID = Field(description="Het bericht met de uitnodiging in de outbox.")


@described_enum(
    "Hoe een medewerker herinneringen en escalaties krijgt. Uitzetten kan niet, alleen bundelen.",
    DIRECT="Elk bericht meteen.",
    DAGELIJKS="Eén overzicht per dag, op het uur van de gemeente.",
)
class Berichtvoorkeur(StrEnum):
    """How a member of staff gets reminders and escalations: each at once, or one digest a day."""

    DIRECT = "direct"
    DAGELIJKS = "dagelijks"


class MijnInstellingen(ApiModel):
    model_config = described(
        "Uw eigen instellingen: hoe u herinneringen en escalaties krijgt.",
        {"berichten": "dagelijks", "berichtenGemeente": "direct", "bundelUur": 8},
    )

    berichten: Berichtvoorkeur | None = Field(
        description="Uw eigen keuze; null: zoals uw gemeente het doet (`berichtenGemeente`). Herinneringen zijn"
        " nooit uit te zetten, alleen te bundelen."
    )
    berichten_gemeente: Berichtvoorkeur = Field(description="Wat uw gemeente doet voor wie zelf niet gekozen heeft.")
    bundel_uur: int = Field(description="Het uur (Amsterdamse tijd) waarop een dagelijks overzicht uitgaat.")


class MijnInstellingenWijziging(ApiModel):
    model_config = described("Uw keuze voor herinneringen en escalaties wijzigen.", {"berichten": "dagelijks"})

    berichten: Berichtvoorkeur | None = Field(
        description="`direct`, `dagelijks`, of null om het te doen zoals uw gemeente het doet."
    )

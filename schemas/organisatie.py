"""The organisation as functioneel beheer keeps it: the gemeente, its stadsdelen and wijken, the voorschool
locations and the schools; and the report of a DUO import. Input fields are plain text here; their form
(an LRK number, a BRIN, a vestiging) is checked by the use case (services/organisatie.py), so the API and
the pages give the same Dutch message per field."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import Field

from schemas import voorbeelden as vb
from schemas.api import Verwijzing
from schemas.base import EMAIL, ApiModel
from schemas.openapi import described, described_enum

MAX_NAAM = 200

Naam = Annotated[
    str, Field(max_length=MAX_NAAM, description="De naam: niet leeg (spaties niet meegeteld), hooguit 200 tekens.")
]
LrkNummer = Annotated[
    str,
    Field(
        max_length=20,
        description="Het nummer van de locatie in het Landelijk Register Kinderopvang: 9 tot 12 cijfers (spaties tellen"
        " niet mee), bijvoorbeeld `123456789`. Uniek binnen de gemeente.",
    ),
]
Brin = Annotated[
    str,
    Field(
        max_length=10,
        description="De BRIN van de school (instellingscode): 2 cijfers en 2 letters of cijfers, bijvoorbeeld `01AB`"
        " (hoofdletters maken niet uit).",
    ),
]
Vestiging = Annotated[
    str,
    Field(
        max_length=10,
        description="Het nummer van de vestiging onder de BRIN: 2 cijfers, bijvoorbeeld `00` (de hoofdvestiging). BRIN"
        " en vestiging samen zijn uniek binnen de gemeente.",
    ),
]
Gesloten = Annotated[
    bool,
    Field(
        description="`true`: sluiten (neemt niets nieuws aan; wat er al is, loopt door); `false`: weer openen.",
    ),
]


class Status(ApiModel):
    gesloten: bool = Field(description="Gesloten: neemt niets nieuws aan; wat er al is, loopt door.")
    gesloten_op: datetime | None = Field(description="Sinds wanneer gesloten; null als open.")


# What the API answers

_OPEN = {"gesloten": False, "geslotenOp": None}
_STADSDEEL = {**_OPEN, **vb.STADSDEEL}
_WIJK = {**_OPEN, **vb.WIJK, "stadsdeel": vb.STADSDEEL}
_LOCATIE = {**_OPEN, **vb.LOCATIE, "lrkNummer": "999999999", "wijk": vb.WIJK, "stadsdeel": vb.STADSDEEL}
_SCHOOL = {
    **_OPEN,
    **vb.SCHOOL,
    "brin": "99ZZ",
    "vestiging": "00",
    "vestigingscode": "99ZZ00",
    "intakeEmail": "intake@oefening.voorbeeld.example",
    "wijk": vb.WIJK,
    "stadsdeel": vb.STADSDEEL,
}


class Gemeente(ApiModel):
    model_config = described(
        "De gemeente van de beheerder, met hoe herinneringen aan medewerkers uitgaan.",
        {**vb.GEMEENTE, "gemeentecode": "9999", "bundelen": True, "bundelUur": 8},
    )

    id: UUID = Field(description="Het id van de gemeente.")
    naam: str = Field(description="De naam van de gemeente.")
    gemeentecode: str | None = Field(
        description="De CBS-gemeentecode (4 cijfers, bijvoorbeeld `0034` voor Almere): de DUO-import vindt de scholen"
        " van de gemeente erop (kolom `GEMEENTENUMMER`); zonder code op de naam van de gemeente (`GEMEENTENAAM`)."
    )
    bundelen: bool = Field(
        default=False,
        description="Herinneringen en escalaties aan medewerkers gaan als één dagelijks overzicht per persoon (`true`)"
        " of elk meteen (`false`), voor wie zelf niet gekozen heeft (`/v1/mijn-instellingen`).",
    )
    bundel_uur: int = Field(
        default=8, ge=0, le=23, description="Het uur (Amsterdamse tijd) waarop de dagelijkse overzichten uitgaan."
    )


class Stadsdeel(Status):
    model_config = described("Een stadsdeel van de gemeente.", _STADSDEEL)

    id: UUID = Field(description="Het id van het stadsdeel.")
    naam: str = Field(description="De naam van het stadsdeel.")


class Wijk(Status):
    model_config = described("Een wijk van de gemeente, in een stadsdeel.", _WIJK)

    id: UUID = Field(description="Het id van de wijk.")
    naam: str = Field(description="De naam van de wijk.")
    stadsdeel: Verwijzing = Field(description="Het stadsdeel waarin de wijk ligt.")


class Locatie(Status):
    model_config = described("Een voorschoollocatie, in een wijk.", _LOCATIE)

    id: UUID = Field(description="Het id van de locatie.")
    naam: str = Field(description="De naam van de locatie.")
    lrk_nummer: str | None = Field(description="Het nummer van de locatie in het Landelijk Register Kinderopvang.")
    wijk: Verwijzing = Field(description="De wijk waarin de locatie ligt.")
    stadsdeel: Verwijzing = Field(description="Het stadsdeel van die wijk.")


class School(Status):
    model_config = described("Een basisschool (vestiging), in een wijk.", _SCHOOL)

    id: UUID = Field(description="Het id van de school.")
    naam: str = Field(description="De naam van de school (vestiging).")
    brin: str | None = Field(description="De BRIN (instellingscode), bijvoorbeeld `01AB`.")
    vestiging: str | None = Field(description="Het nummer van de vestiging onder de BRIN, bijvoorbeeld `00`.")
    vestigingscode: str | None = Field(description="BRIN en vestiging zoals DUO ze schrijft, bijvoorbeeld `01AB00`.")
    intake_email: str | None = Field(
        default=None,
        description="Waar de school nieuwe leerlingen aanneemt: een overdracht die naar de school gaat, wordt hier meteen"
        " aangekondigd (en aan de intern begeleiders; aan alle medewerkers als de school geen van beide heeft).",
    )
    wijk: Verwijzing = Field(description="De wijk waarin de school ligt.")
    stadsdeel: Verwijzing = Field(description="Het stadsdeel van die wijk.")


class Stadsdelen(ApiModel):
    model_config = described("De stadsdelen van de gemeente.", {"resultaten": [_STADSDEEL]})

    resultaten: list[Stadsdeel] = Field(description="Op naam, gesloten stadsdelen meegeteld.")


class Wijken(ApiModel):
    model_config = described("De wijken van de gemeente.", {"resultaten": [_WIJK]})

    resultaten: list[Wijk] = Field(description="Op naam, gesloten wijken meegeteld.")


class Locaties(ApiModel):
    model_config = described("De voorschoollocaties van de gemeente.", {"resultaten": [_LOCATIE]})

    resultaten: list[Locatie] = Field(description="Op naam, gesloten locaties meegeteld.")


class Scholen(ApiModel):
    model_config = described("De scholen (vestigingen) van de gemeente.", {"resultaten": [_SCHOOL]})

    resultaten: list[School] = Field(description="Op naam, gesloten scholen meegeteld.")


# What the API takes


class GemeenteWijziging(ApiModel):
    """Only the fields given change."""

    model_config = described(
        "De instellingen van de gemeente wijzigen: alleen de meegegeven velden veranderen.",
        {"gemeentecode": "9999", "bundelen": True, "bundelUur": 7},
    )

    gemeentecode: str | None = Field(
        default=None,
        max_length=10,
        description="4 cijfers (`34` wordt gelezen als `0034`); null haalt de code weg.",
    )
    bundelen: bool | None = Field(
        default=None, description="Herinneringen als dagelijks overzicht bundelen (`true`) of elk meteen (`false`)."
    )
    bundel_uur: int | None = Field(
        default=None, ge=0, le=23, description="Het uur (Amsterdamse tijd) waarop de dagelijkse overzichten uitgaan."
    )


class StadsdeelNieuw(ApiModel):
    model_config = described("Een nieuw stadsdeel.", {"naam": vb.STADSDEEL["naam"]})

    naam: Naam


class StadsdeelWijziging(ApiModel):
    """Only the fields given change."""

    model_config = described(
        "Een stadsdeel wijzigen: alleen de meegegeven velden veranderen.",
        {"naam": "Voorbeeldstad-Noordoost", "gesloten": False},
    )

    naam: Naam | None = Field(default=None, description="De nieuwe naam: niet leeg, hooguit 200 tekens.")
    gesloten: Gesloten | None = Field(
        default=None,
        description="`true`: sluiten (neemt niets nieuws aan; wat er is, loopt door); `false`: weer openen.",
    )


class WijkNieuw(ApiModel):
    model_config = described(
        "Een nieuwe wijk, in een stadsdeel.", {"naam": vb.WIJK["naam"], "stadsdeelId": vb.STADSDEEL_ID}
    )

    naam: Naam
    stadsdeel_id: UUID = Field(description="Het stadsdeel waarin de wijk ligt.")


class WijkWijziging(ApiModel):
    """Only the fields given change; `stadsdeelId` moves the wijk (with its locations and schools)."""

    model_config = described(
        "Een wijk wijzigen: alleen de meegegeven velden veranderen; `stadsdeelId` verplaatst de wijk (met haar locaties"
        " en scholen).",
        {"naam": "De Proeftuin-Oost", "stadsdeelId": vb.STADSDEEL_ID, "gesloten": False},
    )

    naam: Naam | None = Field(default=None, description="De nieuwe naam: niet leeg, hooguit 200 tekens.")
    stadsdeel_id: UUID | None = Field(default=None, description="Het stadsdeel waar de wijk naartoe gaat.")
    gesloten: Gesloten | None = Field(
        default=None,
        description="`true`: sluiten (neemt niets nieuws aan; wat er is, loopt door); `false`: weer openen.",
    )


class LocatieNieuw(ApiModel):
    model_config = described(
        "Een nieuwe voorschoollocatie, in een wijk.",
        {"naam": vb.LOCATIE["naam"], "wijkId": vb.WIJK_ID, "lrkNummer": "999999999"},
    )

    naam: Naam
    wijk_id: UUID = Field(description="De wijk waarin de locatie ligt.")
    lrk_nummer: LrkNummer


class LocatieWijziging(ApiModel):
    """Only the fields given change; `wijkId` moves the location to another wijk."""

    model_config = described(
        "Een voorschoollocatie wijzigen: alleen de meegegeven velden veranderen; `wijkId` verplaatst de locatie naar"
        " een andere wijk.",
        {
            "naam": "Peuteropvang Het Voorbeeld (Zuid)",
            "wijkId": vb.WIJK_ID,
            "lrkNummer": "999999999",
            "gesloten": False,
        },
    )

    naam: Naam | None = Field(default=None, description="De nieuwe naam: niet leeg, hooguit 200 tekens.")
    wijk_id: UUID | None = Field(default=None, description="De wijk waar de locatie naartoe gaat.")
    lrk_nummer: LrkNummer | None = Field(
        default=None, description="Het nieuwe nummer in het Landelijk Register Kinderopvang: 9 tot 12 cijfers."
    )
    gesloten: Gesloten | None = Field(
        default=None,
        description="`true`: sluiten (neemt niets nieuws aan; wat er is, loopt door); `false`: weer openen.",
    )


IntakeEmail = Annotated[
    str,
    Field(
        max_length=254,
        description="Het intake-adres van de school (aankomstberichten); een lege tekst haalt het weg.",
        json_schema_extra={"pattern": f"^(?:{EMAIL})?$"},
    ),
]


class SchoolNieuw(ApiModel):
    model_config = described(
        "Een nieuwe school (vestiging), in een wijk.",
        {
            "naam": vb.SCHOOL["naam"],
            "wijkId": vb.WIJK_ID,
            "brin": "99ZZ",
            "vestiging": "00",
            "intakeEmail": "intake@oefening.voorbeeld.example",
        },
    )

    naam: Naam
    wijk_id: UUID = Field(description="De wijk waarin de school ligt.")
    brin: Brin
    vestiging: Vestiging
    intake_email: IntakeEmail | None = Field(
        default=None, description="Het intake-adres van de school (aankomstberichten); weggelaten of leeg: geen."
    )


class SchoolWijziging(ApiModel):
    """Only the fields given change; `wijkId` moves the school to another wijk."""

    model_config = described(
        "Een school wijzigen: alleen de meegegeven velden veranderen; `wijkId` verplaatst de school naar een andere"
        " wijk.",
        {
            "naam": "Basisschool De Oefening, locatie Zuid",
            "wijkId": vb.WIJK_ID,
            "brin": "99ZZ",
            "vestiging": "01",
            "intakeEmail": "",
            "gesloten": False,
        },
    )

    naam: Naam | None = Field(default=None, description="De nieuwe naam: niet leeg, hooguit 200 tekens.")
    wijk_id: UUID | None = Field(default=None, description="De wijk waar de school naartoe gaat.")
    brin: Brin | None = Field(default=None, description="De nieuwe BRIN: 2 cijfers en 2 letters of cijfers.")
    vestiging: Vestiging | None = Field(default=None, description="Het nieuwe vestigingsnummer: 2 cijfers.")
    intake_email: IntakeEmail | None = Field(
        default=None, description="Het intake-adres van de school (aankomstberichten); een lege tekst haalt het weg."
    )
    gesloten: Gesloten | None = Field(
        default=None,
        description="`true`: sluiten (neemt niets nieuws aan; wat er is, loopt door); `false`: weer openen.",
    )


# The DUO import's report


@described_enum(
    "Wat de DUO-import met een rij deed.",
    TOEGEVOEGD="Een school die nieuw is voor de gemeente: toegevoegd in de opgegeven wijk.",
    BIJGEWERKT="Een bekende school waarvan de naam veranderde (of de BRIN werd ingevuld): bijgewerkt.",
    ONGEWIJZIGD="Een bekende school, precies zoals in het bestand: niets veranderd.",
    OVERGESLAGEN="Niet gelezen: een onleesbare of herhaalde rij, een nieuwe school zonder wijk, of een rij van een"
    " andere gemeente.",
)
class DuoUitkomst(StrEnum):
    TOEGEVOEGD = "toegevoegd"
    BIJGEWERKT = "bijgewerkt"
    ONGEWIJZIGD = "ongewijzigd"
    OVERGESLAGEN = "overgeslagen"


_DUO_RIJEN = [
    {
        "regel": 2,
        "uitkomst": "ongewijzigd",
        "eigenGemeente": True,
        "vestigingscode": "99ZZ00",
        "naam": vb.SCHOOL["naam"],
        "schoolId": vb.SCHOOL_ID,
        "toelichting": None,
    },
    {
        "regel": 3,
        "uitkomst": "overgeslagen",
        "eigenGemeente": False,
        "vestigingscode": "99YY00",
        "naam": None,
        "schoolId": None,
        "toelichting": "andere gemeente (Proefdorp)",
    },
]


class DuoRij(ApiModel):
    model_config = described("Eén rij van het DUO-bestand, met wat de import ermee deed.", _DUO_RIJEN[0])

    regel: int = Field(description="De regel in het bestand (de kopregel is regel 1).")
    uitkomst: DuoUitkomst = Field(description="Wat de import met de rij deed.")
    eigen_gemeente: bool = Field(
        description="Een rij van uw gemeente; een rij van een andere gemeente wordt overgeslagen."
    )
    vestigingscode: str | None = Field(description="Zoals in het bestand (BRIN en vestiging), als die leesbaar is.")
    naam: str | None = Field(description="De naam van de vestiging in het bestand (alleen bij rijen van de gemeente).")
    school_id: UUID | None = Field(description="De school die toegevoegd, bijgewerkt of ongewijzigd gevonden werd.")
    toelichting: str | None = Field(description="Waarom een rij werd overgeslagen; wat een bijwerking veranderde.")


class DuoImportResultaat(ApiModel):
    model_config = described(
        "Wat de import van het DUO-bestand met de scholen deed.",
        {
            "rijen": 2,
            "toegevoegd": 0,
            "bijgewerkt": 0,
            "ongewijzigd": 1,
            "overgeslagen": 0,
            "andereGemeente": 1,
            "gemeenteOp": "gemeentenummer",
            "regels": _DUO_RIJEN,
            "nietInBestand": [],
        },
    )

    rijen: int = Field(description="Gelezen rijen met gegevens (lege regels niet meegeteld).")
    toegevoegd: int = Field(description="Scholen die nieuw zijn voor de gemeente, toegevoegd in de opgegeven wijk.")
    bijgewerkt: int = Field(
        description="Al bekende scholen waarvan de naam veranderde (of waarvan de BRIN werd ingevuld)."
    )
    ongewijzigd: int = Field(description="Al bekende scholen, zoals in het bestand.")
    overgeslagen: int = Field(
        description="Rijen van de gemeente die niet gelezen werden: een foute of herhaalde rij, een nieuwe school zonder"
        " wijk."
    )
    andere_gemeente: int = Field(description="Rijen van andere gemeenten: overgeslagen.")
    gemeente_op: str = Field(
        description="Hoe de rijen van de gemeente gevonden werden: `gemeentenummer` of `gemeentenaam`."
    )
    regels: list[DuoRij] = Field(description="Elke rij, in de volgorde van het bestand, met wat ermee gebeurde.")
    niet_in_bestand: list[School] = Field(
        description="Open scholen van de gemeente die niet in het bestand staan: gemeld, nooit gewijzigd of gesloten."
    )

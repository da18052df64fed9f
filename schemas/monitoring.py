"""Response bodies of /v1/monitoring (camelCase on the wire): metadata and aggregates only. None of
these models has a field for a child's name, date of birth or the form's content, so no query can
leak one into an answer by accident."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import Field

from schemas import voorbeelden as vb
from schemas.api import Verwijzing
from schemas.base import ApiModel
from schemas.openapi import described, described_enum
from schemas.overdracht import Deadline, Status, Vlag
from schemas.protocol import Leeftijd

SCHOOLJAAR_PATTERN = r"^\d{4}-\d{4}$"

# GET /v1/monitoring/achterstanden


_ACHTERSTAND = {
    "overdrachtId": vb.OVERDRACHT_ID,
    "status": "bij_ouders",
    "openVlaggen": ["te_laat_toestemming"],
    "achterstalligSinds": "2026-05-15T22:00:04Z",
    "deadlines": {"toestemming": "2026-05-15T22:00:00Z"},
    "locatie": vb.LOCATIE,
    "wijk": vb.WIJK,
    "stadsdeel": vb.STADSDEEL,
    "school": vb.SCHOOL,
    "schooljaar": "2026-2027",
}


class Achterstand(ApiModel):
    """One overdracht that is overdue now."""

    model_config = described("Eén overdracht die nu te laat is: alleen metagegevens.", _ACHTERSTAND)

    overdracht_id: UUID = Field(description="Het id van de overdracht.")
    status: Status = Field(description="Waar de overdracht staat in de levensloop.")
    open_vlaggen: list[Vlag] = Field(description="Wat nu te laat is.")
    achterstallig_sinds: datetime = Field(
        description="Wanneer de oudste open vlag gezet werd: de volgorde van de lijst."
    )
    deadlines: dict[Deadline, datetime] = Field(
        description="De deadline van de stap van elke open vlag (verplaatste meegerekend); een deadline eindigt op dit"
        " moment."
    )
    locatie: Verwijzing = Field(description="De voorschoollocatie.")
    wijk: Verwijzing = Field(description="De wijk van de voorschoollocatie.")
    stadsdeel: Verwijzing = Field(description="Het stadsdeel van de voorschoollocatie.")
    school: Verwijzing | None = Field(description="De ontvangende school; null zolang die niet bekend is.")
    schooljaar: str | None = Field(
        description="Het schooljaar waarin het kind naar school gaat, bijvoorbeeld `2026-2027`; null zolang onbekend."
    )


class AchterstandenPagina(ApiModel):
    model_config = described(
        "Eén pagina van wat nu te laat is.", {"resultaten": [_ACHTERSTAND], "volgendeCursor": None}
    )

    resultaten: list[Achterstand] = Field(description="Oudste eerst (op `achterstalligSinds`).")
    volgende_cursor: str | None = Field(
        description="Geef mee als `cursor` voor de volgende pagina; null op de laatste pagina."
    )


# GET /v1/monitoring/kengetallen


@described_enum(
    "Waarnaar de kengetallen zijn gegroepeerd.",
    STADSDEEL="Per stadsdeel van de voorschoollocatie.",
    WIJK="Per wijk van de voorschoollocatie.",
    LOCATIE="Per voorschoollocatie.",
    SCHOOL="Per ontvangende school; overdrachten zonder school samen in één groep.",
)
class Groepering(StrEnum):
    STADSDEEL = "stadsdeel"
    WIJK = "wijk"
    LOCATIE = "locatie"
    SCHOOL = "school"


_TIJDIGHEID = {
    "toestemming": {"opTijd": 88, "teLaat": 7},
    "verzenden": {"opTijd": 79, "teLaat": 4},
    "bevestigen": {"opTijd": 70, "teLaat": 3},
}
_CIJFERS: dict[str, Any] = {
    "aantal": 120,
    "perStatus": {
        "concept": 14,
        "bij_ouders": 9,
        "geweigerd": 2,
        "wacht_op_school": 5,
        "gereed_voor_verzending": 6,
        "verzonden": 8,
        "ontvangen": 4,
        "warme_overdracht_gepland": 3,
        "warme_overdracht_gehouden": 0,
        "afgerond": 66,
        "ingetrokken": 1,
        "geannuleerd": 2,
    },
    "tijdigheid": _TIJDIGHEID,
    "warmeOverdrachtVve": {"voorEersteSchooldag": 21, "ontvangen": 25},
    "geweigerd": 2,
    "schoolOnbekend": 6,
}
_GROEP = {**_CIJFERS, "groep": vb.WIJK}


class StapTijdigheid(ApiModel):
    """Of the overdrachten whose step is done: how many took it before its deadline, how many after."""

    model_config = described(
        "Van de overdrachten waarvan de stap gezet is: hoeveel vóór de deadline, hoeveel erna.",
        _TIJDIGHEID["toestemming"],
    )

    op_tijd: int = Field(description="Hoeveel stappen vóór hun deadline gezet werden.")
    te_laat: int = Field(description="Hoeveel stappen na hun deadline gezet werden.")


class Tijdigheid(ApiModel):
    model_config = described("Per stap: hoeveel er op tijd en hoeveel er te laat gezet werden.", _TIJDIGHEID)

    toestemming: StapTijdigheid = Field(description="Toestemming gegeven vóór de deadline `toestemming`.")
    verzenden: StapTijdigheid = Field(description="Verstuurd vóór de deadline `verzenden`.")
    bevestigen: StapTijdigheid = Field(description="Ontvangst bevestigd vóór de deadline `bevestigen`.")


class WarmeOverdrachtVve(ApiModel):
    model_config = described("De warme overdracht van VVE-kinderen.", _CIJFERS["warmeOverdrachtVve"])

    voor_eerste_schooldag: int = Field(
        description="VVE-kinderen van wie de warme overdracht vóór hun eerste schooldag gehouden werd."
    )
    ontvangen: int = Field(description="VVE-kinderen van wie de school de ontvangst van de overdracht bevestigde.")


class Cijfers(ApiModel):
    """The key figures of one group (or of the whole scope)."""

    model_config = described("De kengetallen van één groep (of van alles wat de vrager mag zien).", _CIJFERS)

    aantal: int = Field(description="Hoeveel overdrachten.")
    per_status: dict[Status, int] = Field(description="Hoeveel in elke status; elke status staat erin.")
    tijdigheid: Tijdigheid = Field(description="Per stap: hoeveel op tijd en hoeveel te laat.")
    warme_overdracht_vve: WarmeOverdrachtVve = Field(
        description="Hoeveel VVE-kinderen hun warme overdracht vóór de eerste schooldag hadden, en hoeveel er ontvangen"
        " zijn."
    )
    geweigerd: int = Field(description="Weigeringen: toestemming geweigerd (`geweigerd`).")
    school_onbekend: int = Field(
        description="Geen school bekend op de deadline `school_bekend` (in Almere 3 jaar en 9 maanden): de vlag werd"
        " ooit gezet."
    )


class KengetallenGroep(Cijfers):
    model_config = described("De kengetallen van één stadsdeel, wijk, locatie of school.", _GROEP)

    groep: Verwijzing | None = Field(
        description="Het stadsdeel, de wijk, de locatie of de school; null (per school) voor de overdrachten zonder"
        " school."
    )


class KengetallenSchooljaar(ApiModel):
    model_config = described(
        "De kengetallen van één schooljaar: het geheel en per groep.",
        {"schooljaar": "2026-2027", "totaal": _CIJFERS, "groepen": [_GROEP]},
    )

    schooljaar: str | None = Field(
        description="Het schooljaar; null: overdrachten die zijn vastgelegd voordat het schooljaar werd bijgehouden."
    )
    totaal: Cijfers = Field(description="Het geheel van wat u mag zien, in dit schooljaar.")
    groepen: list[KengetallenGroep] = Field(description="Op naam.")


class Kengetallen(ApiModel):
    model_config = described(
        "De kengetallen per schooljaar en per groep.",
        {
            "groepering": "wijk",
            "schooljaar": "2026-2027",
            "schooljaren": [{"schooljaar": "2026-2027", "totaal": _CIJFERS, "groepen": [_GROEP]}],
        },
    )

    groepering: Groepering = Field(description="Waarnaar gegroepeerd is.")
    schooljaar: str | None = Field(description="Het gevraagde schooljaar; null: elk schooljaar.")
    schooljaren: list[KengetallenSchooljaar] = Field(description="Oudste schooljaar eerst.")


# GET /v1/monitoring/zonder-overdracht

_KIND_ZONDER_OVERDRACHT = {
    "kindId": vb.KIND_ID,
    "locatie": vb.LOCATIE,
    "wijk": vb.WIJK,
    "stadsdeel": vb.STADSDEEL,
    "maandenNaStartleeftijd": 2,
}


class KindZonderOverdracht(ApiModel):
    """A child by an opaque id only: no name, no date of birth."""

    model_config = described(
        "Een VVE-kind dat de startleeftijd voorbij is zonder overdracht: alleen een ondoorzichtig id, geen naam, geen"
        " geboortedatum.",
        _KIND_ZONDER_OVERDRACHT,
    )

    kind_id: UUID = Field(
        description="Een ondoorzichtig id, waarmee de locatie een overdracht voor het kind opent"
        " (`POST /v1/overdrachten`)."
    )
    locatie: Verwijzing = Field(description="De voorschoollocatie waar het kind geplaatst is.")
    wijk: Verwijzing = Field(description="De wijk van de locatie.")
    stadsdeel: Verwijzing = Field(description="Het stadsdeel van de locatie.")
    maanden_na_startleeftijd: int = Field(description="Hele maanden sinds het kind de startleeftijd bereikte.")


class ZonderOverdracht(ApiModel):
    model_config = described(
        "VVE-kinderen die de startleeftijd voorbij zijn zonder overdracht.",
        {
            "peildatum": "2026-05-13",
            "startleeftijd": {"jaren": 3, "maanden": 6},
            "protocolVersie": 3,
            "kinderen": [_KIND_ZONDER_OVERDRACHT],
        },
    )

    peildatum: date = Field(description="Vandaag (Europe/Amsterdam): de leeftijden zijn tot deze dag geteld.")
    startleeftijd: Leeftijd = Field(description="De startleeftijd van het huidige protocol van de gemeente.")
    protocol_versie: int = Field(description="De versie van dat protocol.")
    kinderen: list[KindZonderOverdracht] = Field(description="Langst voorbij de startleeftijd eerst.")


# GET /v1/monitoring/trend


class TrendMaand(ApiModel):
    """One calendar month (Europe/Amsterdam): the steps done in it, on time or late."""

    model_config = described(
        "Eén kalendermaand (Europe/Amsterdam): de stappen die erin gezet werden, op tijd of te laat.",
        {"maand": "2026-04", "tijdigheid": _TIJDIGHEID},
    )

    maand: str = Field(description="De maand, bijvoorbeeld `2026-03`.", pattern=r"^\d{4}-\d{2}$")
    tijdigheid: Tijdigheid = Field(description="Per stap: hoeveel op tijd en hoeveel te laat, in deze maand.")


class Trend(ApiModel):
    model_config = described(
        "Per maand: de stappen die op tijd en te laat gezet werden.",
        {
            "schooljaar": "2026-2027",
            "maanden": [
                {"maand": "2026-03", "tijdigheid": {s: {"opTijd": 0, "teLaat": 0} for s in _TIJDIGHEID}},
                {"maand": "2026-04", "tijdigheid": _TIJDIGHEID},
            ],
        },
    )

    schooljaar: str | None = Field(description="Het gevraagde schooljaar; null: elk schooljaar.")
    maanden: list[TrendMaand] = Field(
        description="Oudste maand eerst, van de eerste maand waarin een stap gezet werd tot de laatste; een maand"
        " zonder stappen staat erin met nullen."
    )


# GET /v1/monitoring/prognose

_WEKEN = [
    {"week": "2026-W20", "van": "2026-05-11", "tot": "2026-05-17"},
    {"week": "2026-W21", "van": "2026-05-18", "tot": "2026-05-24"},
]
_PER_DEADLINE = [
    {"deadline": "toestemming", "perWeek": [2, 1], "totaal": 3},
    {"deadline": "school_bekend", "perWeek": [1, 0], "totaal": 1},
    {"deadline": "verzenden", "perWeek": [1, 1], "totaal": 2},
    {"deadline": "bevestigen", "perWeek": [1, 0], "totaal": 1},
    {"deadline": "warme_overdracht", "perWeek": [0, 1], "totaal": 1},
]


class PrognoseWeek(ApiModel):
    model_config = described("Eén ISO-week van de prognose.", _WEKEN[0])

    week: str = Field(description="De ISO-week, bijvoorbeeld `2026-W14`.")
    van: date = Field(description="De maandag van de week.")
    tot: date = Field(description="De zondag van de week.")


class PrognoseAantallen(ApiModel):
    model_config = described("Hoeveel deadlines er per week vallen.", {"perWeek": [5, 3], "totaal": 8})

    per_week: list[int] = Field(description="Hoeveel deadlines er in elke week van `weken` vallen, in die volgorde.")
    totaal: int = Field(description="Hoeveel deadlines er in alle weken samen vallen.")


class PrognoseDeadline(PrognoseAantallen):
    model_config = described("Hoeveel deadlines van één soort er per week vallen.", _PER_DEADLINE[0])

    deadline: Deadline = Field(description="Welke deadline.")


class PrognoseGroep(PrognoseAantallen):
    model_config = described(
        "Hoeveel deadlines er per week vallen bij één locatie of school.",
        {"groep": vb.LOCATIE, "perWeek": [5, 3], "totaal": 8},
    )

    groep: Verwijzing | None = Field(
        description="De locatie of school; null (per school) zolang er geen school bekend is."
    )


class Prognose(ApiModel):
    """What falls due: the deadlines of steps still open, by the day they end (Europe/Amsterdam)."""

    model_config = described(
        "Wat er aankomt: de deadlines van stappen die nog openstaan, op de dag waarop ze eindigen (Europe/Amsterdam).",
        {
            "peildatum": "2026-05-13",
            "weken": _WEKEN,
            "totaal": {"perWeek": [5, 3], "totaal": 8},
            "perDeadline": _PER_DEADLINE,
            "locaties": [{"groep": vb.LOCATIE, "perWeek": [5, 3], "totaal": 8}],
            "scholen": [
                {"groep": vb.SCHOOL, "perWeek": [1, 1], "totaal": 2},
                {"groep": None, "perWeek": [4, 2], "totaal": 6},
            ],
        },
    )

    peildatum: date = Field(
        description="Vandaag (Europe/Amsterdam): wat vóór nu verliep, is te laat en staat hier niet."
    )
    weken: list[PrognoseWeek] = Field(description="Deze week eerst; de komende weken erna.")
    totaal: PrognoseAantallen = Field(description="Alle deadlines samen.")
    per_deadline: list[PrognoseDeadline] = Field(description="Per deadline van een stap; elke deadline staat erin.")
    locaties: list[PrognoseGroep] = Field(
        description="Per voorschoollocatie, op naam; alleen de locaties met deadlines."
    )
    scholen: list[PrognoseGroep] = Field(
        description="Per ontvangende school, op naam, daarna de overdrachten zonder school."
    )


# The coordinator's overview: VVE children without an overdracht, counted per wijk


class ZonderOverdrachtWijk(ApiModel):
    wijk: Verwijzing
    stadsdeel: Verwijzing
    aantal: int


class ZonderOverdrachtAantallen(ApiModel):
    peildatum: date
    startleeftijd: Leeftijd
    wijken: list[ZonderOverdrachtWijk] = Field(description="By stadsdeel and wijk name; only wijken with any.")


# What the monitoring can be filtered by: the gemeente's organisations and the school years known


class Wijk(Verwijzing):
    stadsdeel: Verwijzing


class Locatie(Verwijzing):
    wijk: Verwijzing


class Filteropties(ApiModel):
    schooljaren: list[str] = Field(description="The school years of the overdrachten you may see, newest first.")
    stadsdelen: list[Verwijzing]
    wijken: list[Wijk]
    locaties: list[Locatie]
    scholen: list[Verwijzing]

"""The overdracht form (the Peuterestafette and its peers). Drafts may be partial; `ontbrekende_velden`
says what a submission still needs."""

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from schemas import voorbeelden as vb
from schemas.base import ApiModel
from schemas.openapi import described, described_enum

ShortText = Annotated[str, Field(max_length=1000)]
LongText = Annotated[str, Field(max_length=4000)]


@described_enum(
    "Hoe het kind zich op een ontwikkelingsgebied ontwikkelt, volgens de pedagogisch medewerker.",
    VOORSPRONG="Voorsprong: verder dan verwacht voor de leeftijd.",
    ZOALS_VERWACHT="Zoals verwacht voor de leeftijd.",
    AANDACHT="Aandacht nodig: de school let hier extra op.",
    ZORG="Zorg: er is ondersteuning nodig; volgens het protocol vraagt dit om een warme overdracht.",
)
class Niveau(StrEnum):
    VOORSPRONG = "voorsprong"
    ZOALS_VERWACHT = "zoals_verwacht"
    AANDACHT = "aandacht"
    ZORG = "zorg"


@described_enum(
    "Een ontwikkelingsgebied van het formulier.",
    TAAL="Taal.",
    REKENEN="Rekenen (ontluikende gecijferdheid).",
    MOTORIEK_GROF="Grote motoriek.",
    MOTORIEK_FIJN="Fijne motoriek.",
    SOCIAAL_EMOTIONEEL="Sociaal-emotionele ontwikkeling.",
    SPEL="Spel.",
    ZELFREDZAAMHEID="Zelfredzaamheid.",
    WELBEVINDEN="Welbevinden.",
)
class Domein(StrEnum):
    TAAL = "taal"
    REKENEN = "rekenen"
    MOTORIEK_GROF = "motoriek_grof"
    MOTORIEK_FIJN = "motoriek_fijn"
    SOCIAAL_EMOTIONEEL = "sociaal_emotioneel"
    SPEL = "spel"
    ZELFREDZAAMHEID = "zelfredzaamheid"
    WELBEVINDEN = "welbevinden"


@described_enum(
    "Het VVE-programma dat het kind op de voorschool volgt.",
    KALEIDOSCOOP="Kaleidoscoop.",
    PIRAMIDE="Piramide.",
    STARTBLOKKEN="Startblokken.",
    UK_EN_PUK="Uk & Puk.",
    KO_TOTAAL="Ko-totaal.",
    ANDERS="Een ander programma.",
)
class VveProgramma(StrEnum):
    KALEIDOSCOOP = "kaleidoscoop"
    PIRAMIDE = "piramide"
    STARTBLOKKEN = "startblokken"
    UK_EN_PUK = "uk_en_puk"
    KO_TOTAAL = "ko_totaal"
    ANDERS = "anders"


@described_enum(
    "Het observatie-instrument waarmee de voorschool het kind volgde.",
    KIJK="KIJK!",
    PRAVOO="Pravoo.",
    BOSOS="BOSOS.",
    CITO_VOLGSYSTEEM_JONGE_KIND="Cito Volgsysteem jonge kind.",
    DOEN="DOEN.",
    PEUTERPLEIN="Peuterplein.",
    INZICHTELIJK="Inzichtelijk.",
    ANDERS="Een ander instrument.",
)
class Instrument(StrEnum):
    KIJK = "kijk"
    PRAVOO = "pravoo"
    BOSOS = "bosos"
    CITO_VOLGSYSTEEM_JONGE_KIND = "cito_volgsysteem_jonge_kind"
    DOEN = "doen"
    PEUTERPLEIN = "peuterplein"
    INZICHTELIJK = "inzichtelijk"
    ANDERS = "anders"


class Voorschool(ApiModel):
    model_config = described("Hoe lang en hoeveel het kind naar de voorschool gaat.", vb.FORMULIER["voorschool"])

    sinds: date | None = Field(default=None, description="Sinds wanneer het kind naar de voorschool gaat.")
    uren_per_week: Annotated[float, Field(ge=0, le=60)] | None = Field(
        default=None, description="Hoeveel uur per week het kind er is."
    )


class Vve(ApiModel):
    model_config = described(
        "Voor- en vroegschoolse educatie: de indicatie en het programma. Bij een VVE-indicatie zijn het programma en"
        " de duur nodig om in te dienen.",
        vb.FORMULIER["vve"],
    )

    indicatie: bool | None = Field(
        default=None, description="Of het kind een VVE-indicatie heeft; nodig om in te dienen."
    )
    indicatie_datum: date | None = Field(default=None, description="Wanneer de indicatie werd gegeven.")
    programma: VveProgramma | None = Field(default=None, description="Het VVE-programma dat het kind volgt.")
    maanden_deelname: Annotated[int, Field(ge=0, le=48)] | None = Field(
        default=None, description="Hoeveel maanden het kind aan het programma deelneemt."
    )
    uren_per_week: Annotated[float, Field(ge=0, le=60)] | None = Field(
        default=None, description="Hoeveel uur VVE per week."
    )


class Ontwikkeling(ApiModel):
    model_config = described(
        "Hoe het kind zich op één ontwikkelingsgebied ontwikkelt.", vb.FORMULIER["ontwikkeling"]["taal"]
    )

    niveau: Niveau | None = Field(default=None, description="Het niveau; nodig om in te dienen.")
    toelichting: ShortText | None = Field(default=None, description="Een toelichting in eigen woorden.")
    bespreken_in_warme_overdracht: bool = Field(
        default=False,
        description="Dit gebied bespreken in de warme overdracht; volgens het protocol vraagt dit om een warme"
        " overdracht.",
    )


class Observatie(ApiModel):
    model_config = described("Welke observatie het formulier onderbouwt.", vb.FORMULIER["observatie"])

    instrument: Instrument | None = Field(default=None, description="Het observatie-instrument; nodig om in te dienen.")
    datum: date | None = Field(default=None, description="De dag van de observatie; nodig om in te dienen.")


class Bijzonderheden(ApiModel):
    model_config = described(
        "Bijzonderheden: andere betrokken professionals en het advies van de voorschool aan de school.",
        vb.FORMULIER["bijzonderheden"],
    )

    betrokken_professionals: ShortText | None = Field(
        default=None, description="Andere professionals die bij het kind betrokken zijn."
    )
    advies_voor_school: LongText | None = Field(default=None, description="Het advies van de voorschool aan de school.")


class Formulier(ApiModel):
    """What the preschool passes on. Every field may be empty in a draft."""

    model_config = described(
        "Wat de voorschool doorgeeft aan de school (de Peuterestafette en vergelijkbare formulieren). In een concept"
        " mag elk veld leeg zijn; `ontbrekendeVelden` van een geweigerde indiening zegt wat er nog nodig is.",
        vb.FORMULIER,
    )

    voorschool: Voorschool = Field(
        default=Voorschool(), description="Sinds wanneer en hoeveel uur per week het kind naar de voorschool gaat."
    )
    vve: Vve = Field(default=Vve(), description="De VVE-indicatie en het programma.")
    ontwikkeling: dict[Domein, Ontwikkeling] = Field(
        default={}, description="Per ontwikkelingsgebied het niveau; elk gebied is nodig om in te dienen."
    )
    observatie: Observatie = Field(default=Observatie(), description="De observatie waarop het formulier steunt.")
    bijzonderheden: Bijzonderheden = Field(default=Bijzonderheden(), description="Wat de school verder moet weten.")

    def ontbrekende_velden(self) -> list[str]:
        """The fields (as JSON paths) a submission for the parents' review still needs."""
        missing: list[str] = []
        if self.vve.indicatie is None:
            missing.append("vve.indicatie")
        elif self.vve.indicatie:
            # For VVE children the programme and its duration must be passed on.
            if self.vve.programma is None:
                missing.append("vve.programma")
            if self.vve.maanden_deelname is None:
                missing.append("vve.maandenDeelname")
        for domein in Domein:
            entry = self.ontwikkeling.get(domein)
            if entry is None or entry.niveau is None:
                missing.append(f"ontwikkeling.{domein.value}.niveau")
        if self.observatie.instrument is None:
            missing.append("observatie.instrument")
        if self.observatie.datum is None:
            missing.append("observatie.datum")
        return missing

    @property
    def compleet(self) -> bool:
        return not self.ontbrekende_velden()

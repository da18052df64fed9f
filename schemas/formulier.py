"""The overdracht form (the Peuterestafette and its peers). Drafts may be partial; `ontbrekende_velden`
says what a submission still needs."""

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from schemas.base import ApiModel

ShortText = Annotated[str, Field(max_length=1000)]
LongText = Annotated[str, Field(max_length=4000)]


class Niveau(StrEnum):
    VOORSPRONG = "voorsprong"
    ZOALS_VERWACHT = "zoals_verwacht"
    AANDACHT = "aandacht"
    ZORG = "zorg"


class Domein(StrEnum):
    TAAL = "taal"
    REKENEN = "rekenen"
    MOTORIEK_GROF = "motoriek_grof"
    MOTORIEK_FIJN = "motoriek_fijn"
    SOCIAAL_EMOTIONEEL = "sociaal_emotioneel"
    SPEL = "spel"
    ZELFREDZAAMHEID = "zelfredzaamheid"
    WELBEVINDEN = "welbevinden"


class VveProgramma(StrEnum):
    KALEIDOSCOOP = "kaleidoscoop"
    PIRAMIDE = "piramide"
    STARTBLOKKEN = "startblokken"
    UK_EN_PUK = "uk_en_puk"
    KO_TOTAAL = "ko_totaal"
    ANDERS = "anders"


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
    sinds: date | None = None
    uren_per_week: Annotated[float, Field(ge=0, le=60)] | None = None


class Vve(ApiModel):
    indicatie: bool | None = None
    indicatie_datum: date | None = None
    programma: VveProgramma | None = None
    maanden_deelname: Annotated[int, Field(ge=0, le=48)] | None = None
    uren_per_week: Annotated[float, Field(ge=0, le=60)] | None = None


class Ontwikkeling(ApiModel):
    niveau: Niveau | None = None
    toelichting: ShortText | None = None
    bespreken_in_warme_overdracht: bool = False


class Observatie(ApiModel):
    instrument: Instrument | None = None
    datum: date | None = None


class Bijzonderheden(ApiModel):
    betrokken_professionals: ShortText | None = None
    advies_voor_school: LongText | None = None


class Formulier(ApiModel):
    """What the preschool passes on. Every field may be empty in a draft."""

    voorschool: Voorschool = Voorschool()
    vve: Vve = Vve()
    ontwikkeling: dict[Domein, Ontwikkeling] = {}
    observatie: Observatie = Observatie()
    bijzonderheden: Bijzonderheden = Bijzonderheden()

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

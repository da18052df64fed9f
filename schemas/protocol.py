"""The protocol configuration of a gemeente: every age, term and rule of the overdracht. Versioned;
a running overdracht keeps the version it started with."""

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from protocol.dates import school_year
from schemas.openapi import described

NonNegative = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(gt=0)]


class _Strict(BaseModel):
    # An unknown key is a typo that would silently fall back to a default: refuse it.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Leeftijd(_Strict):
    """An age in whole years and months, counted from the date of birth."""

    model_config = described(
        "Een leeftijd in hele jaren en maanden, geteld vanaf de geboortedatum.", {"jaren": 3, "maanden": 6}
    )

    jaren: Annotated[int, Field(ge=0, le=12, description="Hele jaren.")]
    maanden: Annotated[int, Field(ge=0, le=11, description="Hele maanden bovenop de jaren.")] = 0

    @property
    def in_maanden(self) -> int:
        return self.jaren * 12 + self.maanden

    def __str__(self) -> str:
        return f"{self.jaren} jaar en {self.maanden} maanden"


class ToestemmingVan(StrEnum):
    EEN_OUDER = "een_ouder"  # one parent with custody suffices
    ALLE_OUDERS = "alle_ouders"  # every parent with custody must consent


class Escalatie(_Strict):
    """After a deadline passed with the step still open: to the location manager or school direction,
    then to the coordinator, each this many working days after the deadline."""

    naar_leidinggevende_na_werkdagen: Positive = 5
    naar_coordinator_na_werkdagen: Positive = 10

    @model_validator(mode="after")
    def _coordinator_last(self) -> Self:
        if self.naar_coordinator_na_werkdagen <= self.naar_leidinggevende_na_werkdagen:
            raise ValueError("naar_coordinator_na_werkdagen moet groter zijn dan naar_leidinggevende_na_werkdagen")
        return self


class WarmeOverdrachtCriteria(_Strict):
    """When a warme overdracht is required."""

    bij_vve_indicatie: bool = True
    bij_zorg: bool = True  # the PM'er marked a domain 'zorg'
    op_verzoek: bool = True  # parents, PM'er or school asked for one
    bij_bespreken: bool = True  # the PM'er ticked "bespreken in de warme overdracht" on a domain


class Bewaartermijnen(_Strict):
    na_weigering_dagen: NonNegative = 0  # also after withdrawal and cancellation
    na_afronding_maanden: NonNegative = 3
    onbezorgde_verzending_maanden_na_vierde_verjaardag: NonNegative = 6
    # An overdracht still running then (never sent, or its warme overdracht never held) ends and is purged.
    onafgeronde_overdracht_maanden_na_vierde_verjaardag: NonNegative = 9
    # A child's record that never got an overdracht (placed, then left; imported, never opened) is
    # removed once the child reaches this age, or this many months after its placement ended.
    kind_zonder_overdracht_tot_leeftijd: Leeftijd = Leeftijd(jaren=5)
    kind_zonder_overdracht_maanden_na_einde_plaatsing: NonNegative = 3


class Periode(_Strict):
    """From `van` up to and including `tot`."""

    van: date
    tot: date

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.tot < self.van:
            raise ValueError(f"tot ({self.tot}) ligt voor van ({self.van})")
        return self

    def __contains__(self, day: date) -> bool:
        return self.van <= day <= self.tot


class Regio(StrEnum):
    """The school holiday regions of the Netherlands (Almere is in Midden)."""

    NOORD = "noord"
    MIDDEN = "midden"
    ZUID = "zuid"


class VakantieNaam(StrEnum):
    HERFST = "herfst"
    KERST = "kerst"
    VOORJAAR = "voorjaar"
    MEI = "mei"
    ZOMER = "zomer"


class Schoolvakantie(Periode):
    """One school holiday of the gemeente's region, Saturday to Sunday as the Rijksoverheid lists it."""

    naam: VakantieNaam


def _jaar(
    herfst: tuple[date, date], kerst: tuple[date, date], voorjaar: tuple[date, date], mei: tuple[date, date],
    zomer: tuple[date, date],
) -> tuple[Schoolvakantie, ...]:  # fmt: skip
    dates = {VakantieNaam.HERFST: herfst, VakantieNaam.KERST: kerst, VakantieNaam.VOORJAAR: voorjaar,
             VakantieNaam.MEI: mei, VakantieNaam.ZOMER: zomer}  # fmt: skip
    return tuple(Schoolvakantie(naam=naam, van=van, tot=tot) for naam, (van, tot) in dates.items())


D = date
# The school holidays per region for 2025-2026 to 2027-2028, as the Rijksoverheid publishes them each year
# (kerst and mei are the same everywhere; herfst and voorjaar are its advice, which schools follow nearly
# always). Checked against the published overviews: all of 2025-2026 and 2027-2028, and 2026-2027 for
# midden and zuid. Regio noord's voorjaar and zomer of 2026-2027 are still to be checked against
# rijksoverheid.nl/schoolvakanties. A gemeente keeps its region's list current in its protocol file.
SCHOOLVAKANTIES: dict[Regio, tuple[Schoolvakantie, ...]] = {
    Regio.NOORD: (
        *_jaar((D(2025, 10, 18), D(2025, 10, 26)), (D(2025, 12, 20), D(2026, 1, 4)), (D(2026, 2, 21), D(2026, 3, 1)),
               (D(2026, 4, 25), D(2026, 5, 3)), (D(2026, 7, 4), D(2026, 8, 16))),
        *_jaar((D(2026, 10, 10), D(2026, 10, 18)), (D(2026, 12, 19), D(2027, 1, 3)), (D(2027, 2, 20), D(2027, 2, 28)),
               (D(2027, 4, 24), D(2027, 5, 2)), (D(2027, 7, 3), D(2027, 8, 15))),
        *_jaar((D(2027, 10, 16), D(2027, 10, 24)), (D(2027, 12, 25), D(2028, 1, 9)), (D(2028, 2, 19), D(2028, 2, 27)),
               (D(2028, 4, 29), D(2028, 5, 7)), (D(2028, 7, 15), D(2028, 8, 27))),
    ),
    Regio.MIDDEN: (
        *_jaar((D(2025, 10, 18), D(2025, 10, 26)), (D(2025, 12, 20), D(2026, 1, 4)), (D(2026, 2, 14), D(2026, 2, 22)),
               (D(2026, 4, 25), D(2026, 5, 3)), (D(2026, 7, 18), D(2026, 8, 30))),
        *_jaar((D(2026, 10, 17), D(2026, 10, 25)), (D(2026, 12, 19), D(2027, 1, 3)), (D(2027, 2, 20), D(2027, 2, 28)),
               (D(2027, 4, 24), D(2027, 5, 2)), (D(2027, 7, 17), D(2027, 8, 29))),
        *_jaar((D(2027, 10, 16), D(2027, 10, 24)), (D(2027, 12, 25), D(2028, 1, 9)), (D(2028, 2, 26), D(2028, 3, 5)),
               (D(2028, 4, 29), D(2028, 5, 7)), (D(2028, 7, 8), D(2028, 8, 20))),
    ),
    Regio.ZUID: (
        *_jaar((D(2025, 10, 11), D(2025, 10, 19)), (D(2025, 12, 20), D(2026, 1, 4)), (D(2026, 2, 14), D(2026, 2, 22)),
               (D(2026, 4, 25), D(2026, 5, 3)), (D(2026, 7, 11), D(2026, 8, 23))),
        *_jaar((D(2026, 10, 17), D(2026, 10, 25)), (D(2026, 12, 19), D(2027, 1, 3)), (D(2027, 2, 6), D(2027, 2, 14)),
               (D(2027, 4, 24), D(2027, 5, 2)), (D(2027, 7, 17), D(2027, 8, 29))),
        *_jaar((D(2027, 10, 23), D(2027, 10, 31)), (D(2027, 12, 25), D(2028, 1, 9)), (D(2028, 2, 26), D(2028, 3, 5)),
               (D(2028, 4, 29), D(2028, 5, 7)), (D(2028, 7, 22), D(2028, 9, 3))),
    ),
}  # fmt: skip


class ProtocolConfig(_Strict):
    """The defaults are Almere's."""

    start: Leeftijd = Leeftijd(jaren=3, maanden=6)
    toestemming_uiterlijk: Leeftijd = Leeftijd(jaren=3, maanden=8)
    school_bekend_uiterlijk: Leeftijd = Leeftijd(jaren=3, maanden=9)
    verzenden_uiterlijk: Leeftijd = Leeftijd(jaren=3, maanden=10)
    bevestigen_binnen_werkdagen: Positive = 10
    herinnering_bevestigen_na_werkdagen: Positive = 5
    # After a school's "niet bij ons ingeschreven": a fresh term to name another school and send it.
    na_retour_werkdagen: Positive = 10
    # Without a planned first school day, the warme overdracht is due before this age.
    eerste_schooldag_standaard: Leeftijd = Leeftijd(jaren=4)
    # The school's terms (confirming receipt, the warme overdracht's reminders) count school days: working
    # days outside the school holidays of the gemeente's region. Not given: the region's defaults above.
    regio: Regio = Regio.MIDDEN
    schoolvakanties: tuple[Schoolvakantie, ...] = SCHOOLVAKANTIES[Regio.MIDDEN]
    # A child reaching eerste_schooldag_standaard in a summer holiday starts after it, in the next school
    # year. Not given: the summer holidays among `schoolvakanties` (versions from before those listed them).
    zomervakanties: tuple[Periode, ...] | None = None
    toestemming_van: ToestemmingVan = ToestemmingVan.ALLE_OUDERS
    escalatie: Escalatie = Escalatie()
    warme_overdracht: WarmeOverdrachtCriteria = WarmeOverdrachtCriteria()
    bewaartermijnen: Bewaartermijnen = Bewaartermijnen()

    @model_validator(mode="before")
    @classmethod
    def _vakanties_van_de_regio(cls, data: Any) -> Any:
        """A file that names its region but lists no holidays takes that region's."""
        if isinstance(data, dict) and "schoolvakanties" not in data and data.get("regio") in set(Regio):
            return {**data, "schoolvakanties": SCHOOLVAKANTIES[Regio(data["regio"])]}
        return data

    @property
    def zomers(self) -> tuple[Periode, ...]:
        """The summer holidays the first school day moves past."""
        if self.zomervakanties is not None:
            return self.zomervakanties
        return tuple(Periode(van=v.van, tot=v.tot) for v in self.schoolvakanties if v.naam is VakantieNaam.ZOMER)

    def schooljaren(self) -> set[str]:
        """The school years whose holidays are listed."""
        return {school_year(v.van) for v in self.schoolvakanties}

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        order = [
            ("start", self.start),
            ("toestemming_uiterlijk", self.toestemming_uiterlijk),
            ("verzenden_uiterlijk", self.verzenden_uiterlijk),
            ("eerste_schooldag_standaard", self.eerste_schooldag_standaard),
        ]
        for (earlier, a), (later, b) in zip(order, order[1:], strict=False):
            if b.in_maanden <= a.in_maanden:
                raise ValueError(f"{later} ({b}) moet na {earlier} ({a}) liggen")
        if not self.start.in_maanden < self.school_bekend_uiterlijk.in_maanden <= self.verzenden_uiterlijk.in_maanden:
            raise ValueError("school_bekend_uiterlijk moet na start en uiterlijk op verzenden_uiterlijk liggen")
        for naam, lijst in (("zomervakanties", self.zomervakanties or ()), ("schoolvakanties", self.schoolvakanties)):
            for vorige, volgende in zip(lijst, lijst[1:], strict=False):
                if volgende.van <= vorige.tot:
                    raise ValueError(f"{naam} moeten op volgorde staan en mogen elkaar niet overlappen")
        for jaar in sorted(self.schooljaren()):
            namen = sorted(v.naam.value for v in self.schoolvakanties if school_year(v.van) == jaar)
            if namen != sorted(n.value for n in VakantieNaam):
                raise ValueError(
                    f"schoolvakanties: schooljaar {jaar} heeft elke vakantie één keer nodig"
                    f" ({', '.join(n.value for n in VakantieNaam)}); nu: {', '.join(namen)}"
                )
        if self.bewaartermijnen.kind_zonder_overdracht_tot_leeftijd.in_maanden <= self.start.in_maanden:
            # Else a child whose overdracht is to open itself at the start age would be removed first.
            raise ValueError("bewaartermijnen.kind_zonder_overdracht_tot_leeftijd moet na start liggen")
        if self.herinnering_bevestigen_na_werkdagen >= self.bevestigen_binnen_werkdagen:
            raise ValueError("herinnering_bevestigen_na_werkdagen moet kleiner zijn dan bevestigen_binnen_werkdagen")
        return self


class Protocol(BaseModel):
    """A stored version of a gemeente's configuration, as an overdracht starts with it."""

    versie: int
    config: ProtocolConfig

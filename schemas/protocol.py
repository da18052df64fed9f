"""The protocol configuration of a gemeente: every age, term and rule of the overdracht. Versioned;
a running overdracht keeps the version it started with."""

from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

NonNegative = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(gt=0)]


class _Strict(BaseModel):
    # An unknown key is a typo that would silently fall back to a default: refuse it.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Leeftijd(_Strict):
    """An age in whole years and months, counted from the date of birth."""

    jaren: Annotated[int, Field(ge=0, le=12)]
    maanden: Annotated[int, Field(ge=0, le=11)] = 0

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


# The summer holidays of regio Midden (Almere), Saturday to Sunday, as the Rijksoverheid publishes
# them; a gemeente elsewhere configures its own region's.
ZOMERVAKANTIES_MIDDEN = (
    Periode(van=date(2025, 7, 19), tot=date(2025, 8, 31)),
    Periode(van=date(2026, 7, 18), tot=date(2026, 8, 30)),
    Periode(van=date(2027, 7, 17), tot=date(2027, 8, 29)),
)


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
    # A child reaching that age in a summer holiday starts after it, in the next school year.
    zomervakanties: tuple[Periode, ...] = ZOMERVAKANTIES_MIDDEN
    toestemming_van: ToestemmingVan = ToestemmingVan.ALLE_OUDERS
    escalatie: Escalatie = Escalatie()
    warme_overdracht: WarmeOverdrachtCriteria = WarmeOverdrachtCriteria()
    bewaartermijnen: Bewaartermijnen = Bewaartermijnen()

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
        for vorige, volgende in zip(self.zomervakanties, self.zomervakanties[1:], strict=False):
            if volgende.van <= vorige.tot:
                raise ValueError("zomervakanties moeten op volgorde staan en mogen elkaar niet overlappen")
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

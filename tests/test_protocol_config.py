"""The protocol configuration: Almere's defaults load, and a bad file is refused naming the field."""

from datetime import date

import pytest

from protocol.dates import KalenderOntbreekt, add_school_days, add_working_days, school_year
from protocol.loader import ProtocolError, check_current, load, parse
from schemas.protocol import SCHOOLVAKANTIES, Leeftijd, ProtocolConfig, Regio, ToestemmingVan, VakantieNaam
from workflows.deadlines import first_school_day, school_days_after


def test_the_almere_file_holds_the_domain_defaults() -> None:
    config = load()

    assert config == ProtocolConfig()
    assert config.start == Leeftijd(jaren=3, maanden=6)
    assert config.verzenden_uiterlijk == Leeftijd(jaren=3, maanden=10)
    assert config.bevestigen_binnen_werkdagen == 10 and config.herinnering_bevestigen_na_werkdagen == 5
    assert config.toestemming_van is ToestemmingVan.ALLE_OUDERS
    assert config.bewaartermijnen.na_weigering_dagen == 0 and config.bewaartermijnen.na_afronding_maanden == 3


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("bevestigen_binnen_werkdagen = -1", "bevestigen_binnen_werkdagen"),
        ("verzenden_uiterlijk = { jaren = 3, maanden = 4 }", "verzenden_uiterlijk"),
        ("verzenden_termijn = 3", "verzenden_termijn: onbekende sleutel"),
        ("[escalatie]\nnaar_coordinator_na_werkdagen = 2", "naar_coordinator_na_werkdagen"),
        ("[bewaartermijnen]\nna_afronding_maanden = -3", "bewaartermijnen.na_afronding_maanden"),
        ("herinnering_bevestigen_na_werkdagen = 12", "herinnering_bevestigen_na_werkdagen"),
        ("toestemming_van = 'de buren'", "toestemming_van"),
        ("start = { jaren = 3, maanden = 14 }", "start.maanden"),
        ("regio = 'oost'", "regio"),
        # A school year needs its five holidays: one without its summer holiday is refused.
        (
            "schoolvakanties = [{ naam = 'herfst', van = 2026-10-17, tot = 2026-10-25 }]",
            "schooljaar 2026-2027 heeft elke vakantie één keer nodig",
        ),
        (
            "schoolvakanties = [{ naam = 'zomer', van = 2027-07-10, tot = 2027-06-22 }]",
            "schoolvakanties.0.tot",
        ),
    ],
)
def test_bad_configuration_is_refused_naming_the_field(toml: str, named: str) -> None:
    with pytest.raises(ProtocolError) as refused:
        parse(toml, source="test.toml")

    assert named in str(refused.value)
    assert str(refused.value).startswith("test.toml: ")


def test_broken_toml_is_refused() -> None:
    with pytest.raises(ProtocolError, match="geen geldige TOML"):
        parse("start = {", source="x.toml")


def test_a_gemeente_names_its_region_and_takes_its_school_holidays() -> None:
    zuid = parse("regio = 'zuid'")

    assert zuid.schoolvakanties == SCHOOLVAKANTIES[Regio.ZUID] != SCHOOLVAKANTIES[Regio.MIDDEN]
    assert sorted(zuid.schooljaren()) == ["2025-2026", "2026-2027", "2027-2028"]
    # The first school day moves past that region's summer holidays.
    assert [(p.van, p.tot) for p in zuid.zomers] == [
        (v.van, v.tot) for v in zuid.schoolvakanties if v.naam is VakantieNaam.ZOMER
    ]


def test_school_days_skip_the_holidays_and_a_year_without_them_is_said() -> None:
    config = ProtocolConfig()  # regio midden
    kerst = next(v for v in config.schoolvakanties if v.naam is VakantieNaam.KERST and v.van.year == 2026)
    # The Friday before the Christmas holiday: the next school day is the Monday after it.
    assert add_school_days(date(2026, 12, 18), 1, config.schoolvakanties) == kerst.tot.replace(day=4)
    assert add_working_days(date(2026, 12, 18), 1) == date(2026, 12, 21)
    assert school_days_after(date(2026, 12, 18), 1, config) == (date(2027, 1, 4), "schooldagen (regio midden)")
    # Past the last school year listed: working days, and the timeline says why.
    last = max(v.tot for v in config.schoolvakanties)
    with pytest.raises(KalenderOntbreekt, match="2028-2029"):
        add_school_days(last, 10, config.schoolvakanties)
    assert school_days_after(last, 10, config) == (
        add_working_days(last, 10),
        "werkdagen (geen schoolvakanties bekend voor 2028-2029)",
    )


def test_a_version_without_this_school_years_holidays_is_refused_naming_the_setting() -> None:
    text = "schoolvakanties = []"
    config = parse(text)

    with pytest.raises(ProtocolError) as refused:
        check_current(config, text, date(2026, 12, 1), source="p.toml")

    [fout] = refused.value.fouten
    assert fout.veld == "schoolvakanties" and "schooljaar 2026-2027" in fout.reden and fout.regel == 1
    check_current(ProtocolConfig(), "", date(2026, 12, 1))  # the defaults have it


def test_a_child_born_on_20_july_counts_in_the_next_school_year() -> None:
    config = ProtocolConfig()  # regio midden: summer 2027 from 17 July to 29 August
    birth = date(2023, 7, 20)

    first_day = first_school_day(birth, config)

    assert first_day == date(2027, 8, 30)  # the Monday after the summer holiday
    assert school_year(date(2027, 7, 20)) == "2026-2027" and school_year(first_day) == "2027-2028"

"""The protocol configuration: Almere's defaults load, and a bad file is refused naming the field."""

import pytest

from protocol.loader import ProtocolError, load, parse
from schemas.protocol import Leeftijd, ProtocolConfig, ToestemmingVan


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

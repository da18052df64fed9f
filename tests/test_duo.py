"""Reading DUO's file of basisonderwijs vestigingen (services/duo.py): its real header and format, older
files' column names and encoding, and a reason per bad row. `duo_csv` makes such a file for the other
tests (tests/test_organisatie_api.py, the pages)."""

from collections.abc import Sequence

import pytest

from services import duo
from services.duo import BestandOngeldig, lees_bestand

# The header of "Adressen alle vestigingen basisonderwijs" (03.-alle-vestigingen-basisonderwijs.csv).
KOP = [
    "PROVINCIE", "BEVOEGD GEZAG NUMMER", "INSTELLINGSCODE", "VESTIGINGSCODE", "VESTIGINGSNAAM", "STRAATNAAM",
    "HUISNUMMER-TOEVOEGING", "POSTCODE", "PLAATSNAAM", "GEMEENTENUMMER", "GEMEENTENAAM", "DENOMINATIE",
    "TELEFOONNUMMER", "INTERNETADRES", "ONDERWIJSSTRUCTUUR", "STRAATNAAM CORRESPONDENTIEADRES",
    "HUISNUMMER-TOEVOEGING CORRESPONDENTIEADRES", "POSTCODE CORRESPONDENTIEADRES", "PLAATSNAAM CORRESPONDENTIEADRES",
    "NODAAL GEBIED CODE", "NODAAL GEBIED NAAM", "RPA GEBIED CODE", "RPA GEBIED NAAM", "WGR GEBIED CODE",
    "WGR GEBIED NAAM", "COROPGEBIED CODE", "COROPGEBIED NAAM", "ONDERWIJSGEBIED CODE", "ONDERWIJSGEBIED NAAM",
    "RMC REGIO CODE", "RMC REGIO NAAM",
]  # fmt: skip


def vestiging(code: str, naam: str, gemeentenummer: str, gemeentenaam: str, plaats: str | None = None) -> list[str]:
    """One row as DUO writes it (the address columns filled in as a real file has them)."""
    plaats = plaats or gemeentenaam
    return [
        "Flevoland", "41234", code[:4], code, naam, "Schoolstraat", "1", "1234 AB", plaats, gemeentenummer,
        gemeentenaam, "Openbaar", "0361234567", "www.example.nl", "VO/BAO", "Postbus", "10", "1234 AA", plaats,
        "1", "Almere", "2", "Flevoland", "3", "Flevoland", "40", "Flevoland", "5", "Flevoland", "6", "Flevoland",
    ]  # fmt: skip


def duo_csv(rijen: Sequence[Sequence[str]], kop: Sequence[str] = KOP, scheiding: str = ";") -> bytes:
    return ("\r\n".join(scheiding.join(r) for r in [kop, *rijen]) + "\r\n").encode()


def test_a_real_file_is_read_row_by_row_with_its_line_numbers() -> None:
    data = duo_csv([
        vestiging("12AB00", "OBS De Zeearend", "0050", "ZEEWOLDE"),
        vestiging("12AB01", "OBS De Zeearend, dependance", "0050", "ZEEWOLDE"),
        vestiging("04XY00", "Basisschool Het Anker", "0034", "ALMERE"),
    ])  # fmt: skip

    bestand = lees_bestand(data)

    assert bestand.met_gemeentenummer and bestand.met_gemeentenaam
    assert [(r.regel, r.brin, r.vestiging, r.naam, r.gemeentenummer, r.gemeentenaam) for r in bestand.regels] == [
        (2, "12AB", "00", "OBS De Zeearend", "0050", "ZEEWOLDE"),
        (3, "12AB", "01", "OBS De Zeearend, dependance", "0050", "ZEEWOLDE"),
        (4, "04XY", "00", "Basisschool Het Anker", "0034", "ALMERE"),
    ]
    assert all(r.fout is None for r in bestand.regels)


def test_quoted_fields_commas_windows_1252_and_older_column_names_are_read() -> None:
    # The CKAN copy: comma-separated and quoted; an older file: BRIN NUMMER, VESTIGINGSNUMMER, Windows-1252.
    kop = ["BRIN NUMMER", "VESTIGINGSNUMMER", "VESTIGINGSNAAM", "GEMEENTENUMMER", "GEMEENTENAAM"]
    rij = ['"12AB"', '"12AB02"', '"Cbs Het Kompas; ’t Zonnetje"', '"50"', '"ZEEWOLDE"']
    data = (",".join(kop) + "\r\n" + ",".join(rij) + "\r\n\r\n").encode("cp1252")

    [regel] = lees_bestand(data).regels

    assert (regel.brin, regel.vestiging, regel.naam, regel.gemeentenummer) == (
        "12AB", "02", "Cbs Het Kompas; ’t Zonnetje", "0050"
    )  # fmt: skip


def test_a_vestigingscode_given_apart_from_its_brin_is_read() -> None:
    kop = ["INSTELLINGSCODE", "VESTIGINGSCODE", "VESTIGINGSNAAM", "GEMEENTENAAM"]
    [regel] = lees_bestand(duo_csv([["12ab", "1", "De Wieken", "Zeewolde"]], kop)).regels
    assert (regel.brin, regel.vestiging, regel.gemeentenummer) == ("12AB", "01", None)


@pytest.mark.parametrize(
    ("code", "instelling", "naam", "reden"),
    [
        ("", "12AB", "De Wieken", "VESTIGINGSCODE ontbreekt"),
        ("12AB0", "12AB", "De Wieken", "VESTIGINGSCODE is geen BRIN met vestiging (zoals 01AB00)"),
        ("12AB00", "13CD", "De Wieken", "VESTIGINGSCODE hoort niet bij INSTELLINGSCODE"),
        ("12AB00", "12AB", "  ", "VESTIGINGSNAAM is leeg"),
        ("12AB00", "12AB", "x" * 201, "VESTIGINGSNAAM is langer dan 200 tekens"),
    ],
)
def test_a_bad_row_gets_its_reason(code: str, instelling: str, naam: str, reden: str) -> None:
    kop = ["INSTELLINGSCODE", "VESTIGINGSCODE", "VESTIGINGSNAAM", "GEMEENTENUMMER"]
    [regel] = lees_bestand(duo_csv([[instelling, code, naam, "0050"]], kop)).regels
    assert regel.fout == reden
    assert regel.gemeentenummer == "0050"  # still known: another gemeente's bad row is only skipped


@pytest.mark.parametrize(
    ("data", "kolommen"),
    [
        (b"", {"bestand": "leeg"}),
        (b"\x00\x01PK", {"bestand": "geen tekstbestand"}),
        (duo_csv([["x"]], ["VESTIGINGSCODE", "GEMEENTENAAM"]), {"VESTIGINGSNAAM": "ontbreekt"}),
        (
            duo_csv([["x"]], ["VESTIGINGSCODE", "VESTIGINGSNAAM"]),
            {"GEMEENTENUMMER of GEMEENTENAAM": "ontbreekt"},
        ),
        # The placements import's file is not DUO's.
        (
            b"voornaam;achternaam;geboortedatum;locatie\r\nA;B;01-01-2022;De Boomhut\r\n",
            {
                "VESTIGINGSCODE": "ontbreekt",
                "VESTIGINGSNAAM": "ontbreekt",
                "GEMEENTENUMMER of GEMEENTENAAM": "ontbreekt",
            },
        ),
        (b'VESTIGINGSCODE;VESTIGINGSNAAM;GEMEENTENAAM\r\n12AB00;"open\r\n', {"bestand": "regel 2 onleesbaar"}),
    ],
)
def test_a_file_that_is_not_duos_is_refused_whole(data: bytes, kolommen: dict[str, str]) -> None:
    with pytest.raises(BestandOngeldig) as exc:
        lees_bestand(data)
    assert exc.value.kolommen == kolommen


def test_too_many_rows_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(duo, "MAX_RIJEN", 2)
    rijen = [vestiging(f"12AB0{i}", f"School {i}", "0050", "ZEEWOLDE") for i in range(3)]
    with pytest.raises(BestandOngeldig, match="meer dan 2 rijen"):
        lees_bestand(duo_csv(rijen))
    assert len(lees_bestand(duo_csv(rijen[:2])).regels) == 2


@pytest.mark.parametrize(
    ("tekst", "code"), [("34", "0034"), ("0034", "0034"), ("GM0034", "0034"), ("abc", None), ("12345", None)]
)
def test_a_gemeentecode_is_four_digits(tekst: str, code: str | None) -> None:
    assert duo.gemeentecode(tekst) == code

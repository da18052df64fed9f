"""The form's values in the words people use (the API's enum values are for machines)."""

from schemas.formulier import Domein, Instrument, Niveau, VveProgramma

DOMEINEN = {
    Domein.TAAL: "Taal",
    Domein.REKENEN: "Rekenen",
    Domein.MOTORIEK_GROF: "Grote motoriek",
    Domein.MOTORIEK_FIJN: "Fijne motoriek",
    Domein.SOCIAAL_EMOTIONEEL: "Sociaal-emotionele ontwikkeling",
    Domein.SPEL: "Spel",
    Domein.ZELFREDZAAMHEID: "Zelfredzaamheid",
    Domein.WELBEVINDEN: "Welbevinden",
}
NIVEAUS = {
    Niveau.VOORSPRONG: "Voorsprong",
    Niveau.ZOALS_VERWACHT: "Zoals verwacht",
    Niveau.AANDACHT: "Aandacht nodig",
    Niveau.ZORG: "Zorg",
}
PROGRAMMAS = {
    VveProgramma.KALEIDOSCOOP: "Kaleidoscoop",
    VveProgramma.PIRAMIDE: "Piramide",
    VveProgramma.STARTBLOKKEN: "Startblokken",
    VveProgramma.UK_EN_PUK: "Uk & Puk",
    VveProgramma.KO_TOTAAL: "Ko-totaal",
    VveProgramma.ANDERS: "Een ander programma",
}
INSTRUMENTEN = {
    Instrument.KIJK: "KIJK!",
    Instrument.PRAVOO: "Pravoo",
    Instrument.BOSOS: "BOSOS",
    Instrument.CITO_VOLGSYSTEEM_JONGE_KIND: "Cito Volgsysteem jonge kind",
    Instrument.DOEN: "DOEN",
    Instrument.PEUTERPLEIN: "Peuterplein",
    Instrument.INZICHTELIJK: "Inzichtelijk",
    Instrument.ANDERS: "Een ander instrument",
}

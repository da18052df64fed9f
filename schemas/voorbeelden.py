"""The invented world the OpenAPI examples are set in (schemas/openapi.py): one gemeente with its
organisations, one child and the people around it. Every name, id and address is made up and looks it;
the pieces here are the ones several examples share, so the examples tell one consistent story."""

from typing import Any

# Ids: version-4 UUIDs that are plainly not random.
GEMEENTE_ID = "00000000-0000-4000-8000-000000000001"
STADSDEEL_ID = "00000000-0000-4000-8000-000000000002"
WIJK_ID = "00000000-0000-4000-8000-000000000003"
LOCATIE_ID = "00000000-0000-4000-8000-000000000004"
SCHOOL_ID = "00000000-0000-4000-8000-000000000005"
KIND_ID = "00000000-0000-4000-8000-000000000006"
OVERDRACHT_ID = "00000000-0000-4000-8000-000000000007"
MENTOR_ID = "00000000-0000-4000-8000-000000000008"
OUDER_ID = "00000000-0000-4000-8000-000000000009"
BERICHT_ID = "00000000-0000-4000-8000-00000000000a"
TAAK_ID = "00000000-0000-4000-8000-00000000000b"
BEHEERDER_ID = "00000000-0000-4000-8000-00000000000c"
ANDERE_LOCATIE_ID = "00000000-0000-4000-8000-00000000000d"

GEMEENTE = {"id": GEMEENTE_ID, "naam": "Voorbeeldstad"}
STADSDEEL = {"id": STADSDEEL_ID, "naam": "Voorbeeldstad-Noord"}
WIJK = {"id": WIJK_ID, "naam": "De Proeftuin"}
LOCATIE = {"id": LOCATIE_ID, "naam": "Peuteropvang Het Voorbeeld"}
SCHOOL = {"id": SCHOOL_ID, "naam": "Basisschool De Oefening"}
MENTOR = {"id": MENTOR_ID, "naam": "Mentor Voorbeeld"}

KIND: dict[str, Any] = {
    "voornaam": "Testkind",
    "achternaam": "Voorbeeld",
    "geboortedatum": "2022-09-15",
    "bsn": "999999990",  # plainly nobody's, and it passes the 11-test as a BSN must
}

# One overdracht's moments: opened at 3½, sent, received by the school; its warme overdracht is planned.
TIJDSTIPPEN: dict[str, Any] = {
    "geopendOp": "2026-03-16T08:30:00Z",
    "ingediendOp": "2026-04-02T13:05:00Z",
    "toestemmingOp": "2026-04-09T19:40:00Z",
    "verzondenOp": "2026-04-14T09:15:00Z",
    "ontvangenOp": "2026-04-20T10:00:00Z",
    "afgerondOp": None,
    "geweigerdOp": None,
    "ingetrokkenOp": None,
    "geannuleerdOp": None,
    "papierenKopieOp": None,
    "inhoudVerwijderdOp": None,
    "eersteSchooldag": "2026-09-16",
}
DEADLINES: dict[str, Any] = {
    "toestemming": "2026-05-15T22:00:00Z",
    "school_bekend": "2026-06-15T22:00:00Z",
    "verzenden": "2026-07-15T22:00:00Z",
    "bevestigen": "2026-05-07T22:00:00Z",
    "warme_overdracht": "2026-09-15T22:00:00Z",
}
TERMIJNEN: dict[str, Any] = {
    "deadlines": DEADLINES,
    "volgendeDeadline": "2026-09-15T22:00:00Z",
    "vlaggen": [],
    "openVlaggen": [],
    "achterstalligSinds": None,
}

FORMULIER: dict[str, Any] = {
    "voorschool": {"sinds": "2024-10-01", "urenPerWeek": 16},
    "vve": {
        "indicatie": True,
        "indicatieDatum": "2024-09-20",
        "programma": "piramide",
        "maandenDeelname": 18,
        "urenPerWeek": 16,
    },
    "ontwikkeling": {
        "taal": {
            "niveau": "aandacht",
            "toelichting": "Begrijpt veel, spreekt nog in korte zinnen.",
            "besprekenInWarmeOverdracht": True,
        },
        "rekenen": {"niveau": "zoals_verwacht", "toelichting": None, "besprekenInWarmeOverdracht": False},
        "motoriek_grof": {"niveau": "zoals_verwacht", "toelichting": None, "besprekenInWarmeOverdracht": False},
        "motoriek_fijn": {
            "niveau": "voorsprong",
            "toelichting": "Knipt en tekent graag.",
            "besprekenInWarmeOverdracht": False,
        },
        "sociaal_emotioneel": {"niveau": "zoals_verwacht", "toelichting": None, "besprekenInWarmeOverdracht": False},
        "spel": {"niveau": "zoals_verwacht", "toelichting": None, "besprekenInWarmeOverdracht": False},
        "zelfredzaamheid": {"niveau": "zoals_verwacht", "toelichting": None, "besprekenInWarmeOverdracht": False},
        "welbevinden": {"niveau": "zoals_verwacht", "toelichting": None, "besprekenInWarmeOverdracht": False},
    },
    "observatie": {"instrument": "kijk", "datum": "2026-02-10"},
    "bijzonderheden": {
        "betrokkenProfessionals": "Logopedist (via het consultatiebureau).",
        "adviesVoorSchool": "Geef ruimte om te vertellen; herhaal nieuwe woorden in kleine groepjes.",
    },
}

WARME_OVERDRACHT: dict[str, Any] = {"vereist": True, "geplandOp": "2026-06-10", "gehoudenOp": None}

# One row of a list (and the start of the detail): the overdracht's warme overdracht is planned.
SAMENVATTING: dict[str, Any] = {
    "id": OVERDRACHT_ID,
    "status": "warme_overdracht_gepland",
    "locatie": LOCATIE,
    "school": SCHOOL,
    "wijk": WIJK,
    "stadsdeel": STADSDEEL,
    "kind": {**KIND, "bsn": None},  # the BSN is in the detail only
    "mentor": MENTOR,
    "formulierCompleet": True,
    "schooljaar": "2026-2027",
    "vveIndicatie": True,
    "tijdstippen": {**TIJDSTIPPEN, "bijgewerktOp": "2026-05-04T11:20:00Z"},
    "termijnen": TERMIJNEN,
    "warmeOverdracht": WARME_OVERDRACHT,
    "protocolVersie": 3,
    "revisie": 14,
}

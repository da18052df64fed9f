"""Read-model rows to response bodies: each role gets only the fields it may read."""

import asyncpg

from schemas.api import KindGegevens, OverdrachtDetail, OverdrachtSamenvatting, Tijdstippen, Verwijzing
from schemas.formulier import Formulier
from schemas.gebruiker import Gebruiker


def summary(row: asyncpg.Record, user: Gebruiker) -> OverdrachtSamenvatting:
    return OverdrachtSamenvatting(**_fields(row, user))


def detail(row: asyncpg.Record, user: Gebruiker, formulier: Formulier | None) -> OverdrachtDetail:
    return OverdrachtDetail(**_fields(row, user), formulier=formulier if user.reads_content else None)


def _fields(row: asyncpg.Record, user: Gebruiker) -> dict[str, object]:
    school = Verwijzing(id=row["school_id"], naam=row["school_naam"]) if row["school_id"] else None
    kind = (
        KindGegevens(voornaam=row["voornaam"], achternaam=row["achternaam"], geboortedatum=row["geboortedatum"])
        if user.reads_content
        else None
    )
    return dict(
        id=row["id"],
        status=row["status"],
        locatie=Verwijzing(id=row["locatie_id"], naam=row["locatie_naam"]),
        school=school,
        wijk=Verwijzing(id=row["wijk_id"], naam=row["wijk_naam"]),
        stadsdeel=Verwijzing(id=row["stadsdeel_id"], naam=row["stadsdeel_naam"]),
        kind=kind,
        formulier_compleet=row["formulier_compleet"],
        tijdstippen=Tijdstippen(
            geopend_op=row["geopend_op"],
            ingediend_op=row["ingediend_op"],
            toestemming_op=row["toestemming_op"],
            verzonden_op=row["verzonden_op"],
            ontvangen_op=row["ontvangen_op"],
            afgerond_op=row["afgerond_op"],
            eerste_schooldag=row["eerste_schooldag"],
            bijgewerkt_op=row["bijgewerkt_op"],
        ),
        revisie=row["revisie"],
    )

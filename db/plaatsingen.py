"""Placements as the import writes them: a child at a voorschool location and its parents, each row
in one transaction, every write an upsert that changes nothing when nothing changed."""

from collections.abc import Sequence
from enum import StrEnum
from uuid import UUID

import asyncpg

from db.pool import Connection
from schemas.imports import Ouder, Plaatsing, kind_sleutel, naam_sleutel, ouder_id_voor


class Uitkomst(StrEnum):
    NIEUW = "nieuw"
    BIJGEWERKT = "bijgewerkt"
    ONGEWIJZIGD = "ongewijzigd"


async def locaties(pool: asyncpg.Pool, gemeente_id: UUID) -> list[asyncpg.Record]:
    """The gemeente's voorschool locations: (id, naam, gesloten)."""
    return await pool.fetch(
        "SELECT l.id, l.naam, l.gesloten_op IS NOT NULL AS gesloten"
        " FROM locaties l JOIN wijken w ON w.id = l.wijk_id"
        " JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE sd.gemeente_id = $1",
        gemeente_id,
    )


async def scholen(pool: asyncpg.Pool, gemeente_id: UUID, ids: list[UUID]) -> list[asyncpg.Record]:
    """The gemeente's schools, and any school named by id (a child may go to school next door):
    (id, naam, eigen, gesloten), `eigen` true for the gemeente's own."""
    return await pool.fetch(
        "SELECT s.id, s.naam, sd.gemeente_id = $1 AS eigen, s.gesloten_op IS NOT NULL AS gesloten"
        " FROM scholen s JOIN wijken w ON w.id = s.wijk_id"
        " JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE sd.gemeente_id = $1 OR s.id = ANY($2::uuid[])",
        gemeente_id,
        ids,
    )


async def medewerkers(pool: asyncpg.Pool, gemeente_id: UUID) -> list[asyncpg.Record]:
    """The pedagogisch medewerkers of the gemeente's locations (active), who may be a child's mentor there:
    (id, email, locatie_id), one row per location each works at."""
    return await pool.fetch(
        "SELECT g.id, g.email, gl.locatie_id FROM gebruikers g JOIN gebruiker_locaties gl ON gl.gebruiker_id = g.id"
        " JOIN locaties l ON l.id = gl.locatie_id"
        " JOIN wijken w ON w.id = l.wijk_id JOIN stadsdelen sd ON sd.id = w.stadsdeel_id"
        " WHERE g.rol = 'pedagogisch_medewerker' AND g.gedeactiveerd_op IS NULL AND sd.gemeente_id = $1",
        gemeente_id,
    )


async def bekende_kinderen(pool: asyncpg.Pool, plaatsingen: list[Plaatsing]) -> dict[tuple[str, str, str, str], UUID]:
    """The children already placed as these placements name them, by what identifies a child (location,
    names, date of birth), so a child placed before, by hand or by an earlier import, is not placed
    twice. Looked up by (location, date of birth), the index kinderen_sleutel_idx (migration 027): only
    the children the file's rows can be, not every child of their locations; the names are compared as
    kind_sleutel compares them, here."""
    paren = sorted({(p.locatie_id, p.geboortedatum) for p in plaatsingen})
    rows = await pool.fetch(
        "SELECT k.id, k.locatie_id, k.voornaam, k.achternaam, k.geboortedatum"
        " FROM unnest($1::uuid[], $2::date[]) AS p(locatie_id, geboortedatum)"
        " JOIN kinderen k ON k.locatie_id = p.locatie_id AND k.geboortedatum = p.geboortedatum ORDER BY k.id",
        [locatie_id for locatie_id, _ in paren],
        [geboortedatum for _, geboortedatum in paren],
    )
    known: dict[tuple[str, str, str, str], UUID] = {}
    for r in rows:
        known.setdefault(kind_sleutel(r["locatie_id"], r["voornaam"], r["achternaam"], r["geboortedatum"]), r["id"])
    return known


async def opslaan(conn: Connection, kind_id: UUID, plaatsing: Plaatsing) -> Uitkomst:
    """The child and its parents, within the caller's transaction. An empty optional field (BSN, VVE
    date, school) keeps what is known; parents are added or updated, never removed (one may have given
    consent)."""
    p = plaatsing
    # No row back: the child is there exactly like this already. `xmax = 0`: the row is new.
    kind = await conn.fetchrow(
        """
        INSERT INTO kinderen AS k (id, locatie_id, voornaam, achternaam, geboortedatum, bsn, vve_indicatie,
                                   vve_indicatie_datum, aangemelde_school_id, mentor_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT (id) DO UPDATE SET
            voornaam = EXCLUDED.voornaam,
            achternaam = EXCLUDED.achternaam,
            vve_indicatie = EXCLUDED.vve_indicatie,
            bsn = COALESCE(EXCLUDED.bsn, k.bsn),
            vve_indicatie_datum = COALESCE(EXCLUDED.vve_indicatie_datum, k.vve_indicatie_datum),
            aangemelde_school_id = COALESCE(EXCLUDED.aangemelde_school_id, k.aangemelde_school_id),
            mentor_id = COALESCE(k.mentor_id, EXCLUDED.mentor_id)
        WHERE (k.voornaam, k.achternaam, k.vve_indicatie, k.bsn, k.vve_indicatie_datum, k.aangemelde_school_id,
               k.mentor_id)
            IS DISTINCT FROM (EXCLUDED.voornaam, EXCLUDED.achternaam, EXCLUDED.vve_indicatie,
                              COALESCE(EXCLUDED.bsn, k.bsn),
                              COALESCE(EXCLUDED.vve_indicatie_datum, k.vve_indicatie_datum),
                              COALESCE(EXCLUDED.aangemelde_school_id, k.aangemelde_school_id),
                              COALESCE(k.mentor_id, EXCLUDED.mentor_id))
        RETURNING xmax = 0 AS nieuw
        """,
        kind_id, p.locatie_id, p.voornaam, p.achternaam, p.geboortedatum, p.bsn, p.vve_indicatie,
        p.vve_indicatie_datum, p.school_id, p.mentor_id,
    )  # fmt: skip
    ouders_gewijzigd = False
    bestaande = await conn.fetch(
        "SELECT id, naam, email FROM gebruikers WHERE rol = 'ouder' AND kind_id = $1 ORDER BY id", kind_id
    )
    for ouder in p.ouders:
        # An empty address keeps the one known (as other empty fields do).
        gewijzigd = await conn.fetchval(
            """
            INSERT INTO gebruikers AS g (id, naam, rol, gemeente_id, kind_id, email)
            VALUES ($1, $2, 'ouder', $3, $4, $5)
            ON CONFLICT (id) DO UPDATE SET naam = EXCLUDED.naam, email = COALESCE(EXCLUDED.email, g.email)
            WHERE (g.naam, g.email) IS DISTINCT FROM (EXCLUDED.naam, COALESCE(EXCLUDED.email, g.email))
            RETURNING true
            """,
            _ouder_id(kind_id, ouder, bestaande), ouder.naam, p.gemeente_id, kind_id, ouder.email,
        )  # fmt: skip
        ouders_gewijzigd = ouders_gewijzigd or bool(gewijzigd)
    if kind is not None and kind["nieuw"]:
        return Uitkomst.NIEUW
    return Uitkomst.BIJGEWERKT if kind is not None or ouders_gewijzigd else Uitkomst.ONGEWIJZIGD


async def afgesloten(pool: asyncpg.Pool, overdracht_ids: list[UUID], eindstatussen: list[str]) -> set[UUID]:
    """Those of these overdrachten that have ended (in one of `eindstatussen`): closed for good, their
    content purged or due to be. The row outlives the purge, so a child whose record is gone is found."""
    rows = await pool.fetch(
        "SELECT id FROM overdrachten WHERE id = ANY($1::uuid[]) AND status = ANY($2::text[])",
        overdracht_ids,
        eindstatussen,
    )
    return {r["id"] for r in rows}


def _ouder_id(kind_id: UUID, ouder: Ouder, bestaande: list[asyncpg.Record]) -> UUID:
    """The parent's account: the one the child has for this address (whatever its id), else the one
    of this name without an address (it gains the address now); without an address, the one of this
    name (its address stays). Else a new one, by address or, without one, by name: a parent first
    imported without an address and later with one stays one account."""
    naam = naam_sleutel(ouder.naam)
    if ouder.email is not None:
        adres = ouder.email.casefold()
        for r in bestaande:
            if r["email"] is not None and r["email"].casefold() == adres:
                found: UUID = r["id"]
                return found
        zonder_adres = ouder_id_voor(kind_id, None, ouder.naam)
        if any(r["id"] == zonder_adres and r["email"] is None for r in bestaande):
            return zonder_adres
        return ouder_id_voor(kind_id, ouder.email)
    for r in sorted(bestaande, key=lambda r: r["email"] is not None):  # the one without an address first
        if naam_sleutel(r["naam"]) == naam:
            same: UUID = r["id"]
            return same
    return ouder_id_voor(kind_id, None, ouder.naam)


async def voor_start(pool: asyncpg.Pool, kind_ids: Sequence[UUID]) -> dict[UUID, asyncpg.Record]:
    """Per child, what starting its overdracht takes, and whether it was opened already (by a person or
    by itself: then the import leaves the engine alone). The children must be stored (`opslaan`)."""
    rows = await pool.fetch(
        "SELECT k.id, k.locatie_id, k.aangemelde_school_id, k.geboortedatum, k.vve_indicatie, sd.gemeente_id,"
        " k.plaatsing_beeindigd_op,"
        " EXISTS (SELECT 1 FROM overdrachten o WHERE o.kind_id = k.id) AS geopend"
        " FROM kinderen k JOIN locaties l ON l.id = k.locatie_id JOIN wijken w ON w.id = l.wijk_id"
        " JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE k.id = ANY($1::uuid[])",
        list(kind_ids),
    )
    found = {r["id"]: r for r in rows}
    if missing := set(kind_ids) - set(found):
        raise LookupError(f"{len(missing)} children are not stored")
    return found

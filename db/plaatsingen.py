"""Placements as the import writes them: a child at a voorschool location and its parents, each row
in one transaction, every write an upsert that changes nothing when nothing changed."""

from enum import StrEnum
from uuid import UUID

import asyncpg

from schemas.imports import Plaatsing, kind_sleutel, ouder_id_voor


class Uitkomst(StrEnum):
    NIEUW = "nieuw"
    BIJGEWERKT = "bijgewerkt"
    ONGEWIJZIGD = "ongewijzigd"


async def locaties(pool: asyncpg.Pool, gemeente_id: UUID) -> list[asyncpg.Record]:
    """The gemeente's voorschool locations: (id, naam)."""
    return await pool.fetch(
        "SELECT l.id, l.naam FROM locaties l JOIN wijken w ON w.id = l.wijk_id"
        " JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE sd.gemeente_id = $1",
        gemeente_id,
    )


async def scholen(pool: asyncpg.Pool, gemeente_id: UUID, ids: list[UUID]) -> list[asyncpg.Record]:
    """The gemeente's schools, and any school named by id (a child may go to school next door):
    (id, naam, eigen), `eigen` true for the gemeente's own."""
    return await pool.fetch(
        "SELECT s.id, s.naam, sd.gemeente_id = $1 AS eigen FROM scholen s JOIN wijken w ON w.id = s.wijk_id"
        " JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE sd.gemeente_id = $1 OR s.id = ANY($2::uuid[])",
        gemeente_id,
        ids,
    )


async def bekende_kinderen(pool: asyncpg.Pool, locatie_ids: list[UUID]) -> dict[tuple[str, str, str, str], UUID]:
    """The children already placed at these locations, by what identifies a child (location, names,
    date of birth), so a child placed before, by hand or by an earlier import, is not placed twice."""
    rows = await pool.fetch(
        "SELECT id, locatie_id, voornaam, achternaam, geboortedatum FROM kinderen"
        " WHERE locatie_id = ANY($1::uuid[]) ORDER BY id",
        locatie_ids,
    )
    known: dict[tuple[str, str, str, str], UUID] = {}
    for r in rows:
        known.setdefault(kind_sleutel(r["locatie_id"], r["voornaam"], r["achternaam"], r["geboortedatum"]), r["id"])
    return known


async def opslaan(pool: asyncpg.Pool, kind_id: UUID, plaatsing: Plaatsing) -> Uitkomst:
    """The child and its parents, in one transaction. An empty optional field (BSN, VVE date, school)
    keeps what is known; parents are added or updated, never removed (one may have given consent)."""
    p = plaatsing
    async with pool.acquire() as conn, conn.transaction():
        # No row back: the child is there exactly like this already. `xmax = 0`: the row is new.
        kind = await conn.fetchrow(
            """
            INSERT INTO kinderen AS k (id, locatie_id, voornaam, achternaam, geboortedatum, bsn, vve_indicatie,
                                       vve_indicatie_datum, aangemelde_school_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (id) DO UPDATE SET
                voornaam = EXCLUDED.voornaam,
                achternaam = EXCLUDED.achternaam,
                vve_indicatie = EXCLUDED.vve_indicatie,
                bsn = COALESCE(EXCLUDED.bsn, k.bsn),
                vve_indicatie_datum = COALESCE(EXCLUDED.vve_indicatie_datum, k.vve_indicatie_datum),
                aangemelde_school_id = COALESCE(EXCLUDED.aangemelde_school_id, k.aangemelde_school_id)
            WHERE (k.voornaam, k.achternaam, k.vve_indicatie, k.bsn, k.vve_indicatie_datum, k.aangemelde_school_id)
                IS DISTINCT FROM (EXCLUDED.voornaam, EXCLUDED.achternaam, EXCLUDED.vve_indicatie,
                                  COALESCE(EXCLUDED.bsn, k.bsn),
                                  COALESCE(EXCLUDED.vve_indicatie_datum, k.vve_indicatie_datum),
                                  COALESCE(EXCLUDED.aangemelde_school_id, k.aangemelde_school_id))
            RETURNING xmax = 0 AS nieuw
            """,
            kind_id, p.locatie_id, p.voornaam, p.achternaam, p.geboortedatum, p.bsn, p.vve_indicatie,
            p.vve_indicatie_datum, p.school_id,
        )  # fmt: skip
        ouders_gewijzigd = False
        for ouder in p.ouders:
            gewijzigd = await conn.fetchval(
                """
                INSERT INTO gebruikers AS g (id, naam, rol, gemeente_id, kind_id, email)
                VALUES ($1, $2, 'ouder', $3, $4, $5)
                ON CONFLICT (id) DO UPDATE SET naam = EXCLUDED.naam, email = EXCLUDED.email
                WHERE (g.naam, g.email) IS DISTINCT FROM (EXCLUDED.naam, EXCLUDED.email)
                RETURNING true
                """,
                ouder_id_voor(kind_id, ouder.email), ouder.naam, p.gemeente_id, kind_id, ouder.email,
            )  # fmt: skip
            ouders_gewijzigd = ouders_gewijzigd or bool(gewijzigd)
    if kind is not None and kind["nieuw"]:
        return Uitkomst.NIEUW
    return Uitkomst.BIJGEWERKT if kind is not None or ouders_gewijzigd else Uitkomst.ONGEWIJZIGD


async def voor_start(pool: asyncpg.Pool, kind_id: UUID) -> asyncpg.Record:
    """What starting the child's overdracht takes, and whether it was opened already (by a person or
    by itself: then the import leaves the engine alone). The child must be stored (`opslaan`)."""
    kind = await pool.fetchrow(
        "SELECT k.locatie_id, k.aangemelde_school_id, k.geboortedatum, k.vve_indicatie, sd.gemeente_id,"
        " EXISTS (SELECT 1 FROM overdrachten o WHERE o.kind_id = k.id) AS geopend"
        " FROM kinderen k JOIN locaties l ON l.id = k.locatie_id JOIN wijken w ON w.id = l.wijk_id"
        " JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE k.id = $1",
        kind_id,
    )
    if kind is None:
        raise LookupError(f"kind {kind_id} is not stored")
    return kind

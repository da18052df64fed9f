"""Setting up a gemeente from nothing: the gemeente itself and its first beheerder (`overdracht
beheerder`). Everything after that is done by the beheerder, through the administration."""

from uuid import UUID, uuid4

from db.pool import Connection


async def gemeente(conn: Connection, naam: str) -> tuple[UUID, bool]:
    """The gemeente of this name, made when there is none: (its id, whether it is new). A new gemeente
    gets an engine namespace of its own."""
    found = await conn.fetchval("SELECT id FROM gemeenten WHERE naam = $1", naam)
    if found is not None:
        return found, False
    made = uuid4()
    await conn.execute(
        "INSERT INTO gemeenten (id, naam, namespace) VALUES ($1, $2, $3)", made, naam, f"gemeente-{made}"
    )
    return made, True


async def beheerder(
    conn: Connection, gemeente_id: UUID, naam: str, email: str, extern_id: str | None
) -> tuple[UUID, bool]:
    """The gemeente's beheerder with this address, made when there is none: (its id, whether it is new)."""
    found = await conn.fetchval(
        "SELECT id FROM gebruikers WHERE gemeente_id = $1 AND rol = 'beheerder' AND lower(email) = lower($2)",
        gemeente_id,
        email,
    )
    if found is not None:
        return found, False
    made = uuid4()
    await conn.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id, email, extern_id) VALUES ($1, $2, 'beheerder', $3, $4, $5)",
        made,
        naam,
        gemeente_id,
        email,
        extern_id,
    )
    return made, True

"""Which engine namespace a gemeente's workflows are in (NULL: the home namespace)."""

from uuid import UUID

from db.pool import Executor


async def of_gemeente(conn: Executor, gemeente_id: UUID) -> str | None:
    namespace: str | None = await conn.fetchval("SELECT namespace FROM gemeenten WHERE id = $1", gemeente_id)
    return namespace


async def of_overdracht(conn: Executor, overdracht_id: UUID) -> str | None:
    namespace: str | None = await conn.fetchval(
        "SELECT g.namespace FROM overdrachten o JOIN gemeenten g ON g.id = o.gemeente_id WHERE o.id = $1",
        overdracht_id,
    )
    return namespace


async def of_gemeenten(conn: Executor) -> list[str]:
    """Every gemeente namespace, in the order the gemeenten were given one."""
    return [
        r["namespace"]
        for r in await conn.fetch("SELECT namespace FROM gemeenten WHERE namespace IS NOT NULL ORDER BY namespace")
    ]

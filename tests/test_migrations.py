"""Migrations apply once each; running them again changes nothing."""

from db.migrate import MIGRATIONS, migrate


async def test_migrating_again_applies_nothing(database_url: str) -> None:
    assert await migrate(database_url) == []


def test_migrations_are_numbered_without_gaps() -> None:
    numbers = [int(p.name.split("_")[0]) for p in sorted(MIGRATIONS.glob("*.sql"))]
    assert numbers == list(range(1, len(numbers) + 1))

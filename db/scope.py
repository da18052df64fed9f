"""What each role may see of the overdrachten, as a WHERE clause: applied in every query of the read
model, so an overdracht outside the caller's scope does not exist for them."""

from dataclasses import dataclass, field

from schemas.gebruiker import Gebruiker
from schemas.overdracht import Rol


@dataclass
class Where:
    """WHERE clauses with numbered asyncpg parameters."""

    clauses: list[str] = field(default_factory=list)
    args: list[object] = field(default_factory=list)

    def add(self, clause: str, *values: object) -> None:
        numbers = [f"${len(self.args) + i + 1}" for i in range(len(values))]
        self.clauses.append(clause.format(*numbers) if values else clause)
        self.args.extend(values)

    def param(self, value: object) -> str:
        """A parameter for elsewhere in the statement than a clause (its ORDER BY, its SELECT list)."""
        self.args.append(value)
        return f"${len(self.args)}"

    def sql(self) -> str:
        return " WHERE " + " AND ".join(self.clauses) if self.clauses else ""


def scoped(user: Gebruiker) -> Where:
    """What each role may see: its locations (a PM'er may work at several), the dispatches sent to its
    schools (an IB'er may work for several vestigingen), its own child, or its gemeente. The user's
    locations and schools are read as they are signed in (db/gebruikers.py), so one taken away is out
    of sight at the next request."""
    where = Where()
    match user.rol:
        case Rol.PEDAGOGISCH_MEDEWERKER | Rol.LOCATIEMANAGER:
            where.add("o.locatie_id = ANY({}::uuid[])", list(user.locatie_ids))
        case Rol.SCHOOL:
            # Sent to it, and not since withdrawn or cancelled: no consent, no transfer.
            where.add(
                "o.school_id = ANY({}::uuid[]) AND o.verzonden_op IS NOT NULL"
                " AND o.status NOT IN ('ingetrokken', 'geannuleerd')",
                list(user.school_ids),
            )
        case Rol.OUDER:
            where.add("o.kind_id = {}", user.kind_id)
        case Rol.COORDINATOR | Rol.BEHEERDER:
            where.add("o.gemeente_id = {}", user.gemeente_id)
    return where

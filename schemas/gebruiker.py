"""The signed-in user: who they are, the role they act in, and the organisation that scopes them."""

from uuid import UUID

from pydantic import BaseModel

from schemas.overdracht import Rol


class Gebruiker(BaseModel):
    id: UUID
    naam: str
    rol: Rol
    gemeente_id: UUID
    locatie_id: UUID | None = None
    school_id: UUID | None = None
    kind_id: UUID | None = None

    @property
    def reads_content(self) -> bool:
        """The coordinator and the administrator work on metadata only."""
        return self.rol not in (Rol.COORDINATOR, Rol.BEHEERDER)

"""Request and response bodies of the parents' access beyond their messages: the child's parents as
the location's staff see them, a new code sent by mail, and a parent asking for one (camelCase on the wire)."""

from uuid import UUID

from pydantic import Field

from schemas.base import ApiModel


class OuderWeergave(ApiModel):
    """A parent with custody, as the child's location sees them: never their address."""

    id: UUID
    naam: str
    heeft_emailadres: bool = Field(
        description="Whether a new code can go by mail; without an address, print a letter (POST …/brieven)."
    )


class Ouders(ApiModel):
    ouders: list[OuderWeergave] = Field(description="The child's parents with custody, by name.")


class CodeVerstuurd(ApiModel):
    bericht_id: UUID = Field(description="The message in the outbox that carries the new link.")


class OuderCodeAanvraag(ApiModel):
    email: str = Field(
        min_length=1, max_length=200, description="The address the voorschool has for you: the new link goes there."
    )


class AanvraagOntvangen(ApiModel):
    bericht: str = Field(description="The same answer whether or not the address is known.")

"""Base models (camelCase on the wire, per the NL API Design Rules; snake_case in Python) and the free
texts people write, one definition each."""

from functools import cached_property
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic.config import JsonDict


class ApiModel(BaseModel):
    """A model that reads and writes camelCase JSON and refuses fields it does not know."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="forbid",
    )


M = TypeVar("M", bound=BaseModel)


class JsonAnswer(Generic[M]):
    """An answer the database wrote as JSON in the API's shape: a long list (hundreds of rows of small
    objects) that would cost more to validate and write model by model, on every request, than to query.
    The API sends `json` as it is; a page or a spreadsheet reads `model`, validated from it once. Each
    query that writes one is held to its model by a test (tests/test_monitoring_json.py)."""

    def __init__(self, json: str, model_type: type[M]) -> None:
        self.json = json
        self.model_type = model_type

    @cached_property
    def model(self) -> M:
        return self.model_type.model_validate_json(self.json)


# A person's reason (content: shown only to roles that read content, purged with it).
Reden = Annotated[str, Field(min_length=1, max_length=1000)]
# Longer free text: the parents' view (zienswijze).
VrijeTekst = Annotated[str, Field(max_length=4000)]

# An e-mail address the service can mail to: one @, a dotted domain of letters, digits and hyphens,
# nothing that breaks a mail header. The services check it (services/plaatsingen_csv.is_email: a refusal
# names the field in Dutch); the document gives it as the field's pattern, so what it calls valid is
# what the API takes.
EMAIL = (
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
EMAIL_PATTERN: JsonDict = {"pattern": f"^{EMAIL}$"}

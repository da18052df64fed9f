"""The OpenAPI document's last touches, once every route and middleware has documented itself: what the
NL API Design Rules ask of it as a whole (servers, contact, the API-Version header on every response,
dates as the rules' format check reads them) and the problems every operation shares (invalid input,
no token, the database down), and the Problem schema's list of codes. Installed last (api/app.py), so
it runs last over the document the other wrappers (api/errors.py, api/idempotency.py, api/limits.py)
made."""

from typing import Any

from fastapi import FastAPI

from api import API_VERSION
from api.deps import BAD_TOKEN, NO_TOKEN
from api.errors import INVALID_FIELDS, PROBLEM_JSON
from api.problems import DATABASE_DOWN, Documented, add_example, codes, describe, document
from api.query import UNKNOWN_PARAMETER
from core.settings import Settings
from services.auth import PROVIDER_UNREACHABLE
from services.errors import InvalidInput, Unauthenticated, Unavailable

VERSION_HEADER = "API-Version"
_VERSION_REF = {"$ref": f"#/components/headers/{VERSION_HEADER}"}
DESCRIPTION = """
De API van de overdracht van voorschool naar basisschool: een overdracht openen voor een kind, het
formulier invullen, de ouders om toestemming vragen, de overdracht naar de school sturen en de
ontvangst bevestigen; daarnaast de monitoring, het importeren van plaatsingen, de organisatie van de
gemeente, de medewerkers en het protocol, voor het functioneel beheer.

De hoofdversie staat in de URL van de server (`/v1`), voor elk pad; elk antwoord draagt de volledige
versie in de header `API-Version`. Aanmelden gaat met een bearer-token. Een fout is `application/problem+json` (RFC 9457)
met een vaste `code`: elke operatie noemt per status welke codes zij kan geven, met een voorbeeld van
elk antwoord. Elke wijzigende operatie neemt een `Idempotency-Key` aan.
"""


def install_openapi(app: FastAPI, settings: Settings) -> None:
    generate = app.openapi
    made: dict[str, Any] | None = None

    def openapi() -> dict[str, Any]:
        nonlocal made
        if made is None:  # once: what follows is not to be done twice to the same document
            schema = generate()
            _describe_api(schema, settings)
            for operation in _operations(schema):
                _shared_problems(operation)
                _problem_responses(operation)
                _in_order(operation)
            _version_header(schema)
            _nullable_dates(schema)
            _codes(schema)
            _major_version_in_server(schema)  # last: the wrappers above read the paths as the API serves them
            made = schema
        return made

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's way to replace openapi()


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [operation for operations in schema.get("paths", {}).values() for operation in operations.values()]


def _describe_api(schema: dict[str, Any], settings: Settings) -> None:
    info = schema["info"]
    info["description"] = DESCRIPTION.strip()
    info["contact"] = {
        "name": settings.api_contact_name,
        "url": settings.api_contact_url or settings.public_base_url,
        "email": settings.api_contact_email,
    }


def _major_version_in_server(schema: dict[str, Any]) -> None:
    """The major version in the server's URL, as the rules ask (`include-major-version-in-uri`), and each
    path from there: `/v1` + `/overdrachten` is the URL the API serves, as before. The server is relative:
    this host, whichever it is (Swagger UI at /v1/docs and clients read it against the document's URL)."""
    major = f"/v{API_VERSION.split('.')[0]}"
    # Every documented route is under it (tests/test_openapi_rules.py checks each URL the document makes).
    schema["paths"] = {path.removeprefix(major): item for path, item in schema["paths"].items()}
    schema["servers"] = [{"url": major, "description": f"Deze host, hoofdversie {major.removeprefix('/v')}."}]


def _shared_problems(operation: dict[str, Any]) -> None:
    """What every operation can answer by the way the API works, first in its list: a query parameter it
    does not know (api/query.py) or a parameter or body it cannot read (400); without a valid token (401)
    and with the database away (503), for one that needs a token, which is looked up there."""
    shared = [
        Documented(
            InvalidInput(UNKNOWN_PARAMETER, invalid_params=[{"name": "statsu", "reason": "onbekende parameter"}]),
            "Een queryparameter die deze operatie niet kent (een tikfout als `statsu=`): die wordt nooit stil genegeerd.",
        )
    ]
    if (invalid := _invalid_example(operation)) is not None:
        shared.append(
            Documented(
                InvalidInput(INVALID_FIELDS, invalid_params=[invalid]),
                "Een parameter of de body is ongeldig; `invalidParams` noemt elk veld met de reden.",
            )
        )
    if operation.get("security"):
        shared += [
            Documented(Unauthenticated(NO_TOKEN), "Zonder bearer-token in de Authorization-header."),
            Documented(
                Unauthenticated(BAD_TOKEN),
                "Met een token dat ongeldig of verlopen is, of van een gedeactiveerd account.",
            ),
            DATABASE_DOWN,
            Documented(
                Unavailable(PROVIDER_UNREACHABLE),
                "De sleutels van de aanmeldvoorziening van de gemeente zijn niet op te halen; probeer het zo opnieuw.",
            ),
        ]
    responses = operation.setdefault("responses", {})
    own = {
        status: response.get("content", {}).get(PROBLEM_JSON, {}).pop("examples", {})
        for status, response in responses.items()
        if status[0] in "45"
    }
    document(operation, *shared)
    # The operation's own after the shared, in the order it gave them.
    for status, examples in own.items():
        target = responses[status].setdefault("content", {}).setdefault(PROBLEM_JSON, {}).setdefault("examples", {})
        for example in examples.values():
            add_example(target, example)


# What the framework says of a value of these types that it cannot read (pydantic's own words).
_INVALID_VALUE = {
    "uuid": "Input should be a valid UUID, invalid character: found `x` at 0",
    "integer": "Input should be a valid integer, unable to parse string as an integer",
}


def _invalid_example(operation: dict[str, Any]) -> dict[str, str] | None:
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        return {"name": "body", "reason": "De body is geen geldige JSON (bij teken 9)."}
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        kind = schema.get("format") or schema.get("type")
        if parameter.get("in") in ("path", "query") and kind in _INVALID_VALUE:
            return {"name": parameter["name"], "reason": _INVALID_VALUE[kind]}
    return None


def _problem_responses(operation: dict[str, Any]) -> None:
    """Each problem response described by its own examples (whoever added them)."""
    for status, response in operation.get("responses", {}).items():
        examples = response.get("content", {}).get(PROBLEM_JSON, {}).get("examples")
        if status[0] in "45" and examples:
            response["description"] = describe(examples)


# FastAPI's description of a success the route did not describe itself.
_SUCCESS = {
    "200": "Gelukt.",
    "201": "Gelukt: vastgelegd.",
    "202": "Aangenomen: de rest gebeurt op de achtergrond.",
    "204": "Gelukt; het antwoord heeft geen inhoud.",
}


def _in_order(operation: dict[str, Any]) -> None:
    """The responses by status, each success described in Dutch."""
    responses = operation.get("responses", {})
    for status, response in responses.items():
        if response.get("description") == "Successful Response":
            response["description"] = _SUCCESS.get(status, "Gelukt.")
    operation["responses"] = dict(sorted(responses.items()))


def _version_header(schema: dict[str, Any]) -> None:
    """API-Version on every response (api/app.py sends it with each; a problem carries it too)."""
    schema.setdefault("components", {}).setdefault("headers", {})[VERSION_HEADER] = {
        "description": "De volledige versie van de API (semver), bij elk antwoord.",
        "required": True,
        "schema": {"type": "string", "example": API_VERSION},
    }
    for operation in _operations(schema):
        for response in operation.get("responses", {}).values():
            response.setdefault("headers", {})[VERSION_HEADER] = dict(_VERSION_REF)


_DATES = ("date", "date-time")


def _nullable_dates(node: Any) -> None:
    """A date or moment that may be null, as OpenAPI 3.1 writes it (`type: [string, "null"]` beside its
    `format`) rather than as pydantic does (`anyOf` a formatted string or null), which the rules' check of
    a date field's format does not read."""
    if isinstance(node, dict):
        branches = node.get("anyOf")
        if isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches:
            (value,) = [branch for branch in branches if branch != {"type": "null"}]
            if value.get("type") == "string" and value.get("format") in _DATES and "$ref" not in value:
                del node["anyOf"]
                node.update({**value, "type": ["string", "null"]})
        for child in node.values():
            _nullable_dates(child)
    elif isinstance(node, list):
        for child in node:
            _nullable_dates(child)


def _codes(schema: dict[str, Any]) -> None:
    """The Problem schema's `code`: every code the API answers with, each described."""
    classes = codes()
    problem = schema["components"]["schemas"]["Problem"]
    listed = "\n".join(f"- `{cls.code}` ({cls.status}, {cls.title}): {cls.description}" for cls in classes)
    problem["properties"]["code"] = {
        "type": "string",
        "title": "Code",
        "description": f"De vaste code van het probleem; de `title` en `detail` zijn voor mensen.\n\n{listed}",
        "enum": [cls.code for cls in classes],
    }

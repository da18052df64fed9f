"""The document integrators build against (/v1/openapi.json) against the NL API Design Rules (the Logius
linter's checks of it) and what they need to handle errors: every response says its API-Version, every
error is a Problem, each operation has a hand-written operationId, a Dutch summary and description, and
lists per error status each problem it can give, with its `code` and an example; the Problem schema lists
every code the API can send. Built without any server: `create_app().openapi()`."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from api import API_VERSION
from api.app import create_app
from core.settings import Environment, Settings

ROOT = Path(__file__).resolve().parent.parent
PROBLEM = "#/components/schemas/Problem"
PROBLEM_JSON = "application/problem+json"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# Words of English that are no Dutch words: an English text uses some of them. Code (in backticks) and
# quoted names are left out first.
ENGLISH = re.compile(
    r"\b(the|and|or|which|whose|with|this|that|it|its|are|has|have|from|for|by|to|at|when|whether|each|every"
    r"|not|none|any|what|who|how|why|your|you|may|must|only|after|before|until|successful|response|request)\b",
    re.IGNORECASE,
)
# API Design Rules, /core/no-sensitive-data-in-uri (or a name that suggests it): never in a path or query.
SENSITIVE = ("bsn", "naam", "name", "geboortedatum", "email", "e-mail", "adres", "telefoon", "postcode")
# The rules' check of a date field (`nlgov:specify-format-for-date-and-time`): a property so named needs its
# format beside its type, where it can see it.
DATE_PROPERTY = re.compile(r"^(date|datum)$|(\w+D|_[dD])(ate|atum)")


@pytest.fixture(scope="module")
def app() -> FastAPI:
    # Development mode: the development routes too (a superset of production's operations).
    return create_app(Settings(environment=Environment.DEVELOPMENT))


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    document: dict[str, Any] = app.openapi()
    return document


Operation = tuple[str, dict[str, Any]]


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def problem_responses(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for where, operation in operations(document):
        for status, response in operation["responses"].items():
            if status[0] in "45":
                yield where, status, response


def english(text: str) -> list[str]:
    plain = re.sub(r"`[^`]*`|\"[^\"]*\"|'[^']*'|https?://\S+", " ", text)
    return sorted({word.lower() for word in ENGLISH.findall(plain)})


def test_every_response_says_its_api_version(document: dict[str, Any]) -> None:
    header = document.get("components", {}).get("headers", {}).get("API-Version", {})
    assert header.get("required") is True and header["schema"]["type"] == "string", "no required API-Version header"
    missing = [
        f"{where} {status}"
        for where, operation in operations(document)
        for status, response in operation["responses"].items()
        if "API-Version" not in response.get("headers", {})
    ]
    assert missing == [], f"responses without the API-Version header: {missing}"


def test_every_error_is_a_problem(document: dict[str, Any]) -> None:
    wrong = [
        f"{where} {status}"
        for where, status, response in problem_responses(document)
        if response.get("content", {}).get(PROBLEM_JSON, {}).get("schema") != {"$ref": PROBLEM}
    ]
    assert wrong == [], f"errors not documented as application/problem+json with the Problem schema: {wrong}"


def test_the_document_names_its_server_its_contact_and_what_the_api_is(app: FastAPI, document: dict[str, Any]) -> None:
    # include-major-version-in-uri: the major version in the server's URL. Relative, so this host, whichever
    # it is; each path joined to it is a URL the API serves, with that operation's method.
    major = f"/v{API_VERSION.split('.')[0]}"
    assert [server["url"] for server in document.get("servers", [])] == [major]
    served = {
        (method.lower(), route.path)
        for route in iter_route_contexts(app.router.routes)
        for method in route.methods or ()
    }
    documented = {(method, major + path) for path, item in document["paths"].items() for method in item}
    assert sorted(documented - served) == [], "operations the API does not serve at the URL the document makes"
    assert len(documented) > 50
    contact = document["info"].get("contact", {})
    assert {"name", "url", "email"} <= contact.keys(), f"info.contact needs name, url and email: {contact}"
    description = document["info"].get("description", "")
    assert len(description) > 100 and english(description) == [], f"info.description, in Dutch: {description!r}"


def test_a_nullable_date_says_its_format_beside_its_type(document: dict[str, Any]) -> None:
    wrapped: list[str] = []
    unformatted: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key in ("anyOf", "oneOf"):
                branches = node.get(key, [])
                dated = [b for b in branches if isinstance(b, dict) and b.get("format") in ("date", "date-time")]
                if dated and {"type": "null"} in branches:
                    wrapped.append(where)
            for name, schema in node.get("properties", {}).items():
                if isinstance(schema, dict) and DATE_PROPERTY.search(name) and "$ref" not in schema:
                    formatted = "format" in schema or any("format" in s for s in schema.get("allOf", []))
                    if not formatted:
                        unformatted.append(f"{where}/properties/{name}")
            for key, child in node.items():
                walk(child, f"{where}/{key}")
        elif isinstance(node, list):
            for i, child in enumerate(node):
                walk(child, f"{where}/{i}")

    walk(document, "#")
    assert wrapped == [], f'a date or date-time that may be null, not written as type: [string, "null"]: {wrapped}'
    assert unformatted == [], f"date fields without their format beside their type: {unformatted}"


def test_paths_are_lowercase_kebab_case_without_a_trailing_slash(document: dict[str, Any]) -> None:
    segment = re.compile(r"^([a-z0-9]+(-[a-z0-9]+)*|\{[^}]+\})$")
    wrong = [p for p in document["paths"] if p.endswith("/") or not all(map(segment.match, p.split("/")[1:]))]
    assert wrong == [], f"paths not in lowercase kebab-case: {wrong}"


def test_query_parameters_are_camel_case(document: dict[str, Any]) -> None:
    camel = re.compile(r"^[a-z][a-z0-9]*([A-Z][a-z0-9]*)*$")
    wrong = [
        f"{where}: {p['name']}"
        for where, operation in operations(document)
        for p in operation.get("parameters", [])
        if p["in"] == "query" and not camel.match(p["name"])
    ]
    assert wrong == [], f"query parameters not in camelCase: {wrong}"


def enums(node: Any, where: str = "#") -> Iterator[tuple[str, list[Any]]]:
    """Every `enum` in the document, with where it is."""
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list):
            yield where, node["enum"]
        for key, value in node.items():
            yield from enums(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from enums(value, f"{where}/{i}")


# The one enum whose values are no codes: they name a field as it is written (README: The API).
FIELD_NAMES = {"#/components/schemas/Sort"}


def test_every_code_is_lower_snake_case(document: dict[str, Any]) -> None:
    """One casing for every enum value (statuses, events, flags, roles, problem codes)."""
    snake = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
    found = list(enums(document))
    assert len(found) > 20 and any(w.endswith("/Status") for w, _ in found)
    wrong = [
        f"{where}: {v}"
        for where, values in found
        if where not in FIELD_NAMES
        for v in values
        if not snake.match(str(v))
    ]
    assert wrong == [], f"enum values not in lower_snake_case: {wrong}"


def test_no_personal_data_in_a_path_or_a_query(document: dict[str, Any]) -> None:
    named = [
        f"{where}: {name}"
        for where, operation in operations(document)
        for name in [
            *(s for s in where.split(" ", 1)[1].split("/") if not s.startswith("{")),
            *(p["name"] for p in operation.get("parameters", []) if p["in"] in ("path", "query")),
        ]
        if any(word in name.lower() for word in SENSITIVE)
    ]
    assert named == [], f"personal data (or a name that suggests it) in a path or query: {named}"


def test_every_operation_has_a_hand_written_camel_case_id(app: FastAPI, document: dict[str, Any]) -> None:
    camel = re.compile(r"^[a-z][a-zA-Z0-9]*$")
    ids = [(where, operation.get("operationId", "")) for where, operation in operations(document)]
    wrong = [f"{where}: {op_id!r}" for where, op_id in ids if not camel.match(op_id)]
    assert wrong == [], f"operationIds not camelCase (FastAPI's own are {{name}}_{{path}}_{{method}}): {wrong}"
    seen = [op_id for _, op_id in ids]
    assert sorted({i for i in seen if seen.count(i) > 1}) == [], "operationIds used twice"
    generated = [
        f"{sorted(route.methods or ())} {route.path}"
        for route in app.routes
        if isinstance(route, APIRoute) and route.include_in_schema and route.operation_id is None
    ]
    assert generated == [], f"routes whose operationId FastAPI makes up: {generated}"


def test_every_operation_says_in_dutch_what_it_does(document: dict[str, Any]) -> None:
    wrong = []
    for where, operation in operations(document):
        texts = {
            "summary": operation.get("summary", ""),
            "description": operation.get("description", ""),
            **{f"parameter {p['name']}": p.get("description", "-") for p in operation.get("parameters", [])},
            **{f"response {s}": r.get("description", "") for s, r in operation["responses"].items()},
        }
        for what, text in texts.items():
            if not text.strip():
                wrong.append(f"{where}: no {what}")
            elif words := english(text):
                wrong.append(f"{where}: {what} reads as English ({', '.join(words)})")
    assert wrong == [], "\n".join(wrong)


def test_every_error_response_lists_each_problem_of_this_operation(document: dict[str, Any]) -> None:
    """Per operation and status, one example per problem it can give, each with its own code and a Dutch
    `summary` of when; the response's description is made of exactly those, never a text merged from
    generic ones ("Bad Request Or: …")."""
    # Each example is a Problem as the schema says (its code one of the listed), `$ref`s resolved as a tool does.
    problem = jsonschema_rs.validator_for({"$ref": PROBLEM, "components": document["components"]})
    wrong = []
    for where, status, response in problem_responses(document):
        examples = response.get("content", {}).get(PROBLEM_JSON, {}).get("examples", {})
        if not examples:
            wrong.append(f"{where} {status}: no example of a problem")
        for key, example in examples.items():
            value = example.get("value", {})
            invalid = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in problem.iter_errors(value)]
            if invalid or value.get("status") != int(status):
                wrong.append(f"{where} {status} {key}: not a Problem with status {status}: {invalid}")
            if not example.get("summary"):
                wrong.append(f"{where} {status} {key}: without when (its summary)")
        lines = [f"`{e['value'].get('code')}`: {e.get('summary')}" for e in examples.values()]
        description = response.get("description", "")
        if re.search(r"\bOr:", description) or description.replace("- ", "").splitlines() != lines:
            wrong.append(f"{where} {status}: description not made of its own problems: {description!r}")
    assert wrong == [], "\n".join(wrong)


def test_a_step_lists_why_the_state_refuses_it(document: dict[str, Any]) -> None:
    """Each step of an overdracht's lifecycle: a 409 per state rule of the step, and the one that submits
    the form the 422 with `ontbrekendeVelden`."""
    steps = {
        path: item["post"] if "post" in item else item["put"]
        for path, item in document["paths"].items()
        if path.startswith("/overdrachten/{overdracht_id}/")
        and any(word in path for word in ("indieningen", "verzendingen", "toestemmingen", "formulier", "retouren"))
    }
    for path, operation in steps.items():
        conflict = operation["responses"]["409"]["content"][PROBLEM_JSON].get("examples", {})
        states = [e for e in conflict.values() if "kan alleen in status" in e["value"]["detail"]]
        assert states, f"{path}: no 409 for a state the step cannot be taken in"
    incomplete = steps["/overdrachten/{overdracht_id}/indieningen"]["responses"]["422"]
    example = incomplete["content"][PROBLEM_JSON]["examples"]["formulier_onvolledig"]["value"]
    assert example["ontbrekendeVelden"], "the 422 of a submission names the fields still needed"


def _codes_in_source() -> dict[str, str]:
    """Every problem code a class of the service says it answers with (`code = "…"` in a class body), by
    where: the error classes are the one place a code is written."""
    found = {}
    for folder in ("api", "services", "web", "core"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.ClassDef):
                    continue
                for statement in node.body:
                    if not isinstance(statement, ast.Assign):
                        continue
                    for target in statement.targets:
                        names = target.elts if isinstance(target, ast.Tuple) else [target]
                        values = statement.value.elts if isinstance(statement.value, ast.Tuple) else [statement.value]
                        for name, value in zip(names, values, strict=False):
                            if isinstance(name, ast.Name) and name.id == "code" and isinstance(value, ast.Constant):
                                found[str(value.value)] = f"{path.relative_to(ROOT)}: {node.name}"
    return found


def test_the_problem_schema_lists_every_code_the_api_sends(document: dict[str, Any]) -> None:
    code = document["components"]["schemas"]["Problem"]["properties"]["code"]
    listed = code.get("enum", [])
    in_source = _codes_in_source()
    assert len(in_source) > 15, "the scan of the error classes found them"
    missing = sorted(f"{c} ({where})" for c, where in in_source.items() if c not in listed)
    assert missing == [], f"codes the API can send that the Problem schema does not list: {missing}"
    undescribed = [c for c in listed if not re.search(rf"^- `{c}` \(\d{{3}}, [^)]+\): \S", code["description"], re.M)]
    assert undescribed == [], f"codes listed without a description: {undescribed}"
    used = {
        example["value"]["code"]
        for _, _, response in problem_responses(document)
        for example in response["content"][PROBLEM_JSON].get("examples", {}).values()
    }
    assert used <= set(listed)

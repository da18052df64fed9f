"""The document integrators build against (/v1/openapi.json) describes every body in Dutch, with an
example that is accepted by the body's own schema, and says what each enum value means. The document is
built without any server: `create_app().openapi()`."""

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest

from api.app import create_app
from core.settings import Environment, Settings
from schemas.openapi import ENUM_DESCRIPTIONS

# The error body and its list of invalid fields are documented with the errors themselves (api/errors.py,
# schemas/api.py's Problem), not here.
DESCRIBED_ELSEWHERE = {"Problem", "InvalidParam"}

# A description in English starts like one of these, or uses one of these words (after what is quoted in
# backticks, a field or value name, is left out). None of them is a Dutch word.
ENGLISH_STARTS = ("The ", "A ", "An ", "List of", "Whether", "When ", "Where ", "Which ", "What ", "Who ", "How ")
ENGLISH_WORDS = re.compile(
    r"\b(the|and|or|which|whose|with|this|that|it|its|are|has|have|from|for|by|to|at|when|whether|each|every|first"
    r"|not|none|any|one|ones|what|who|how|why)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    # Development mode: the document with the development routes' bodies too (a superset of production's).
    document: dict[str, Any] = create_app(Settings(environment=Environment.DEVELOPMENT)).openapi()
    return document


@pytest.fixture(scope="module")
def schemas(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in document["components"]["schemas"].items() if name not in DESCRIBED_ELSEWHERE}


def not_dutch(description: object) -> str | None:
    """Why a description is not a Dutch one, or None."""
    if not isinstance(description, str) or not description.strip():
        return "has no description"
    unquoted = re.sub(r"`[^`]*`", "", description)
    if description.startswith(ENGLISH_STARTS) or ENGLISH_WORDS.search(unquoted):
        return f"is described in English: {description!r}"
    return None


def test_every_schema_and_every_property_is_described_in_dutch(schemas: dict[str, dict[str, Any]]) -> None:
    failures = []
    for name, schema in schemas.items():
        if why := not_dutch(schema.get("description")):
            failures.append(f"{name} {why}")
        for prop, definition in schema.get("properties", {}).items():
            if why := not_dutch(definition.get("description")):
                failures.append(f"{name}.{prop} {why}")
    assert not failures, "\n".join(failures)


def test_each_schema_has_a_description_of_its_own(schemas: dict[str, dict[str, Any]]) -> None:
    """A model that inherits another's config shows its parent's description (and example): it needs
    its own."""
    first: dict[str, str] = {}
    failures = []
    for name, schema in schemas.items():
        description = schema.get("description")
        if description in first:
            failures.append(f"{name} has the description of {first[description]}")
        elif description:
            first[description] = name
    assert not failures, "\n".join(failures)


def test_every_object_schema_has_a_complete_example_its_schema_accepts(
    document: dict[str, Any], schemas: dict[str, dict[str, Any]]
) -> None:
    failures = []
    for name, schema in schemas.items():
        if schema.get("type") != "object":
            continue
        examples = schema.get("examples")
        if not examples:
            failures.append(f"{name} has no example")
            continue
        # The schema's `$ref`s are resolved against the whole document, as an integrator's tool does.
        validator = jsonschema_rs.validator_for(
            {"$ref": f"#/components/schemas/{name}", "components": document["components"]}, validate_formats=True
        )
        for example in examples:
            for error in validator.iter_errors(example):
                where = "/".join(map(str, error.instance_path)) or "(the whole)"
                failures.append(f"{name}: its example is invalid at {where}: {error.message}")
            missing = sorted(set(schema.get("properties", {})) - set(example))
            if missing:
                failures.append(f"{name}: its example leaves out {', '.join(missing)}")
    assert not failures, "\n".join(failures)


def enums(node: object, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema with an `enum`, however deep, with where it is."""
    if isinstance(node, dict):
        if "enum" in node:
            yield where, node
        for key, value in node.items():
            if key not in ("examples", "example", "default", ENUM_DESCRIPTIONS):
                yield from enums(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from enums(value, f"{where}[{i}]")


def test_every_enum_value_is_described(document: dict[str, Any], schemas: dict[str, dict[str, Any]]) -> None:
    parameters = {
        f"{method.upper()} {path} {parameter['name']}": parameter.get("schema", {})
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
    }
    found = [*enums(schemas, "components"), *enums(parameters, "parameters")]
    assert len(found) > 20  # the walk reaches the enums at all
    failures = []
    for where, schema in found:
        values = [json.dumps(v) if not isinstance(v, str) else v for v in schema["enum"]]
        meanings = schema.get(ENUM_DESCRIPTIONS, {})
        description = schema.get("description") or ""
        for value in values:
            if why := not_dutch(meanings.get(value)):
                failures.append(f"{where}: the value {value!r} {why} in {ENUM_DESCRIPTIONS}")
            elif f"`{value}`" not in description:
                failures.append(f"{where}: the description does not say what {value!r} means")
        for extra in sorted(set(meanings) - set(values)):
            failures.append(f"{where}: {ENUM_DESCRIPTIONS} describes {extra!r}, which is no value")
    assert not failures, "\n".join(failures)

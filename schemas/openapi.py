"""What the OpenAPI document (/v1/openapi.json) says of a body and of an enum: a description and an example
in Dutch, for the integrators who build against it. Docstrings stay the developers' English; these texts
are the interface's. tests/test_openapi_schemas.py checks that every schema has them."""

from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar, Unpack

from pydantic import ConfigDict, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

# Each enum value's meaning, by value. Redoc's name and shape (an object, value -> text); openapi-generator's
# `x-enum-descriptions` is a list in the order of `enum`, which a map under that name would mislead.
ENUM_DESCRIPTIONS = "x-enumDescriptions"

E = TypeVar("E", bound=type[Enum])


def described(description: str, example: Mapping[str, Any] | None = None, **config: Unpack[ConfigDict]) -> ConfigDict:
    """A model's `model_config`: its description and one complete example in the document (the example
    must validate against the model's own schema), with any other setting of the model's. A subclass
    needs its own: it would otherwise show its parent's."""
    extra: dict[str, Any] = {"description": description}
    if example is not None:
        extra["examples"] = [dict(example)]
    return ConfigDict(**config, json_schema_extra=extra)


def described_enum(description: str, **meanings: str) -> Callable[[E], E]:
    """An enum's description and each value's meaning (by member name), in one place: the schema's
    description lists every value, and `x-enumDescriptions` maps each value to its meaning. A value left
    out is left out of both, and the test names it; a name that is no member is a typo, refused here."""

    def describe(cls: E) -> E:
        unknown = sorted(meanings.keys() - cls.__members__.keys())
        if unknown:
            raise TypeError(f"{cls.__name__} has no member {', '.join(unknown)}")
        by_value = {str(member.value): meanings[name] for name, member in cls.__members__.items() if name in meanings}
        text = "\n\n".join([description, "\n".join(f"- `{value}`: {meaning}" for value, meaning in by_value.items())])

        def json_schema(_: type[Enum], schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
            reference = handler(schema)
            target = handler.resolve_ref_schema(reference)
            target["description"] = text
            target[ENUM_DESCRIPTIONS] = dict(by_value)
            return reference

        # Pydantic asks the type itself for the last word on its schema.
        setattr(cls, "__get_pydantic_json_schema__", classmethod(json_schema))  # noqa: B010 - no attribute mypy knows
        return cls

    return describe


def restore(document: dict[str, Any]) -> None:
    """Put back what the way into the document changes of the component schemas' examples and enum
    meanings. FastAPI writes the document without any null value (`exclude_none`): every `"x": null` goes
    out of an example, and a required property with it, so the example's own schema refuses it; a property
    that is absent and may be null was null, and is written so again, however deep. Pydantic sorts every
    object's keys: an example's go back into the order of the schema's properties, the enum meanings into
    the order of `enum`."""
    schemas = document.get("components", {}).get("schemas", {})

    def resolve(schema: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref", "")
        return resolve(schemas[ref.rsplit("/", 1)[-1]]) if ref.startswith("#/components/schemas/") else schema

    def branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
        schema = resolve(schema)
        alternatives = schema.get("anyOf", []) + schema.get("oneOf", [])
        return [b for alternative in alternatives for b in branches(alternative)] if alternatives else [schema]

    def nullable(schema: dict[str, Any]) -> bool:
        def null(branch: dict[str, Any]) -> bool:
            types = branch.get("type")
            return types == "null" or (isinstance(types, list) and "null" in types)

        return any(null(b) for b in branches(schema))

    def fill(value: Any, schema: dict[str, Any]) -> None:
        for branch in branches(schema):
            properties = branch.get("properties")
            # An object of this branch: one that knows every key the value has.
            if isinstance(value, dict) and properties is not None and value.keys() <= properties.keys():
                for name, prop in properties.items():
                    if name not in value and nullable(prop):
                        value[name] = None
                    elif name in value:
                        fill(value[name], prop)
                in_order = [(name, value[name]) for name in properties if name in value]
                value.clear()
                value.update(in_order)
            elif isinstance(value, dict) and isinstance(branch.get("additionalProperties"), dict):
                for item in value.values():
                    fill(item, branch["additionalProperties"])
            elif isinstance(value, list) and isinstance(branch.get("items"), dict):
                for item in value:
                    fill(item, branch["items"])

    for schema in schemas.values():
        for example in schema.get("examples", []):
            fill(example, schema)
        if isinstance(meanings := schema.get(ENUM_DESCRIPTIONS), dict):
            schema[ENUM_DESCRIPTIONS] = {v: meanings[v] for v in schema.get("enum", []) if v in meanings} | meanings

"""Which problems each operation can answer, as its OpenAPI documents them: per status a response whose
description lists, per problem, its `code` and when this operation gives it, with an example of each
answer. A route names its own (`responses=problems(...)`); what applies to many operations (invalid
input, no token, the database down, the Idempotency-Key, a body's size and time) is added where the
document is made (api/openapi.py, api/idempotency.py, api/limits.py) with `document`.

The codes themselves are written once, on the error classes (services/errors.py and the few beside
the code that raises them); `codes` lists every one for the Problem schema."""

from dataclasses import dataclass
from typing import Any

from api.errors import DATABASE_UNREACHABLE, ENGINE_UNREACHABLE, PROBLEM_JSON, problem_body
from schemas.api import Problem
from schemas.overdracht import Rol
from services import overdrachten, paging, stappen
from services.errors import NotFound, OutcomeUnknown, ServiceError, StepNotAllowed, Unavailable
from services.permissions import PERMISSIONS, Capability, refusal

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_RETRY_AFTER = {
    "description": "Bij `te_veel_verzoeken` en `idempotency_key_in_behandeling`: na zoveel seconden heeft opnieuw"
    " proberen zin.",
    "schema": {"type": "integer", "minimum": 0},
}


@dataclass(frozen=True)
class Documented:
    """One problem an operation can answer: `example` is what it then answers (its class gives the
    status, title and code; its detail and extensions are the body's), `when` says in Dutch when this
    operation gives it. `retry_after`: answered with a Retry-After header."""

    example: ServiceError
    when: str
    retry_after: bool = False


def problems(*documented: Documented) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: every problem it can answer, per status, each with its example."""
    responses: dict[int | str, dict[str, Any]] = {}
    for problem in documented:
        # The model puts the Problem schema in the document's components (api/errors.py moves it to
        # problem+json, beside the examples).
        response = responses.setdefault(problem.example.status, {"model": Problem, "description": ""})
        _add(response, problem)
    return responses


def document(operation: dict[str, Any], *documented: Documented) -> None:
    """Add problems to an operation of the generated document."""
    responses = operation.setdefault("responses", {})
    for problem in documented:
        response = responses.setdefault(str(problem.example.status), {"description": ""})
        response.setdefault("content", {}).setdefault(PROBLEM_JSON, {})["schema"] = dict(PROBLEM_REF)
        _add(response, problem)


def _add(response: dict[str, Any], problem: Documented) -> None:
    error = problem.example
    examples: dict[str, Any] = (
        response.setdefault("content", {}).setdefault(PROBLEM_JSON, {}).setdefault("examples", {})
    )
    value = problem_body(error.status, error.title, error.code, error.detail, **error.extensions)
    add_example(examples, {"summary": problem.when, "value": value})
    response["description"] = describe(examples)
    if problem.retry_after:
        response.setdefault("headers", {})["Retry-After"] = dict(_RETRY_AFTER)


def add_example(examples: dict[str, Any], example: dict[str, Any]) -> None:
    """One more example of a problem response, under its code (…-2, …-3 for a second and third)."""
    if any(other["value"] == example["value"] for other in examples.values()):
        return  # the same problem named twice (a route's own and a shared list)
    code = example["value"]["code"]
    key, n = code, 2
    while key in examples:
        key, n = f"{code}-{n}", n + 1
    examples[key] = example


def describe(examples: dict[str, Any]) -> str:
    """A problem response's description: per example, its code and when it is answered."""
    lines = [f"`{example['value']['code']}`: {example['summary']}" for example in examples.values()]
    return lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines)


def codes() -> list[type[ServiceError]]:
    """Every error class with a code of its own (the first, where two share one), by status and code:
    every code the API answers with. The modules that define them are imported by then (the routes
    and the middleware use them)."""
    found: dict[str, type[ServiceError]] = {}
    pending: list[type[ServiceError]] = [ServiceError]
    while pending:
        cls = pending.pop(0)
        found.setdefault(cls.code, cls)
        pending.extend(cls.__subclasses__())
    return sorted(found.values(), key=lambda cls: (cls.status, cls.code))


# What many operations share


def _roles(roles: list[Rol]) -> str:
    names = [f"`{rol.value}`" for rol in roles]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} en {names[-1]}"


def forbidden(capability: Capability) -> Documented:
    """The 403 of an operation that needs `capability`: who may, and what another role is told."""
    permission = PERMISSIONS[capability]
    allowed = [rol for rol in Rol if rol in permission.roles]
    other = next(rol for rol in Rol if rol not in permission.roles)
    who = f"de rol {_roles(allowed)}" if len(allowed) == 1 else f"de rollen {_roles(allowed)}"
    return Documented(
        refusal(other, capability), f"Alleen voor {who}; met een andere rol kunt u niet {permission.what}."
    )


OVERDRACHT_UNKNOWN = Documented(
    NotFound(overdrachten.NOT_FOUND), "De overdracht bestaat niet, of valt buiten wat u mag zien."
)
DATABASE_DOWN = Documented(
    Unavailable(DATABASE_UNREACHABLE),
    "De database is niet bereikbaar; probeer het zo opnieuw.",
)
ENGINE_DOWN = Documented(
    Unavailable(ENGINE_UNREACHABLE),
    "De workflow-engine is niet bereikbaar of antwoordt niet op tijd; er is niets gewijzigd.",
)


OUTCOME_UNKNOWN = Documented(
    OutcomeUnknown(
        "De stap is doorgegeven, maar de uitkomst is nog niet bekend: de workflow-engine antwoordde niet op tijd."
        " Herhaal het verzoek met dezelfde Idempotency-Key: u krijgt dan de echte uitkomst, en de stap wordt nooit"
        " dubbel gezet. Of kijk in de tijdlijn of hij is gezet.",
        tijdlijn="/v1/overdrachten/7d3c1f0e-5b2a-4c8e-9f1d-2a6b3c4d5e6f/tijdlijn",
    ),
    "De workflow-engine antwoordde niet op tijd: de stap kan zijn gezet. Herhaal het verzoek met dezelfde"
    " Idempotency-Key voor de echte uitkomst.",
)


def not_now(step: str) -> Documented:
    """The 409 of a step (by name, as services/stappen.py names them) taken in a state it cannot be."""
    words, states = stappen.state_rule(step)
    allowed = ", ".join(f"`{state.value}`" for state in states)
    return Documented(
        stappen.refused_in_state(step), f"'{words}' kan alleen in status {allowed}; de overdracht is nu in een andere."
    )


def step(*names: str) -> tuple[Documented, ...]:
    """What every step of an overdracht can answer besides its own: not visible (404), not in a state
    for it or ended (409), the engine away (503) or its answer late (503, repeat with the same key)."""
    return (
        OVERDRACHT_UNKNOWN,
        *(not_now(name) for name in names),
        Documented(
            StepNotAllowed("Deze overdracht is afgesloten; er kan niets meer aan veranderen."),
            "De overdracht is al afgesloten: er kan niets meer aan veranderen.",
        ),
        ENGINE_DOWN,
        OUTCOME_UNKNOWN,
    )


BAD_CURSOR = Documented(
    paging.invalid_cursor(f"{paging.INVALID_CURSOR}."),
    "Een `cursor` die niet de `volgendeCursor` van het vorige antwoord van deze lijst is (met dezelfde sortering).",
)

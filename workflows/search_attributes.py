"""The custom search attributes the workflow keeps current: metadata only, never personal data."""

from collections.abc import Sequence

from temporalio.common import SearchAttributeKey, SearchAttributePair, SearchAttributeUpdate, TypedSearchAttributes

from schemas.overdracht import Status
from schemas.workflow import HandoverInput, HandoverState

STATUS = SearchAttributeKey.for_keyword("OverdrachtStatus")
LOCATIE = SearchAttributeKey.for_keyword("OverdrachtLocatie")
SCHOOL = SearchAttributeKey.for_keyword("OverdrachtSchool")

ALL = (STATUS, LOCATIE, SCHOOL)


def of(state: HandoverState) -> list[SearchAttributeUpdate[str]]:
    """The attributes as `state` sets them."""
    return [
        STATUS.value_set(state.status.value),
        LOCATIE.value_set(str(state.locatie_id)),
        SCHOOL.value_set(str(state.school_id)) if state.school_id else SCHOOL.value_unset(),
    ]


def at_start(input: HandoverInput) -> TypedSearchAttributes:
    """The attributes a run starts with: those of its first state (HandoverWorkflow.__init__), so that
    opening, which changes none of them, need not set them again."""
    pairs = [SearchAttributePair(STATUS, Status.CONCEPT.value), SearchAttributePair(LOCATIE, str(input.locatie_id))]
    if input.school_id:
        pairs.append(SearchAttributePair(SCHOOL, str(input.school_id)))
    return TypedSearchAttributes(pairs)


def changed(
    current: TypedSearchAttributes, updates: Sequence[SearchAttributeUpdate[str]]
) -> list[SearchAttributeUpdate[str]]:
    """The updates that change something: each upsert is a history event and a visibility write."""
    return [u for u in updates if current.get(u.key) != u.value]

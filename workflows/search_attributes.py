"""The custom search attributes the workflow keeps current: metadata only, never personal data."""

from temporalio.common import SearchAttributeKey, SearchAttributeUpdate

from schemas.workflow import HandoverState

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

"""The custom search attributes the workflow keeps current: metadata only, never personal data."""

from temporalio.common import SearchAttributeKey

STATUS = SearchAttributeKey.for_keyword("OverdrachtStatus")
LOCATIE = SearchAttributeKey.for_keyword("OverdrachtLocatie")
SCHOOL = SearchAttributeKey.for_keyword("OverdrachtSchool")

ALL = (STATUS, LOCATIE, SCHOOL)

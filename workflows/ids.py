"""Workflow ids: opaque by construction, never a name or a BSN."""


def workflow_id(overdracht_id: object) -> str:
    return f"overdracht-{overdracht_id}"


def import_id(taak_id: object) -> str:
    """The placements import job's workflow (workflows/imports.py)."""
    return f"import-{taak_id}"

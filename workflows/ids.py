"""Workflow ids: opaque by construction, never a name or a BSN."""


def workflow_id(overdracht_id: object) -> str:
    return f"overdracht-{overdracht_id}"

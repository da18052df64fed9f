"""Temporal activities: the workflow's only way to touch the outside world."""

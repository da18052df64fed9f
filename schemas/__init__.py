"""Pydantic models: the one vocabulary of the API, the workflows and the activities."""

"""The HTTP API of ../shared/API.md: FastAPI routes over the read model and the workflow engine."""

API_VERSION = "1.0.0"

"""The HTTP API (README: The API; the OpenAPI at /v1/openapi.json): FastAPI routes over the read model and the workflow engine."""

API_VERSION = "1.0.0"

"""The component schemas' examples and enum meanings in the document as the models write them
(schemas/openapi.py's `restore`): FastAPI leaves every null out of the document, also out of an example,
and pydantic sorts their keys."""

from typing import Any

from fastapi import FastAPI

from schemas.openapi import restore


def install_schema_examples(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()  # FastAPI caches it: restoring again changes nothing
        restore(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's way to replace openapi()

"""The API reference: the OpenAPI document rendered as a page people can read."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template

from web.api import bp
from web.api.openapi import openapi_document


@dataclass(frozen=True)
class Parameter:
    """One parameter of an operation, in words."""

    name: str
    where: str
    required: bool
    kind: str
    description: str


@dataclass(frozen=True)
class Answer:
    """One possible answer of an operation: its status, meaning and body."""

    status: str
    description: str
    body: str


@dataclass(frozen=True)
class Operation:
    """One method on one path."""

    method: str
    path: str
    operation_id: str
    summary: str
    parameters: tuple[Parameter, ...]
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Field:
    """One property of a schema."""

    name: str
    kind: str
    required: bool
    description: str


@dataclass(frozen=True)
class Schema:
    """One named body the API answers with."""

    name: str
    fields: tuple[Field, ...]


@bp.get("/reference")
def reference() -> str:
    """Every path, parameter, answer and schema of the API; open to all, like openapi.json."""
    document = openapi_document()
    return render_template(
        "api/reference.html",
        info=document["info"],
        base=document["servers"][0]["url"],
        operations=operations(document),
        schemas=schemas(document),
    )


def operations(document: dict) -> list[Operation]:
    """The document's operations, in its order."""
    found = []
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            parameters = [_resolve(document, p) for p in spec.get("parameters", [])]
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    operation_id=spec["operationId"],
                    summary=spec["summary"],
                    parameters=tuple(_parameter(p) for p in parameters),
                    answers=tuple(
                        _answer(document, status, answer)
                        for status, answer in spec["responses"].items()
                    ),
                )
            )
    return found


def schemas(document: dict) -> list[Schema]:
    """The document's named schemas with their properties."""
    return [
        Schema(name, _fields(schema)) for name, schema in document["components"]["schemas"].items()
    ]


def describe(schema: dict) -> str:
    """A schema's type in a few words: 'Cohort', 'list of Apprentice', 'integer, 1 to 100'."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "object")
    if kind == "array":
        text = f"list of {describe(schema.get('items', {}))}"
    elif "enum" in schema:
        text = "one of " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    else:
        text = schema.get("format") and f"{kind} ({schema['format']})" or kind
        if "minimum" in schema or "maximum" in schema:
            text += f", {schema.get('minimum', '…')} to {schema.get('maximum', '…')}"
        if "pattern" in schema and "example" in schema:
            text += f", like {schema['example']}"
    if "default" in schema:
        text += f", default {schema['default']}"
    return text + (" or null" if schema.get("nullable") else "")


def _resolve(document: dict, item: dict) -> dict:
    """`item`, or what its $ref points at inside `document`."""
    if "$ref" not in item:
        return item
    found = document
    for part in item["$ref"].removeprefix("#/").split("/"):
        found = found[part]
    return found


def _parameter(spec: dict) -> Parameter:
    return Parameter(
        spec["name"],
        spec["in"],
        spec.get("required", False),
        describe(spec["schema"]),
        spec.get("description", ""),
    )


def _answer(document: dict, status: str, answer: dict) -> Answer:
    answer = _resolve(document, answer)
    body = answer.get("content", {}).get("application/json", {}).get("schema")
    return Answer(status, answer["description"], describe(body) if body else "")


def _fields(schema: dict) -> tuple[Field, ...]:
    required = set(schema.get("required", []))
    return tuple(
        Field(name, describe(spec), name in required, spec.get("description", ""))
        for name, spec in schema.get("properties", {}).items()
    )

"""The API's reference for people (/api/v1/docs) and the pages of its problem types
(/api/v1/problems/<slug>), rendered on the server from the OpenAPI document itself.

The site's Content-Security-Policy allows no script from elsewhere, so no Swagger UI: the page
lists each operation with its parameters, answers and an example call, then the answers'
schemas and the kinds of error, as plain HTML. Like the API, it is in English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, current_app, render_template
from markupsafe import Markup, escape

from marketplace.api.base import API_KEY, PROBLEMS, Problem, problem_type
from marketplace.page_cache import public_page
from marketplace.urls import public_url

bp = Blueprint("api_reference", __name__, url_prefix="/api/v1")

REF = "#/components/"
CODE_SPAN = re.compile(r"`([^`]+)`")


def code_spans(text: str) -> Markup:
    """`text` escaped, its `words in backquotes` as code (the document's descriptions)."""
    return Markup(CODE_SPAN.sub(r"<code>\1</code>", str(escape(text))))


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str  # "path" or "query"
    required: bool
    type: str
    description: str
    choices: list[str]
    bounds: str


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    content_type: str
    schema: str  # a schema's name (linked), or ""


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    answers: list[Answer]
    example: str  # an absolute address to try, or ""
    token: bool = False  # a personal access token's operation (security: bearerAuth)
    body: Answer | None = None  # what it reads from the request's body, if anything

    @property
    def anchor(self) -> str:
        path = self.path.strip("/").replace("/", "-").replace("{", "").replace("}", "")
        # One path may have several operations (GET and PATCH /api/v1/my/business).
        return "op-" + path + ("" if self.method == "GET" else "-" + self.method.lower())


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class SchemaDoc:
    name: str
    description: str
    properties: list[Property] = field(default_factory=list)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _resolve(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """A `$ref` to a component, followed (once: the document nests no deeper)."""
    ref = item.get("$ref")
    if not isinstance(ref, str) or not ref.startswith(REF):
        return item
    kind, name = ref[len(REF) :].split("/", 1)
    found: dict[str, Any] = document.get("components", {}).get(kind, {}).get(name, {})
    return found


def type_of(schema: dict[str, Any]) -> str:
    """A schema in a few words: "integer or null", "list of ProductSummary"."""
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    if "anyOf" in schema or "oneOf" in schema:
        return " or ".join(type_of(part) for part in schema.get("anyOf") or schema["oneOf"])
    kind = schema.get("type", "any")
    kinds = kind if isinstance(kind, list) else [kind]
    words = []
    for one in kinds:
        if one == "array":
            words.append("list of " + type_of(schema.get("items", {})))
        elif one == "object" and isinstance(schema.get("additionalProperties"), dict):
            words.append("map of " + type_of(schema["additionalProperties"]))
        elif one == "string" and schema.get("format"):
            words.append(f"string ({schema['format']})")
        else:
            words.append(str(one))
    return " or ".join(words)


def _bounds(schema: dict[str, Any]) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"at least {low}"
    if high is not None:
        return f"at most {high}"
    return ""


def _parameter(document: dict[str, Any], raw: dict[str, Any]) -> Parameter:
    item = _resolve(document, raw)
    schema = item.get("schema", {})
    return Parameter(
        name=str(item.get("name", "")),
        where=str(item.get("in", "")),
        required=bool(item.get("required")),
        type=type_of(schema),
        description=str(item.get("description") or schema.get("description") or ""),
        choices=[str(value) for value in schema.get("enum", [])],
        bounds=_bounds(schema),
    )


def _answers(document: dict[str, Any], responses: dict[str, Any]) -> list[Answer]:
    found = []
    for status in sorted(responses, key=lambda code: (code == "default", code)):
        response = _resolve(document, responses[status])
        content: dict[str, Any] = response.get("content", {})
        empty: dict[str, Any] = {}
        content_type, media = next(iter(content.items()), ("", empty))
        schema = media.get("schema", {})
        found.append(
            Answer(
                status=status,
                description=str(response.get("description", "")),
                content_type=content_type,
                schema=type_of(schema) if schema else "",
            )
        )
    return found


def _body(document: dict[str, Any], raw: dict[str, Any] | None) -> Answer | None:
    if not raw:
        return None
    body = _resolve(document, raw)
    content: dict[str, Any] = body.get("content", {})
    empty: dict[str, Any] = {}
    content_type, media = next(iter(content.items()), ("", empty))
    schema = media.get("schema", {})
    return Answer("", str(body.get("description", "")), content_type, type_of(schema))


def operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in document.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in ("get", "post", "put", "patch", "delete"):
            operation = item.get(method)
            if operation is None:
                continue
            example = operation.get("x-example", "")
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=str(operation.get("summary", "")),
                    description=str(operation.get("description", "")),
                    parameters=[
                        _parameter(document, raw)
                        for raw in [*shared, *operation.get("parameters", [])]
                    ],
                    answers=_answers(document, operation.get("responses", {})),
                    example=public_url("main.home").rstrip("/") + example if example else "",
                    token=bool(operation.get("security")),
                    body=_body(document, operation.get("requestBody")),
                )
            )
    return found


def schemas(document: dict[str, Any]) -> list[SchemaDoc]:
    found = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        found.append(
            SchemaDoc(
                name=name,
                description=str(schema.get("description", "")),
                properties=[
                    Property(
                        name=prop,
                        type=type_of(value),
                        required=prop in required,
                        description=str(value.get("description", "")),
                    )
                    for prop, value in schema.get("properties", {}).items()
                ],
            )
        )
    return found


def _document() -> dict[str, Any]:
    spec: dict[str, Any] = current_app.extensions[API_KEY].spec.to_dict()
    return spec


@bp.get("/docs")
@public_page
def docs() -> str:
    document = _document()
    return render_template(
        "api/docs.html",
        info=document.get("info", {}),
        openapi=document.get("openapi", ""),
        operations=operations(document),
        schemas=schemas(document),
        problems=list(PROBLEMS.values()),
        problem_type=problem_type,
        code_spans=code_spans,
        document_url=public_url("api-docs.openapi_json"),
    )


@bp.get("/problems/<slug>")
@public_page
def problem(slug: str) -> str:
    found: Problem | None = PROBLEMS.get(slug)
    if found is None:
        abort(404)
    return render_template("api/problem.html", problem=found, type_url=problem_type(found.slug))

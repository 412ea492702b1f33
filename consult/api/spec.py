"""The OpenAPI 3.1 document, generated with apispec from the API blueprint's routes and marshmallow schemas.

Why apispec + marshmallow (and not flask-smorest or spectree): the same marshmallow schemas check the
requests and become the document's components, while our views, error shape and transaction handling
stay as they are everywhere else; flask-smorest brings its own blueprint, error handler and error format,
spectree needs pydantic and answers validation errors in its own shape.
"""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from consult.api.errors import STATUS_CODES
from consult.api.operations import COMMON_ERRORS, Operation
from consult.api.schemas import MAX_ID, ErrorSchema

API_VERSION = "1.0.0"
_RULE_ARG = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")
_STATUS_TEXT = {200: "OK", 201: "Created", 400: "Bad request (malformed JSON, CSRF)", 401: "No valid token",
                403: "The token lacks the scope", 404: "Not found", 405: "Method not allowed",
                409: "Conflict (window closed, Idempotency-Key reused)", 413: "Request too large",
                422: "Refused: invalid or against a rule (field names it)", 429: "Too many requests",
                500: "Server error", 503: "The search index cannot answer now (retry later)"}


def _path_of(rule: str) -> tuple[str, list[dict]]:
    params = []

    def replace(match):
        name, conv = match.group("name"), match.group("conv")
        schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID} if conv == "int" else \
            {"type": "string", "minLength": 1, "maxLength": 100}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return _RULE_ARG.sub(replace, rule), params


def _error_response(status: int) -> dict:
    return {"description": _STATUS_TEXT.get(status, STATUS_CODES.get(status, "error")),
            "content": {"application/json": {"schema": "Error"}}}


def _operation_dict(op: Operation, path_params: list[dict]) -> dict:
    responses = {str(op.status): {"description": _STATUS_TEXT.get(op.status, "OK"),
                                  "content": {"application/json": {"schema": op.response}}}}
    for status, (schema, description) in op.extra_responses.items():
        responses[str(status)] = {"description": description, "content": {"application/json": {"schema": schema}}}
    for status in sorted({*COMMON_ERRORS, *op.errors}):
        responses[str(status)] = {"$ref": f"#/components/responses/E{status}"}
    parameters = list(path_params)
    if op.query is not None:
        parameters.append({"in": "query", "schema": op.query})
    for name, description, schema in op.headers:
        parameters.append({"name": name, "in": "header", "required": False, "description": description,
                           "schema": schema})
    result = {"summary": op.summary, "tags": [op.tag], "responses": responses, "parameters": parameters,
              "operationId": None}
    if op.description:
        result["description"] = op.description
    if op.body is not None:
        result["requestBody"] = {"required": True, "content": {"application/json": {"schema": op.body}}}
    result["security"] = [{"bearerAuth": []}] if op.auth == "required" else [{}, {"bearerAuth": []}]
    return result


def openapi_document(app: Flask) -> dict:
    """The whole document for this app's API routes (`/api/v1/…`)."""
    spec = APISpec(title="consult API", version=API_VERSION, openapi_version="3.1.0",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Read published drafts, articles and comments; submit comments with the "
                                        "rules of every other channel; staff read every comment and decision. "
                                        "Errors: {\"error\": {\"code\", \"message\", \"field\"}}."},
                   servers=[{"url": "/"}])
    spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": "An API token (cst_…) created by an administrator; scopes: comments:submit, "
                       "staff:comments, staff:decisions. Public reads need no token."})
    spec.components.schema("Error", schema=ErrorSchema)
    for status in sorted({*COMMON_ERRORS, 403, 404, 405, 409, 413, 422, 429, 503}):
        spec.components.response(f"E{status}", _error_response(status))
    by_path: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        op = getattr(view, "api_operation", None)
        if op is None:
            continue
        path, params = _path_of(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            entry = _operation_dict(op, params)
            entry["operationId"] = rule.endpoint.removeprefix("api.")
            by_path.setdefault(path, {})[method.lower()] = entry
    for path, operations in by_path.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def operations_for_page(document: dict) -> list[dict]:
    """Flat rows for templates/api/docs.html: method, path and the operation, in path order."""
    rows = []
    for path, methods in document.get("paths", {}).items():
        for method, op in methods.items():
            rows.append({"method": method.upper(), "path": path, "op": op,
                         "anchor": op.get("operationId") or f"{method}-{path}"})
    return rows

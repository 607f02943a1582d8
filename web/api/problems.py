"""Errors of /api/v1 as JSON `{"error": {"code", "message", "field"}}` with the right status, never HTML.

A definition the service refuses maps to 409 when the field error names the exporter that already writes
the tab (a conflict with another resource), else 422; a malformed JSON body is 400.
"""

from __future__ import annotations

from flask import Response, jsonify, request
from pydantic import ValidationError

from exporters.definition import FieldError
from web.api.schemas import ErrorBody, ErrorDetail

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}
MESSAGES = {
    404: "There is no such resource in this workspace.",
    405: "That method is not allowed on this path.",
    500: "We hit an unexpected error. Nothing was changed; try again in a minute.",
    503: "Sheetbooks cannot reach its job queue right now. Nothing was changed; try again in a few minutes.",
}


class ApiError(Exception):
    """An answer other than success, raised anywhere in a view."""

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        code: str | None = None,
        *,
        details: list[ErrorDetail] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field
        self.code = code or CODES.get(status, "error")
        self.details = details or []
        self.headers = headers or {}


def answer(error: ApiError) -> Response:
    first = ErrorDetail(code=error.code, message=error.message, field=error.field)
    body = ErrorBody(error=first, errors=error.details or [first])
    response = jsonify(body.model_dump(mode="json"))
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def http_answer(status: int, description: str | None = None) -> Response:
    """A werkzeug HTTP error (unknown path, wrong method, too large) as the API's JSON."""
    return answer(ApiError(status, MESSAGES.get(status) or description or "The request was refused."))


def refused(errors: list[FieldError]) -> ApiError:
    """The definition service's field errors: 409 for a tab another exporter writes, else 422."""
    taken = next((e for e in errors if e.exporter_id is not None), None)
    details = [
        ErrorDetail(
            code="tab_taken" if e.exporter_id is not None else "invalid", message=e.message, field=e.field
        )
        for e in errors
    ]
    if taken is not None:
        return ApiError(409, taken.message, taken.field, "tab_taken", details=details)
    return ApiError(422, errors[0].message, errors[0].field, "invalid", details=details)


def from_validation(error: ValidationError) -> Response:
    """pydantic's refusal of a path, query or body, field by field (flask-openapi3's callback)."""
    details = [
        ErrorDetail(
            code="invalid",
            message=f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}",
            field=".".join(str(p) for p in e["loc"]) or None,
        )
        for e in error.errors(include_url=False, include_input=False)
    ]
    if not details:  # pydantic always names one; keep the shape whatever happens
        details = [ErrorDetail(code="invalid", message="The request is not valid.")]
    return answer(ApiError(422, details[0].message, details[0].field, details=details))


def malformed_body() -> ApiError | None:
    """400 when a request's body is not JSON; 422 when a text in it or in the query holds a NUL character,
    which no database column can keep (checked before the body is validated)."""
    if any("\x00" in value for values in request.args.listvalues() for value in values):
        return ApiError(422, "Remove the NUL character (\\u0000) from the query.")
    if request.method not in ("POST", "PATCH", "PUT") or not request.get_data(cache=True):
        return None
    body = request.get_json(silent=True)
    if body is None:
        return ApiError(
            400, "The body is not valid JSON: send a JSON object with Content-Type: application/json."
        )
    where = _nul_in(body, "")
    if where is not None:
        return ApiError(422, f"Remove the NUL character (\\u0000) from {where or 'the body'}.", where or None)
    return None


def _nul_in(value: object, where: str) -> str | None:
    """The dotted path of the first text holding a NUL (in a key or a value); None when there is none."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    pairs = (
        list(value.items())
        if isinstance(value, dict)
        else list(enumerate(value))
        if isinstance(value, list)
        else []
    )
    for key, item in pairs:
        path = f"{where}.{key}" if where else str(key)
        if "\x00" in str(key):
            return path
        found = _nul_in(item, path)
        if found is not None:
            return found
    return None

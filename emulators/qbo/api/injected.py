"""What an injected fault answers: the documented fault for an HTTP status and a QBO error code."""

from __future__ import annotations

from collections.abc import Callable

from emulators.qbo.api import faults
from emulators.qbo.api.faults import Fault, QueryFault

# code -> (its HTTP status, the fault with a default Detail or the admin's)
CODES: dict[str, tuple[int, Callable[[str | None], Fault]]] = {
    "3200": (401, lambda detail: faults.authentication_failed(detail or "Token expired: injected")),
    "3100": (403, lambda detail: faults.authorization_failed()),
    "3001": (429, lambda detail: faults.throttled()),
    "10000": (500, lambda detail: faults.system_fault()),
    "4000": (400, lambda detail: QueryFault.parse(detail or 'Encountered " <IDENTIFIER> "x "" at line 1.')),
    "4001": (400, lambda detail: QueryFault.validation(detail or "Property x not found for Entity y")),
    "4002": (400, lambda detail: QueryFault.processing(detail or "Entity x is not supported for query")),
    "6000": (400, lambda detail: faults.business_error(detail or "injected by the emulator")),
    "610": (400, lambda detail: faults.not_found("Object", detail or "0")),
}
DEFAULT_CODES = {401: "3200", 403: "3100", 429: "3001", 500: "10000", 503: "10000", 200: "10000"}
LOWER_CASE = {"3200", "3100"}
TOKEN_ERRORS = {
    400: {"error_description": "Incorrect or invalid refresh token", "error": "invalid_grant"},
    401: {"error": "invalid_client"},
    429: {"error": "rate_limit_exceeded"},
    503: {"error": "temporarily_unavailable"},
}


def problem(kind: str, status: int | None, code: str | None) -> str | None:
    """Why an admin's (status, code) pair cannot be injected on an endpoint kind, or None."""
    if kind == "token":
        allowed = sorted({*TOKEN_ERRORS, 500})
        ok = code is None and status in (None, *allowed)
        return None if ok else f"token faults take a status of {', '.join(map(str, allowed))} and no code"
    if code is not None and code not in CODES:
        return f"code must be one of {', '.join(CODES)}"
    if status is None:
        return None
    if code is None:
        return None if status in DEFAULT_CODES else "status 400 needs a code: 4000, 4001, 4002, 6000 or 610"
    if status == 200 and code not in LOWER_CASE:
        return None  # "a 200 with a Fault"
    if status == 503 and code == "10000":
        return None
    expected = CODES[code][0]
    return None if status == expected else f"code {code} is answered with status {expected}"


def status_of(status: int | None, code: str | None) -> int | None:
    """The HTTP status of an injection given by status, by code or by both."""
    return status if status is not None or code is None else CODES[code][0]


def api_fault(status: int, code: str | None, detail: str | None = None) -> Fault:
    """The Accounting API fault for an injected status (and code)."""
    code = code or DEFAULT_CODES[status]
    if code == "10000":
        return faults.system_fault(status)
    fault = CODES[code][1](detail)
    fault.status = status
    return fault


def token_error(status: int) -> tuple[int, dict]:
    """The token endpoint's answer for an injected status (other statuses: server_error)."""
    status = 500 if status < 400 else status
    return status, TOKEN_ERRORS.get(status, {"error": "server_error"})

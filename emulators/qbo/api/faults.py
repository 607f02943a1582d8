"""Accounting API faults in the wire shapes of qbo-api.md §4.2 and qbo-samples/fault_*.json."""

from __future__ import annotations

from datetime import datetime

from emulators.qbo.clock import iso_millis

THROTTLE_MESSAGE = "message=ThrottleExceeded; errorCode=003001; statusCode=429"
SYSTEM_DETAIL = "An application error has occurred while processing your request"
BUSINESS_MESSAGE = "A business validation error has occurred while processing your request"


class Fault(Exception):
    """`{"Fault":{"Error":[{"Message","Detail","code"}],"type"},"time"}` with an HTTP status."""

    def __init__(
        self, status: int, code: str, message: str, detail: str | None, kind: str = "ValidationFault"
    ) -> None:
        super().__init__(f"{code} {message}: {detail}")
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.kind = kind
        self.headers: dict[str, str] = {}

    def envelope(self) -> dict:
        """`{"Error":[...],"type"}`: the Fault object alone, as a batch item carries it."""
        error = {"Message": self.message, "Detail": self.detail, "code": self.code}
        return {"Error": [error], "type": self.kind}

    def body(self, now: datetime) -> dict:
        return {"Fault": self.envelope(), "time": iso_millis(now)}


class LowerCaseFault(Fault):
    """The lower-case `fault` envelope of the 401 and 403 answers (qbo-api.md §4.2)."""

    def body(self, now: datetime) -> dict:
        error = {"message": self.message, "detail": self.detail, "code": self.code, "element": None}
        fault = {"fault": {"error": [error], "type": self.kind}}
        if self.status != 401:
            return fault
        return {  # the full envelope of qbo-samples/fault_401_authentication.json, `time` in epoch ms
            "warnings": None,
            "intuitObject": None,
            **fault,
            "report": None,
            "queryResponse": None,
            "batchItemResponse": [],
            "attachableResponse": [],
            "syncErrorResponse": None,
            "requestId": None,
            "time": int(now.timestamp() * 1000),
            "status": None,
            "cdcresponse": [],
        }


class QueryFault(Fault):
    """The query faults 4000 (parse), 4001 (validation) and 4002 (processing)."""

    @classmethod
    def parse(cls, detail: str) -> QueryFault:
        return cls(400, "4000", "Error parsing query", f"QueryParserError: {detail}")

    @classmethod
    def validation(cls, detail: str) -> QueryFault:
        return cls(400, "4001", "Invalid query", f"QueryValidationError: {detail}")

    @classmethod
    def processing(cls, detail: str) -> QueryFault:
        return cls(400, "4002", "Error processing query", f"QueryProcessingError: {detail}")


def authentication_failed(detail: str) -> Fault:
    """401 AuthenticationFailed (3200): a missing, unknown, expired or revoked access token."""
    message = "message=AuthenticationFailed; errorCode=003200; statusCode=401"
    fault = LowerCaseFault(401, "3200", message, detail, "AUTHENTICATION")
    fault.headers["WWW-Authenticate"] = 'Bearer realm="Intuit", error="invalid_token"'
    return fault


def authorization_failed() -> Fault:
    """403 ApplicationAuthorizationFailed (3100): a token of another realm, or a realm gone."""
    message = "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403"
    return LowerCaseFault(403, "3100", message, None, "SERVICE")


def not_found(entity: str, entity_id: str) -> Fault:
    detail = f"Object Not Found : Something you're trying to use has been made inactive. {entity} {entity_id}"
    return Fault(400, "610", "Object Not Found", detail)


def unsupported(method: str, path: str) -> Fault:
    return Fault(400, "500", "Unsupported Operation", f"Operation {method} {path} is not supported.")


def bad_request(detail: str, code: str = "2020") -> Fault:
    return Fault(400, code, "Required param missing, need to supply the required value for the API", detail)


def business_error(detail: str) -> Fault:
    """6000: the ValidationFault QBO answers when a request breaks a business rule."""
    return Fault(400, "6000", BUSINESS_MESSAGE, f"Business Validation Error: {detail}")


def throttled() -> Fault:
    fault = Fault(429, "3001", THROTTLE_MESSAGE, "The request limit was reached.", kind="SERVICE")
    fault.headers["Retry-After"] = "60"
    return fault


def system_fault(status: int = 500) -> Fault:
    """10000 SystemFault: a 500, a 503 ("Service Unavailable") or a 200 that carries it."""
    if status == 503:
        detail = "The service is temporarily unavailable"
        return Fault(503, "10000", "Service Unavailable", detail, "SystemFault")
    return Fault(status, "10000", SYSTEM_DETAIL, SYSTEM_DETAIL, "SystemFault")

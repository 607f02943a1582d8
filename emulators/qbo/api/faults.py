"""Accounting API faults in the wire shapes of qbo-api.md §4.2 and qbo-samples/fault_*.json."""

from __future__ import annotations

import time

THROTTLE_MESSAGE = "message=ThrottleExceeded; errorCode=003001; statusCode=429"
SYSTEM_DETAIL = "An application error has occurred while processing your request"


class Fault(Exception):
    """`{"Fault":{"Error":[{"Message","Detail","code"}],"type"},"time"}` with an HTTP status."""

    def __init__(
        self, status: int, code: str, message: str, detail: str, kind: str = "ValidationFault"
    ) -> None:
        super().__init__(f"{code} {message}: {detail}")
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.kind = kind
        self.headers: dict[str, str] = {}

    def body(self, now: str) -> dict:
        error = {"Message": self.message, "Detail": self.detail, "code": self.code}
        return {"Fault": {"Error": [error], "type": self.kind}, "time": now}


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


def not_found(entity: str, entity_id: str) -> Fault:
    detail = f"Object Not Found : Something you're trying to use has been made inactive. {entity} {entity_id}"
    return Fault(400, "610", "Object Not Found", detail)


def unsupported(method: str, path: str) -> Fault:
    return Fault(400, "500", "Unsupported Operation", f"Operation {method} {path} is not supported.")


def bad_request(detail: str, code: str = "2020") -> Fault:
    return Fault(400, code, "Required param missing, need to supply the required value for the API", detail)


def throttled() -> Fault:
    fault = Fault(429, "3001", THROTTLE_MESSAGE, "The request limit was reached.", kind="SERVICE")
    fault.headers["Retry-After"] = "60"
    return fault


def injected(status: int) -> Fault:
    """The fault an admin asked for: 429, 500, 503, or 200 with a Fault body."""
    if status == 429:
        return throttled()
    if status == 503:
        return Fault(
            503, "10000", "Service Unavailable", "The service is temporarily unavailable", "SystemFault"
        )
    return Fault(status, "10000", SYSTEM_DETAIL, SYSTEM_DETAIL, "SystemFault")


def authentication_body(detail: str) -> dict:
    """The lower-case 401 envelope of qbo-samples/fault_401_authentication.json (`time` in epoch ms)."""
    error = {
        "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
        "detail": detail,
        "code": "3200",
        "element": None,
    }
    return {
        "warnings": None,
        "intuitObject": None,
        "fault": {"error": [error], "type": "AUTHENTICATION"},
        "report": None,
        "queryResponse": None,
        "batchItemResponse": [],
        "attachableResponse": [],
        "syncErrorResponse": None,
        "requestId": None,
        "time": int(time.time() * 1000),
        "status": None,
        "cdcresponse": [],
    }

"""What can go wrong talking to QuickBooks Online; `str(error)` is for the analyst and never holds a token."""

from __future__ import annotations


def _with_tid(message: str, intuit_tid: str | None) -> str:
    return f"{message} (Intuit support id: {intuit_tid})" if intuit_tid else message


def network_failure(exc: BaseException) -> str:
    """A transport failure in words: the exception's text names hosts and ports, its class is jargon."""
    timed_out = "Timeout" in type(exc).__name__  # requests' Timeout, ConnectTimeout, ReadTimeout
    return "the request timed out" if timed_out else "the connection failed"


class QboError(Exception):
    """Base of the qbo package's errors; carries Intuit's `intuit_tid` correlation id when known."""

    def __init__(self, message: str, intuit_tid: str | None = None) -> None:
        super().__init__(_with_tid(message, intuit_tid))
        self.message = message
        self.intuit_tid = intuit_tid


class QboFault(QboError):
    """QuickBooks answered with a Fault (4xx, or 200 carrying a Fault body)."""

    def __init__(
        self,
        code: str,
        message: str,
        detail: str = "",
        element: str = "",
        http_status: int = 400,
        fault_type: str = "",
        intuit_tid: str | None = None,
    ) -> None:
        text = f"QuickBooks refused the request: {message}"
        if detail and detail != message:
            text += f" ({detail})"
        text += f" [code {code}, HTTP {http_status}]"
        super().__init__(text, intuit_tid)
        self.code = code
        self.fault_message = message
        self.detail = detail
        self.element = element
        self.http_status = http_status
        self.fault_type = fault_type


class ReconnectRequired(QboError):
    """Intuit refused the stored grant (invalid_grant, revoked, expired): the analyst must reconnect."""

    def __init__(self, reason: str, intuit_tid: str | None = None) -> None:
        super().__init__(
            f"QuickBooks no longer accepts this company's connection ({reason}). "
            "Reconnect the company under Companies; its exporters resume once it is reconnected.",
            intuit_tid,
        )
        self.reason = reason


class QboConfigError(QboError):
    """Intuit refused our app credentials (invalid_client): an operator must fix the QBO_CLIENT_* settings."""


class QboRateLimited(QboError):
    """QuickBooks kept throttling (HTTP 429) after the bounded retries."""

    def __init__(self, message: str, retry_after: float | None = None, intuit_tid: str | None = None) -> None:
        super().__init__(message, intuit_tid)
        self.retry_after = retry_after


class QboUnavailable(QboError):
    """QuickBooks kept failing with 5xx or timing out after the bounded retries."""


class WriteRefused(QboError):
    """The read-only adapter stopped a request that could change QuickBooks data (a bug, never sent)."""

"""What a message an analyst reads must not show (internal addresses, class names, false promises) and must
show (something to do): shared by the failure-message tests and the chaos suite."""

from __future__ import annotations

import re

ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b|localhost|:\d{2,5}\b|https?://")
CLASS_NAME = re.compile(
    r"\b[A-Z]\w*(?:Error|Exception|Timeout|Unavailable|Required|Failed|Missing)\b|\bErrno\b"
)
ACTION = re.compile(
    r"\b(run (?:it|the exporter) again|retried automatically|reconnect|try again|wait for|share it|pick|"
    r"choose|check|look at|ask)\b",
    re.IGNORECASE,
)


def problems(message: str) -> list[str]:
    """What is wrong with a message an analyst reads (nothing: [])."""
    found = []
    if not message.strip():
        found.append("empty")
    if ADDRESS.search(message):
        found.append("an address")
    if CLASS_NAME.search(message):
        found.append("a class name")
    if "notified" in message or "Traceback" in message:
        found.append("a false promise or a traceback")
    if not ACTION.search(message):
        found.append("nothing to do")
    return found

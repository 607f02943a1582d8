"""Intuit webhook payloads (legacy and CloudEvents) verified and normalised to (id, realm, entity)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

# Intuit's payloads nest 5 deep; a deeper body is refused before json.loads could recurse on it.
MAX_DEPTH = 32
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


@dataclass(frozen=True)
class ChangeEvent:
    id: str
    realm_id: str
    entity: str  # QBO entity name as the API spells it, e.g. "Invoice"


def signature_ok(body: bytes, signature: str | None, verifier: str) -> bool:
    """`intuit-signature` is base64(HMAC-SHA256(verifier, raw body)); no verifier accepts nothing."""
    if not verifier or not signature:
        return False
    expected = base64.b64encode(hmac.new(verifier.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, signature.strip())


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _legacy(payload: dict[str, Any]) -> list[ChangeEvent]:
    events = []
    for notification in _dicts(payload.get("eventNotifications")):
        realm = str(notification.get("realmId", ""))
        change = notification.get("dataChangeEvent")
        for entity in _dicts(change.get("entities") if isinstance(change, dict) else None):
            fields = [realm, *(str(entity.get(k, "")) for k in ("name", "id", "operation", "lastUpdated"))]
            derived = "legacy-" + hashlib.sha256("|".join(fields).encode()).hexdigest()[:40]
            events.append(ChangeEvent(derived, realm, str(entity.get("name", ""))))
    return events


def _cloud_event(event: dict[str, Any]) -> ChangeEvent | None:
    kind = str(event.get("type", ""))  # qbo.<entity>.<action>.v1
    parts = kind.split(".")
    if len(parts) < 3 or not event.get("id"):
        return None
    return ChangeEvent(str(event["id"])[:200], str(event.get("intuitaccountid", "")), parts[1])


def nesting_depth(body: bytes) -> int:
    """How deep the JSON arrays and objects of `body` nest (brackets inside strings do not count)."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def parse(body: bytes) -> list[ChangeEvent]:
    """Every change event in a delivery; malformed parts are skipped (Intuit must still get a 200)."""
    if nesting_depth(body) > MAX_DEPTH:
        return []
    try:
        payload: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return []
    if isinstance(payload, dict):
        return [e for e in _legacy(payload) if e.realm_id]
    if isinstance(payload, list):
        events = (_cloud_event(item) for item in _dicts(payload))
        return [e for e in events if e is not None and e.realm_id]
    return []

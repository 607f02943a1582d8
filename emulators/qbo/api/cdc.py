"""Change Data Capture: changed and deleted objects since a time, 30-day window, 1000-object cap."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from emulators.qbo.api.faults import Fault
from emulators.qbo.api.values import as_datetime, typed
from emulators.qbo.company import ENTITIES, Company

MAX_OBJECTS = 1000
WINDOW = timedelta(days=30)
UNSUPPORTED = {"journalcode", "timeactivity", "taxagency", "taxcode", "taxrate"}


def _since(text: str, company: Company):
    kind, value = typed(text) if text else ("text", None)
    if kind == "date":
        value = as_datetime(f"{text}T00:00:00")
    elif kind != "datetime":
        raise Fault(
            400,
            "2020",
            "Required param missing, need to supply the required value for the API",
            "Required parameter changedSince is missing or not a date/dateTime",
        )
    if value < company.clock.datetime() - WINDOW:  # type: ignore[operator]
        detail = (
            f"Operation cdc with changedSince date {text} which is older than fixed days is not supported."
        )
        raise Fault(400, "4001", "Invalid query", detail)
    return value


def _entities(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise Fault(
            400,
            "2020",
            "Required param missing, need to supply the required value for the API",
            "Required parameter entities is missing",
        )
    known = {entity.lower(): entity for entity in ENTITIES}
    resolved = []
    for name in names:
        if name.lower() in UNSUPPORTED or name.lower() not in known:
            raise Fault(400, "4002", "Error processing query", f"CDC is not supported for entity {name}")
        resolved.append(known[name.lower()])
    return resolved


def changes(company: Company, args: Mapping[str, str]) -> list[dict]:
    """The CDCResponse QueryResponse list: one group per entity with changes, `[{}]` when none."""
    since = _since(args.get("changedSince", ""), company)
    remaining = MAX_OBJECTS
    groups = []
    for entity in _entities(args.get("entities", "")):
        picked = []
        for rows in (company.entities(entity), company.deleted(entity)):
            changed = [
                (stamp, row)
                for row in rows
                if (stamp := typed(row["MetaData"]["LastUpdatedTime"])[1]) >= since
            ]
            changed.sort(key=lambda pair: pair[0])
            picked.extend(row for _, row in changed)
        picked = picked[:remaining]
        remaining -= len(picked)
        if picked:
            groups.append(
                {
                    entity: company.encoded(entity, picked),
                    "startPosition": 1,
                    "maxResults": len(picked),
                    "totalCount": len(picked),
                }
            )
    return groups or [{}]

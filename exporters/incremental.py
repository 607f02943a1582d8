"""Incremental pulls: what changed since the watermark (query on LastUpdatedTime) and what was deleted (CDC).

A watermark is kept per exporter x company x entity. A pull asks for objects updated at or after the
watermark minus a 5-minute overlap, ordered by LastUpdatedTime, deduplicated by Id; deletions come from
/cdc, which only looks back 30 days: with no watermark, or one older than that, the pull is a full one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from sqlmodel import Session, select

from exporters.columns import to_datetime
from exporters.sources.base import IncrementalSource, RunContext
from exporters.sources.query import query_params
from qbo.client import JsonObject, QboClient
from qbo.paging import ByUpdatedTime
from store.documents import ExporterOptions
from store.models import Watermark

OVERLAP = timedelta(minutes=5)
CDC_WINDOW = timedelta(days=30)
CDC_CAP = 1000  # objects per CDC answer; at the cap the answer may be incomplete


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def updated_at(record: JsonObject) -> datetime | None:
    return _aware(to_datetime((record.get("MetaData") or {}).get("LastUpdatedTime")))


def created_at(record: JsonObject) -> datetime | None:
    return _aware(to_datetime((record.get("MetaData") or {}).get("CreateTime")))


def since(
    watermark: Watermark | None, now: datetime, daily: bool = False, zone: tzinfo = UTC
) -> datetime | None:
    """Where an incremental pull starts; None means a full pull is needed (no watermark, one older than
    CDC's window, or `daily` rows whose last full pull was on another day in the exporter's time zone)."""
    last = _aware(watermark.last_updated_time) if watermark else None
    if last is None or now - last >= CDC_WINDOW - OVERLAP:
        return None
    full = _aware(watermark.last_full_pull_at) if watermark else None
    if daily and (full is None or full.astimezone(zone).date() != now.astimezone(zone).date()):
        return None
    return last - OVERLAP


def load(session: Session, exporter_id: int, company_id: int, entity: str) -> Watermark | None:
    return session.get(Watermark, (exporter_id, company_id, entity))


def save(
    session: Session, exporter_id: int, company_id: int, entity: str, high: datetime | None, full: bool
) -> None:
    """Move the watermark to the newest LastUpdatedTime seen (never backwards)."""
    mark = load(session, exporter_id, company_id, entity) or Watermark(
        exporter_id=exporter_id, company_id=company_id, entity=entity
    )
    old = _aware(mark.last_updated_time)
    if high is not None and (old is None or high > old):
        mark.last_updated_time = high
    now = datetime.now(UTC)
    if full:
        mark.last_full_pull_at = now
    mark.updated_at = now
    session.add(mark)


def forget(session: Session, exporter_id: int, company_id: int) -> None:
    """Drop the company's watermarks of this exporter: its next pull is a full one."""
    for mark in session.exec(
        select(Watermark).where(Watermark.exporter_id == exporter_id, Watermark.company_id == company_id)
    ).all():
        session.delete(mark)


@dataclass
class HighWater:
    """Follows the newest LastUpdatedTime of the records streamed through it."""

    high: datetime | None = None

    def track(self, records: Iterable[JsonObject]) -> Iterator[JsonObject]:
        for record in records:
            moment = updated_at(record)
            if moment is not None and (self.high is None or moment > self.high):
                self.high = moment
            yield record


@dataclass
class Changes:
    """One company's changes since the watermark."""

    records: list[JsonObject] = field(default_factory=list)
    deleted_ids: list[str] = field(default_factory=list)
    left_filter_ids: list[str] = field(default_factory=list)  # changed so they no longer match the filters
    added: int = 0
    changed: int = 0
    rechecked: int = 0  # updated before the watermark: re-read because of the overlap
    complete: bool = True  # False: CDC hit its cap, a full pull is needed
    high: datetime | None = None


def dedupe(records: Iterable[JsonObject]) -> list[JsonObject]:
    """Latest version of each Id (paging by LastUpdatedTime can show a moving object twice)."""
    latest: dict[str, JsonObject] = {}
    for record in records:
        latest.pop(str(record.get("Id")), None)
        latest[str(record.get("Id"))] = record
    return list(latest.values())


def pull(
    client: QboClient,
    source: IncrementalSource,
    options: ExporterOptions,
    run: RunContext,
    start: datetime,
    keys: Sequence[str] | None = None,
) -> Changes:
    """Objects updated since `start` (one query, paged by time) and deletions since then (one CDC call)."""
    since = start.isoformat(timespec="seconds")
    filters = source.where(options, run)
    water = HighWater()
    found = client.query(source.entity, filters, paging=ByUpdatedTime(since), params=query_params(keys))
    records = dedupe(water.track(found))
    left: list[str] = []
    if filters:  # one more query: objects changed so that they left the filters leave the sheet too
        matching = {str(r.get("Id")) for r in records}
        changed = water.track(client.query(source.entity, paging=ByUpdatedTime(since)))
        left = list(dict.fromkeys(str(o.get("Id")) for o in changed if str(o.get("Id")) not in matching))
    cdc = client.cdc([source.entity], start).get(source.entity, [])
    deleted = [str(o.get("Id")) for o in cdc if o.get("status") == "Deleted"]
    changes = Changes(records, deleted, left, high=water.high, complete=len(cdc) < CDC_CAP)
    # The watermark (what the previous pull saw), to QBO's whole seconds: an update in that same second may
    # have come after the previous query, so it counts as a change.
    seen_until = (start + OVERLAP).replace(microsecond=0)
    for record in records:
        updated, created = updated_at(record), created_at(record)
        if updated is not None and updated < seen_until:
            changes.rechecked += 1  # re-read inside the overlap, written again, not counted as a change
        elif created is not None and created >= seen_until:
            changes.added += 1
        else:
            changes.changed += 1
    run.fetched(len(records), len(records))
    return changes

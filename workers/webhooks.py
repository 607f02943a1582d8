"""Intuit webhook deliveries, processed off the request: dedupe events, queue runs of what they affect.

The web route only checks the signature and the nesting, then `submit_delivery` puts the raw body on
the queue; `process_delivery` (the job) does the rest, so a delivery of 20,000 events is acknowledged
at once and Intuit never times out waiting for it.
"""

from __future__ import annotations

import logging

from rq.job import Job
from sqlmodel import Session, col, delete, select

from exporters.catalog import UnknownSource, get_source
from qbo.webhooks import ChangeEvent, parse
from store.db import session_scope
from store.models import Company, Exporter, ExporterCompany, RunTrigger, WebhookEvent
from workers.enqueue import enqueue_run
from workers.queue import get_queue

log = logging.getLogger(__name__)

JOB_TIMEOUT_SECONDS = 30 * 60


def submit_delivery(body: bytes) -> Job:
    """Queue the processing of one verified delivery (its raw body)."""
    return get_queue().enqueue(
        "workers.jobs.process_webhook",
        body,
        job_timeout=JOB_TIMEOUT_SECONDS,
        result_ttl=24 * 60 * 60,
        failure_ttl=7 * 24 * 60 * 60,
        description="intuit webhook delivery",
    )


def _new_events(session: Session, events: list[ChangeEvent]) -> list[ChangeEvent]:
    """The events not seen before (Intuit retries whole batches), remembered from now on."""
    ids = list({e.id for e in events})
    seen = set(session.exec(select(WebhookEvent.id).where(col(WebhookEvent.id).in_(ids))).all())
    fresh: dict[str, ChangeEvent] = {}
    for event in events:
        if event.id not in seen and event.id not in fresh:
            fresh[event.id] = event
            session.add(WebhookEvent(id=event.id, realm_id=event.realm_id))
    session.commit()  # before enqueueing: enqueue_run writes runs in its own transaction
    return list(fresh.values())


def _reads(exporter: Exporter, entities: set[str]) -> bool:
    """Entity sources refresh when their entity changes; reports when anything changes."""
    try:
        source = get_source(exporter.source)
    except UnknownSource:
        return False
    entity = getattr(source, "entity", None)
    return entity is None or entity.lower() in entities


def _affected(session: Session, realm_id: str, entities: set[str]) -> list[Exporter]:
    """Enabled exporters whose owner asked to refresh on QuickBooks changes, in any workspace, reading a
    company of this realm and one of these entities."""
    statement = (
        select(Exporter)
        .join(ExporterCompany, col(ExporterCompany.exporter_id) == col(Exporter.id))
        .join(Company, col(Company.id) == col(ExporterCompany.company_id))
        .where(Company.realm_id == realm_id, col(Exporter.enabled).is_(True))
        .where(col(Company.workspace_id) == col(Exporter.workspace_id))
    )
    unique = {e.id: e for e in session.exec(statement).all()}
    return [e for e in unique.values() if e.options.refresh_on_changes and _reads(e, entities)]


def _enqueue(session: Session, by_realm: dict[str, set[str]]) -> int:
    queued = 0
    for realm_id, entities in by_realm.items():
        for exporter in _affected(session, realm_id, entities):
            assert exporter.id is not None
            # busy: one follow-up run after the current one, so the change is not dropped
            if (
                enqueue_run(exporter.id, exporter.workspace_id, RunTrigger.WEBHOOK, follow_up=True)
                is not None
            ):
                queued += 1
    return queued


def _forget(session: Session, events: list[ChangeEvent]) -> None:
    session.rollback()
    session.exec(delete(WebhookEvent).where(col(WebhookEvent.id).in_([e.id for e in events])))
    session.commit()


def process_delivery(body: bytes) -> dict[str, int]:
    """What one delivery changes: its new events remembered, a run queued per affected exporter."""
    with session_scope() as session:
        fresh = _new_events(session, parse(body))
        by_realm: dict[str, set[str]] = {}
        for event in fresh:
            by_realm.setdefault(event.realm_id, set()).add(event.entity.lower())
        try:
            queued = _enqueue(session, by_realm)
        except Exception:
            _forget(session, fresh)  # so the job's retry (or Intuit's) is not dropped as a duplicate
            raise
    log.info("intuit webhook: %d new events, %d runs queued", len(fresh), queued)
    return {"received": len(fresh), "queued": queued}

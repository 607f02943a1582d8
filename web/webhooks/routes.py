"""`POST /webhooks/intuit`: signed change events trigger debounced runs of the exporters they affect."""

from __future__ import annotations

import logging

from flask import request
from sqlmodel import Session, col, delete, select

from exporters.catalog import UnknownSource, get_source
from store.models import Company, Exporter, ExporterCompany, RunTrigger, WebhookEvent
from store.settings import get_settings
from web.database import get_session
from web.extensions import csrf
from web.webhooks import bp
from web.webhooks.events import ChangeEvent, parse, signature_ok
from workers.enqueue import enqueue_run

log = logging.getLogger(__name__)


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
    """Enabled exporters, in any workspace, reading a company of this realm and one of these entities."""
    statement = (
        select(Exporter)
        .join(ExporterCompany, col(ExporterCompany.exporter_id) == col(Exporter.id))
        .join(Company, col(Company.id) == col(ExporterCompany.company_id))
        .where(Company.realm_id == realm_id, col(Exporter.enabled).is_(True))
        .where(col(Company.workspace_id) == col(Exporter.workspace_id))
    )
    unique = {e.id: e for e in session.exec(statement).all()}
    return [e for e in unique.values() if _reads(e, entities)]


def _enqueue(session: Session, by_realm: dict[str, set[str]]) -> int:
    queued = 0
    for realm_id, entities in by_realm.items():
        for exporter in _affected(session, realm_id, entities):
            if enqueue_run(exporter.id, exporter.workspace_id, RunTrigger.WEBHOOK) is not None:
                queued += 1
    return queued


def _forget(session: Session, events: list[ChangeEvent]) -> None:
    session.rollback()
    session.exec(delete(WebhookEvent).where(col(WebhookEvent.id).in_([e.id for e in events])))
    session.commit()


@bp.post("/intuit")
@csrf.exempt
def intuit() -> tuple[dict, int]:
    body = request.get_data(cache=False)
    if not signature_ok(body, request.headers.get("intuit-signature"), get_settings().qbo_webhook_verifier):
        return {"error": "bad signature"}, 401
    session = get_session()
    fresh = _new_events(session, parse(body))
    by_realm: dict[str, set[str]] = {}
    for event in fresh:
        by_realm.setdefault(event.realm_id, set()).add(event.entity.lower())
    try:
        queued = _enqueue(session, by_realm)
    except Exception:
        _forget(session, fresh)  # so Intuit's retry of this delivery is not dropped as a duplicate
        raise
    log.info("intuit webhook: %d new events, %d runs queued", len(fresh), queued)
    return {"received": len(fresh), "queued": queued}, 200

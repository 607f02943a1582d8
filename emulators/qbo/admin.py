"""The admin API under /_emulator/: companies, entities, clock, faults, traffic, grants, webhooks."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, jsonify, request

from emulators.qbo.api import injected
from emulators.qbo.app_context import emulator
from emulators.qbo.company import ENTITIES
from emulators.qbo.traffic import KINDS, FaultRule

bp = Blueprint("admin", __name__, url_prefix="/_emulator")


def _error(message: str, status: int = 400) -> tuple[Response, int]:
    return jsonify({"error": message}), status


@bp.post("/companies")
def create_company() -> tuple[Response, int]:
    spec = request.get_json(silent=True) or {}
    company = emulator().add_company(spec, spec.get("user", "analyst@example.com"))
    return jsonify({"realmId": company.realm_id, **company.summary()}), 201


@bp.get("/companies")
def list_companies() -> Response:
    return jsonify({"companies": [company.summary() for company in emulator().companies.values()]})


def _company_entity(realm: str, entity: str):
    company = emulator().companies.get(realm)
    if company is None:
        return None, _error(f"no company {realm}", 404)
    if entity not in ENTITIES:
        return None, _error(f"unknown entity {entity}", 404)
    return company, None


@bp.get("/companies/<realm>/entities/<entity>")
def list_entities(realm: str, entity: str) -> Response | tuple[Response, int]:
    company, error = _company_entity(realm, entity)
    if error:
        return error
    return jsonify({entity: company.entities(entity), "deleted": company.deleted(entity)})


@bp.post("/companies/<realm>/entities/<entity>")
def create_entity(realm: str, entity: str) -> tuple[Response, int]:
    company, error = _company_entity(realm, entity)
    if error:
        return error
    return jsonify({entity: company.create(entity, request.get_json(force=True))}), 201


@bp.post("/companies/<realm>/entities/<entity>/<entity_id>")
def update_entity(realm: str, entity: str, entity_id: str) -> Response | tuple[Response, int]:
    company, error = _company_entity(realm, entity)
    if error:
        return error
    row = company.update(entity, entity_id, request.get_json(force=True))
    return jsonify({entity: row}) if row else _error(f"no {entity} {entity_id}", 404)


@bp.delete("/companies/<realm>/entities/<entity>/<entity_id>")
def delete_entity(realm: str, entity: str, entity_id: str) -> Response | tuple[Response, int]:
    company, error = _company_entity(realm, entity)
    if error:
        return error
    stub = company.delete(entity, entity_id)
    return jsonify(stub) if stub else _error(f"no {entity} {entity_id}", 404)


@bp.post("/companies/<realm>/entities/<entity>/bulk")
def bulk_change(realm: str, entity: str) -> Response | tuple[Response, int]:
    """Many admin edits in one call: `{"update": [ids], "patch": {...}, "delete": [ids]}`.

    Every id is checked first, so an unknown one changes nothing; each change then goes through
    the same update/delete as a single call (CDC, SyncToken, webhooks, persistence).
    """
    company, error = _company_entity(realm, entity)
    if error:
        return error
    body = request.get_json(force=True)
    updates, deletes = [str(i) for i in body.get("update", [])], [str(i) for i in body.get("delete", [])]
    patch = body.get("patch") or {}
    if updates and not patch:
        return _error("update needs a patch")
    unknown = [i for i in dict.fromkeys(updates + deletes) if company.get(entity, i) is None]
    if unknown:
        return _error(f"no {entity} {', '.join(unknown)}", 404)
    for entity_id in updates:
        company.update(entity, entity_id, patch)
    deleted = sum(company.delete(entity, entity_id) is not None for entity_id in deletes)
    return jsonify({"updated": len(updates), "deleted": deleted})


@bp.get("/clock")
def clock() -> Response:
    state = emulator()
    return jsonify(
        {"now": state.clock.datetime().isoformat(), "epoch": state.clock.now(), "offset": state.clock.offset}
    )


@bp.post("/clock/advance")
def advance_clock() -> Response:
    emulator().advance_clock(float((request.get_json(silent=True) or {}).get("seconds", 0)))
    return clock()


def _realm(values: Mapping) -> str | None:
    """The realm an admin call is about: `realmId` (Intuit's spelling), or `realm` for short."""
    realm = values.get("realmId", values.get("realm"))
    return None if realm in (None, "") else str(realm)


def _fault_rule(body: dict) -> FaultRule | str:
    """The rule an admin asked for, or why it cannot be injected."""
    kind = body.get("kind", "any")
    if kind not in KINDS:
        return f"kind must be one of {', '.join(KINDS)}"
    try:
        status = None if body.get("status") is None else int(body["status"])
        count = None if body.get("count") is None else int(body["count"])
        rate = None if body.get("rate") is None else float(body["rate"])
        latency = int(body.get("latency_ms", 0))
    except (TypeError, ValueError):
        return "status, count, rate and latency_ms must be numbers"
    code = None if body.get("code") is None else str(body["code"])
    problem = injected.problem(kind, status, code)
    if problem:
        return problem
    if (status is not None or code is not None) and count is None and rate is None:
        count = 1
    return FaultRule(
        kind,
        status,
        count,
        rate,
        latency,
        realm=_realm(body),
        code=code,
        detail=body.get("detail"),
        path=body.get("path"),
    )


@bp.route("/faults", methods=["GET", "POST"])
def faults() -> Response | tuple[Response, int]:
    """GET: the rules in force; POST: add one (see README.md)."""
    if request.method == "POST":
        rule = _fault_rule(request.get_json(silent=True) or {})
        if isinstance(rule, str):
            return _error(rule)
        emulator().faults.add(rule)
    return jsonify({"faults": emulator().faults.snapshot()})


@bp.delete("/faults")
def clear_faults() -> Response:
    """Clear every rule, or with `?realmId=` only that realm's."""
    emulator().faults.clear(_realm(request.args))
    return jsonify({"faults": emulator().faults.snapshot()})


@bp.get("/requests")
def requests_seen() -> Response:
    return jsonify(emulator().traffic.snapshot(_realm(request.args)))


@bp.post("/requests/reset")
def reset_requests() -> Response:
    emulator().traffic.reset()
    return jsonify({"ok": True})


@bp.get("/grants")
def grants() -> Response:
    """Every grant, or with `?realmId=` those of one realm."""
    realm = _realm(request.args)
    grants = emulator().grants.grants.values()
    return jsonify({"grants": [g.summary() for g in grants if realm in (None, g.realm_id)]})


@bp.post("/grants/<realm>/revoke")
def revoke_realm(realm: str) -> Response:
    return jsonify({"revoked": emulator().grants.revoke_realm(realm)})


@bp.route("/webhooks", methods=["GET", "POST"])
def webhooks() -> Response:
    """GET: deliveries so far; POST {"url", "format", "verifier"}: change the webhook settings."""
    sender = emulator().webhooks
    if request.method == "POST":
        body = request.get_json(silent=True) or {}
        sender.url = body.get("url", sender.url)
        sender.format = body.get("format", sender.format)
        sender.verifier = body.get("verifier", sender.verifier)
    return jsonify({"url": sender.url, "format": sender.format, "deliveries": sender.deliveries})

"""Accounting API routes: query, batch, read by id, CompanyInfo, Preferences, CDC, reports, and refusals."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

import orjson
from flask import Blueprint, Response, g, request

from emulators.qbo.api import batch as batches
from emulators.qbo.api import faults, injected
from emulators.qbo.api.cdc import changes
from emulators.qbo.api.faults import Fault
from emulators.qbo.api.query import parse
from emulators.qbo.api.search import run
from emulators.qbo.app_context import emulator, kind, now_text
from emulators.qbo.company import ENTITIES, Company
from emulators.qbo.reports import ReportParamError, build_report

bp = Blueprint("api", __name__, url_prefix="/v3/company/<realm>")
READABLE = {entity.lower(): entity for entity in ENTITIES}
QBO_HEADERS = {"QBO-Version": "1997.166", "Strict-Transport-Security": "max-age=15552000"}


def json_response(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    """Compact UTF-8 JSON, as Intuit's own answers are (`qbo-samples/fault_400_*.json`): whitespace and
    `\\u` escapes are not part of the contract; orjson encodes a 1,000-invoice page ~5x faster than json
    (keys that are not strings become strings, as json.dumps makes them)."""
    response = Response(
        orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS), status, mimetype="application/json"
    )
    response.headers.update({**QBO_HEADERS, **(headers or {})})
    return response


def fault_response(fault: Fault) -> Response:
    return json_response(fault.body(emulator().clock.datetime()), fault.status, fault.headers)


def _authenticate(realm: str) -> None:
    """Raise 401 (lower-case envelope) for a missing, unknown, expired or revoked token; 403 for a
    token of another realm."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    grant = emulator().grants.by_access_token(token, emulator().clock.now()) if token else None
    if grant is None:
        raise faults.authentication_failed(
            f"Token expired: {token[:50]}" if token else "Authorization header missing"
        )
    if grant.realm_id != realm or realm not in emulator().companies:
        raise faults.authorization_failed()


def _inject(endpoint_kind: str, realm: str) -> None:
    """Sleep the injected latency and raise the injected fault, if any applies to this request."""
    rule, latency = emulator().faults.pick(endpoint_kind, realm, request.path)
    if latency:
        time.sleep(latency / 1000)
    if rule is not None:
        raise injected.api_fault(injected.status_of(rule.status, rule.code), rule.code, rule.detail)


def accounting(endpoint_kind: str) -> Callable:
    """Count, limit, fault-inject and authenticate an API request, then call the handler with the company."""

    def decorate(handler: Callable[..., dict]) -> Callable[..., Response]:
        @wraps(handler)
        def wrapper(realm: str, **kwargs: str) -> Response:
            state = emulator()
            kind(endpoint_kind, realm)
            if not state.limiter.enter(realm, state.clock.now()):
                return fault_response(faults.throttled())
            try:
                _inject(endpoint_kind, realm)
                _authenticate(realm)
                return _body_response(handler(state.companies[realm], **kwargs))
            except Fault as fault:
                return fault_response(fault)
            finally:
                state.limiter.leave(realm)

        return wrapper

    return decorate


def _body_response(body: dict) -> Response:
    return json_response(body if "Header" in body and "Rows" in body else {**body, "time": now_text()})


@bp.route("/query", methods=["GET", "POST"])
@accounting("query")
def query(company: Company) -> dict:
    statement = request.args.get("query") if request.method == "GET" else request.get_data(as_text=True)
    if not statement:
        raise faults.QueryFault.parse('Encountered "<EOF>" at line 1, column 1.')
    return {"QueryResponse": run(company, parse(statement))}


@bp.post("/batch")
@accounting("batch")
def batch(company: Company) -> dict:
    """Counted in the 500/minute budget like any call, and in the per-realm batch budget (429 past it)."""
    state = emulator()
    if not state.batch_limiter.enter(company.realm_id, state.clock.now()):
        raise faults.throttled()
    state.batch_limiter.leave(company.realm_id)
    return batches.answer(company, request.get_json(silent=True, force=True), request.path)


@bp.get("/companyinfo/<entity_id>")
@accounting("read")
def company_info(company: Company, entity_id: str) -> dict:
    return {"CompanyInfo": company.company_info()}


@bp.get("/preferences")
@accounting("read")
def preferences(company: Company) -> dict:
    return {"Preferences": company.preferences()}


@bp.get("/cdc")
@accounting("cdc")
def cdc(company: Company) -> dict:
    return {"CDCResponse": [{"QueryResponse": changes(company, request.args)}]}


@bp.get("/reports/<name>")
@accounting("report")
def report(company: Company, name: str) -> dict:
    try:
        return build_report(name, request.args.to_dict(), company)
    except ReportParamError as error:
        raise Fault(400, "2030", "Invalid report parameter", str(error)) from error


@bp.get("/<entity>/<entity_id>")
@accounting("read")
def read(company: Company, entity: str, entity_id: str) -> dict:
    name = READABLE.get(entity.lower())
    if name is None:
        raise faults.unsupported(request.method, request.path)
    row = company.get(name, entity_id)
    if row is None:
        raise faults.not_found(name, entity_id)
    return {name: company.encoded(name, [row])[0]}


def unsupported(path: str = "") -> Response:
    """Any other method or path under /v3: a 400 "Unsupported Operation" fault, counted as a write attempt."""
    parts = request.path.split("/")
    realm = parts[3] if len(parts) > 3 and parts[2] == "company" else "_unknown"
    g.kind = "unsupported"
    emulator().traffic.record(realm, "unsupported", request.method, request.full_path.rstrip("?"))
    return fault_response(faults.unsupported(request.method, request.path))

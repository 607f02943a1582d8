"""The read-only QuickBooks Online Accounting client: queries with paging, reads, reports, CDC."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
import requests

from qbo.errors import QboError, QboFault, QboRateLimited, QboUnavailable, network_failure
from qbo.paging import ByPosition, Paging, Row
from qbo.readonly import read_only
from qbo.statements import select
from store.settings import Settings, get_settings

log = logging.getLogger(__name__)

MINOR_VERSION = "75"
MAX_PAGE = 1000
RETRY_STATUSES = frozenset({500, 502, 503, 504})
THROTTLE_WAIT = 60.0  # Intuit: wait 60 s after a 429 (qbo-api.md §4.2)
BODY_READ = 1 << 20  # bytes asked of the connection at a time while reading an answer

JsonObject = dict[str, Any]


class AccessTokens(Protocol):
    """What the client needs from token management (qbo.tokens.TokenManager)."""

    def access_token(self) -> str: ...

    def force_refresh(self, stale_access_token: str) -> str: ...


class Budget(Protocol):
    """A request budget shared with every other process (qbo.ratelimit.RealmBudget)."""

    def slot(self, max_wait: float, sleep: Callable[[float], None]) -> AbstractContextManager[float]: ...


def _fault(body: Any, http_status: int, intuit_tid: str | None) -> QboFault | None:
    """The first error of a Fault envelope (`Fault` or the lower-case 401 `fault`), else None."""
    if not isinstance(body, dict):
        return None
    fault = body.get("Fault") or body.get("fault")
    if not isinstance(fault, dict):
        return None
    errors = fault.get("Error") or fault.get("error") or [{}]
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    return QboFault(
        code=str(first.get("code") or ""),
        message=str(first.get("Message") or first.get("message") or "unknown fault"),
        detail=str(first.get("Detail") or first.get("detail") or ""),
        element=str(first.get("element") or ""),
        http_status=http_status,
        fault_type=str(fault.get("type") or ""),
        intuit_tid=intuit_tid,
    )


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def settled(session: requests.Session, url: str) -> requests.Session:
    """`session` with the environment's settings for `url` (proxies, CA bundle) looked up now, once.

    Otherwise requests looks them up at every request: each variable of the environment scanned twice and
    ~/.netrc looked for (file-system calls, each one giving the GIL away while the run's converting threads
    hold it): ~4 ms of every page's request on a quiet machine, ~20 ms on a busy one. Every request of a
    client goes to one host, so the proxies found for it hold for all; ~/.netrc has nothing to add to a
    request carrying its own Authorization header."""
    found = session.merge_environment_settings(url, {}, None, None, None)
    session.proxies.update(found["proxies"])
    session.verify = found["verify"]
    session.trust_env = False
    return session


def read_body(response: requests.Response) -> None:
    """Read a streamed response's whole body now, in reads of `BODY_READ`: requests' own `.content`
    reads 10 KB at a time, ~180 reads of a 1.8 MB page of invoices, each giving up the GIL and waiting to
    get it back from the run's converting threads (~5 ms of CPU a page on its own). `.content` then
    gives the bytes read, as requests' own reading leaves them."""
    response._content = b"".join(response.iter_content(BODY_READ))


def _json(response: requests.Response) -> Any:
    """The response's JSON (orjson: a 2 MB page of 1,000 invoices in 14 ms, stdlib json 23 ms); None when
    the body is not JSON."""
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None


class QboClient:
    """One company's Accounting API; every request goes through `request()` and is counted in `calls`."""

    def __init__(
        self,
        realm_id: str,
        tokens: AccessTokens,
        settings: Settings | None = None,
        session: requests.Session | None = None,
        *,
        max_wait_seconds: float | None = None,
        tries: int = 4,
        timeout: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        on_success: Callable[[], None] | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.realm_id = realm_id
        self.tokens = tokens
        self.base = f"{self.settings.qbo_api_base.rstrip('/')}/v3/company/{realm_id}"
        self.session = settled(read_only(session or requests.Session()), self.base)
        if max_wait_seconds is None:
            max_wait_seconds = self.settings.qbo_max_wait_seconds
        self.max_wait_seconds = max_wait_seconds
        self.budget = budget
        self.tries = tries
        self.timeout = timeout
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.on_success = on_success
        self.calls = 0
        self.retries = 0
        self.waited = 0.0
        self.last_intuit_tid: str | None = None
        # One request in flight at a time, as if sent from one thread: a page read ahead by a thread of its
        # own (exporters.sources.entities) and a COUNT asked meanwhile take turns.
        self._one_at_a_time = threading.Lock()

    # -- the one place a request is sent -------------------------------------------------------

    def request(
        self, method: str, path: str, params: Mapping[str, str] | None = None, body: str | None = None
    ) -> JsonObject:
        """Send one API request (GET, or POST of a query) with retries; return the JSON body."""
        with self._one_at_a_time:
            response = self._request(method, path, params, body, None)
        return self._result(response, response.headers.get("intuit_tid"))

    def query_bytes(
        self,
        statement: str,
        params: Mapping[str, str] | None = None,
        on_send: Callable[[], None] | None = None,
    ) -> bytes:
        """A query's answer as QuickBooks sent it, not decoded (`page_rows` decodes it): with retries, and
        an error status raised as `request` raises it. What `qbo.ahead` pages with. `on_send` is called
        as each try goes out (its token and rate-limit slot in hand: `exporters.prefetch.Turns`)."""
        with self._one_at_a_time:
            response = self._request("POST", "query", params, statement, on_send)
        if response.status_code != 200:
            self._result(response, response.headers.get("intuit_tid"))  # raises the fault
        self._succeeded()
        return response.content

    def _request(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        body: str | None,
        on_send: Callable[[], None] | None,
    ) -> requests.Response:
        """The response of the first try that is neither refused for its token, throttled, nor failed on
        Intuit's side (those are retried), or the error that ended the tries."""
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/text"
        query = {**(params or {}), "minorversion": MINOR_VERSION}
        url = f"{self.base}/{path}"
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            token = self.tokens.access_token()
            try:
                with self._slot() as waited:
                    self.waited += waited
                    self.calls += 1
                    if on_send is not None:
                        on_send()
                    response = self.session.request(
                        method,
                        url,
                        params=query,
                        data=body.encode() if body is not None else None,
                        headers={**headers, "Authorization": f"Bearer {token}"},
                        timeout=self.timeout,
                        stream=True,
                    )
                    read_body(response)
            except (requests.ConnectionError, requests.Timeout) as exc:
                log.warning("qbo %s %s: %s (try %d)", method, path, type(exc).__name__, attempt)
                if attempt >= self.tries:
                    raise QboUnavailable(
                        f"QuickBooks could not be reached after {attempt} tries ({network_failure(exc)}); "
                        "the next run will try again"
                    ) from None
                self._wait(attempt, None)
                continue
            tid = self.last_intuit_tid = response.headers.get("intuit_tid")
            status = response.status_code
            log.info("qbo %s %s -> %s intuit_tid=%s", method, path, status, tid)
            if status == 401 and not refreshed:
                refreshed = True
                attempt -= 1  # a refresh is not a failed try
                self.tokens.force_refresh(token)
                continue
            if status == 401:
                # The 401 body echoes part of the token: never put it in a message.
                raise QboError(
                    "QuickBooks rejected the access token even after a refresh; "
                    "reconnect the company if this keeps happening",
                    tid,
                )
            if status == 429:
                if attempt >= self.tries:
                    raise QboRateLimited(
                        f"QuickBooks kept throttling this company (HTTP 429) after {attempt} tries; "
                        "too many calls to it right now, the next run will try again",
                        retry_after=_retry_after(response),
                        intuit_tid=tid,
                    )
                self._wait(attempt, _retry_after(response) or THROTTLE_WAIT)
                continue
            if status in RETRY_STATUSES:
                if attempt >= self.tries:
                    raise QboUnavailable(
                        f"QuickBooks kept failing with HTTP {status} after {attempt} tries; "
                        "the next run will try again",
                        tid,
                    )
                self._wait(attempt, _retry_after(response))
                continue
            return response

    def _slot(self) -> AbstractContextManager[float]:
        """The realm's budget slot for one request (nothing to wait for without a budget)."""
        if self.budget is None:
            return nullcontext(0.0)
        return self.budget.slot(self.max_wait_seconds, self.sleep)

    def _result(self, response: requests.Response, tid: str | None) -> JsonObject:
        body = _json(response)
        fault = _fault(body, response.status_code, tid)
        if fault is not None:
            raise fault
        if response.status_code >= 400 or not isinstance(body, dict):
            raise QboError(f"QuickBooks answered HTTP {response.status_code} without a JSON body", tid)
        self._succeeded()
        return body

    def _succeeded(self) -> None:
        if self.on_success is not None:
            self.on_success()
            self.on_success = None

    def _wait(self, attempt: int, floor: float | None) -> None:
        """Jittered exponential backoff, at least `floor` (Retry-After), at most max_wait_seconds."""
        wanted = max(floor or 0.0, 2.0 ** (attempt - 1))
        delay = min(self.max_wait_seconds, wanted * self.rng.uniform(1.0, 1.25))
        self.retries += 1
        self.waited += delay
        self.sleep(delay)

    # -- the API -------------------------------------------------------------------------------

    def query(
        self,
        entity: str,
        where: str = "",
        *,
        order_by: str = "",
        paging: Paging | None = None,
        params: Mapping[str, str] | None = None,
        page_size: int = MAX_PAGE,
    ) -> Iterator[Row]:
        """Every row of `SELECT * FROM entity [WHERE where] [ORDERBY order_by]`, page by page.

        `paging` says where each page starts (a fresh `ByPosition` when None; keysets in `qbo.paging`);
        `params` go on every page's request (e.g. `include=enhancedAllCustomFields`). A page shorter than
        `page_size` is the last: N rows cost ceil(N / page_size) calls, plus an empty page when N is a
        multiple of it.
        """
        if not 1 <= page_size <= MAX_PAGE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE}")
        paging = paging or ByPosition()
        order = paging.order_by(order_by)
        while True:
            statement = select(entity, where, paging.condition(), order_by=order)
            body = f"{statement} STARTPOSITION {paging.start_position()} MAXRESULTS {page_size}"
            found = _query_response(self.request("POST", "query", params=params, body=body)).get(entity)
            rows: list[Row] = found if isinstance(found, list) else []
            yield from rows
            if len(rows) < page_size:
                return
            paging.advance(rows)

    def count(self, entity: str, where: str = "") -> int:
        """`SELECT COUNT(*) FROM entity [WHERE ...]`."""
        page = self.request("POST", "query", body=select(entity, where, count=True))
        return int(_query_response(page).get("totalCount", 0))

    def read(self, entity: str, id: str) -> JsonObject:
        """One entity by Id."""
        body = self.request("GET", f"{entity.lower()}/{id}")
        return _entity(body, entity)

    def company_info(self) -> JsonObject:
        """The company's CompanyInfo (name, country, fiscal year start, ...)."""
        body = self.request("GET", f"companyinfo/{self.realm_id}")
        return _entity(body, "CompanyInfo")

    def preferences(self) -> JsonObject:
        """The company's Preferences (report basis, currency, ...)."""
        return _entity(self.request("GET", "preferences"), "Preferences")

    def report(self, name: str, params: Mapping[str, str] | None = None) -> JsonObject:
        """A report (ProfitAndLoss, BalanceSheet, ...): the bare report object."""
        return self.request("GET", f"reports/{name}", params=params or {})

    def cdc(self, entities: list[str], changed_since: datetime) -> dict[str, list[Row]]:
        """Objects of `entities` changed since then (deleted ones are stubs with status Deleted)."""
        if changed_since.tzinfo is None:
            changed_since = changed_since.replace(tzinfo=UTC)
        body = self.request(
            "GET",
            "cdc",
            params={
                "entities": ",".join(entities),
                "changedSince": changed_since.isoformat(timespec="seconds"),
            },
        )
        changed: dict[str, list[Row]] = {name: [] for name in entities}
        for response in body.get("CDCResponse", []):
            for group in response.get("QueryResponse", []):
                for key, value in group.items():
                    if isinstance(value, list):
                        changed.setdefault(key, []).extend(value)
        return changed


def page_rows(content: bytes, entity: str, intuit_tid: str | None = None) -> list[Row]:
    """The `entity` objects of a query's answer (`query_bytes`), decoded; a 200 carrying a fault raises it."""
    try:
        body = orjson.loads(content)
    except orjson.JSONDecodeError:
        raise QboError("QuickBooks answered a query without a JSON body", intuit_tid) from None
    fault = _fault(body, 200, intuit_tid)
    if fault is not None:
        raise fault
    if not isinstance(body, dict):
        raise QboError("QuickBooks answered a query without a JSON object", intuit_tid)
    found = _query_response(body).get(entity)
    return found if isinstance(found, list) else []


def _query_response(body: JsonObject) -> JsonObject:
    """The `QueryResponse` object of a query's answer (`{}` when QBO found nothing)."""
    found = body.get("QueryResponse")
    return found if isinstance(found, dict) else {}


def _entity(body: JsonObject, entity: str) -> JsonObject:
    """The entity object of a read response, whatever the caller's capitalisation of its name."""
    for key, value in body.items():
        if key.lower() == entity.lower() and isinstance(value, dict):
            return value
    raise QboError(f"QuickBooks' answer holds no {entity}")

"""Paging by Id with each page decoded while the next one is on its way.

A keyset page (`qbo.paging.ById`) starts after the last Id of the page before, so the paging thread used
to decode every page (about 2 MB of JSON, ~15-18 ms) before it could ask for the next: a sixth of the time
between two calls, on the path of every big run. Here the paging thread (`raw_pages`) reads the last Id
and the row count off the end of the page's bytes (`claim`: a few hundred bytes parsed, not two MB), asks
for the next page at once, and hands the bytes over; the caller (`decoded`) decodes them meanwhile.

The claim is only a guess until the caller has decoded the page: the caller tells the paging thread what
the page really held (`Verdict`), and a page asked after a cursor the page before did not end on is asked
again before it is handed over. So at most one page is ever unconfirmed, and the rows, their order and
the checks of `ById` (numeric Ids rising past the cursor) are exactly those of paging one page at a time:

- a claim that cannot be read (an unusual body, an empty page) is no claim: that page is decoded first,
  as before;
- a claimed last Id that is not the real one (text in the last object that looks like an object with an
  `Id`) costs one call more, never a row;
- a claimed short page is confirmed before the pull ends (`maxResults` off by one would otherwise end it
  early); a claimed full page that was short ends the pull, the page asked after it unread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import orjson

from qbo.client import MAX_PAGE, QboClient, page_rows
from qbo.paging import ById, Row
from qbo.statements import select

CLAIM_TRIES = 400  # objects opened in a page's last object that are tried as its start (an invoice: ~60)
WAIT_TICK = 0.05  # seconds between looks at whether the caller has gone


@dataclass(frozen=True)
class Claim:
    """What a page's bytes say at their end: the last object's Id and how many objects came."""

    last: int
    rows: int


class Verdict:
    """What the caller found in a page once decoded: its last Id and row count (or that it failed)."""

    def __init__(self, gone: threading.Event) -> None:
        self._done = threading.Event()
        self._gone = gone
        self.last: int | None = None
        self.rows = 0
        self.failed = False

    def give(self, last: int | None, rows: int) -> None:
        self.last, self.rows = last, rows
        self._done.set()

    def fail(self) -> None:
        self.failed = True
        self._done.set()

    def wait(self) -> Verdict | None:
        """The verdict, once given; None when the page failed or the caller stopped reading."""
        while not self._done.wait(WAIT_TICK):
            if self._gone.is_set():
                return None
        return None if self.failed else self


@dataclass
class RawPage:
    """A page's bytes, the cursor it was asked after, what its end claims, and its verdict."""

    body: bytes
    after: int | None
    claim: Claim | None
    verdict: Verdict
    intuit_tid: str | None = None


@dataclass
class Handshake:
    """Shared by `raw_pages` (the paging thread) and `decoded` (the caller): the caller has stopped."""

    gone: threading.Event = field(default_factory=threading.Event)


def claim(body: bytes, page_size: int) -> Claim | None:
    """The last object's Id and the row count a query's answer ends with, read off its last few hundred
    bytes; None when they can't be read that way (the page is then decoded before the next is asked).

    The answer ends `…,{last object}],"startPosition":1,"maxResults":N}…`. The last object starts at one
    of the `{` before the final `]`: tried from the end, a start inside the object leaves its closing
    brackets behind and does not parse; the first that parses whole, up to the `]`, is taken. Text inside
    the object could parse too: the caller's verdict catches that (module docstring)."""
    if not body.startswith(b'{"QueryResponse":{'):
        return None
    end = body.rfind(b"]")
    count = _max_results(body[end:]) if end > 0 else None
    if count is None or count == 0:
        return None
    start = end
    for _ in range(CLAIM_TRIES):
        start = body.rfind(b"{", 0, start)
        if start <= 0:
            return None
        try:
            last = orjson.loads(body[start:end])
        except orjson.JSONDecodeError:
            continue
        found = last.get("Id") if isinstance(last, dict) else None
        if isinstance(found, str) and found.isdigit():
            return Claim(int(found), min(count, page_size))
        return None
    return None


def _max_results(tail: bytes) -> int | None:
    key = tail.find(b'"maxResults":')
    if key < 0:
        return None
    digits = tail[key + 13 : key + 23].split(b",")[0].split(b"}")[0].strip()
    return int(digits) if digits.isdigit() else None


def raw_pages(
    client: QboClient,
    entity: str,
    where: str,
    handshake: Handshake,
    *,
    params: Mapping[str, str] | None = None,
    on_send: Callable[[], None] | None = None,
    page_size: int = MAX_PAGE,
) -> Iterator[RawPage]:
    """Every page of `SELECT * FROM entity WHERE where ORDERBY Id` by Id, undecoded, each asked for as
    soon as the page before has come (the paging thread's side; `decoded` is the caller's)."""
    after: int | None = None
    unconfirmed: RawPage | None = None  # handed over, its verdict not yet seen
    while True:
        statement = select(entity, where, ById(after).condition(), order_by="Id")
        body = client.query_bytes(f"{statement} STARTPOSITION 1 MAXRESULTS {page_size}", params, on_send)
        if unconfirmed is not None:
            verdict = unconfirmed.verdict.wait()
            unconfirmed = None
            if verdict is None or verdict.rows < page_size:
                return  # the caller failed or stopped, or the page before was the last after all
            if verdict.last != after:
                after = verdict.last
                continue  # asked after a cursor the page before did not end on: ask again
        page = RawPage(body, after, claim(body, page_size), Verdict(handshake.gone), client.last_intuit_tid)
        yield page
        if page.claim is not None and page.claim.rows >= page_size:
            after, unconfirmed = page.claim.last, page
            continue
        verdict = page.verdict.wait()  # no claim, or a short page: the truth before going on or ending
        if verdict is None or verdict.rows < page_size:
            return
        after = verdict.last


def decoded(pages: Iterable[RawPage], entity: str, handshake: Handshake) -> Iterator[Row]:
    """The rows of `raw_pages`' pages, in order, each page decoded and checked as `ById` checks a page
    (Ids numeric and rising past its cursor), its verdict given before its rows go on."""
    try:
        for page in pages:
            try:
                rows = page_rows(page.body, entity, page.intuit_tid)
                check = ById(page.after)
                if rows:
                    check.advance(rows)
            except BaseException:
                page.verdict.fail()
                raise
            page.verdict.give(check.last, len(rows))
            yield from rows
    finally:
        handshake.gone.set()

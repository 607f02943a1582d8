"""Sheets API calls per write mode vs the lower bound and the obvious alternatives, on the Google emulator.

Run: .venv/bin/python -m bench.sheets_calls [--rows 1000,20000,100000] [--cols 10] [--changes 20]
                                            [--workers 3 --writes 30]
Prints Markdown tables. Calls are counted by the emulator's /_emulator/requests (per user), so retries of
429s count too. `--workers` adds the pacing run: that many workers writing through one Google account at
once, with and without the shared Redis pacer (needs Redis at REDIS_URL or 127.0.0.1:6379; takes minutes,
because it runs at Google's real per-minute quota).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import gspread
import requests
from google.oauth2.credentials import Credentials

from emulators.google import create_app
from emulators.serving import serve_in_thread
from sheets.cells import CellEncoder
from sheets.client import make_client
from sheets.errors import SheetsError
from sheets.limits import MAX_PAYLOAD_BYTES
from sheets.pacing import WritePacer
from sheets.writer import SheetWriter
from store.settings import Settings


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    type: str


TYPES = ["text", "text", "money", "number", "date", "bool", "text", "money", "datetime", "text"]


def columns(n: int) -> list[Col]:
    return [Col(f"c{i}", f"Column {i}", TYPES[i % len(TYPES)]) for i in range(n)]


def value(kind: str, i: int, j: int) -> object:
    return {
        "text": f"INV-{i:06d}-{j}",
        "money": Decimal(i % 5000) / 100,
        "number": i,
        "date": date(2024, 1, 1 + i % 28),
        "datetime": date(2024, 2, 1 + i % 28),
        "bool": i % 2 == 0,
    }[kind]


def rows(cols: list[Col], n: int, offset: int = 0) -> Iterator[list]:
    for i in range(offset, offset + n):
        yield ["9130", str(i)] + [value(c.type, i, j) for j, c in enumerate(cols)][2:]


def payload_bytes(cols: list[Col], n: int, offset: int = 0) -> int:
    """The least any typed writer must send: each row's RAW values (numbers, date serials, text) as JSON."""
    encoder, kinds = CellEncoder(), [c.type for c in cols]
    return sum(
        len(json.dumps([encoder.raw(v, k) for v, k in zip(r, kinds, strict=True)], separators=(",", ":"))) + 1
        for r in rows(cols, n, offset)
    )


def chunks_needed(size: int) -> int:
    return max(1, math.ceil(size / MAX_PAYLOAD_BYTES))


class Bench:
    """An in-process Google emulator and fresh users on it."""

    def __init__(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.server = serve_in_thread(create_app({}))
        self.base = self.server.url
        self.settings = Settings().pointed_at_emulators("http://127.0.0.1:9", self.base)

    def user(self, pacer: WritePacer | None = None) -> tuple[str, gspread.Client]:
        email = f"bench-{uuid.uuid4().hex[:6]}@example.com"
        return email, self.client(email, pacer)

    def client(self, email: str, pacer: WritePacer | None = None) -> gspread.Client:
        tokens = requests.post(f"{self.base}/_emulator/tokens", json={"email": email}, timeout=30).json()
        creds = Credentials(
            token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
            token_uri=self.settings.google_token_url,
            client_id=self.settings.google_client_id,
            client_secret=self.settings.google_client_secret,
        )
        return make_client(creds, self.settings, pacer=pacer)

    def counts(self, email: str) -> Counter:
        snapshot = requests.get(f"{self.base}/_emulator/requests", timeout=30).json()
        return Counter(snapshot.get("by_user", {}).get(email, {}))

    def since(self, email: str, before: Counter) -> int:
        """Calls this user made since `before` was taken."""
        return sum((self.counts(email) - before).values())


HEADER = [
    "| mode | rows × cols | payload MB | lower bound | Sheetbooks | ours / bound | alternative "
    "| alternative calls |",
    "|---|---|---|---|---|---|---|---|",
]


def line(mode: str, shape: str, mb: str, bound: int, ours: int, alt: str, alt_calls: int) -> str:
    return f"| {mode} | {shape} | {mb} | {bound} | {ours} | {ours / bound:.2f} | {alt} | {alt_calls} |"


def run(row_counts: list[int], ncols: int, changes: int) -> list[str]:
    """One replace, one upsert and one append per size, each next to its obvious alternative."""
    bench, cols, out = Bench(), columns(ncols), list(HEADER)
    try:
        for n in row_counts:
            email, gc = bench.user()
            sh = gc.create(f"bench {n}")
            state = SheetWriter(gc, sh.id, "Data").replace(cols, rows(cols, 10)).header_state
            size = payload_bytes(cols, n)
            # metadata read + header check, then the chunks (the last one rides in the swap)
            bound = 2 + chunks_needed(size)
            before = bench.counts(email)
            writer = SheetWriter(gc, sh.id, "Data", header_state=state)
            state = writer.replace(cols, rows(cols, n)).header_state
            ours = bench.since(email, before)
            ws = sh.add_worksheet("Naive", 2, ncols)
            before = bench.counts(email)
            ws.clear()
            ws.update([[str(v) for v in r] for r in rows(cols, n)], "A2")
            naive = bench.since(email, before)
            shape, mb = f"{n:,} × {ncols}", f"{size / 1e6:.1f}"
            alt = "clear + values.update (tab empty in between, one request of the whole payload)"
            out.append(line("replace", shape, mb, bound, ours, alt, naive))

            changed = list(rows(cols, changes // 2)) + list(rows(cols, changes - changes // 2, offset=n))
            before = bench.counts(email)
            SheetWriter(gc, sh.id, "Data", header_state=state).upsert(cols, ["c0", "c1"], changed, [])
            up = bench.since(email, before)
            alt = "values.update per changed row + 1 key read"
            out.append(line(f"upsert {changes} changes", shape, "–", 4, up, alt, changes + 1))

            more = max(n // 10, 1)
            size = payload_bytes(cols, more, offset=2 * n)
            state = SheetWriter(gc, sh.id, "Data").replace(cols, rows(cols, n)).header_state
            before = bench.counts(email)
            SheetWriter(gc, sh.id, "Data", header_state=state).append(cols, rows(cols, more, offset=2 * n))
            ours = bench.since(email, before)
            alt = "append_rows in one call (untyped RAW strings)"
            out.append(
                line(
                    f"append {more:,} rows", shape, f"{size / 1e6:.1f}", 2 + chunks_needed(size), ours, alt, 1
                )
            )
        email, gc = bench.user()
        sh = gc.create("bench append")
        sample = 100
        before = bench.counts(email)  # ours first: the per-row loop below spends the minute's quota
        SheetWriter(gc, sh.id, "Appended").append(cols, rows(cols, sample))
        ours = bench.since(email, before)
        ws = sh.add_worksheet("Rows", 2, ncols)
        before = bench.counts(email)
        for r in rows(cols, sample):
            ws.append_row([str(v) for v in r])
        row_by_row = bench.since(email, before)
        alt = "append_row per row (429s retried count)"
        out.append(line("append to a new tab", f"{sample} × {ncols}", "–", 2, ours, alt, row_by_row))
    finally:
        bench.server.stop()
    return out


def small_replaces(gc: gspread.Client, spreadsheet_id: str, tab: str, times: int, failed: list[str]) -> None:
    """One worker's runs: `times` replaces of a 5-row tab; a run that fails is counted, not raised."""
    for i in range(times):
        try:
            SheetWriter(gc, spreadsheet_id, tab).replace(columns(3), rows(columns(3), 5, i))
        except SheetsError as exc:
            failed.append(type(exc).__name__)


def pacing(workers: int, writes: int, redis_url: str) -> list[str]:
    """Workers writing through one account at once: 429s met and calls, with and without the pacer."""
    out = [
        "| workers × small replaces | pacer | runs failed | 429s met (retried) | calls | wall s |",
        "|---|---|---|---|---|---|",
    ]
    for paced in (False, True):
        bench = Bench()
        try:
            email, owner = bench.user()
            sheet = owner.create("bench pacing")
            account = f"bench-{uuid.uuid4().hex[:6]}"
            clients = [
                bench.client(email, WritePacer.from_url(redis_url, account) if paced else None)
                for _ in range(workers)
            ]

            failed: list[str] = []
            started = time.monotonic()
            threads = [
                threading.Thread(target=small_replaces, args=(gc, sheet.id, f"W{i}", writes, failed))
                for i, gc in enumerate(clients)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.monotonic() - started
            retries = sum(gc.http_client.retries for gc in clients)
            calls = sum(gc.http_client.calls for gc in clients)
            out.append(
                f"| {workers} × {writes} | {'yes' if paced else 'no'} | {len(failed)} | {retries} "
                f"| {calls} | {wall:.0f} |"
            )
        finally:
            bench.server.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000,20000,100000")
    parser.add_argument("--cols", type=int, default=10)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--writes", type=int, default=30)
    args = parser.parse_args()
    if args.rows:
        print("\n".join(run([int(x) for x in args.rows.split(",")], args.cols, args.changes)))
    if args.workers:
        redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        print("\n".join(pacing(args.workers, args.writes, redis_url)))


if __name__ == "__main__":
    main()

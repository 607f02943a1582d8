"""Sheets API calls per write mode vs the lower bound and the obvious alternatives, on the Google emulator.

Run: .venv/bin/python -m bench.sheets_calls [--rows 1000,20000,100000] [--cols 10]
Prints a Markdown table (calls counted by the emulator's /_emulator/requests, per user).
"""

from __future__ import annotations

import argparse
import json
import math
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import requests
from google.oauth2.credentials import Credentials

from emulators.google import create_app
from emulators.serving import serve_in_thread
from sheets.cells import CellEncoder
from sheets.client import make_client
from sheets.limits import MAX_PAYLOAD_BYTES
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


def rows(cols: list[Col], n: int, offset: int = 0):
    for i in range(offset, offset + n):
        yield ["9130", str(i)] + [value(c.type, i, j) for j, c in enumerate(cols)][2:]


def payload_bytes(cols: list[Col], n: int) -> int:
    encoder, kinds = CellEncoder(), [c.type for c in cols]
    return sum(len(json.dumps(encoder.row(r, kinds), separators=(",", ":"))) + 1 for r in rows(cols, n))


class Bench:
    def __init__(self) -> None:
        self.server = serve_in_thread(create_app({}))
        base = self.server.url
        self.base = base
        self.settings = Settings().pointed_at_emulators("http://127.0.0.1:9", base)

    def user(self) -> tuple[str, object]:
        email = f"bench-{uuid.uuid4().hex[:6]}@example.com"
        tokens = requests.post(f"{self.base}/_emulator/tokens", json={"email": email}, timeout=30).json()
        creds = Credentials(
            token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
            token_uri=self.settings.google_token_url,
            client_id=self.settings.google_client_id,
            client_secret=self.settings.google_client_secret,
        )
        return email, make_client(creds, self.settings)

    def counts(self, email: str) -> Counter:
        snapshot = requests.get(f"{self.base}/_emulator/requests", timeout=30).json()
        return Counter(snapshot.get("by_user", {}).get(email, {}))

    def since(self, email: str, before: Counter) -> int:
        """Calls this user made since `before` was taken."""
        return sum((self.counts(email) - before).values())


HEADER = [
    "| mode | rows × cols | payload MB | lower bound | Sheetbooks | alternative | alternative calls |",
    "|---|---|---|---|---|---|---|",
]


def run(row_counts: list[int], ncols: int, changes: int) -> list[str]:
    """One replace and one upsert per size, then appends, each next to its obvious alternative."""
    bench, cols, out = Bench(), columns(ncols), list(HEADER)
    try:
        for n in row_counts:
            email, gc = bench.user()
            sh = gc.create(f"bench {n}")
            state = SheetWriter(gc, sh.id, "Data").replace(cols, rows(cols, 10)).header_state
            size = payload_bytes(cols, n)
            bound = math.ceil(size / MAX_PAYLOAD_BYTES) + 2
            before = bench.counts(email)
            state = (
                SheetWriter(gc, sh.id, "Data", header_state=state).replace(cols, rows(cols, n)).header_state
            )
            ours = bench.since(email, before)
            ws = sh.add_worksheet("Naive", 2, ncols)
            before = bench.counts(email)
            ws.clear()
            ws.update([[str(v) for v in r] for r in rows(cols, n)], "A2")
            naive = bench.since(email, before)
            out.append(
                f"| replace | {n:,} × {ncols} | {size / 1e6:.1f} | {bound} | {ours} "
                f"| clear + values.update (tab empty in between) | {naive} |"
            )
            changed = list(rows(cols, changes // 2)) + list(rows(cols, changes - changes // 2, offset=n))
            before = bench.counts(email)
            SheetWriter(gc, sh.id, "Data", header_state=state).upsert(cols, ["c0", "c1"], changed, [])
            up = bench.since(email, before)
            out.append(
                f"| upsert {changes} changes | {n:,} × {ncols} | – | 2–3 | {up} "
                f"| values.update per changed row + 1 read | {changes + 1} |"
            )
        email, gc = bench.user()
        sh = gc.create("bench append")
        ws = sh.add_worksheet("Rows", 2, ncols)
        sample = 100
        before = bench.counts(email)
        for r in rows(cols, sample):
            ws.append_row([str(v) for v in r])
        row_by_row = bench.since(email, before)
        before = bench.counts(email)
        SheetWriter(gc, sh.id, "Appended").append(cols, rows(cols, sample))
        ours = bench.since(email, before)
        out.append(f"| append | {sample} × {ncols} | – | 2 | {ours} | append_row per row | {row_by_row} |")
    finally:
        bench.server.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000,20000,100000")
    parser.add_argument("--cols", type=int, default=10)
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    print("\n".join(run([int(x) for x in args.rows.split(",")], args.cols, args.changes)))


if __name__ == "__main__":
    main()

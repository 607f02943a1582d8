"""How long the QBO emulator takes to generate a big company, and to serve it at 1000 rows a page.

The demo and the benchmarks generate companies of up to 100,000 invoices; the target is under a minute
on the 2-core dev machine. Paging runs the product's own client (`qbo.client`, unmodified).

    .venv/bin/python -m bench.qbo_generate --invoices 100000
"""

from __future__ import annotations

import time

from bench.qbo_calls import company, connect, emulated_qbo, parse_invoices
from qbo.client import QboClient


def main() -> None:
    invoices = parse_invoices(__doc__ or "", "100000")
    print("| invoices | generated in s | API calls (COUNT + pages of 1000) | paged in s | rows read |")
    print("|---|---|---|---|---|")
    with emulated_qbo() as (base, settings):
        for n in invoices:
            started = time.perf_counter()
            realm = company(base, n)
            generated = time.perf_counter() - started
            client = QboClient(realm, connect(settings, realm), settings, sleep=lambda _s: None)
            started, before = time.perf_counter(), client.calls
            ids = [int(row["Id"]) for row in client.query("Invoice", order_by="Id")]
            paged = time.perf_counter() - started
            assert ids == sorted(set(ids)), "pages overlapped or came out of order"
            print(f"| {n:,} | {generated:.1f} | {client.calls - before} | {paged:.1f} | {len(ids):,} |")


if __name__ == "__main__":
    main()

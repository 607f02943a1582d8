"""How long the QBO emulator takes to generate a big company, and to serve it at 1000 rows a page.

The demo and the benchmarks generate companies of up to 100,000 invoices; the target is under a minute
on the 2-core dev machine. Paging runs the product's own client (`qbo.client`, unmodified).

    .venv/bin/python -m bench.qbo_generate --invoices 100000
"""

from __future__ import annotations

import argparse
import time

from bench.qbo_calls import company, connect
from emulators.qbo import create_app
from emulators.serving import serve_in_thread
from qbo.client import QboClient
from store.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", default="100000")
    args = parser.parse_args()
    server = serve_in_thread(create_app({}))
    settings = Settings(secret_key="bench").pointed_at_emulators(server.url, "http://127.0.0.1:9")
    print("| invoices | generated in s | API calls (COUNT + pages of 1000) | paged in s | rows read |")
    print("|---|---|---|---|---|")
    try:
        for n in [int(x) for x in args.invoices.split(",") if x]:
            started = time.perf_counter()
            realm = company(server.url, n)
            generated = time.perf_counter() - started
            client = QboClient(realm, connect(settings, realm), settings, sleep=lambda _s: None)
            started, before = time.perf_counter(), client.calls
            ids = [int(row["Id"]) for row in client.query("Invoice", order_by="Id")]
            paged = time.perf_counter() - started
            assert ids == sorted(set(ids)), "pages overlapped or came out of order"
            print(f"| {n:,} | {generated:.1f} | {client.calls - before} | {paged:.1f} | {len(ids):,} |")
    finally:
        server.stop()


if __name__ == "__main__":
    main()

"""QuickBooks reads per pull, against the lower bound and the obvious alternatives.

Runs the product's own source code (exporters.sources, exporters.incremental, qbo.client) unmodified
against an in-process QBO emulator and counts the Accounting API calls the client sends:

- a full pull of N invoices: ours vs ceil(N / 1000) pages, and vs a client that keeps QBO's default
  MAXRESULTS of 100;
- an incremental pull after 10 edits and 2 deletions: ours vs a full pull of the same company.

    .venv/bin/python -m bench.qbo_calls --invoices 100,1000,2500,10000
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests

from emulators.qbo import create_app
from emulators.serving import serve_in_thread
from exporters.catalog import get_source
from exporters.incremental import OVERLAP, pull
from exporters.sources.base import RunContext
from qbo.client import QboClient
from qbo.oauth import IntuitOAuth
from store.documents import ExporterOptions
from store.models import utcnow
from store.settings import Settings

REDIRECT_URI = "http://localhost/bench/callback"


@dataclass
class FixedTokens:
    """The access token of one fresh grant (a pull is far shorter than its hour)."""

    token: str

    def access_token(self) -> str:
        return self.token

    def force_refresh(self, stale_access_token: str) -> str:
        raise RuntimeError("the bench's token expired")


def connect(settings: Settings, realm: str) -> FixedTokens:
    """The consent page's form posted as an analyst would, then the code traded for tokens."""
    form = {
        "client_id": settings.qbo_client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": settings.qbo_scopes,
        "state": "bench",
        "response_type": "code",
        "realmId": realm,
        "decision": "allow",
    }
    reply = requests.post(settings.qbo_auth_url, data=form, allow_redirects=False, timeout=60)
    code = parse_qs(urlsplit(reply.headers["Location"]).query)["code"][0]
    return FixedTokens(IntuitOAuth(settings).exchange_code(code, REDIRECT_URI).access_token)


def company(base: str, invoices: int) -> str:
    reply = requests.post(f"{base}/_emulator/companies", json={"invoices": invoices}, timeout=600)
    return str(reply.json()["realmId"])


def full_pull(client: QboClient, last_rows: int | None = None) -> int:
    """Calls of a full pull: a first run (no estimate: it asks a COUNT for "x of y") or a later one, which
    takes the last run's `last_rows` as its estimate."""
    before = client.calls
    source = get_source("invoices")
    sum(1 for _ in source.records(client, ExporterOptions(), RunContext(last_rows=last_rows)))
    return client.calls - before


def naive_pull(client: QboClient) -> int:
    """SELECT * paged at QBO's default MAXRESULTS (100), as a client that never sets it does."""
    before = client.calls
    sum(1 for _ in client.query("Invoice", order_by="Id", page_size=100))
    return client.calls - before


def incremental_after_changes(base: str, client: QboClient, realm: str) -> tuple[int, int, int]:
    """(calls, changed, deleted) of an incremental pull after 10 edits and 2 deletions."""
    watermark = utcnow()  # what a full pull just now would have saved
    time.sleep(1.1)  # QBO's LastUpdatedTime has whole seconds
    ids = [
        str(i["Id"])
        for i in requests.get(f"{base}/_emulator/companies/{realm}/entities/Invoice", timeout=60).json()[
            "Invoice"
        ][:12]
    ]
    for invoice_id in ids[:10]:
        requests.post(
            f"{base}/_emulator/companies/{realm}/entities/Invoice/{invoice_id}",
            json={"PrivateNote": "edited"},
            timeout=60,
        )
    for invoice_id in ids[10:]:
        requests.delete(f"{base}/_emulator/companies/{realm}/entities/Invoice/{invoice_id}", timeout=60)
    before = client.calls
    changes = pull(client, get_source("invoices"), ExporterOptions(), RunContext(), watermark - OVERLAP)
    return client.calls - before, changes.changed + changes.added, len(changes.deleted_ids)


def parse_invoices(doc: str, default: str) -> list[int]:
    """The `--invoices 100,1000,...` list of a bench script whose docstring is `doc`."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", default=default)
    return [int(x) for x in parser.parse_args().invoices.split(",") if x]


@contextmanager
def emulated_qbo() -> Iterator[tuple[str, Settings]]:
    """An in-process QBO emulator: its URL, and settings pointing the product at it."""
    server = serve_in_thread(create_app({}))
    try:
        yield server.url, Settings(secret_key="bench").pointed_at_emulators(server.url, "http://127.0.0.1:9")
    finally:
        server.stop()


def main() -> None:
    invoices = parse_invoices(__doc__ or "", "100,1000,2500,10000")
    header = (
        "| invoices | bound | ours, first run | ratio | ours, later run | ratio | MAXRESULTS 100 "
        "| incremental, 10 edits + 2 deletes |"
    )
    print(header)
    print("|---|---|---|---|---|---|---|---|")
    with emulated_qbo() as (base, settings):
        for n in invoices:
            realm = company(base, n)
            client = QboClient(realm, connect(settings, realm), settings, sleep=lambda _s: None)
            bound, first, later = max(math.ceil(n / 1000), 1), full_pull(client), full_pull(client, n)
            naive = naive_pull(client)
            calls, changed, deleted = incremental_after_changes(base, client, realm)
            print(
                f"| {n:,} | {bound} | {first} | {first / bound:.2f} | {later} | {later / bound:.2f} "
                f"| {naive} | "
                f"{calls} calls ({changed} changed, {deleted} deleted) vs {later} for a full pull |"
            )


if __name__ == "__main__":
    main()

"""The naive export an analyst would script: python-quickbooks at its defaults, gspread clear() + update().

Run by `bench.export_run` in a process of its own (so its peak memory is its own):

    .venv/bin/python -m bench.naive_export QBO_URL GOOGLE_URL REALM SPREADSHEET_ID TAB
    (tokens in QBO_ACCESS_TOKEN and GOOGLE_ACCESS_TOKEN; client id/secret in QBO_CLIENT_ID/QBO_CLIENT_SECRET)

Prints one JSON line: {"qbo_calls": ..., "rows": ...}. Unmodified libraries: python-quickbooks pages with its
default MAXRESULTS (100), waiting and asking again when QuickBooks says its 500 requests a minute are used
up (a 100,000-invoice pull is 1,000 requests; on a fast machine they come faster than that); gspread's stock
client (no retries, no pacing) writes RAW through values.update.
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from datetime import date

import gspread
from google.oauth2.credentials import Credentials
from intuitlib.client import AuthClient
from quickbooks import QuickBooks
from quickbooks.exceptions import ValidationException
from quickbooks.objects.invoice import Invoice

from sheets.client import make_session
from store.settings import Settings

HEADER = ["Number", "Date", "Customer", "Customer ID", "Total", "Balance", "Due date", "Status", "Currency"]


def row(invoice: Invoice, today: str) -> list[object]:
    balance = float(invoice.Balance or 0)
    due = invoice.DueDate or ""
    status = "Paid" if balance == 0 else "Overdue" if due and due < today else "Open"
    customer, currency = invoice.CustomerRef, invoice.CurrencyRef
    return [
        invoice.DocNumber,
        invoice.TxnDate,
        customer.name if customer else "",
        customer.value if customer else "",
        float(invoice.TotalAmt or 0),
        balance,
        due,
        status,
        currency.value if currency else "",
    ]


def main() -> None:
    qbo_url, google_url, realm, spreadsheet_id, tab = sys.argv[1:6]
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the emulators speak http
    warnings.simplefilter("ignore")
    discovery = f"{qbo_url}/.well-known/openid_sandbox_configuration/"
    client_id, secret = os.environ["QBO_CLIENT_ID"], os.environ["QBO_CLIENT_SECRET"]
    auth = AuthClient(client_id, secret, "http://localhost", discovery)
    auth.access_token = os.environ["QBO_ACCESS_TOKEN"]
    qb = QuickBooks(auth_client=auth, company_id=realm)
    qb.api_url_v3 = f"{qbo_url}/v3"
    invoices: list[Invoice] = []
    calls = 0
    while True:  # Invoice.all's defaults: 100 a page
        calls += 1
        try:
            page = Invoice.all(start_position=len(invoices) + 1, qb=qb)
        except ValidationException as exc:  # 429 ThrottleExceeded: wait a little and ask again
            if "ThrottleExceeded" not in str(exc):
                raise
            time.sleep(5)
            continue
        invoices += page
        if len(page) < 100:
            break
    today = date.today().isoformat()
    table = [HEADER] + [row(i, today) for i in invoices]

    settings = Settings().pointed_at_emulators(qbo_url, google_url)
    credentials = Credentials(token=os.environ["GOOGLE_ACCESS_TOKEN"])
    client = gspread.Client(auth=None, session=make_session(credentials, settings))  # stock gspread
    spreadsheet = client.open_by_key(spreadsheet_id)
    try:
        sheet = spreadsheet.worksheet(tab)
    except gspread.WorksheetNotFound:
        sheet = spreadsheet.add_worksheet(tab, rows=1, cols=len(HEADER))
    sheet.clear()
    sheet.update(table)
    print(json.dumps({"qbo_calls": calls, "rows": len(invoices)}))


if __name__ == "__main__":
    main()

"""One analyst's workspace, driven through the dashboard (the Flask test client) against the emulators:
companies connected at Intuit's consent page, a Google account at Google's, exporters saved with the
editor, runs executed by performing their queued jobs in-process, webhooks signed like Intuit's."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime

from flask import Flask
from sqlmodel import Session, col, select

from connections.clients import gspread_client_for
from store.db import get_engine
from store.models import Company, Exporter, ExporterCompany, GoogleAccount, Membership, Run, User
from tests import pages
from tests.qbo.intuit import Admin
from tests.web.browser import Browser
from tests.web.oauth import connect_google, connect_quickbooks
from workers.queue import get_queues

VERIFIER = "lifecycle-verifier"


class Analyst:
    """A signed-up analyst with their own workspace."""

    def __init__(self, app: Flask, qbo_url: str) -> None:
        self.browser = Browser(app.test_client())
        self.email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
        self.browser.sign_up("Ada", self.email)
        self.google_email = f"writer-{uuid.uuid4().hex[:8]}@example.com"
        self.qbo = Admin(qbo_url)
        self.webhooks = 0

    # -- the store, as the analyst's workspace sees it -------------------------------------------------

    def _workspace(self, session: Session) -> int:
        user = session.exec(select(User).where(User.email == self.email)).one()
        return session.exec(select(Membership.workspace_id).where(Membership.user_id == user.id)).one()

    def companies(self) -> list[Company]:
        with Session(get_engine()) as session:
            ws = self._workspace(session)
            return list(
                session.exec(select(Company).where(Company.workspace_id == ws).order_by(Company.id)).all()
            )

    def exporters(self) -> list[Exporter]:
        with Session(get_engine()) as session:
            ws = self._workspace(session)
            return list(
                session.exec(select(Exporter).where(Exporter.workspace_id == ws).order_by(Exporter.id)).all()
            )

    def company_ids(self, exporter_id: int) -> list[int]:
        with Session(get_engine()) as session:
            return list(
                session.exec(
                    select(ExporterCompany.company_id).where(ExporterCompany.exporter_id == exporter_id)
                )
            )

    def google_account(self) -> GoogleAccount | None:
        with Session(get_engine()) as session:
            ws = self._workspace(session)
            return session.exec(
                select(GoogleAccount).where(
                    GoogleAccount.workspace_id == ws, GoogleAccount.email == self.google_email
                )
            ).first()

    def runs(self, exporter_id: int) -> list[Run]:
        with Session(get_engine()) as session:
            return list(
                session.exec(select(Run).where(Run.exporter_id == exporter_id).order_by(col(Run.id))).all()
            )

    # -- companies and Google ------------------------------------------------------------------------

    def new_realm(self, name: str, invoices: int = 3) -> str:
        return str(
            self.qbo.call("POST", "companies", json={"name": name, "invoices": invoices, "seed": 3})[
                "realmId"
            ]
        )

    def connect_company(self, realm: str) -> pages.Page:
        """Connect (or reconnect) the realm through Intuit's consent page."""
        return connect_quickbooks(self.browser, realm)

    def disconnect_company(self, company_id: int) -> pages.Page:
        return self.browser.fill(f"/companies/{company_id}/disconnect", "Disconnect")

    def remove_company(self, company: Company) -> pages.Page:
        return self.browser.fill(
            f"/companies/{company.id}/remove", "Remove company", confirm_name=company.name
        )

    def connect_google(self) -> pages.Page:
        return connect_google(self.browser, self.google_email, "Allow")

    def disconnect_google(self) -> pages.Page:
        account = self.google_account()
        assert account is not None
        return self.browser.fill(f"/google/{account.id}/disconnect", "Disconnect")

    # -- exporters -------------------------------------------------------------------------------------

    def create_exporter(self, **values: str | list[str]) -> pages.Page:
        self.browser.get("/exporters/new")
        form = self.browser.form("Save exporter")
        defaults = {"source": "invoices", "schedule": "manual", "destination": "new"}
        return self.browser.submit(form, "Save exporter", **{**defaults, **values})

    def edit_exporter(self, exporter_id: int, **values: str | list[str]) -> pages.Page:
        self.browser.get(f"/exporters/{exporter_id}/edit")
        return self.browser.submit(self.browser.form("Save exporter"), "Save exporter", **values)

    def page(self, exporter_id: int) -> pages.Page:
        return self.browser.get(f"/exporters/{exporter_id}")

    def toggle(self, exporter_id: int) -> pages.Page:
        page = self.page(exporter_id)
        button = (
            "Enable"
            if any(label.strip() == "Enable" for f in page.forms for _, _, label in f.buttons)
            else "Disable"
        )
        return self.browser.submit(self.browser.form(button))

    def run_now(self, exporter_id: int) -> set[int]:
        """Press Run now, then perform the queued jobs; the exporters that ran."""
        self.page(exporter_id)
        self.browser.submit(self.browser.form("Run now"))
        return self.perform_jobs()

    def webhook(self, realm: str, entity: str = "Invoice") -> set[int]:
        """Intuit tells of a change in the realm (signed like Intuit); the jobs performed; who ran."""
        self.webhooks += 1
        moment = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        change = {"name": entity, "id": str(self.webhooks), "operation": "Update", "lastUpdated": moment}
        event = {"realmId": realm, "dataChangeEvent": {"entities": [change]}}
        body = json.dumps({"eventNotifications": [event]}).encode()
        signature = base64.b64encode(hmac.new(VERIFIER.encode(), body, hashlib.sha256).digest()).decode()
        reply = self.browser.client.post(
            "/webhooks/intuit", data=body, headers={"intuit-signature": signature}
        )
        assert reply.status_code == 200, reply.data
        return self.perform_jobs()

    def perform_jobs(self) -> set[int]:
        """Perform the queue's jobs in-process, as a worker would (follow-ups they queue too); the
        exporters whose runs were performed."""
        queues = get_queues()  # Run now's queue first, as workers take them
        ran: set[int] = set()
        for _ in range(20):
            jobs = [(queue, job) for queue in queues for job in queue.jobs]
            if not jobs:
                return ran
            for queue, job in jobs:
                queue.remove(job)
                if job.func_name == "workers.jobs.run_export":
                    with Session(get_engine()) as session:
                        run = session.get(Run, job.args[0])
                        if run is not None:
                            ran.add(run.exporter_id)
                job.perform()
        raise AssertionError("the queue never emptied")

    # -- the sheet -------------------------------------------------------------------------------------

    def headers(self, spreadsheet_id: str) -> dict[str, list[str]]:
        """The header row of every tab of the spreadsheet (hidden staging tabs aside)."""
        with Session(get_engine()) as session:
            account = session.exec(
                select(GoogleAccount).where(GoogleAccount.email == self.google_email)
            ).first()
            assert account is not None
            gc = gspread_client_for(account)
        book = gc.open_by_key(spreadsheet_id)
        titles = [ws.title for ws in book.worksheets() if not ws.isSheetHidden]
        if not titles:
            return {}
        got = book.values_batch_get([f"'{t}'!1:1" for t in titles])
        return {
            t: [str(v) for v in (vr.get("values") or [[]])[0]]
            for t, vr in zip(titles, got["valueRanges"], strict=True)
        }

"""The chaos suite's machinery: a workspace of exporters run by real `sheetbooks worker` processes and a
real tick, an analyst pressing "Run now", a reader polling every tab, and the faults, all on a Redis, two
emulators and a database of the suite's own."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import gspread
import redis
import requests
from sqlmodel import col, select

from connections.clients import gspread_client_for
from sheets.errors import SheetsError
from store import db
from store.models import (
    ACTIVE_RUN_STATUSES,
    Exporter,
    ExporterCompany,
    GoogleAccount,
    Run,
    RunTrigger,
    utcnow,
)
from store.settings import Settings
from tests.chaos import tabs
from tests.chaos.profiles import ExporterSpec, Profile, fork
from tests.exporters.test_pipeline import World, google_account
from tests.infra import RedisServer, process_children
from tests.qbo.intuit import Admin, EmulatorClock
from tests.workers.fleet import ROOT, WorkerFleet, eventually
from workers.enqueue import enqueue_run

CAUSES = (
    ("worker_died", "worker running this export stopped"),
    ("redis_lost", "job queue (Redis)"),
    ("database_lost", "Sheetbooks' database"),
    ("timed_out", "ran longer than the limit"),
    ("google_reconnect", "needs reconnecting"),
    ("tab_deleted", "The tab was deleted while this run"),  # the suite deletes a tab mid-run on purpose
    ("qbo_throttled", "QuickBooks kept throttling"),
    ("qbo_throttled", "request limit"),
    ("qbo_unavailable", "QuickBooks"),
    ("google_quota", "quota"),
    ("google_unavailable", "Google Sheets"),
    ("unexpected", "unexpected error"),
)


def cause_of(message: str) -> str:
    return next((cause for cause, words in CAUSES if words in message), "other")


@dataclass
class Target:
    """One exporter of the chaos workspace: what it writes where, as whom, and what its tab must hold."""

    spec: ExporterSpec
    exporter_id: int
    account_id: int
    email: str
    spreadsheet: gspread.Spreadsheet
    expected: tabs.Expected
    realms: tuple[str, ...]


@dataclass
class Log:
    """What happened, for the assertions and the figures."""

    reads: Counter[str] = field(default_factory=Counter)
    bad_reads: list[str] = field(default_factory=list)
    clicks: int = 0
    refused_clicks: int = 0
    killed_runs: set[int] = field(default_factory=set)  # running when a work-horse or worker was killed
    faults: Counter[str] = field(default_factory=Counter)
    redis_down: list[tuple[datetime, datetime]] = field(default_factory=list)
    revoked_at: datetime | None = None
    last_fault: datetime | None = None
    started: float = field(default_factory=time.monotonic)


class Chaos:
    def __init__(
        self,
        profile: Profile,
        settings: Settings,
        qbo_url: str,
        google_url: str,
        server: RedisServer,
        tmp: Path,
    ) -> None:
        self.profile, self.settings, self.server, self.tmp = profile, settings, server, tmp
        self.qbo_url, self.google_url = qbo_url, google_url
        self.admin = Admin(qbo_url)
        self.world = World(settings, self.admin, EmulatorClock())
        self.log = Log()
        self.rng = random.Random(12)
        self.targets: list[Target] = []
        self.realms: list[str] = []
        self.fleet = WorkerFleet(settings, tmp / "workers.log", processes=profile.workers, fork=fork())
        self.tick: subprocess.Popen[bytes] | None = None
        self.stop_reading = threading.Event()
        self.reader = threading.Thread(target=self._read_forever, name="chaos-reader", daemon=True)

    # -- the workspace --------------------------------------------------------------------------------

    def build(self) -> None:
        """Companies, and one Google account and spreadsheet per exporter (each account has its own pace)."""
        company_ids = []
        for n, invoices in enumerate(self.profile.invoices):
            company_ids.append(self.world.company(f"Company {'ABC'[n]}", invoices))
            self.realms.append(self.world.realms[company_ids[-1]])
        for spec in self.profile.exporters:
            account_id = google_account(self.settings, self.world.workspace_id)
            with db.session_scope() as session:
                account = session.get(GoogleAccount, account_id)
                email = account.email
                spreadsheet = gspread_client_for(account).create(f"Chaos: {spec.name}")
                exporter = Exporter(
                    workspace_id=self.world.workspace_id,
                    name=spec.name,
                    source="invoices",
                    google_account_id=account_id,
                    spreadsheet_id=spreadsheet.id,
                    tab="Invoices",
                    write_mode=spec.write_mode,
                    schedule_cron="* * * * *",  # every minute: faster than the editor allows, on purpose
                    next_run_at=utcnow(),
                )
                session.add(exporter)
                session.flush()
                for position, n in enumerate(spec.companies):
                    session.add(
                        ExporterCompany(exporter_id=exporter.id, company_id=company_ids[n], position=position)
                    )
                exporter_id = exporter.id
            realms = tuple(self.realms[n] for n in spec.companies)
            self.targets.append(
                Target(
                    spec, exporter_id, account_id, email, spreadsheet, self._expected(spec, realms), realms
                )
            )

    def _expected(self, spec: ExporterSpec, realms: tuple[str, ...]) -> tabs.Expected:
        several = len(realms) > 1
        keys = frozenset(
            (realm, i["DocNumber"]) if several else (i["DocNumber"],)
            for realm in realms
            for i in tabs.invoices(self.qbo_url, realm)
        )
        return tabs.Expected(keys, several, spec.write_mode == "append")

    def definitions(self) -> dict[int, tuple]:
        """Every exporter's definition (what the analyst saved), to prove none was lost."""
        with db.session_scope() as session:
            links = session.exec(select(ExporterCompany)).all()
            return {
                e.id: (
                    e.name,
                    e.source,
                    e.spreadsheet_id,
                    e.tab,
                    e.write_mode,
                    e.schedule_cron,
                    e.google_account_id,
                    tuple(sorted(link.company_id for link in links if link.exporter_id == e.id)),
                )
                for e in session.exec(select(Exporter)).all()
            }

    # -- the processes --------------------------------------------------------------------------------

    def start(self) -> None:
        self.fleet.start()
        with open(self.tmp / "tick.log", "ab") as out:
            self.tick = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "web.cli",
                    "tick",
                    "--loop",
                    "--interval",
                    str(self.profile.tick_interval),
                ],
                env=self.fleet.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        self.reader.start()

    def stop(self) -> None:
        self.stop_reading.set()
        if self.reader.is_alive():
            self.reader.join(timeout=60)
        if self.tick is not None and self.tick.poll() is None:
            self.tick.send_signal(signal.SIGTERM)
            self.tick.wait(timeout=30)
        self.fleet.stop(timeout=20)

    def _read_forever(self) -> None:
        while not self.stop_reading.is_set():
            for target in self.targets:
                if target.spec.role == "revoked" and self.log.revoked_at is not None:
                    continue  # its reader lost access with the grant
                try:
                    rows = tabs.read(target.spreadsheet, "Invoices")
                except (gspread.exceptions.APIError, requests.RequestException, SheetsError):
                    self.log.reads["failed"] += 1
                    continue
                seen = tabs.verdict(rows, target.expected)
                self.log.reads[seen] += 1
                if seen in ("partial", "mixed"):
                    self.log.bad_reads.append(f"{target.spec.name}: {seen} ({len(rows or [])} rows)")

    # -- the analyst ----------------------------------------------------------------------------------

    def click(self) -> None:
        """Run now on some exporter (refused while Redis is down: the page says so)."""
        target = self.rng.choice(self.targets)
        self.log.clicks += 1
        try:
            enqueue_run(target.exporter_id, self.world.workspace_id, RunTrigger.MANUAL)
        except (redis.RedisError, LookupError):
            self.log.refused_clicks += 1

    def pause(self, seconds: float) -> None:
        """Let time pass, pressing Run now as often as the profile says."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self.click()
            time.sleep(min(left, self.profile.click_every))

    # -- the faults -----------------------------------------------------------------------------------

    def faults_on(self) -> None:
        p = self.profile
        for status, rate in ((503, p.qbo_fault_rate), (429, p.qbo_fault_rate / 5)):
            self.admin.call("POST", "faults", json={"kind": "query", "status": status, "rate": rate})
        self.admin.call("POST", "faults", json={"kind": "any", "latency_ms": p.qbo_latency_ms})
        for status, rate in ((503, p.google_fault_rate), (429, p.google_fault_rate / 5)):
            self._google_fault({"route": "sheets.write", "status": status, "rate": rate})
        self._google_fault({"route": "any", "latency_ms": p.google_latency_ms})

    def faults_off(self) -> None:
        self.admin.clear_faults()
        requests.delete(f"{self.google_url}/_emulator/faults", timeout=30).raise_for_status()
        self.log.last_fault = utcnow()

    def _google_fault(self, rule: dict) -> None:
        requests.post(f"{self.google_url}/_emulator/faults", json=rule, timeout=30).raise_for_status()

    def _running(self) -> set[int]:
        """The runs running now: the kill that follows can only have hit one of them."""
        with db.session_scope() as session:
            return {i for i in session.exec(select(Run.id).where(Run.status == "running")).all() if i}

    def kill_horse(self) -> None:
        """SIGKILL the process running a run (the OOM killer's way): a worker process, or (--fork) a horse."""

        def killed_one() -> bool:  # a horse seen may have finished its run and exited before the kill
            horses = self.fleet.running_jobs()
            if not horses:  # every run has ended (they take well under a second): the analyst clicks on
                self.click()
                return False
            self.log.killed_runs |= self._running()
            return self.fleet.kill_if_running(self.rng.choice(horses))

        eventually(killed_one, 20, "a run to kill", every=0.2)
        # A worker process (not --fork) may have claimed its next run since: it is failed as killed too
        # (before its supervisor has failed it, it is still running).
        self.log.killed_runs |= self._running()
        self.log.faults["work-horse SIGKILLed"] += 1

    def lose_machine(self) -> None:
        """SIGKILL a worker process and its work-horse together: nobody is left to say the run died."""
        worker = self.rng.choice(self.fleet.workers())
        self.log.killed_runs |= self._running()
        for horse in process_children(worker):
            self.fleet.kill_if_running(horse)
        self.fleet.kill(worker)
        self.log.faults["worker process and work-horse SIGKILLed"] += 1

    def restart_redis(self) -> None:
        down = utcnow()
        self.server.stop()
        self.pause(self.profile.redis_down_seconds)
        self.server.start()
        self.log.redis_down.append((down, utcnow()))
        self.log.faults["Redis restarted (all keys lost)"] += 1

    def flush_redis(self) -> None:
        redis.Redis.from_url(self.server.url).flushall()
        self.log.faults["Redis flushed"] += 1

    def revoke_grant(self) -> None:
        target = self._with_role("revoked")
        self.log.revoked_at = utcnow()  # first: the reader stops reading as that account
        requests.post(
            f"{self.google_url}/_emulator/tokens/revoke", json={"email": target.email}, timeout=30
        ).raise_for_status()
        self.log.faults["Google grant revoked"] += 1

    def delete_tab(self) -> None:
        target = self._with_role("deleted_tab")
        try:
            target.spreadsheet.del_worksheet(target.spreadsheet.worksheet("Invoices"))
            self.log.faults["tab deleted"] += 1
        except gspread.exceptions.WorksheetNotFound:
            pass

    def change_books(self) -> None:
        """An accountant edits a few invoices of company A (upsert exporters see them incrementally)."""
        realm = self.realms[0]
        ids = [i["Id"] for i in tabs.invoices(self.qbo_url, realm)]
        chosen = self.rng.sample(ids, 5)
        body = {"update": chosen, "patch": {"Balance": round(self.rng.uniform(1, 500), 2)}}
        self.admin.call("POST", f"companies/{realm}/entities/Invoice/bulk", json=body)
        self.log.faults["QuickBooks invoices edited"] += 1

    def _with_role(self, role: str) -> Target:
        return next(t for t in self.targets if t.spec.role == role)

    def shake(self) -> None:
        """The fault schedule, `cycles` times over, with Run now clicks in between."""
        p = self.profile
        schedule = (
            (0.10, self.kill_horse),
            (0.20, self.change_books),
            (0.30, self.restart_redis),
            (0.50, self.lose_machine),
            (0.60, self.revoke_grant),
            (0.65, self.delete_tab),
            (0.75, self.flush_redis),
            (0.90, self.kill_horse),
        )
        self.faults_on()
        for cycle in range(p.cycles):
            start = time.monotonic()
            for at, fault in schedule:
                if fault in (self.revoke_grant, self.delete_tab) and cycle > 0:
                    continue
                if fault == self.restart_redis and cycle % 2:
                    continue
                self.pause(start + at * p.cycle_seconds - time.monotonic())
                fault()
            self.pause(start + p.cycle_seconds - time.monotonic())
        self.faults_off()

    # -- after the faults -----------------------------------------------------------------------------

    def recover(self) -> float:
        """Seconds from the last fault until every run queued before it has ended (fails when one is still
        active `stuck_after` seconds after it)."""
        assert self.log.last_fault is not None
        last = self.log.last_fault

        def active_before() -> list[int]:
            with db.session_scope() as session:
                return list(
                    session.exec(
                        select(Run.id).where(
                            col(Run.status).in_(ACTIVE_RUN_STATUSES), col(Run.queued_at) <= last
                        )
                    ).all()
                )

        stuck = active_before()
        deadline = time.monotonic() + self.profile.stuck_after
        while stuck and time.monotonic() < deadline:
            time.sleep(0.5)
            stuck = active_before()
        assert stuck == [], (
            f"runs still active {self.profile.stuck_after:.0f} s after the last fault: {stuck}"
        )
        return (utcnow() - last).total_seconds()

    def final_pass(self) -> dict[str, list[str]]:
        """Run every valid exporter once more (as its next scheduled run would); how each tab differs from
        QuickBooks afterwards ([] when equal)."""
        out = {}
        for target in self.targets:
            if target.spec.role == "revoked":
                continue
            run_id = self._run_now(target)
            with db.session_scope() as session:
                run = session.get(Run, run_id)
            if run.status != "succeeded":
                out[target.spec.name] = [f"run #{run_id} {run.status}: {run.error}"]
                continue
            books = {}
            for realm in target.realms:
                for invoice in tabs.invoices(self.qbo_url, realm):
                    key = (
                        (realm, invoice["DocNumber"]) if target.expected.several else (invoice["DocNumber"],)
                    )
                    books[key] = invoice
            rows = tabs.read(target.spreadsheet, "Invoices")
            out[target.spec.name] = tabs.differences(
                rows, books, target.expected.several, target.expected.append
            )
        return out

    def _run_now(self, target: Target) -> int:
        def queued() -> int | None:
            run = enqueue_run(target.exporter_id, self.world.workspace_id, RunTrigger.MANUAL)
            return run.id if run is not None else None

        run_id = eventually(
            queued, self.profile.stuck_after, f"a run of {target.spec.name} to queue", every=0.5
        )

        def ended() -> bool:
            with db.session_scope() as session:
                return session.get(Run, run_id).status not in ACTIVE_RUN_STATUSES

        eventually(ended, self.profile.stuck_after, f"run #{run_id} to end", every=0.3)
        return run_id

    def runs(self) -> list[Run]:
        with db.session_scope() as session:
            return list(session.exec(select(Run).order_by(col(Run.id))).all())

    def exporter_of(self, role: str) -> Exporter:
        with db.session_scope() as session:
            return session.get(Exporter, self._with_role(role).exporter_id)

    def figures(self, recovered_in: float) -> dict[str, object]:
        runs = self.runs()
        return {
            "profile": self.profile.name,
            "seconds": round(time.monotonic() - self.log.started),
            "exporters": len(self.targets),
            "invoices": list(self.profile.invoices),
            "workers": f"{self.profile.workers}{' (--fork)' if self.fleet.fork else ''}",
            "runs": len(runs),
            "runs by status": dict(Counter(r.status for r in runs)),
            "automatic retries": sum(r.retry_of_id is not None for r in runs),
            "failures by cause": dict(Counter(cause_of(r.error) for r in runs if r.status == "failed")),
            "faults": dict(self.log.faults),
            "clicks (refused while Redis was down)": f"{self.log.clicks} ({self.log.refused_clicks})",
            "reads": dict(self.log.reads),
            "partial or mixed reads": len(self.log.bad_reads),
            "seconds to recover after the last fault": round(recovered_in, 1),
        }

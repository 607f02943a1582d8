"""Random sequences of what analysts do (hypothesis, stateful) against the dashboard and the emulators,
checking after every step what issue 11 promises:

- no exporter is paused without its reason on its page (and one going on without a company says so);
- every paused exporter resumes when its reason goes away: its state is always the one its causes call
  for (the user's switch, the Google account, its companies and what it does when one is missing);
- no two exporters own one tab;
- no tab's header changes except by a run of its own exporter after an edit of that exporter (removing or
  disconnecting a company, reconnecting anything, a webhook: the columns stay where they were).

Each example is a new analyst with a new workspace, three emulated companies (two connected), one Google
account and two exporters writing two tabs of one spreadsheet. Runs are executed in-process by performing
their queued jobs. Bounded (examples x steps) to stay well under a minute.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from exporters.definition import definition_of, tab_labels
from store.db import session_scope
from store.models import CompanyStatus, Exporter, ExporterState
from tests.lifecycle.analyst import Analyst

POLICIES = ("pause", "keep", "mark")
PICK = st.integers(0, 5)  # which of the current companies/exporters (modulo how many there are)
COLUMN_SETS = (
    ["number", "date", "customer", "total", "balance"],
    ["number", "total"],
    ["number", "date", "customer", "customer_id", "total", "balance", "due_date", "status", "currency"],
)
LIFECYCLE = settings(
    max_examples=int(os.environ.get("LIFECYCLE_EXAMPLES", "5")),  # more to explore: LIFECYCLE_EXAMPLES=200
    stateful_step_count=10,
    deadline=None,
    database=None,  # nothing written into the worktree; a failure prints its steps
    phases=(Phase.explicit, Phase.generate),  # no shrinking: each replay costs seconds of real runs
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def test_exporters_stay_right_through_any_sequence_of_user_actions(app, qbo_emulator, google_emulator):
    class Lifecycle(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.ada = Analyst(app, qbo_emulator.url)
            self.google_connected = True
            self.disabled: set[int] = set()
            self.edited: set[int] = set()  # edited since their tab's header was last seen
            self.ran: set[int] = set()  # exporters that ran during the step
            self.headers: dict[str, list[str]] = {}
            self.realms: list[str] = []
            self.spreadsheet_id = ""

        @initialize(policy=st.sampled_from(POLICIES), write_mode=st.sampled_from(["replace", "upsert"]))
        def two_companies_two_exporters(self, policy: str, write_mode: str) -> None:
            self.ada.connect_google()
            self.realms = [self.ada.new_realm(name) for name in ("North Co", "South Co", "West Co")]
            for realm in self.realms[:2]:
                self.ada.connect_company(realm)
            ids = [str(c.id) for c in self.ada.companies()]
            made = self.ada.create_exporter(
                name="Both",
                companies=ids,
                tab="One",
                spreadsheet_title="Lifecycle",
                refresh_on_changes="y",
                missing_company=policy,
                write_mode=write_mode,
            )
            assert made.has("Created the exporter Both"), made.text[:800]
            [first] = self.ada.exporters()
            self.spreadsheet_id = first.spreadsheet_id
            made = self.ada.create_exporter(
                name="North only",
                companies=ids[:1],
                tab="Two",
                destination="existing",
                spreadsheet=self.spreadsheet_id,
                write_mode="upsert",
                refresh_on_changes="y",
            )
            assert made.has("Created the exporter North only"), made.text[:800]

        # -- what analysts do ----------------------------------------------------------------------

        @rule(which=st.integers(0, 2))
        def connect_or_reconnect_company(self, which: int) -> None:
            self.ada.connect_company(self.realms[which])

        @rule(pick=PICK)
        def disconnect_company(self, pick: int) -> None:
            connected = [c for c in self.ada.companies() if c.status == CompanyStatus.CONNECTED]
            if connected:
                self.ada.disconnect_company(connected[pick % len(connected)].id)

        @rule(pick=PICK)
        def remove_company(self, pick: int) -> None:
            companies = self.ada.companies()
            if companies:
                self.ada.remove_company(companies[pick % len(companies)])

        @rule(
            pick=PICK,
            picks=st.sets(PICK, min_size=1, max_size=3),
            tab_pick=PICK,
            columns=st.sampled_from(COLUMN_SETS),
            policy=st.sampled_from(POLICIES),
        )
        def edit_exporter(
            self, pick: int, picks: set[int], tab_pick: int, columns: list[str], policy: str
        ) -> None:
            exporters, companies = self.ada.exporters(), self.ada.companies()
            if not exporters or not companies:
                return
            exporter = exporters[pick % len(exporters)]
            chosen = list(
                {companies[i % len(companies)].id: companies[i % len(companies)] for i in picks}.values()
            )
            tabs = sorted({e.tab for e in exporters} | {"Three"})
            tab = tabs[tab_pick % len(tabs)]
            page = self.ada.edit_exporter(
                exporter.id,
                companies=[str(c.id) for c in chosen],
                columns=columns,
                missing_company=policy,
                tab=tab,
            )
            if page.has(f"Saved the exporter {exporter.name}"):
                self.edited.add(exporter.id)
            else:  # refused: another exporter's tab, or no Google account to check the spreadsheet with
                assert page.has("already writes the tab") or not self.google_connected, page.text[:1500]

        @rule(pick=PICK)
        def disable_or_enable(self, pick: int) -> None:
            exporters = self.ada.exporters()
            if not exporters:
                return
            exporter = exporters[pick % len(exporters)]
            self.ada.toggle(exporter.id)
            if exporter.state == ExporterState.DISABLED:
                self.disabled.discard(exporter.id)
            else:
                self.disabled.add(exporter.id)

        @rule(pick=PICK)
        def run_now(self, pick: int) -> None:
            exporters = self.ada.exporters()
            if exporters:
                self.ran = self.ada.run_now(exporters[pick % len(exporters)].id)

        @rule(which=st.integers(0, 2))
        def quickbooks_changes(self, which: int) -> None:
            self.ran = self.ada.webhook(self.realms[which])

        @rule()
        def disconnect_google(self) -> None:
            if self.google_connected:
                self.ada.disconnect_google()
                self.google_connected = False

        @rule()
        def reconnect_google(self) -> None:
            self.ada.connect_google()
            self.google_connected = True

        # -- what must hold after every step ------------------------------------------------------------

        def expected_state(self, exporter: Exporter) -> ExporterState:
            statuses = {c.id: c.status for c in self.ada.companies()}
            ids = self.ada.company_ids(exporter.id)
            lost = [i for i in ids if statuses.get(i) != CompanyStatus.CONNECTED]
            if exporter.id in self.disabled:
                return ExporterState.DISABLED
            if not self.google_connected:
                return ExporterState.PAUSED_GOOGLE
            if lost and (exporter.options.missing_company == "pause" or len(lost) == len(ids)):
                return ExporterState.PAUSED_COMPANY
            return ExporterState.ACTIVE

        @invariant()
        def every_state_has_its_cause_and_a_pause_says_why(self) -> None:
            for exporter in self.ada.exporters():
                self.disabled &= {e.id for e in self.ada.exporters()}
                assert exporter.state == self.expected_state(exporter), (exporter.name, exporter.pauses)
                page = self.ada.page(exporter.id)
                if exporter.state != ExporterState.ACTIVE:
                    assert exporter.paused_reason and page.has(exporter.paused_reason), exporter.name
                elif exporter.pauses.companies:
                    assert page.has("Running without"), exporter.name

        @invariant()
        def one_owner_per_tab(self) -> None:
            tabs = [(e.spreadsheet_id, e.tab.strip().lower()) for e in self.ada.exporters()]
            assert len(tabs) == len(set(tabs)), tabs

        @invariant()
        def a_header_changes_only_after_an_edit_of_its_own_exporter(self) -> None:
            if not self.google_connected or not self.spreadsheet_id:
                return  # the analyst cannot read the sheet either; nothing writes it meanwhile
            owners = {e.tab: e for e in self.ada.exporters() if e.spreadsheet_id == self.spreadsheet_id}
            for tab, header in self.ada.headers(self.spreadsheet_id).items():
                before, owner = self.headers.get(tab), owners.get(tab)
                if tab in self.headers and header != before:
                    # written by its own exporter's run, as its definition says; a header it had before
                    # changes only after an edit of that exporter (an empty tab gets its first one)
                    assert owner is not None and owner.id in self.ran, (tab, before, header)
                    assert not before or owner.id in self.edited, (tab, before, header)
                    with session_scope() as session:
                        written = tab_labels(definition_of(session, session.get(Exporter, owner.id)))
                    assert header == written, (tab, header, written)
                self.headers[tab] = header
            self.edited -= self.ran
            self.ran = set()

    run_state_machine_as_test(Lifecycle, settings=LIFECYCLE)

"""The states of exporters and runs and every allowed transition, in one place (design.md, Decision 11).

Every write of `Run.status`, `Run.heartbeat_at`, `Exporter.enabled`, `Exporter.state`,
`Exporter.paused_reason`, `Exporter.pauses`, `Exporter.failure_streak` and `Exporter.next_run_at` goes
through this module.

Runs
----
A run is queued, then running, then succeeded or failed; a queued run may be cancelled (its exporter
was disabled) or skipped (its exporter was paused before a worker took it); a running run may be
cancelled. `RUN_TRANSITIONS` is the whole table. A running run proves it is alive by its heartbeat
(`beat`, every progress write and every `heartbeat_every()`); the reaper fails one silent for
`heartbeat_timeout()` (`silent`), whatever Redis remembers.

Exporters
---------
An exporter is paused by *holds*, each with its own cause and its own way out (`ExporterPauses`):
the user disabled it, a company it reads was disconnected, its Google account needs reconnecting, or
it failed too often. `EXPORTER_EVENTS` says which hold each event sets or clears; the state is the
first hold in `PRECEDENCE` that holds, else active. A hold never outlives its cause: a company edited
out of the exporter or removed no longer holds it (`settle`), reconnecting a Google account re-attaches
the exporters it was taken from. Nor is a cause without its hold: a disconnected company an edit adds to
the exporter holds it from that save (`settle`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal, NamedTuple

from sqlalchemy import CursorResult, case, literal, tuple_, update
from sqlmodel import Session, UTCDateTime, col, select

from store.documents import CompanyHold, ExporterPauses, GoogleHold
from store.models import (
    ACTIVE_RUN_STATUSES,
    Company,
    CompanyStatus,
    Exporter,
    ExporterCompany,
    ExporterState,
    Run,
    RunStatus,
    utcnow,
)
from store.settings import get_settings

# -- runs ------------------------------------------------------------------------------------------------

Q, R = RunStatus.QUEUED, RunStatus.RUNNING
RUN_TRANSITIONS: dict[RunStatus, frozenset[RunStatus]] = {
    # queued: a worker takes it; its exporter was disabled; paused; or its job could not be (re)queued
    Q: frozenset({R, RunStatus.CANCELLED, RunStatus.SKIPPED, RunStatus.FAILED}),
    # running: it ends, well or not (a silent worker ends it as failed); or it is cancelled
    R: frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED}),
    RunStatus.SUCCEEDED: frozenset(),
    RunStatus.FAILED: frozenset(),
    RunStatus.CANCELLED: frozenset(),
    RunStatus.SKIPPED: frozenset(),
}
FINISHED = frozenset(s for s, nexts in RUN_TRANSITIONS.items() if not nexts)


def heartbeat_timeout() -> timedelta:
    """How long a running run may go without a heartbeat before it counts as dead (5 minutes)."""
    return timedelta(seconds=get_settings().run_heartbeat_timeout_seconds)


def heartbeat_every() -> timedelta:
    """How often a running run beats: ten missed beats and the worker is gone."""
    return heartbeat_timeout() / 10


class IllegalTransition(RuntimeError):
    """A status change the tables do not allow (a bug: callers check the state they act on)."""


def move_run(run: Run, to: RunStatus, now: datetime | None = None, *, error: str = "") -> None:
    """Move a run (loaded in a session) to `to`, with the timestamps that go with it."""
    now = now or utcnow()
    current = RunStatus(run.status)
    if to not in RUN_TRANSITIONS[current]:
        raise IllegalTransition(f"run {run.id}: {current} -> {to} is not a transition")
    run.status = to
    if to == R:
        run.started_at, run.heartbeat_at, run.finished_at = now, now, None
    if to in FINISHED:
        run.finished_at = now
        run.started_at = run.started_at or now
        run.error = error[:2000]


def cancel_run(run: Run, by: str, now: datetime | None = None) -> bool:
    """A queued or running run -> cancelled (False: it had already ended). A queued run is never taken by a
    worker (`claim_run` takes only queued runs); a running one stops at its next progress write
    (exporters.progress), before it swaps anything into the live tab."""
    if RunStatus(run.status) not in ACTIVE_RUN_STATUSES:
        return False
    move_run(run, RunStatus.CANCELLED, now, error=f"Cancelled by {by}.")
    run.progress = "Cancelled"
    return True


def claim_run(session: Session, run_id: int, now: datetime | None = None) -> bool:
    """queued -> running as one conditional UPDATE: of two workers given the same run, one wins."""
    now = now or utcnow()
    result = session.execute(
        update(Run)
        .where(col(Run.id) == run_id, col(Run.status) == Q)
        .values(
            status=R,
            started_at=now,
            heartbeat_at=now,
            finished_at=None,
            deferred_at=None,
            progress="Starting",
        )
    )
    return isinstance(result, CursorResult) and result.rowcount == 1


def beat(session: Session, run_id: int, now: datetime | None = None) -> None:
    """A running run is alive: its heartbeat now."""
    session.execute(
        update(Run).where(col(Run.id) == run_id, col(Run.status) == R).values(heartbeat_at=now or utcnow())
    )


def silent(run: Run, now: datetime) -> bool:
    """A running run whose worker stopped beating: dead, whatever Redis remembers."""
    last = run.heartbeat_at or run.started_at or run.queued_at
    return run.status == R and last < now - heartbeat_timeout()


# -- exporters: holds, events, state ---------------------------------------------------------------------


class Event(StrEnum):
    USER_DISABLED = "user_disabled"
    USER_ENABLED = "user_enabled"
    COMPANY_LOST = "company_lost"  # disconnected, or Intuit refused its tokens
    COMPANY_BACK = "company_back"  # reconnected
    GOOGLE_REFUSED = "google_refused"  # Google refused the account's grant
    GOOGLE_DISCONNECTED = "google_disconnected"
    GOOGLE_BACK = "google_back"  # reconnected, or the exporter was given another connected account
    FAILED_REPEATEDLY = "failed_repeatedly"  # PAUSE_AFTER_FAILURES failed runs in a row (`run_failed`)
    RUN_SUCCEEDED = "run_succeeded"  # any successful run (a Run now of a paused one too) lifts that hold


S = ExporterState
ALL_STATES = frozenset(S)


@dataclass(frozen=True)
class Transition:
    """What an event does to an exporter's holds, and from which states it may happen."""

    holds: Callable[[ExporterPauses, dict[str, object]], ExporterPauses]
    from_states: frozenset[ExporterState] = ALL_STATES
    says: str = ""


def _set(pauses: ExporterPauses, **changes: object) -> ExporterPauses:
    return pauses.model_copy(update=changes)


def _add_company(p: ExporterPauses, a: dict[str, object]) -> ExporterPauses:
    hold = CompanyHold.model_validate(a["hold"])
    return _set(p, companies=[*(c for c in p.companies if c.company_id != hold.company_id), hold])


def _drop_company(p: ExporterPauses, a: dict[str, object]) -> ExporterPauses:
    return _set(p, companies=[c for c in p.companies if c.company_id != a["company_id"]])


def _google(
    why: Literal["refused", "disconnected"],
) -> Callable[[ExporterPauses, dict[str, object]], ExporterPauses]:
    return lambda p, a: _set(p, google=GoogleHold(email=str(a["email"]), why=why))


EXPORTER_EVENTS: dict[Event, Transition] = {
    Event.USER_DISABLED: Transition(
        lambda p, a: _set(p, disabled_by=str(a["by"])), ALL_STATES - {S.DISABLED}
    ),
    # enabling is the user's "try again": it clears their own hold and a failures hold, not the others
    Event.USER_ENABLED: Transition(
        lambda p, a: _set(p, disabled_by=None, failures=0, failure_error=""),
        frozenset({S.DISABLED, S.PAUSED_FAILURES}),
    ),
    Event.COMPANY_LOST: Transition(_add_company),
    Event.COMPANY_BACK: Transition(_drop_company),
    Event.GOOGLE_REFUSED: Transition(_google("refused")),
    Event.GOOGLE_DISCONNECTED: Transition(_google("disconnected")),
    Event.GOOGLE_BACK: Transition(lambda p, a: _set(p, google=None)),
    Event.FAILED_REPEATEDLY: Transition(
        lambda p, a: _set(p, failures=int(str(a["failures"])), failure_error=str(a["error"])[:1000]),
        frozenset({S.ACTIVE}),
    ),
    Event.RUN_SUCCEEDED: Transition(lambda p, a: _set(p, failures=0, failure_error="")),
}
# Events after which the exporter's failures in a row count from zero again.
RESTARTS_FAILURE_COUNT = frozenset({Event.USER_ENABLED, Event.RUN_SUCCEEDED})

# The state an exporter shows is its first hold in this order (the one the analyst must lift first).
PRECEDENCE = (S.DISABLED, S.PAUSED_GOOGLE, S.PAUSED_COMPANY, S.PAUSED_FAILURES)


def _company_ids(session: Session, exporter: Exporter) -> list[int]:
    return list(
        session.exec(
            select(ExporterCompany.company_id).where(ExporterCompany.exporter_id == exporter.id)
        ).all()
    )


def company_paused(pauses: ExporterPauses, company_ids: list[int], missing_company: str) -> bool:
    """Whether its lost companies stop the exporter: yes unless it goes on with the connected others."""
    if not pauses.companies:
        return False
    return missing_company == "pause" or len(pauses.companies) >= len(company_ids)


def state_of(exporter: Exporter, company_ids: list[int]) -> ExporterState:
    """The state the exporter's holds put it in."""
    p = exporter.pauses
    holding = {
        S.DISABLED: p.disabled_by is not None,
        S.PAUSED_GOOGLE: p.google is not None,
        S.PAUSED_COMPANY: company_paused(p, company_ids, exporter.options.missing_company),
        S.PAUSED_FAILURES: p.failures > 0,
    }
    return next((state for state in PRECEDENCE if holding[state]), S.ACTIVE)


def reason(exporter: Exporter, state: ExporterState) -> str:
    """Why the exporter is paused and what lifts it, in the analyst's words ("" when active)."""
    p = exporter.pauses
    if state == S.DISABLED:
        return f"Disabled by {p.disabled_by}. Enable it to run it again."
    if state == S.PAUSED_GOOGLE and p.google is not None:
        if p.google.why == "disconnected":
            return (
                f"Paused: the Google account {p.google.email} was disconnected. Connect it again (or choose "
                "another Google account in the editor) to resume."
            )
        return (
            f"Paused: the Google account {p.google.email} needs reconnecting: Google refused its access "
            "(expired or revoked). Reconnect it under Google accounts; this exporter writes again once it is."
        )
    if state == S.PAUSED_COMPANY:
        lost = "; ".join(
            f"the QuickBooks company {c.name} "
            + (
                "needs to be reconnected (QuickBooks refused its connection)"
                if c.why == "needs_reconnect"
                else "was disconnected"
            )
            for c in p.companies
        )
        return f"Paused: {lost}. Reconnect it under Companies, or remove it from this exporter, to resume."
    if state == S.PAUSED_FAILURES:
        return (
            f"Paused after {p.failures} failed runs in a row (last: {p.failure_error}). Fix the cause, then "
            "enable it to try again."
        )
    return ""


LOST = (CompanyStatus.DISCONNECTED, CompanyStatus.NEEDS_RECONNECT)


def _lost_without_hold(session: Session, ids: list[int], held: set[int]) -> list[CompanyHold]:
    """Holds for companies the exporter reads that were lost before it read them (an edit added them):
    their COMPANY_LOST event came before, so their hold is set here, and lifted by their reconnect."""
    lost = session.exec(
        select(Company)
        .where(col(Company.id).in_(ids), col(Company.status).in_(LOST))
        .order_by(col(Company.id))
    ).all()
    return [
        CompanyHold(
            company_id=c.id,
            name=c.name or c.realm_id,
            why="needs_reconnect" if c.status == CompanyStatus.NEEDS_RECONNECT else "disconnected",
        )
        for c in lost
        if c.id is not None and c.id not in held
    ]


def settle(session: Session, exporter: Exporter) -> ExporterState:
    """Recompute the state from the holds: drop holds of companies the exporter no longer reads, add one for
    a lost company it reads without one (added by an edit), then write
    `state`, `enabled` and `paused_reason`. Called after every event and every edit of its companies."""
    ids = _company_ids(session, exporter)
    kept = [c for c in exporter.pauses.companies if c.company_id in ids]
    kept += _lost_without_hold(session, ids, {c.company_id for c in kept})
    if kept != list(exporter.pauses.companies):
        exporter.pauses = _set(exporter.pauses, companies=kept)
    state = state_of(exporter, ids)
    exporter.state = state
    exporter.enabled = state == S.ACTIVE
    exporter.paused_reason = reason(exporter, state)
    session.add(exporter)
    return state


def apply(session: Session, exporter: Exporter, event: Event, **args: object) -> ExporterState:
    """Apply one event to the exporter (see `EXPORTER_EVENTS`); the state it is in afterwards."""
    transition = EXPORTER_EVENTS[event]
    current = ExporterState(exporter.state)
    if current not in transition.from_states:
        raise IllegalTransition(f"exporter {exporter.id}: {event} does not apply to a {current} exporter")
    exporter.pauses = transition.holds(exporter.pauses, args)
    if event in RESTARTS_FAILURE_COUNT:
        exporter.failure_streak = 0
    return settle(session, exporter)


def can_apply(exporter: Exporter, event: Event) -> bool:
    return ExporterState(exporter.state) in EXPORTER_EVENTS[event].from_states


def missing_companies(exporter: Exporter) -> list[int]:
    """The companies a running exporter goes on without (it continues with the others)."""
    return [c.company_id for c in exporter.pauses.companies]


# -- the schedule ----------------------------------------------------------------------------------------


# The schedule's arithmetic is exporters.schedules' (a cron expression in a time zone); the callers pass the
# times it computed, and this module decides which of them becomes next_run_at.


def set_schedule(exporter: Exporter, next_at: datetime | None, now: datetime, changed: bool) -> None:
    """The analyst saved the schedule; `next_at` is its first slot after now (None: manual only).
    A new exporter is due at once (its first fill), a changed schedule moves to its first slot, an
    unchanged one keeps its pending slot."""
    if next_at is None:
        exporter.next_run_at = None
    elif exporter.id is None:
        exporter.next_run_at = now
    elif changed or exporter.next_run_at is None:
        exporter.next_run_at = next_at


def restart_clock(exporter: Exporter, next_at: datetime | None) -> None:
    """ "Run now": an overdue slot is served by this run, so the next scheduled run is the schedule's
    next slot after the click (`next_at`); a slot still ahead stays."""
    if exporter.enabled and exporter.next_run_at is not None and next_at is not None:
        exporter.next_run_at = next_at


class SlotClaim(NamedTuple):
    """One due exporter the tick claims: its next_run_at as the tick read it, and the slot after it."""

    exporter_id: int
    due_at: datetime  # the slot it is due for (its next_run_at when read)
    next_at: datetime | None  # its schedule's first slot after the tick: missed slots run once


def claim_slots(session: Session, claims: Sequence[SlotClaim]) -> set[int]:
    """Move each exporter's next_run_at to its `next_at` iff it is still enabled and at the `due_at` the tick
    read, in one UPDATE; the exporters claimed (of two ticks, only one claims an exporter's slot)."""
    if not claims:
        return set()
    at = col(Exporter.next_run_at)
    by_slot: dict[datetime | None, list[int]] = {}
    for claim in claims:  # one CASE branch per distinct next slot (exporters share a few schedules)
        by_slot.setdefault(claim.next_at, []).append(claim.exporter_id)
    next_at = case(
        *((col(Exporter.id).in_(ids), literal(slot, UTCDateTime())) for slot, ids in by_slot.items()),
        else_=at,
    )
    seen = [(claim.exporter_id, claim.due_at) for claim in claims]
    statement = (
        update(Exporter)
        .where(tuple_(col(Exporter.id), at).in_(seen), col(Exporter.enabled).is_(True))
        .values(next_run_at=next_at)
        .returning(col(Exporter.id))
    )
    return set(session.execute(statement).scalars())


# -- failures in a row: backoff and self-pause -----------------------------------------------------------


def run_succeeded(session: Session, exporter: Exporter) -> None:
    """A run succeeded: its failures in a row count from zero, and a failures hold is lifted."""
    apply(session, exporter, Event.RUN_SUCCEEDED)


def run_failed(
    session: Session, exporter: Exporter, error: str, backoff_until: datetime | None, pause_after: int
) -> bool:
    """A run failed: one more failure in a row. At `pause_after` (0: never) an active exporter pauses
    itself (True: it just did); before that its next scheduled run waits at least until `backoff_until`
    (the schedule's first slot after the backoff, computed by the caller)."""
    exporter.failure_streak += 1
    if (
        pause_after
        and exporter.failure_streak >= pause_after
        and can_apply(exporter, Event.FAILED_REPEATEDLY)
    ):
        apply(session, exporter, Event.FAILED_REPEATEDLY, failures=exporter.failure_streak, error=error)
        return True
    if (
        backoff_until is not None
        and exporter.next_run_at is not None
        and exporter.next_run_at < backoff_until
    ):
        exporter.next_run_at = backoff_until
    session.add(exporter)
    return False


# -- follow-up runs (a QuickBooks change during a run) ---------------------------------------------------


def want_follow_up(exporter: Exporter, now: datetime | None = None) -> None:
    """A change arrived while the exporter was busy: one more run once the current one ends."""
    exporter.follow_up_at = exporter.follow_up_at or now or utcnow()


def take_follow_up(exporter: Exporter) -> bool:
    """Whether a follow-up was wanted (and it is taken now)."""
    wanted = exporter.follow_up_at is not None
    exporter.follow_up_at = None
    return wanted


def take_follow_ups(session: Session, exporter_ids: Sequence[int]) -> None:
    """The tick queued a run of each of these exporters: it reads after any change, so it is their
    follow-up (`take_follow_up` for a batch, in one UPDATE)."""
    if exporter_ids:
        session.execute(
            update(Exporter)
            .where(col(Exporter.id).in_(exporter_ids), col(Exporter.follow_up_at).is_not(None))
            .values(follow_up_at=None)
        )

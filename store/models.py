"""SQLModel tables: the database is the source of truth (design.md, Decision 1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.documents import ExporterOptions, ExporterPauses, RunStats, SheetState, TypedJSON


def utcnow() -> datetime:
    """Aware UTC now; SQLModel's UTCDateTime stores and returns every datetime in UTC."""
    return datetime.now(UTC)


class TypedDocuments:
    """Mixin for tables with TypedJSON columns: a document is validated when assigned (a mapping as the
    current version), so the attribute holds the model from then on and an invalid one is refused there."""

    __table__: Any

    def __setattr__(self, name: str, value: Any) -> None:
        column = self.__table__.columns.get(name) if hasattr(type(self), "__table__") else None
        if column is not None and isinstance(column.type, TypedJSON):
            value = column.type.coerce(value)
        super().__setattr__(name, value)


class Role(StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class CompanyStatus(StrEnum):
    CONNECTED = "connected"
    REFRESH_FAILING = "refresh_failing"
    NEEDS_RECONNECT = "needs_reconnect"
    DISCONNECTED = "disconnected"


class GoogleAccountStatus(StrEnum):
    CONNECTED = "connected"
    NEEDS_RECONNECT = "needs_reconnect"


class WriteMode(StrEnum):
    REPLACE = "replace"
    APPEND = "append"
    UPSERT = "upsert"


class FailureMail(StrEnum):
    """What a user hears of failed runs in the workspaces they own (mail.failures)."""

    IMMEDIATE = "immediate"  # within a minute of the failure
    DIGEST = "digest"  # once a day
    OFF = "off"


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


class ExporterState(StrEnum):
    """What an exporter does on its own; store.states says why and how it changes."""

    ACTIVE = "active"
    PAUSED_COMPANY = "paused_company"  # a QuickBooks company it reads was disconnected
    PAUSED_GOOGLE = "paused_google"  # its Google account needs reconnecting
    PAUSED_FAILURES = "paused_failures"  # it failed too many times in a row
    DISABLED = "disabled"  # by the user


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class RunTrigger(StrEnum):
    MANUAL = "manual"
    SCHEDULE = "schedule"
    WEBHOOK = "webhook"


class Workspace(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    # The zone new schedules follow unless the analyst names another (an IANA name).
    time_zone: str = Field(default="UTC", sa_column_kwargs={"server_default": "UTC"})
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True)
    password_hash: str
    # The zone the dashboard shows times in (an IANA name); "" until set: the browser's zone, else UTC.
    time_zone: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # Mail about failed runs (mail.failures): immediate, digest (daily) or off; and up to when it was mailed.
    failure_mail: str = Field(default=FailureMail.DIGEST, sa_column_kwargs={"server_default": "digest"})
    failures_mailed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("user_id", "workspace_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    role: str = Role.MEMBER


class Company(SQLModel, table=True):
    """One connected QBO company (an Intuit realm) of a workspace."""

    __table_args__ = (UniqueConstraint("workspace_id", "realm_id", "environment"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    realm_id: str
    name: str = ""
    environment: str = "sandbox"
    status: str = CompanyStatus.CONNECTED
    status_reason: str = ""
    # Fernet ciphertexts (store.crypto); never plaintext.
    access_token_enc: str = ""
    refresh_token_enc: str = ""
    access_expires_at: datetime | None = None
    refresh_expires_at: datetime | None = None
    refresh_hard_expires_at: datetime | None = None
    refresh_token_issued_at: datetime | None = None
    connected_by_id: int | None = Field(default=None, foreign_key="user.id")
    connected_at: datetime = Field(default_factory=utcnow)
    last_api_success_at: datetime | None = None


class GoogleAccount(SQLModel, table=True):
    """One connected Google identity: a user's OAuth grant or the deployment's service account."""

    __table_args__ = (UniqueConstraint("workspace_id", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    email: str
    kind: str = "user"  # "user" | "service_account"
    status: str = GoogleAccountStatus.CONNECTED
    status_reason: str = ""
    # Fernet ciphertext of the authorized-user JSON (token, refresh_token, expiry, scopes).
    credentials_enc: str = ""
    connected_by_id: int | None = Field(default=None, foreign_key="user.id")
    connected_at: datetime = Field(default_factory=utcnow)


class Exporter(TypedDocuments, SQLModel, table=True):
    """Source + companies + columns + filters + destination + write mode + schedule."""

    # The lists (store.listing) go newest first within a workspace, by each of their filters.
    __table_args__ = (
        Index("ix_exporter_workspace_id_id", "workspace_id", "id"),
        Index("ix_exporter_workspace_id_state_id", "workspace_id", "state", "id"),
        Index("ix_exporter_workspace_id_source_id", "workspace_id", "source", "id"),
        Index("ix_exporter_workspace_id_google_account_id_id", "workspace_id", "google_account_id", "id"),
        # what writes into a spreadsheet: the add-on's homepage, GET /api/v1/spreadsheets/{id}/exporters
        Index("ix_exporter_workspace_id_spreadsheet_id", "workspace_id", "spreadsheet_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    name: str
    source: str  # a key of exporters.catalog, e.g. "invoices", "profit_and_loss"
    columns: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    options: ExporterOptions = Field(
        default_factory=ExporterOptions, sa_column=Column(TypedJSON(ExporterOptions), nullable=False)
    )
    google_account_id: int | None = Field(default=None, foreign_key="googleaccount.id")
    spreadsheet_id: str = ""
    spreadsheet_title: str = ""
    tab: str = "Sheet1"
    write_mode: str = WriteMode.REPLACE
    # exporters.schedules: a cron expression ("" = manual only) read in schedule_time_zone.
    schedule_cron: str = Field(default="0 * * * *", sa_column_kwargs={"server_default": ""})
    schedule_time_zone: str = Field(default="UTC", sa_column_kwargs={"server_default": "UTC"})
    time_zone: str = "UTC"  # today's date for relative date ranges and statuses
    # Written only by store.states: the state, derived from the pauses (enabled == state is active).
    next_run_at: datetime | None = Field(default=None, index=True)
    enabled: bool = True
    state: str = ExporterState.ACTIVE
    paused_reason: str = ""
    pauses: ExporterPauses = Field(
        default_factory=ExporterPauses, sa_column=Column(TypedJSON(ExporterPauses), nullable=False)
    )
    follow_up_at: datetime | None = None  # a QuickBooks change came during a run: run once more after it
    # Failed runs since the last success (store.states.run_ended): the backoff and the self-pause read it.
    failure_streak: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    destination_error: str = ""
    # What the sheet writer last wrote (header, sheetId, ...): its column contract with the analyst.
    sheet_state: SheetState = Field(
        default_factory=SheetState, sa_column=Column(TypedJSON(SheetState), nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow)


class ExporterCompany(SQLModel, table=True):
    """Which companies an exporter reads, in the analyst's order."""

    # The primary key serves "companies of an exporter"; this one "exporters of a company" (list filters).
    __table_args__ = (Index("ix_exportercompany_company_id_exporter_id", "company_id", "exporter_id"),)

    exporter_id: int = Field(foreign_key="exporter.id", primary_key=True)
    company_id: int = Field(foreign_key="company.id", primary_key=True)
    position: int = 0


class Run(TypedDocuments, SQLModel, table=True):
    """One execution of an exporter; its id names its RQ job (store.redis_keys.run_job_id)."""

    # Newest first (by id) within a workspace, an exporter, a status (store.listing); the home page's
    # counts of the last day (workspace, queued_at). An exporter's latest run is one probe of the second.
    __table_args__ = (
        Index("ix_run_workspace_id_id", "workspace_id", "id"),
        Index("ix_run_exporter_id_id", "exporter_id", "id"),
        Index("ix_run_workspace_id_status_id", "workspace_id", "status", "id"),
        Index("ix_run_workspace_id_queued_at", "workspace_id", "queued_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    exporter_id: int = Field(foreign_key="exporter.id")
    workspace_id: int = Field(foreign_key="workspace.id")
    trigger: str = RunTrigger.MANUAL
    # The run this one retries automatically (its worker died, or Redis went away): exporters.retries.
    retry_of_id: int | None = Field(default=None, index=True)  # the run page's "Retried as"
    status: str = Field(default=RunStatus.QUEUED, index=True)
    queued_at: datetime = Field(default_factory=utcnow)
    # When it should have started: its slot (scheduled), the click (Run now), the change (webhook).
    due_at: datetime | None = None
    # Set while it waits for its company's turn (workers.fair_share): it is submitted again when a run of
    # that company ends, or by the tick.
    deferred_at: datetime | None = None
    # How many times it was deferred: each deferral ends its job, and the job that submits it again has a
    # fresh id (store.redis_keys.run_job_id), so that submission never waits for the deferred job's end.
    deferrals: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None  # a running run's last sign of life (store.states.beat)
    finished_at: datetime | None = None
    rows: int = 0
    qbo_calls: int = 0
    sheets_calls: int = 0
    progress: str = ""
    error: str = ""
    stats: RunStats = Field(default_factory=RunStats, sa_column=Column(TypedJSON(RunStats), nullable=False))

    @property
    def wait_seconds(self) -> float | None:
        """The due -> running delay: how long it waited for a worker (and its company's turn)."""
        if self.started_at is None:
            return None
        return max(0.0, (self.started_at - (self.due_at or self.queued_at)).total_seconds())

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class Watermark(SQLModel, table=True):
    """Incremental-pull position per exporter x company x entity."""

    exporter_id: int = Field(foreign_key="exporter.id", primary_key=True)
    company_id: int = Field(foreign_key="company.id", primary_key=True)
    entity: str = Field(primary_key=True)
    last_updated_time: datetime | None = None
    last_full_pull_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class Invite(SQLModel, table=True):
    """A link that lets someone join a workspace; only the token's hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    token_hash: str = Field(index=True, unique=True)
    role: str = Role.MEMBER
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class PasswordReset(SQLModel, table=True):
    """A single-use password reset link; only the token's hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(index=True, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class OutboxEmail(SQLModel, table=True):
    """An email the product sent; in demo mode the outbox page shows them instead of an SMTP server."""

    id: int | None = Field(default=None, primary_key=True)
    to: str = Field(index=True)
    subject: str
    # The text with the placeholder `{link}` where a secret link goes: never a live token in clear.
    body: str
    # The secret link (reset, invite) as a Fernet ciphertext (store.crypto), only until delivery: the
    # sender decrypts it into the body at send time, then empties it.
    link_enc: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None
    # Sending (mail.sending): failed attempts so far, when the next may start (also a lease while one is
    # queued), and the SMTP server's last answer.
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_attempt_at: datetime | None = Field(default=None, index=True)
    last_error: str = Field(default="", sa_column_kwargs={"server_default": ""})


class WebhookEvent(SQLModel, table=True):
    """Intuit webhook events already accepted (the gateway retries whole batches: dedupe on id)."""

    id: str = Field(primary_key=True)
    realm_id: str = Field(index=True)
    received_at: datetime = Field(default_factory=utcnow)


# How long a sign-in lasts (the web app's PERMANENT_SESSION_LIFETIME): a LoginSession, or an OAuth state
# spent by a cookie, older than this can no longer be used by any cookie and is purged
# (workers.maintenance.purge_expired_sign_ins).
SIGN_IN_LIFETIME = timedelta(days=31)


class LoginSession(SQLModel, table=True):
    """One signed-in browser: the cookie carries the token, the store its SHA-256; logout ends it here."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(index=True, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None


class SpentOAuthState(SQLModel, table=True):
    """An OAuth `state` already returned once (its SHA-256): a replayed cookie cannot finish it again."""

    state_hash: str = Field(primary_key=True)
    spent_at: datetime = Field(default_factory=utcnow, index=True)


class AddonLink(SQLModel, table=True):
    """A Google identity of the Sheets add-on (the verified user ID token's `sub`) linked to a Sheetbooks
    user: the add-on shows that user's workspaces' exporters."""

    id: int | None = Field(default=None, primary_key=True)
    google_sub: str = Field(index=True, unique=True)
    google_email: str = ""  # a hint for the account page; the `sub` is the key
    user_id: int = Field(foreign_key="user.id", index=True)
    linked_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """A Bearer token for /api/v1, acting for one user in one workspace; only its SHA-256 is stored.

    The token is 256 random bits, so a plain SHA-256 can't be reversed by guessing (unlike a password, it
    needs no slow hash), and looking it up by hash stays one indexed query per API request. `prefix` is its
    first characters, enough to tell tokens apart in the list and useless to an attacker."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = ""
    prefix: str
    token_hash: str = Field(index=True, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

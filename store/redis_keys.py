"""Every Redis key the product writes, in one place (Decision 1: Redis holds only queues, locks, counters).

Our keys all start with `namespace()`, `sheetbooks:{queue_name}`, so deployments (and tests) sharing a
Redis never share a lock, a counter or a rate limit. RQ names its own keys (`rq:queue:{queue_name}`,
`rq:job:{job id}`, its registries `rq:{registry}:{queue_name}` and its worker bookkeeping `rq:worker...`);
they are kept apart by the queue name and by `run_job_id`, which starts with it.

| key | kind | written by |
|---|---|---|
| `qbo_token_lock(company_id)` | lock | refreshing a company's QuickBooks tokens (`qbo.tokens.TokenManager`) |
| `qbo_refresh_backoff(token_lock)` | string, 60 s | after a failed refresh: no worker asks Intuit at once |
| `qbo_budget(realm_id, window)` | sorted sets | the realm's request budget (`qbo.ratelimit.RealmBudget`) |
| `sheets_write_pace(account_key)` | sorted set | a Google account's write pace (`sheets.pacing.WritePacer`) |
| `exporter_enqueue_lock(exporter_id)` | lock | queueing a run of the exporter (`workers.enqueue`) |
| `company_admission_lock(company_id)` | lock | a run starting under its company's cap (`fair_share`) |
| `login_failures(email, address)` | counter | failed logins (`web.auth.ratelimit`) |
| `login_failures_by_address(address)` | counter | failed logins from one address, any email |
| `reset_emails(email)` | counter | password-reset emails sent (`web.auth.ratelimit`) |
| `api_requests(token_id, minute)` | counter, 60 s | one API token's requests in a minute (`web.api.auth`) |
| `run_job_id(run_id, deferrals)` | RQ job id | a run's job (`workers.enqueue`): `rq:job:` names the queue |
"""

from __future__ import annotations

from store.settings import get_settings

QBO_BUDGET_WINDOWS = ("minute", "second", "in-flight")


def namespace() -> str:
    """The prefix of every key of ours: one per deployment (queue name)."""
    return f"sheetbooks:{get_settings().queue_name}"


def qbo_token_lock(company_id: int) -> str:
    """The lock every process takes before refreshing this company's tokens."""
    return f"{namespace()}:qbo-tokens:{company_id}"


def qbo_refresh_backoff(token_lock: str) -> str:
    """Set beside a company's token lock while its last refresh failed for a passing reason."""
    return f"{token_lock}:refresh-failing"


def qbo_budget(realm_id: str, window: str, prefix: str | None = None) -> str:
    """One of the realm's request windows (`QBO_BUDGET_WINDOWS`), shared by every company row of it.

    `prefix` replaces `namespace()` (the qbo tests give each test its own)."""
    return f"{prefix or namespace()}:qbo-budget:{realm_id}:{window}"


def sheets_write_pace(account_key: str) -> str:
    """The sliding window of a Google account's writes (v2: a sorted set; v1 was a counter).

    `account_key` is `google-account-{id}` for the store's accounts (`connections.clients`)."""
    return f"{namespace()}:sheets-writes:v2:{account_key}"


def exporter_enqueue_lock(exporter_id: int) -> str:
    """Makes "check for an active run, insert a run" one step per exporter."""
    return f"{namespace()}:exporter:{exporter_id}:enqueue"


def company_admission_lock(company_id: int) -> str:
    """Makes "count the company's running runs, start one more" one step (fair sharing)."""
    return f"{namespace()}:company:{company_id}:admission"


def login_failures(email: str, address: str) -> str:
    return f"{namespace()}:login-failures:{email.lower()}:{address}"


def login_failures_by_address(address: str) -> str:
    """Failed logins from one address whatever the email (password spraying)."""
    return f"{namespace()}:login-failures-by-address:{address}"


def reset_emails(email: str) -> str:
    return f"{namespace()}:reset-emails:{email.lower()}:-"


def api_requests(token_id: int, minute: int) -> str:
    """Requests made with one API token in one clock minute (minutes since the epoch)."""
    return f"{namespace()}:api-requests:{token_id}:{minute}"


def run_job_id(run_id: int, deferrals: int = 0) -> str:
    """The RQ job id of a run (RQ stores it as `rq:job:{this}`), starting with the queue name; after the
    run's n-th deferral for fair sharing, `-{n}` more: the job submitting it again is never the deferred
    job, which may not have ended yet (workers.fair_share)."""
    again = f"-{deferrals}" if deferrals else ""
    return f"{get_settings().queue_name}-run-{run_id}{again}"

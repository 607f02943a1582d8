"""Settings read from environment variables; every external endpoint is one (design.md, Decision 8)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

INSTANCE_DIR = Path(os.environ.get("SHEETBOOKS_INSTANCE_DIR", "instance"))


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _env_number(name: str, kind: type[int] | type[float]) -> int | float:
    try:
        return kind(os.environ[name])
    except ValueError:
        raise ValueError(f"{name} must be a {kind.__name__}, not {os.environ[name]!r}") from None


SMTP_SECURITIES = ("none", "starttls", "ssl")


@dataclass(frozen=True)
class Settings:
    """Everything the product needs to know about its surroundings."""

    secret_key: str = "dev-secret-change-me"
    database_url: str = ""
    redis_url: str = "redis://127.0.0.1:6379/0"
    public_url: str = "http://127.0.0.1:5000"
    # Fernet keys, newest first; older keys only decrypt (MultiFernet rotation).
    token_keys: tuple[str, ...] = ()
    demo_mode: bool = False
    # A run whose worker died (or that lost Redis) is retried once, this long after (at the next tick).
    run_retry_delay_seconds: float = 30.0
    # A running run whose heartbeat is older than this is dead (its worker beats 10 times as often); a
    # queued run is left this long for its job to reach Redis before the reaper queues it again. Only the
    # chaos suite shortens them, to compress minutes of recovery into seconds.
    run_heartbeat_timeout_seconds: float = 300.0
    run_grace_seconds: float = 120.0
    # A worker process that runs jobs itself (the default; not `--fork`) whose job is still running this
    # long past its time limit (RQ's SIGALRM did not stop it: stuck in C code) is killed by its supervisor,
    # as RQ kills a work-horse 60 s past it.
    job_overrun_seconds: float = 60.0
    # A run's job is stopped after this long (RQ's SIGALRM); the run fails saying so, and is not retried.
    run_timeout_seconds: int = 3 * 60 * 60
    # A worker process that runs jobs itself (no work-horse) retires after a job once it has run this many
    # jobs or its resident memory is over this many MB (0: no limit); its supervisor starts a fresh one at
    # once (workers.retirement).
    worker_max_jobs: int = 1000
    worker_max_memory_mb: int = 1024
    queue_name: str = "sheetbooks"  # and "{queue_name}-now" for Run now (workers.queue)
    # Fair sharing: at most this many runs of one QuickBooks company at once (0: no cap); a run over it
    # waits, queued, until a run of its company ends, or the tick submits it again after `defer_seconds`
    # (workers.fair_share).
    company_concurrency: int = 2
    defer_seconds: int = 10
    # An exporter that keeps failing waits 2^failures minutes (at most this many) before its next slot,
    # and pauses itself after this many failed runs in a row (0: never) (exporters.failure_streak).
    failure_backoff_cap_minutes: int = 60
    pause_after_failures: int = 5
    # Reverse proxies in front of the web process that set X-Forwarded-For/-Proto (App Engine: 1). Only
    # these hops are trusted; 0 trusts none, so a client cannot pick the address the login limit counts.
    proxy_hops: int = 0
    # Requests one API token may make a minute (/api/v1; Redis counter, 429 + Retry-After past it).
    api_requests_per_minute: int = 120
    # Run retention (store.retention): runs queued more than this many days ago are deleted by the hourly
    # maintenance job (0 keeps them forever), except each exporter's newest RUN_RETENTION_KEEP runs.
    run_retention_days: int = 90
    run_retention_keep: int = 100

    # QuickBooks Online (Intuit)
    qbo_client_id: str = ""
    qbo_client_secret: str = ""
    qbo_environment: str = "sandbox"
    qbo_auth_url: str = "https://appcenter.intuit.com/connect/oauth2"
    qbo_token_url: str = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
    qbo_revoke_url: str = "https://developer.api.intuit.com/v2/oauth2/tokens/revoke"
    qbo_api_base: str = "https://sandbox-quickbooks.api.intuit.com"
    qbo_scopes: str = "com.intuit.quickbooks.accounting openid email profile"
    qbo_webhook_verifier: str = ""
    # Our per-realm budget, shared by every process through Redis: under Intuit's 500/min, 10/s, 10 at once.
    qbo_requests_per_minute: int = 450
    qbo_requests_per_second: int = 8
    qbo_requests_in_flight: int = 8
    # The longest one wait may last: a backoff after 429/5xx, or a wait for the realm's budget.
    qbo_max_wait_seconds: float = 120.0

    # Google
    google_client_id: str = ""
    google_client_secret: str = ""
    google_auth_url: str = "https://accounts.google.com/o/oauth2/v2/auth"
    google_token_url: str = "https://oauth2.googleapis.com/token"
    google_revoke_url: str = "https://oauth2.googleapis.com/revoke"
    google_userinfo_url: str = "https://openidconnect.googleapis.com/v1/userinfo"
    # Where Sheets v4 and Drive v3 live; "" means Google itself. An emulator base rewrites both hosts.
    google_api_base: str = ""
    # Base of the browser links to spreadsheets (https://docs.google.com in production).
    google_web_base: str = "https://docs.google.com"
    google_scopes: str = "openid email https://www.googleapis.com/auth/drive.file"
    google_service_account_file: str = ""
    # The Sheets add-on (web/addon): who signs its requests and the audience of its users' ID tokens, both
    # from `gcloud workspace-add-ons get-authorization`; Google's certs verify both tokens.
    addon_service_account_email: str = ""
    addon_oauth_client_id: str = ""
    google_certs_url: str = "https://www.googleapis.com/oauth2/v1/certs"
    google_addons_api_base: str = "https://gsuiteaddons.googleapis.com"

    # Mail (mail/): the SMTP server the send job talks to; no host means no mail leaves (the demo shows its
    # outbox page instead). SMTP_SECURITY is none | starttls | ssl (ssl: TLS from the first byte, port 465).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)  # never in a repr, hence never in a log line
    mail_from: str = "Sheetbooks <sheetbooks@localhost>"
    # The local hour (in each user's time zone) the daily digest of failed runs goes out.
    mail_digest_hour: int = 7

    @classmethod
    def from_env(cls) -> Settings:
        """Read each field from the environment variable of the same name, upper-cased (REDIS_URL, ...)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = f.name.upper()
            if name not in os.environ:
                continue
            if f.type in ("bool", bool):
                values[f.name] = _env_bool(name)
            elif f.type in ("int", int, "float", float):
                values[f.name] = _env_number(name, float if f.type in ("float", float) else int)
            elif f.name == "token_keys":
                values[f.name] = tuple(k.strip() for k in _env(name).split(",") if k.strip())
            else:
                values[f.name] = _env(name)
        settings = cls(**values)
        if settings.smtp_security not in SMTP_SECURITIES:
            choices = ", ".join(SMTP_SECURITIES)
            raise ValueError(f"SMTP_SECURITY must be one of {choices}, not {settings.smtp_security!r}")
        if not settings.database_url:
            INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
            settings = replace(settings, database_url=f"sqlite:///{INSTANCE_DIR.resolve()}/sheetbooks.db")
        return settings

    @property
    def smtp_configured(self) -> bool:
        """Whether mail can leave through an SMTP server."""
        return bool(self.smtp_host)

    @property
    def mail_delivered(self) -> bool:
        """Whether a queued email reaches anyone: through SMTP, or on the demo's outbox page."""
        return self.smtp_configured or self.demo_mode

    def pointed_at_emulators(self, qbo_url: str, google_url: str) -> Settings:
        """A copy whose Intuit and Google endpoints are the local emulators (tests, the demo)."""
        return replace(
            self,
            qbo_client_id=self.qbo_client_id or "sheetbooks-dev",
            qbo_client_secret=self.qbo_client_secret or "sheetbooks-dev-secret",
            qbo_auth_url=f"{qbo_url}/connect/oauth2",
            qbo_token_url=f"{qbo_url}/oauth2/v1/tokens/bearer",
            qbo_revoke_url=f"{qbo_url}/v2/oauth2/tokens/revoke",
            qbo_api_base=qbo_url,
            google_client_id=self.google_client_id or "sheetbooks-dev.apps.googleusercontent.com",
            google_client_secret=self.google_client_secret or "sheetbooks-dev-secret",
            google_auth_url=f"{google_url}/o/oauth2/v2/auth",
            google_token_url=f"{google_url}/token",
            google_revoke_url=f"{google_url}/revoke",
            google_userinfo_url=f"{google_url}/v1/userinfo",
            google_api_base=google_url,
            google_web_base=google_url,
            google_certs_url=f"{google_url}/oauth2/v1/certs",
            google_addons_api_base=google_url,
        )

    def as_environment(self) -> dict[str, str]:
        """The environment variables that reproduce these settings in a child process."""
        env = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = ",".join(value)
            elif isinstance(value, bool):
                value = "1" if value else "0"
            env[f.name.upper()] = str(value)
        return env

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with some fields replaced (tests, the demo)."""
        return replace(self, **overrides)


_override: Settings | None = None


@lru_cache(maxsize=1)
def _from_env() -> Settings:
    return Settings.from_env()


def get_settings() -> Settings:
    """The process-wide settings: an installed override (tests, the demo), else the environment."""
    return _override if _override is not None else _from_env()


def configure(settings: Settings | None) -> None:
    """Install process-wide settings (None goes back to the environment)."""
    global _override
    _override = settings
    _from_env.cache_clear()

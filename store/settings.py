"""Settings read from environment variables; every external endpoint is one (design.md, Decision 8)."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
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
    queue_name: str = "sheetbooks"
    # Reverse proxies in front of the web process that set X-Forwarded-For/-Proto (App Engine: 1). Only
    # these hops are trusted; 0 trusts none, so a client cannot pick the address the login limit counts.
    proxy_hops: int = 0
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
        if not settings.database_url:
            INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
            settings = replace(settings, database_url=f"sqlite:///{INSTANCE_DIR.resolve()}/sheetbooks.db")
        return settings

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

"""The emulator's whole state: clock, companies, users, grants, traffic, faults, limits, webhooks."""

from __future__ import annotations

import hashlib
import threading

from emulators.qbo.clock import Clock
from emulators.qbo.company import Change, Company
from emulators.qbo.generate import generate
from emulators.qbo.oauth.grants import Grant, Grants
from emulators.qbo.oauth.keys import Signer
from emulators.qbo.persistence import Persistence
from emulators.qbo.traffic import Faults, Limiter, Traffic
from emulators.qbo.webhooks import WebhookSender

DEFAULT_USER = "analyst@example.com"
REALM_BASE = 9341453050000000


class Emulator:
    """Built once per app from its config; loads from and writes through to DB_PATH when given."""

    def __init__(self, config: dict) -> None:
        self.config = config
        path = config.get("DB_PATH")
        self.persistence = Persistence(path) if path else None
        self.clock = Clock(float(self._load("clock_offset") or 0.0))
        pem = self._load("signing_key")
        self.signer = Signer(pem if isinstance(pem, str) else None)
        self._store("signing_key", self.signer.pem())
        self.users: dict[str, dict] = self._load("users") or {
            DEFAULT_USER: _user(DEFAULT_USER, "Alex", "Analyst")
        }
        self.companies: dict[str, Company] = {}
        self.grants = Grants(on_change=self._save_grant)
        self.traffic = Traffic()
        self.faults = Faults()
        limits = config.get("LIMITS", {})
        self.limiter = Limiter(
            limits.get("per_minute", 500), limits.get("concurrent", 10), limits.get("per_second")
        )
        self.batch_limiter = Limiter(limits.get("batch_per_minute", 120), limits.get("concurrent", 10))
        self.webhooks = WebhookSender(
            config.get("WEBHOOK_URL"),
            config.get("WEBHOOK_VERIFIER", "sheetbooks-verifier"),
            config.get("WEBHOOK_FORMAT", "cloudevents"),
        )
        self._lock = threading.Lock()
        if self.persistence is not None:
            for company in self.persistence.load_companies(self.clock):
                self._attach(company)
            for body in self.persistence.load_grants():
                self.grants.add(Grant.from_json(body))
        if not self.companies:
            for spec in config.get("SEED", []):
                self.add_company(spec)

    def _load(self, key: str) -> object:
        return self.persistence.get(key) if self.persistence else None

    def _store(self, key: str, value: object) -> None:
        if self.persistence:
            self.persistence.put(key, value)

    def _save_grant(self, grant: Grant) -> None:
        if self.persistence:
            self.persistence.save_grant(grant.grant_id, grant.to_json())

    def _attach(self, company: Company) -> None:
        company.encode_all()
        self.companies[company.realm_id] = company
        if self.persistence:
            company.listeners.append(self.persistence.save_change)
        company.listeners.append(self._notify_webhook)

    def _notify_webhook(self, change: Change) -> None:
        """Intuit sends events only for realms connected to the app (qbo-api.md §5.4)."""
        if self.grants.connected(change.realm_id):
            self.webhooks.notify(change)

    def add_company(self, spec: dict, user: str = DEFAULT_USER) -> Company:
        """Generate a company from a spec (see generate.generate) and give it to `user`."""
        with self._lock:
            realm_id = str(spec.get("realmId") or REALM_BASE + len(self.companies) + 1)
            company = generate(realm_id, spec, self.clock)
            if self.persistence:
                self.persistence.save_company(company)
            self._attach(company)
            self.users.setdefault(user, _user(user, "Emulated", "User")).setdefault("realms", []).append(
                realm_id
            )
            self._store("users", self.users)
            return company

    def realms_of(self, user: str) -> list[Company]:
        """The companies a user can pick on the consent page (the default user owns every company)."""
        realms = self.users.get(user, {}).get("realms", [])
        owned = [self.companies[r] for r in realms if r in self.companies]
        return list(self.companies.values()) if user == DEFAULT_USER else owned

    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self._store("clock_offset", self.clock.offset)


def _user(email: str, given: str, family: str) -> dict:
    return {
        "email": email,
        "sub": hashlib.sha256(email.encode()).hexdigest()[:32],
        "givenName": given,
        "familyName": family,
        "realms": [],
    }

"""The emulator's state and the rules every route shares: who is calling, who may see a file, quotas."""

from __future__ import annotations

import importlib
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from flask import g, request

from emulators.google.addons import AddonStore
from emulators.google.errors import not_found, permission_denied, unauthenticated
from emulators.google.id_tokens import IdTokenSigner
from emulators.google.persistence import Clock, Records
from emulators.google.quota import LIMIT_KEYS, Quotas, exhausted
from emulators.google.service_account import ServiceAccounts
from emulators.google.tokens import Principal, TokenStore
from emulators.google.traffic import Faults, RequestLog, Route, server_error

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
ROLE_RANK = {None: 0, "reader": 1, "commenter": 1, "writer": 2, "owner": 3}
ANYONE = "anyone"


@dataclass
class DriveFile:
    """Drive metadata of one file: owner, sharing, times (a spreadsheet's cells live in the model)."""

    id: str
    name: str
    mime_type: str
    owner: str
    created: float
    modified: float
    parents: list[str] = field(default_factory=list)
    permissions: dict[str, str] = field(default_factory=dict)  # email (or "anyone") -> role
    comments: list[dict] = field(default_factory=list)  # Drive comment resources, oldest first
    pending_owner: str | None = None  # offered ownership, not yet accepted

    def role_of(self, email: str) -> str | None:
        if email.lower() == self.owner.lower():
            return "owner"
        roles = [self.permissions.get(email.lower()), self.permissions.get(ANYONE)]
        return max(roles, key=lambda role: ROLE_RANK[role])

    def allows(self, email: str, role: str) -> bool:
        return ROLE_RANK[self.role_of(email)] >= ROLE_RANK[role]


def _model() -> Any:
    """The Sheets model class (imported late: it belongs to the Sheets half of the emulator)."""
    return importlib.import_module("emulators.google.sheets.model").Spreadsheet


def new_id() -> str:
    """A 44-character id of the alphabet Google uses for file ids."""
    return secrets.token_urlsafe(33)


class Backend:
    """Spreadsheets, Drive metadata, tokens, quotas, faults and counters behind one lock; persisted."""

    def __init__(self, config: dict, model: Any = None) -> None:
        self.config = config
        self._model_class = model
        self._lock = threading.RLock()
        self._persist_lock = threading.Lock()
        self.records = Records(config.get("DB_PATH"))
        self.clock = Clock(self.records.all("meta").get("clock", {}).get("offset", 0.0))
        self.tokens = TokenStore(self.records, self.clock, config.get("REFRESH_TOKEN_LIFETIME_SECONDS"))
        self.service_accounts = ServiceAccounts(self.records)
        self.id_tokens = IdTokenSigner(self.records)
        self.addons = AddonStore(self.records)
        limits = {key: int(config[name]) for key, name in LIMIT_KEYS.items()}
        self.quotas = Quotas(limits, self.clock.now, str(config["PROJECT_NUMBER"]))
        self.faults = Faults()
        self.requests = RequestLog()
        self.files = {k: DriveFile(**v) for k, v in self.records.all("file").items()}
        # Persisted spreadsheets stay dicts until first used (the model belongs to the Sheets half).
        self._spreadsheets: dict[str, Any] = self.records.all("spreadsheet")

    @property
    def model(self) -> Any:
        return self._model_class or _model()

    def _loaded(self, spreadsheet_id: str) -> Any | None:
        """The spreadsheet object (built from its persisted dict on first use); call under the lock."""
        spreadsheet = self._spreadsheets.get(spreadsheet_id)
        if isinstance(spreadsheet, dict):
            spreadsheet = self._spreadsheets[spreadsheet_id] = self.model.from_dict(spreadsheet)
        return spreadsheet

    # -- the current request -------------------------------------------------------------------

    def base_url(self) -> str:
        return (self.config.get("BASE_URL") or request.host_url).rstrip("/")

    def token_uri(self) -> str:
        return self.base_url() + "/token"

    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.records.put("meta", "clock", {"offset": self.clock.offset})

    def apply_faults(self, route: Route) -> None:
        """Delay and/or fail this request if an injected fault says so."""
        fault = self.faults.pick(route)
        if fault is None:
            return
        if fault.latency_ms:
            time.sleep(fault.latency_ms / 1000)
        if fault.status == 429 and route.service in ("sheets", "drive"):
            raise exhausted(route.service, route.access, True, self.quotas.project_number)
        if fault.status:
            raise server_error(fault.status)

    def bearer_principal(self) -> Principal | None:
        """Who the request's bearer token (header or `access_token` parameter) speaks for, if live."""
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header[:7].lower() == "bearer " else request.args.get("access_token")
        return self.tokens.principal(token) if token else None

    def current_principal(self) -> Principal:
        """Authenticate the request (401 otherwise) and charge it to quota, once per request."""
        if "principal" in g:
            return g.principal
        principal = self.bearer_principal()
        if principal is None:
            raise unauthenticated()
        route: Route | None = g.get("route")
        if route is not None and route.service in ("sheets", "drive"):
            self.quotas.charge(route.service, principal.email, route.access)
        g.principal = principal
        return principal

    # -- spreadsheets (the seam with the Sheets half) ---------------------------------------------

    def open_spreadsheet(self, spreadsheet_id: str, write: bool) -> Any:
        """The spreadsheet, if the caller may read it (or write it); 401/403/404/429 otherwise.

        Returns the live object: never mutate it in place. Mutate `.copy()` and `save_spreadsheet` it.
        An existing file the caller was not shared is 403 PERMISSION_DENIED (contract §1.1, §7).
        """
        principal = self.current_principal()
        with self._lock:
            spreadsheet = self._loaded(spreadsheet_id)
            meta = self.files.get(spreadsheet_id)
        if spreadsheet is None or meta is None:
            raise not_found()
        if not meta.allows(principal.email, "writer" if write else "reader"):
            raise permission_denied()
        return spreadsheet

    def save_spreadsheet(self, spreadsheet: Any) -> None:
        """Swap in a new version atomically, bump Drive modifiedTime, persist."""
        with self._lock:
            meta = self.files.get(spreadsheet.spreadsheet_id)
            if meta is None:
                raise not_found()
            self._spreadsheets[spreadsheet.spreadsheet_id] = spreadsheet
            meta.name = spreadsheet.title
            meta.modified = max(self.clock.now(), meta.modified + 0.001)
        self._persist(spreadsheet.spreadsheet_id)

    def create_spreadsheet(self, title: str, properties: dict | None = None) -> Any:
        """A new spreadsheet owned by the caller (service accounts have no Drive storage: 403)."""
        principal = self.current_principal()
        if principal.is_service_account:
            raise permission_denied()
        return self.new_spreadsheet(principal.email, title, properties or {})

    def new_spreadsheet(self, owner: str, title: str, properties: dict, parents: list | None = None) -> Any:
        """Create a spreadsheet and its Drive file for `owner` (no request needed: admin, seeding)."""
        kwargs = {
            k: properties[p] for k, p in (("locale", "locale"), ("time_zone", "timeZone")) if p in properties
        }
        spreadsheet = self.model.new(new_id(), title, **kwargs)
        self.add_file(owner, title, SPREADSHEET_MIME, parents or [], spreadsheet)
        return spreadsheet

    def spreadsheet(self, spreadsheet_id: str) -> Any | None:
        """The current version of a spreadsheet, without any access check (viewer, admin)."""
        with self._lock:
            return self._loaded(spreadsheet_id)

    # -- Drive files ---------------------------------------------------------------------------

    def add_file(
        self, owner: str, name: str, mime_type: str, parents: list, spreadsheet: Any = None
    ) -> DriveFile:
        now = self.clock.now()
        file_id = spreadsheet.spreadsheet_id if spreadsheet is not None else new_id()
        meta = DriveFile(file_id, name, mime_type, owner.lower(), now, now, list(parents))
        with self._lock:
            self.files[file_id] = meta
            if spreadsheet is not None:
                self._spreadsheets[file_id] = spreadsheet
        self._persist(file_id)
        return meta

    def visible_files(self, email: str) -> list[DriveFile]:
        with self._lock:
            return [f for f in self.files.values() if f.allows(email, "reader")]

    def file_for(self, file_id: str, email: str, role: str) -> DriveFile | None:
        """The file if `email` has at least `role`; None when it doesn't exist or they can't see it."""
        with self._lock:
            meta = self.files.get(file_id)
        return meta if meta is not None and meta.allows(email, role) else None

    def update_file(self, meta: DriveFile, name: str | None = None) -> None:
        """Rename a file (and its spreadsheet) or just record a change of sharing."""
        with self._lock:
            spreadsheet = self._loaded(meta.id)
            if name is not None:
                meta.name = name
                meta.modified = self.clock.now()
                if spreadsheet is not None:
                    spreadsheet = spreadsheet.copy()
                    spreadsheet.title = name
                    self._spreadsheets[meta.id] = spreadsheet
        self._persist(meta.id)

    def copy_file(self, meta: DriveFile, owner: str, name: str, parents: list) -> DriveFile:
        """A new file owned by `owner` with `meta`'s content (a spreadsheet's tabs and cells too)."""
        with self._lock:
            spreadsheet = self._loaded(meta.id)
        clone = None
        if spreadsheet is not None:
            clone = spreadsheet.copy()
            clone.spreadsheet_id = new_id()
            clone.title = name
        return self.add_file(owner, name, meta.mime_type, parents, clone)

    def add_comment(self, meta: DriveFile, comment: dict) -> None:
        with self._lock:
            meta.comments.append(comment)
        self._persist(meta.id)

    def delete_file(self, file_id: str) -> None:
        with self._lock:
            self.files.pop(file_id, None)
            self._spreadsheets.pop(file_id, None)
        self._persist(file_id)

    def share(self, meta: DriveFile, email: str, role: str) -> None:
        with self._lock:
            if role == "owner":
                meta.permissions[meta.owner] = "writer"
                meta.permissions.pop(email.lower(), None)
                meta.owner = email.lower()
                meta.pending_owner = None
            else:
                meta.permissions[email.lower()] = role
        self._persist(meta.id)

    def offer_ownership(self, meta: DriveFile, email: str | None) -> None:
        """Mark (or clear) the user who may accept ownership of the file."""
        with self._lock:
            meta.pending_owner = email.lower() if email else None
        self._persist(meta.id)

    def unshare(self, meta: DriveFile, email: str) -> None:
        with self._lock:
            meta.permissions.pop(email.lower(), None)
        self._persist(meta.id)

    def accounts(self) -> list[str]:
        """Every email the emulator knows: configured users, file owners and grantees, service accounts."""
        with self._lock:
            owners = {f.owner for f in self.files.values()}
            shared = {e for f in self.files.values() for e in f.permissions if e != ANYONE}
        return sorted(
            {*map(str.lower, self.config["USERS"]), *owners, *shared, *self.service_accounts.emails()}
        )

    def _persist(self, file_id: str) -> None:
        """Write the latest version of a file (and its spreadsheet) or remove it; newest wins.

        In memory only (no DB_PATH) there is nothing to write: serialising a 1,000,000-cell spreadsheet on
        every write took seconds per call, a cost Google's API does not have."""
        if not self.records.kept:
            return
        with self._persist_lock:
            with self._lock:
                meta = self.files.get(file_id)
                spreadsheet = self._spreadsheets.get(file_id)
                meta_dict = asdict(meta) if meta else None
            if meta_dict is None:
                self.records.delete("file", file_id)
                self.records.delete("spreadsheet", file_id)
                return
            self.records.put("file", file_id, meta_dict)
            if spreadsheet is not None:
                data = spreadsheet if isinstance(spreadsheet, dict) else spreadsheet.to_dict()
                self.records.put("spreadsheet", file_id, data)

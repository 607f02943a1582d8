"""SQLite persistence: companies, entities (JSON blobs), grants and small key-value state."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator

from emulators.qbo.clock import Clock
from emulators.qbo.company import ENTITIES, Change, Company

SCHEMA = """
CREATE TABLE IF NOT EXISTS companies (realm TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
    realm TEXT NOT NULL, entity TEXT NOT NULL, id INTEGER NOT NULL,
    deleted INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (realm, entity, id));
CREATE TABLE IF NOT EXISTS grants (grant_id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, body TEXT NOT NULL);
"""


class Persistence:
    """Write-through storage; every write is its own short transaction."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def get(self, key: str) -> object:
        row = self._db.execute("SELECT body FROM kv WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, value: object) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?)", (key, json.dumps(value)))

    def save_company(self, company: Company) -> None:
        """The company and all its entities, in one transaction."""
        meta = {
            "name": company.name,
            "currency": company.home_currency,
            "multicurrency": company.multicurrency,
            "info": company.info,
            "prefs": company.prefs,
        }
        rows = [
            (company.realm_id, entity, int(row["Id"]), deleted, json.dumps(row))
            for entity in ENTITIES
            for deleted, rows in ((0, company.entities(entity)), (1, company.deleted(entity)))
            for row in rows
        ]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute(
                "INSERT OR REPLACE INTO companies VALUES (?, ?)", (company.realm_id, json.dumps(meta))
            )
            self._db.executemany("INSERT OR REPLACE INTO entities VALUES (?, ?, ?, ?, ?)", rows)
            self._db.execute("COMMIT")

    def save_change(self, change: Change) -> None:
        """Listener for Company changes."""
        deleted = 1 if change.operation == "Delete" else 0
        row = (change.realm_id, change.entity, int(change.entity_id), deleted, json.dumps(change.body))
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO entities VALUES (?, ?, ?, ?, ?)", row)

    def load_companies(self, clock: Clock) -> Iterator[Company]:
        for realm, body in self._db.execute("SELECT realm, body FROM companies ORDER BY realm").fetchall():
            meta = json.loads(body)
            company = Company(
                realm,
                meta["name"],
                meta["currency"],
                clock,
                meta["info"],
                meta["prefs"],
                meta["multicurrency"],
            )
            query = "SELECT entity, deleted, body FROM entities WHERE realm = ? ORDER BY entity, deleted, id"
            groups: dict[tuple[str, int], list[dict]] = {}
            for entity, deleted, row in self._db.execute(query, (realm,)):
                groups.setdefault((entity, deleted), []).append(json.loads(row))
            for (entity, deleted), rows in groups.items():
                company.load(entity, rows, deleted=bool(deleted))
            yield company

    def save_grant(self, grant_id: str, body: dict) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO grants VALUES (?, ?)", (grant_id, json.dumps(body)))

    def load_grants(self) -> list[dict]:
        return [json.loads(body) for (body,) in self._db.execute("SELECT body FROM grants")]

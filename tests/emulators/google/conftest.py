"""Shared fixtures for Google emulator tests; the Sheets suite runs against a minimal app and the full one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gspread
import pytest
import requests
from flask import Flask, jsonify

from emulators.google.errors import ApiError, not_found
from emulators.serving import serve_in_thread
from tests.emulators.google.harness import point_at, running

OWNER = "analyst@example.com"


class MemoryBackend:
    """The backend seam of the Sheets blueprint, in memory, with no auth (tests only)."""

    def __init__(self) -> None:
        self.spreadsheets: dict[str, Any] = {}
        self.lock = threading.Lock()
        self.count = 0

    def open_spreadsheet(self, spreadsheet_id: str, write: bool) -> Any:
        with self.lock:
            if spreadsheet_id not in self.spreadsheets:
                raise not_found()
            return self.spreadsheets[spreadsheet_id]

    def save_spreadsheet(self, spreadsheet: Any) -> None:
        with self.lock:
            self.spreadsheets[spreadsheet.spreadsheet_id] = spreadsheet

    def create_spreadsheet(self, title: str, properties: dict | None = None) -> Any:
        from emulators.google.sheets.model import Spreadsheet

        with self.lock:
            self.count += 1
            spreadsheet = Spreadsheet.new(f"mem-{self.count:04d}-spreadsheet", title)
            self.spreadsheets[spreadsheet.spreadsheet_id] = spreadsheet
        return spreadsheet

    def spreadsheet(self, spreadsheet_id: str) -> Any:
        return self.spreadsheets.get(spreadsheet_id)


def minimal_app() -> Flask:
    """Just the Sheets blueprint, the ApiError handler and a MemoryBackend."""
    from emulators.google.sheets.routes import blueprint

    app = Flask("sheets-minimal")
    app.extensions["google_emulator"] = MemoryBackend()
    app.register_error_handler(ApiError, lambda e: (jsonify(e.body()), e.code))
    app.register_blueprint(blueprint)
    return app


@dataclass
class SheetsUnderTest:
    """A running emulator, an unmodified gspread client for it, and a raw session for wire checks."""

    kind: str
    url: str
    gc: gspread.Client
    session: requests.Session
    backend: Any

    def new(self, title: str = "Test") -> gspread.Spreadsheet:
        if self.kind == "full":
            return self.gc.create(title)
        return self.gc.open_by_key(self.backend.create_spreadsheet(title).spreadsheet_id)

    def model(self, spreadsheet_id: str) -> Any:
        return self.backend.spreadsheet(spreadsheet_id)

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        """A raw request to https://sheets.googleapis.com/v4/spreadsheets{path}."""
        return self.session.request(method, "https://sheets.googleapis.com/v4/spreadsheets" + path, **kwargs)


@pytest.fixture(scope="module", params=["minimal", "full"])
def sheets(request) -> Iterator[SheetsUnderTest]:
    if request.param == "minimal":
        app = minimal_app()
        server = serve_in_thread(app)
        session = point_at(requests.Session(), server.url)
        try:
            yield SheetsUnderTest(
                "minimal",
                server.url,
                gspread.Client(auth=None, session=session),
                session,
                app.extensions["google_emulator"],
            )
        finally:
            server.stop()
        return
    with running(
        {
            "QUOTA_READ_PER_MINUTE_PER_USER": 10**6,
            "QUOTA_WRITE_PER_MINUTE_PER_USER": 10**6,
            "QUOTA_READ_PER_MINUTE": 10**6,
            "QUOTA_WRITE_PER_MINUTE": 10**6,
        }
    ) as emulator:
        gc = emulator.gspread_for(OWNER)
        yield SheetsUnderTest("full", emulator.url, gc, gc.http_client.session, emulator.backend)

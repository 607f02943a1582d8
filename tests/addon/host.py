"""The Sheets add-on under test: the backend on a real port, its deployment registered and installed in the
Google emulator (which plays Google's add-on host), and calls that do what Sheets does."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests
from sqlmodel import select

from emulators.serving import serve_in_thread
from store import db
from store.models import AddonLink
from store.settings import Settings
from tests.conftest import installed
from tests.infra import free_port
from web import create_app
from web.addon.register import register_deployment

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
PROJECT = "sheetbooks-emulator"


@dataclass
class AddonHost:
    emulator: str  # the Google emulator's base URL
    backend: str  # the add-on backend's PUBLIC_URL
    deployment: str
    settings: Settings

    def access_token(self, email: str, scopes: list[str] | None = None) -> str:
        body = {"email": email, "scopes": scopes or [CLOUD_PLATFORM]}
        return requests.post(f"{self.emulator}/_emulator/tokens", json=body, timeout=30).json()[
            "access_token"
        ]

    def install(self, email: str) -> None:
        """`gcloud workspace-add-ons deployments install` as this user."""
        url = f"{self.emulator}/v1/projects/{PROJECT}/deployments/{self.deployment}:install"
        headers = {"Authorization": f"Bearer {self.access_token(email)}"}
        requests.post(url, headers=headers, timeout=30).raise_for_status()

    def invoke(self, email: str, spreadsheet_id: str = "", **body: Any) -> dict:
        """What Sheets does for a trigger (`trigger=`) or a widget action (`action=` URL)."""
        call = {"deployment": self.deployment, "user_email": email, "spreadsheet_id": spreadsheet_id, **body}
        return requests.post(f"{self.emulator}/_emulator/addons/invoke", json=call, timeout=60).json()

    def id_token(self, audience: str, email: str | None = None, lifetime_seconds: int = 3600) -> str:
        body: dict[str, Any] = {"audience": audience, "lifetime_seconds": lifetime_seconds}
        if email:
            body["email"] = email
        return requests.post(f"{self.emulator}/_emulator/addons/id-token", json=body, timeout=30).json()[
            "token"
        ]

    def spreadsheet(self, owner: str, title: str) -> str:
        body = {"email": owner, "title": title}
        reply = requests.post(f"{self.emulator}/_emulator/spreadsheets", json=body, timeout=30)
        return reply.json()["spreadsheetId"]


def running_addon(settings: Settings, emulator_url: str) -> Iterator[AddonHost]:
    """The backend on a free port with a fresh deployment pointing at it; the backend configured from the
    emulator's get-authorization answer, as the demo does."""
    base = f"http://127.0.0.1:{free_port()}"
    settings = settings.with_overrides(public_url=base)
    deployment = f"sheetbooks-{uuid.uuid4().hex[:8]}"
    host = AddonHost(emulator_url, base, deployment, settings)
    authorization = register_deployment(
        settings, PROJECT, deployment, host.access_token("developer@example.com")
    )
    with installed(authorization.settings_of(settings)) as configured:
        host.settings = configured
        server = serve_in_thread(create_app({"SETTINGS": configured}), port=int(base.rsplit(":", 1)[1]))
        try:
            yield host
        finally:
            server.stop()


def links() -> list[AddonLink]:
    with db.session_scope() as session:
        return list(session.exec(select(AddonLink)).all())

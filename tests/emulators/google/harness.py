"""A running Google emulator for tests, plus clients pointed at it (gspread via §2 option A)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import gspread
import requests
from google.oauth2.credentials import Credentials
from requests.adapters import HTTPAdapter

from emulators.google import create_app
from emulators.serving import RunningServer, serve_in_thread

CLIENT_ID = "sheetbooks-dev.apps.googleusercontent.com"
CLIENT_SECRET = "sheetbooks-dev-secret"
SCOPES = ["openid", "email", "https://www.googleapis.com/auth/drive.file"]


class RewriteToEmulator(HTTPAdapter):
    """Send requests for Google API hosts to the emulator instead (sheets-api.md §2 option A)."""

    def __init__(self, base: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self._base = urlsplit(base)

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        request.url = urlunsplit((self._base.scheme, self._base.netloc, url.path, url.query, url.fragment))
        return super().send(request, **kwargs)


def point_at(session: requests.Session, base: str) -> requests.Session:
    adapter = RewriteToEmulator(base)
    session.mount("https://sheets.googleapis.com/", adapter)
    session.mount("https://www.googleapis.com/", adapter)
    return session


@dataclass
class Emulator:
    server: RunningServer

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def app(self):
        return self.server.server.app

    @property
    def backend(self):
        return self.app.extensions["google_emulator"]

    def admin(self, method: str, path: str, **json) -> dict:
        response = requests.request(method, f"{self.url}/_emulator{path}", json=json or None, timeout=10)
        response.raise_for_status()
        return response.json()

    def tokens(self, email: str, scopes: list[str] | None = None) -> dict:
        return self.admin("POST", "/tokens", email=email, scopes=scopes or SCOPES)

    def credentials(self, email: str) -> Credentials:
        """User credentials (with a refresh token) as the product would store them."""
        issued = self.tokens(email)
        return Credentials(
            token=issued["access_token"],
            refresh_token=issued["refresh_token"],
            token_uri=f"{self.url}/token",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
        )

    def gspread_for(self, email: str) -> gspread.Client:
        """An unmodified gspread client for `email`, with a static bearer token."""
        session = point_at(requests.Session(), self.url)
        session.headers["Authorization"] = "Bearer " + self.tokens(email)["access_token"]
        return gspread.Client(auth=None, session=session)

    def advance(self, seconds: float) -> None:
        self.admin("POST", "/clock/advance", seconds=seconds)


@contextmanager
def running(config: dict | None = None, port: int = 0) -> Iterator[Emulator]:
    app = create_app(config or {})
    server = serve_in_thread(app, port=port)
    app.config["BASE_URL"] = server.url
    try:
        yield Emulator(server)
    finally:
        server.stop()

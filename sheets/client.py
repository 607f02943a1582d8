"""The gspread client factory: one code path for Google and the emulator (sheets-api.md §2 option A)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import gspread
import requests
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession
from requests.adapters import HTTPAdapter

from sheets.pacing import WritePacer
from sheets.retry import RetryingHTTPClient, RetryPolicy
from store.settings import Settings, get_settings

GOOGLE_API_HOSTS = ("https://sheets.googleapis.com/", "https://www.googleapis.com/")
_ID_IN_URL = re.compile(r"/spreadsheets/d/([a-zA-Z0-9-_]+)")
_BARE_ID = re.compile(r"[a-zA-Z0-9-_]{10,}")


class RewriteHost(HTTPAdapter):
    """Sends requests for a Google API host to another base (the emulator), path and query unchanged."""

    def __init__(self, base: str, **kw: Any) -> None:
        super().__init__(**kw)
        self._base = urlsplit(base)

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        url = urlsplit(request.url or "")
        prefix = self._base.path.rstrip("/")
        request.url = urlunsplit(
            (self._base.scheme, self._base.netloc, prefix + url.path, url.query, url.fragment)
        )
        return super().send(request, stream, timeout, verify, cert, proxies)


def make_session(credentials: Credentials | None, settings: Settings | None = None) -> requests.Session:
    """An authorized session (plain when there are no credentials), pointed at settings.google_api_base."""
    settings = settings or get_settings()
    # google-auth leaves AuthorizedSession's constructor unannotated.
    authorized = AuthorizedSession(credentials) if credentials is not None else None  # type: ignore[no-untyped-call]
    session = authorized if authorized is not None else requests.Session()
    if settings.google_api_base:
        adapter = RewriteHost(settings.google_api_base)
        for host in GOOGLE_API_HOSTS:
            session.mount(host, adapter)
    return session


def make_client(
    credentials: Credentials | None,
    settings: Settings | None = None,
    *,
    pacer: WritePacer | None = None,
    policy: RetryPolicy | None = None,
) -> gspread.Client:
    """A gspread client with bounded retries; `client.http_client.calls` counts the Sheets/Drive calls."""
    client = gspread.Client(
        # gspread ignores `auth` when given a session (ours: authorized, or plain without credentials); its
        # docs say to pass auth=None then, but its annotation only takes Credentials.
        auth=credentials,  # type: ignore[arg-type]
        session=make_session(credentials, settings),
        http_client=RetryingHTTPClient,
    )
    http = client.http_client  # gspread types it as its own HTTPClient: the one built here is ours
    if not isinstance(http, RetryingHTTPClient):
        raise TypeError(f"gspread built a {type(http).__name__}, not the RetryingHTTPClient it was given")
    http.policy = policy or RetryPolicy()
    http.set_timeout(http.policy.timeout)  # gspread's default is none: a hung socket would hang the worker
    http.pacer = pacer
    if credentials is not None:
        http.auth = credentials
    return client


def calls_of(client: gspread.Client) -> int:
    """How many requests the client has sent so far (0 for a client without our HTTP client)."""
    return getattr(client.http_client, "calls", 0)


def spreadsheet_url(
    spreadsheet_id: str, sheet_id: int | None = None, settings: Settings | None = None
) -> str:
    """The browser link to a spreadsheet, optionally opened on one tab."""
    settings = settings or get_settings()
    url = f"{settings.google_web_base.rstrip('/')}/spreadsheets/d/{spreadsheet_id}/edit"
    # Google's own links carry the tab both ways: the query for the server, the fragment for the page.
    return url if sheet_id is None else f"{url}?gid={sheet_id}#gid={sheet_id}"


def parse_spreadsheet_id(text: str) -> str:
    """The spreadsheet id in a pasted link or a bare id."""
    text = (text or "").strip()
    if match := _ID_IN_URL.search(text):
        return match.group(1)
    if _BARE_ID.fullmatch(text):
        return text
    raise ValueError(
        f"{text!r} is not a Google Sheets link or spreadsheet id. Paste the address of the "
        "spreadsheet (https://docs.google.com/spreadsheets/d/…/edit) or its id."
    )


def spreadsheet_key(text: str) -> str:
    """The spreadsheet id of an id or a pasted link, for looking one up: the text itself (stripped) when it
    is neither, so it matches no spreadsheet rather than being refused."""
    try:
        return parse_spreadsheet_id(text)
    except ValueError:
        return text.strip()

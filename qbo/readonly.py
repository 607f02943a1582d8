"""Read-only proof (design Decision 4): a transport adapter that refuses anything but GET and query POSTs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from qbo.errors import WriteRefused


def is_read(method: str, url: str) -> bool:
    """GET anything, or POST to a `/query` endpoint; nothing else reaches QuickBooks."""
    method = method.upper()
    if method == "GET":
        return True
    return method == "POST" and urlsplit(url).path.rstrip("/").endswith("/query")


class ReadOnlyAdapter(HTTPAdapter):
    """Raises before sending any request that could change data in QuickBooks."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if not is_read(request.method or "", request.url or ""):
            path = urlsplit(request.url or "").path
            raise WriteRefused(f"refused {request.method} {path}: Sheetbooks only reads from QuickBooks")
        return super().send(request, *args, **kwargs)


def read_only(session: requests.Session) -> requests.Session:
    """Mount the read-only adapter for every scheme on `session` and return it."""
    adapter = ReadOnlyAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session

"""Google's public certificates for ID tokens, fetched from GOOGLE_CERTS_URL and cached for as long as
Google's Cache-Control says (keys rotate about daily); a token signed by a key we have not seen yet
refetches them, at most once a minute."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

import requests

DEFAULT_MAX_AGE = 3600.0
UNKNOWN_KEY_REFETCH = 60.0


class CertsUnavailable(RuntimeError):
    """Google's certs could not be fetched (our outage, not the caller's fault)."""


@dataclass
class _Cached:
    certs: dict[str, str]
    fresh_until: float
    fetched_at: float


_lock = threading.Lock()
_cache: dict[str, _Cached] = {}


def _max_age(cache_control: str) -> float:
    found = re.search(r"max-age=(\d+)", cache_control or "")
    return float(found.group(1)) if found else DEFAULT_MAX_AGE


def _fetch(url: str) -> _Cached:
    try:
        response = requests.get(url, timeout=5)
        response.raise_for_status()
        certs = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise CertsUnavailable(
            f"Google's certs at {url} could not be fetched: {type(exc).__name__}"
        ) from None
    if not isinstance(certs, dict) or not all(isinstance(v, str) for v in certs.values()):
        raise CertsUnavailable(f"Google's certs at {url} are not a {{key id: certificate}} map")
    now = time.monotonic()
    return _Cached(certs, now + _max_age(response.headers.get("Cache-Control", "")), now)


def google_certs(url: str, key_id: str | None) -> dict[str, str]:
    """`{key id: x509 PEM}` from `url`, from the cache unless stale or missing `key_id`."""
    with _lock:
        cached = _cache.get(url)
        now = time.monotonic()
        stale = cached is None or cached.fresh_until <= now
        unknown = (
            cached is not None
            and key_id is not None
            and key_id not in cached.certs
            and now - cached.fetched_at > UNKNOWN_KEY_REFETCH
        )
        if stale or unknown:
            cached = _cache[url] = _fetch(url)
        assert cached is not None  # fetched above when missing
        return cached.certs


def forget() -> None:
    """Drop every cached cert (tests that rotate keys)."""
    with _lock:
        _cache.clear()

"""Token encryption at rest with key rotation (MultiFernet): the first key encrypts, all keys decrypt."""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from store.settings import get_settings


class TokenKeyError(RuntimeError):
    """No key can decrypt a stored token: the TOKEN_KEYS setting lost the key it was written with."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        # Demo/test fallback: a key derived from SECRET_KEY. Production sets TOKEN_KEYS.
        derived = base64.urlsafe_b64encode(
            hashlib.sha256(b"sheetbooks-tokens:" + secret_key.encode()).digest()
        )
        keys = (derived.decode(),)
    return MultiFernet([Fernet(k) for k in keys])


def _current() -> MultiFernet:
    settings = get_settings()
    return _fernet(settings.token_keys, settings.secret_key)


def encrypt(plaintext: str) -> str:
    """Ciphertext of a secret; empty stays empty."""
    return _current().encrypt(plaintext.encode()).decode() if plaintext else ""


def decrypt(ciphertext: str) -> str:
    """Plaintext of a stored secret; empty stays empty."""
    if not ciphertext:
        return ""
    try:
        return _current().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise TokenKeyError("a stored token cannot be decrypted with the configured TOKEN_KEYS") from exc


def encrypt_json(value: dict[str, Any]) -> str:
    return encrypt(json.dumps(value, separators=(",", ":")))


def decrypt_json(ciphertext: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(decrypt(ciphertext)) if ciphertext else {}
    return value


def rotate(ciphertext: str) -> str:
    """Re-encrypt with the newest key (after a new key was put first in TOKEN_KEYS)."""
    return _current().rotate(ciphertext.encode()).decode() if ciphertext else ""


def new_key() -> str:
    return Fernet.generate_key().decode()

"""Tokens at rest: encrypted, never plaintext, and readable across a key rotation."""

from __future__ import annotations

import pytest

from store import crypto
from store.settings import Settings, configure


@pytest.fixture
def keys():
    old, new = crypto.new_key(), crypto.new_key()
    yield old, new
    configure(None)


def test_ciphertext_does_not_contain_the_token(keys):
    configure(Settings(token_keys=(keys[0],)))
    secret = "RT1-39-H3-1785429816-refresh"
    stored = crypto.encrypt(secret)
    assert secret not in stored
    assert crypto.decrypt(stored) == secret


def test_rotation_keeps_old_tokens_readable_and_rewrites_them_with_the_new_key(keys):
    old, new = keys
    configure(Settings(token_keys=(old,)))
    stored = crypto.encrypt("access-token")

    configure(Settings(token_keys=(new, old)))
    assert crypto.decrypt(stored) == "access-token"
    rotated = crypto.rotate(stored)

    configure(Settings(token_keys=(new,)))
    assert crypto.decrypt(rotated) == "access-token"
    with pytest.raises(crypto.TokenKeyError, match="TOKEN_KEYS"):
        crypto.decrypt(stored)

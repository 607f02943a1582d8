"""Re-encrypt every stored secret with the newest key, after a new key was put first in TOKEN_KEYS."""

from __future__ import annotations

from sqlmodel import select

from store import crypto
from store.db import session_scope
from store.models import Company, GoogleAccount


def reencrypt_all() -> int:
    """Rotate company tokens and Google credentials to the newest key; return how many were rewritten."""
    count = 0
    with session_scope() as session:
        for company in session.exec(select(Company)).all():
            company.access_token_enc = crypto.rotate(company.access_token_enc)
            company.refresh_token_enc = crypto.rotate(company.refresh_token_enc)
            count += bool(company.refresh_token_enc) + bool(company.access_token_enc)
        for account in session.exec(select(GoogleAccount)).all():
            account.credentials_enc = crypto.rotate(account.credentials_enc)
            count += bool(account.credentials_enc)
    return count

"""Service accounts: Google-format key files; RS256 JWT-bearer assertions checked with their public keys."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from emulators.google.persistence import Records
from emulators.google.tokens import OAuthError

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
LEEWAY_SECONDS = 300


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class ServiceAccounts:
    """Public keys of the service accounts the emulator issued, by email and key id."""

    def __init__(self, records: Records) -> None:
        self._lock = threading.Lock()
        self._records = records
        self._accounts = records.all("service_account")

    def create(self, email: str | None, project_id: str, token_uri: str) -> dict:
        """A new key for `email` (a fresh account when None), as the JSON key file Google hands out."""
        name = secrets.token_hex(4)
        email = email or f"sheetbooks-{name}@{project_id}.iam.gserviceaccount.com"
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_id = secrets.token_hex(20)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        public_pem = (
            key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )
        with self._lock:
            account = self._accounts.setdefault(
                email, {"client_id": str(secrets.randbelow(10**21)).rjust(21, "1"), "keys": {}}
            )
            account["keys"][key_id] = public_pem
            self._records.put("service_account", email, account)
        return {
            "type": "service_account",
            "project_id": project_id,
            "private_key_id": key_id,
            "private_key": private_pem,
            "client_email": email,
            "client_id": account["client_id"],
            "auth_uri": token_uri.rsplit("/", 1)[0] + "/o/oauth2/auth",
            "token_uri": token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{email}",
            "universe_domain": "googleapis.com",
        }

    def emails(self) -> list[str]:
        with self._lock:
            return sorted(self._accounts)

    def verify(self, assertion: str, audiences: set[str]) -> tuple[str, list[str]]:
        """The (email, scopes) an RS256 assertion signed by a known key asks for; OAuthError otherwise.

        `iat`/`exp` are checked against real time: the client made them with its own (real) clock.
        """
        try:
            header_b64, claims_b64, signature_b64 = assertion.split(".")
            header = json.loads(_b64decode(header_b64))
            claims = json.loads(_b64decode(claims_b64))
            signature = _b64decode(signature_b64)
        except ValueError as exc:
            raise OAuthError("invalid_grant", "Invalid JWT: Token must be a short-lived token.") from exc
        email = claims.get("iss", "")
        with self._lock:
            account = self._accounts.get(email)
        public_pem = (account or {}).get("keys", {}).get(header.get("kid"))
        if header.get("alg") != "RS256" or public_pem is None:
            raise OAuthError("invalid_grant", "Invalid grant: account not found")
        public_key = serialization.load_pem_public_key(public_pem.encode())
        try:
            public_key.verify(
                signature, f"{header_b64}.{claims_b64}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature as exc:
            raise OAuthError("invalid_grant", "Invalid JWT Signature.") from exc
        now = time.time()
        if claims.get("aud") not in audiences:
            raise OAuthError("invalid_grant", "Invalid JWT: Failed audience check.")
        if not (claims.get("iat", 0) - LEEWAY_SECONDS <= now < claims.get("exp", 0) + LEEWAY_SECONDS):
            raise OAuthError("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes).")
        return email, claims.get("scope", "").split()

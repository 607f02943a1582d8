"""Google-signed OpenID Connect ID tokens (RS256) and the certs URLs that verify them, in Google's formats.

Add-ons send two ID tokens with every request: the system token of the add-on's service account (audience:
the URL called) and the user's (audience: the add-on's OAuth client id). Both are signed with the
emulator's own key, served like https://www.googleapis.com/oauth2/v1/certs (`{kid: x509 PEM}`) and
/oauth2/v3/certs (a JWK Set), so an unmodified verifier (google-auth) checks them as it checks Google's.
"""

from __future__ import annotations

import base64
import datetime
import json
import secrets
import threading
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from flask import Blueprint, Response, current_app, jsonify

from emulators.google.persistence import Records

ISSUER = "https://accounts.google.com"
LIFETIME_SECONDS = 3600
CERTS_MAX_AGE = 21600  # Google's certs answer with a max-age of a few hours

blueprint = Blueprint("certs", __name__)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _uint(number: int) -> str:
    return _b64(number.to_bytes((number.bit_length() + 7) // 8, "big"))


class IdTokenSigner:
    """One RSA signing key and its self-signed certificate (kept in the records: tokens outlive a restart)."""

    def __init__(self, records: Records) -> None:
        self._lock = threading.Lock()
        self._records = records
        self._key: rsa.RSAPrivateKey | None = None
        self._kid = ""
        self._cert_pem = ""

    def _ensure(self) -> rsa.RSAPrivateKey:
        """The key, made on first use (startup stays fast for the many emulators tests start)."""
        with self._lock:
            if self._key is not None:
                return self._key
            stored = self._records.all("meta").get("id_token_key")
            if stored:
                key = serialization.load_pem_private_key(stored["private_pem"].encode(), password=None)
                assert isinstance(key, rsa.RSAPrivateKey)
                self._kid, self._cert_pem = stored["kid"], stored["cert_pem"]
            else:
                key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                self._kid = secrets.token_hex(20)
                self._cert_pem = _certificate(key).public_bytes(serialization.Encoding.PEM).decode()
                private_pem = key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                ).decode()
                self._records.put(
                    "meta",
                    "id_token_key",
                    {"kid": self._kid, "cert_pem": self._cert_pem, "private_pem": private_pem},
                )
            self._key = key
            return key

    def sign(self, claims: dict) -> str:
        key = self._ensure()
        header = {"alg": "RS256", "kid": self._kid, "typ": "JWT"}
        signing_input = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
        signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + _b64(signature)

    def token(self, audience: str, sub: str, email: str, lifetime: int = LIFETIME_SECONDS, **extra) -> str:
        """An ID token for `email` with this audience, issued now (real time: verifiers use their clock)."""
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": audience,
            "azp": extra.pop("azp", sub),
            "sub": sub,
            "email": email,
            "email_verified": True,
            "iat": now if lifetime > 0 else now + lifetime - LIFETIME_SECONDS,
            "exp": now + lifetime,
            **extra,
        }
        return self.sign(claims)

    def certs(self) -> dict:
        """`{kid: x509 certificate PEM}`, the v1 format."""
        self._ensure()
        return {self._kid: self._cert_pem}

    def jwks(self) -> dict:
        """The JWK Set, the v3 format."""
        numbers = self._ensure().public_key().public_numbers()
        key = {
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "kid": self._kid,
            "n": _uint(numbers.n),
            "e": _uint(numbers.e),
        }
        return {"keys": [key]}


def _certificate(key: rsa.RSAPrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "accounts.google.com (emulator)")])
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )


def _signer() -> IdTokenSigner:
    return current_app.extensions["google_emulator"].id_tokens


def _cached(response: Response) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={CERTS_MAX_AGE}, must-revalidate, no-transform"
    return response


@blueprint.get("/oauth2/v1/certs")
def certs_v1() -> Response:
    return _cached(jsonify(_signer().certs()))


@blueprint.get("/oauth2/v3/certs")
def certs_v3() -> Response:
    return _cached(jsonify(_signer().jwks()))

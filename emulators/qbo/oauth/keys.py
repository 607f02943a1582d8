"""The RS256 signing key, the JWKS document and id_tokens (joserfc, authlib's JOSE library)."""

from __future__ import annotations

from joserfc import jwt
from joserfc.jwk import RSAKey

DEFAULT_ISSUER = "https://oauth.platform.intuit.com/op/v1"


class Signer:
    """Holds one RSA key (persisted as PEM when the emulator has a database)."""

    def __init__(self, pem: str | None = None) -> None:
        self.key = RSAKey.generate_key(2048) if pem is None else RSAKey.import_key(pem)
        self.kid = self.key.thumbprint()

    def pem(self) -> str:
        return self.key.as_pem(private=True).decode()

    def jwks(self) -> dict:
        public = self.key.as_dict(private=False)
        public.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [public]}

    def id_token(self, claims: dict) -> str:
        return jwt.encode({"alg": "RS256", "kid": self.kid, "typ": "JWT"}, claims, self.key)

"""Google Sign-In in the link window: who is really at the keyboard (reference: workspace-addons.md,
"Linking to your account", step 3).

The link state only says which Google account the add-on is open as; anyone holding a fresh link URL could
confirm it. Before a link is stored, the window runs an OpenID Connect sign-in (code + PKCE, `openid
email`, `login_hint` = the add-on's email, a nonce) and the verified ID token's `sub` must be the state's.

The client is the product's Google OAuth client (GOOGLE_CLIENT_ID/SECRET), not ADDON_OAUTH_CLIENT_ID: the
add-on's client is Google-managed (no secret for a code exchange, no redirect URI of ours registered),
while ours is a confidential web client whose redirect URIs we register. Google's `sub` is one per account
whatever the client, so the two tokens' `sub` compare.
"""

from __future__ import annotations

import secrets

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from requests import RequestException

from store.settings import Settings, get_settings
from web.addon.certs import CertsUnavailable
from web.addon.links import GoogleIdentity
from web.addon.verify import Refused, verified_claims

SCOPE = "openid email"


class SignInFailed(Exception):
    """Google gave no verifiable identity; the message says so in the user's words."""


def new_secret() -> str:
    """A PKCE code verifier or a nonce, remembered with the OAuth state until Google redirects back."""
    return secrets.token_urlsafe(48)


def _session(settings: Settings, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        settings.google_client_id,
        settings.google_client_secret,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def sign_in_url(redirect_uri: str, state: str, code_verifier: str, nonce: str, login_hint: str) -> str:
    """Google's sign-in page, suggesting the account the add-on is open as."""
    settings = get_settings()
    url, _ = _session(settings, redirect_uri).create_authorization_url(
        settings.google_auth_url,
        state=state,
        code_verifier=code_verifier,
        nonce=nonce,
        **({"login_hint": login_hint} if login_hint else {}),
    )
    return str(url)


def signed_in_identity(code: str, redirect_uri: str, code_verifier: str, nonce: str) -> GoogleIdentity:
    """The Google account that signed in: the code traded for an ID token, verified like the add-on's
    (Google's certs, issuer, expiry, audience = our client id) and bound to this sign-in by its nonce."""
    settings = get_settings()
    failed = "Google did not confirm who signed in"
    try:
        token = _session(settings, redirect_uri).fetch_token(
            settings.google_token_url, code=code, code_verifier=code_verifier, grant_type="authorization_code"
        )
    except OAuthError as exc:
        raise SignInFailed(f"{failed} ({exc.error}).") from None
    except RequestException:
        raise SignInFailed(f"{failed}: it could not be reached.") from None
    raw = token.get("id_token")
    if not isinstance(raw, str) or not raw:
        raise SignInFailed(f"{failed}: no ID token came back.")
    try:
        claims = verified_claims(raw, settings.google_client_id, settings)
    except (Refused, CertsUnavailable):
        raise SignInFailed(f"{failed}: its ID token did not verify.") from None
    if claims.get("nonce") != nonce or not claims.get("sub"):
        raise SignInFailed(f"{failed}: the ID token belongs to another sign-in.")
    return GoogleIdentity(str(claims["sub"]), str(claims.get("email") or ""))

"""OAuth 2.0 on Google's paths: consent page, /token (code+PKCE, refresh, JWT bearer), revoke, userinfo."""

from __future__ import annotations

import hmac
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request

from emulators.google.service_account import JWT_BEARER
from emulators.google.tokens import ACCESS_TOKEN_SECONDS, Grant, OAuthError, subject

blueprint = Blueprint("oauth", __name__)

AUTH_FIELDS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "access_type",
    "prompt",
    "code_challenge",
    "code_challenge_method",
    "include_granted_scopes",
    "login_hint",
    "nonce",
)


def _backend():
    return current_app.extensions["google_emulator"]


@blueprint.errorhandler(OAuthError)
def _oauth_error(error: OAuthError) -> tuple[Response, int]:
    return jsonify(error.body()), error.status


def _client(client_id: str) -> dict:
    client = current_app.config["CLIENTS"].get(client_id)
    if client is None:
        raise OAuthError("invalid_client", "The OAuth client was not found.", 401)
    return client


def _redirect_allowed(client: dict, redirect_uri: str) -> bool:
    allowed = client.get("redirect_uris", [])
    return "*" in allowed or redirect_uri in allowed


def _with_query(url: str, params: dict) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{url}{'&' if '?' in url else '?'}{query}"


@blueprint.route("/o/oauth2/v2/auth", methods=["GET", "POST"])
def authorize() -> Response | tuple[str, int]:
    """The consent page (GET) and the user's decision (POST), as accounts.google.com does it."""
    params = {name: request.values.get(name, "") for name in AUTH_FIELDS}
    client = current_app.config["CLIENTS"].get(params["client_id"])
    if client is None:
        return render_template(
            "oauth_error.html", error="invalid_client", detail="The OAuth client was not found."
        ), 401
    if not _redirect_allowed(client, params["redirect_uri"]):
        detail = f"redirect_uri {params['redirect_uri']!r} is not registered for this client."
        return render_template("oauth_error.html", error="redirect_uri_mismatch", detail=detail), 400
    back = params["redirect_uri"]
    if params["response_type"] != "code":
        return redirect(_with_query(back, {"error": "unsupported_response_type", "state": params["state"]}))
    if not params["scope"].strip():
        return redirect(_with_query(back, {"error": "invalid_request", "state": params["state"]}))
    if request.method == "GET":
        users = current_app.config["USERS"]
        email = params["login_hint"] or (users[0] if users else "")
        hidden = {k: v for k, v in params.items() if k != "login_hint" and v}
        return render_template(
            "consent.html", hidden=hidden, email=email, users=users, scopes=params["scope"].split()
        )
    return redirect(_decide(params, request.form.get("email", "").strip().lower()))


def _decide(params: dict, email: str) -> str:
    """Where the browser goes after allow/deny: the redirect URI with a code or `error=access_denied`."""
    back, state = params["redirect_uri"], params["state"] or None
    if request.form.get("decision") != "allow" or not email:
        return _with_query(back, {"error": "access_denied", "state": state})
    backend = _backend()
    scopes = params["scope"].split()
    if params["include_granted_scopes"].lower() == "true":
        extra = backend.tokens.granted_scopes(email, params["client_id"]) - set(scopes)
        scopes += sorted(extra)
    code = backend.tokens.new_code(
        client_id=params["client_id"],
        redirect_uri=back,
        email=email,
        scopes=scopes,
        offline=params["access_type"] == "offline",
        challenge=params["code_challenge"] or None,
        method=params["code_challenge_method"] or "plain",
        nonce=params["nonce"] or None,
    )
    backend.tokens.issue_code(code)
    return _with_query(back, {"code": code.code, "state": state, "scope": " ".join(scopes)})


def _client_credentials() -> tuple[str, str]:
    """Client id and secret from HTTP Basic auth or the form body."""
    if request.authorization and request.authorization.type == "basic":
        return request.authorization.username or "", request.authorization.password or ""
    return request.form.get("client_id", ""), request.form.get("client_secret", "")


def _authenticated_client() -> str:
    client_id, secret = _client_credentials()
    client = _client(client_id)
    if not hmac.compare_digest(secret, client.get("secret", "")):
        raise OAuthError("invalid_client", "Unauthorized", 401)
    return client_id


def id_token(email: str, client_id: str, nonce: str | None) -> str:
    """An OpenID Connect ID token as Google's /token returns it: RS256-signed with the key served at
    /oauth2/v1/certs, issuer https://accounts.google.com, and the same `sub` the add-on host puts in the
    user ID tokens of the same user (Google's `sub` is one per account, whatever the client)."""
    extra = {"azp": client_id, **({"nonce": nonce} if nonce else {})}
    return _backend().id_tokens.token(client_id, subject(email), email, **extra)


def token_response(grant: Grant, with_refresh: bool, nonce: str | None = None) -> dict:
    """The /token JSON for a new access token on `grant`."""
    access = _backend().tokens.access_token(grant)
    body = {
        "access_token": access.token,
        "expires_in": ACCESS_TOKEN_SECONDS,
        "token_type": "Bearer",
        "scope": " ".join(grant.scopes),
    }
    if with_refresh and grant.refresh_token:
        body["refresh_token"] = grant.refresh_token
    if "openid" in grant.scopes and grant.kind == "user":
        body["id_token"] = id_token(grant.email, grant.client_id, nonce)
    return body


def _code_grant() -> dict:
    client_id = _authenticated_client()
    tokens = _backend().tokens
    code = tokens.redeem_code(
        request.form.get("code", ""),
        client_id,
        request.form.get("redirect_uri", ""),
        request.form.get("code_verifier"),
    )
    grant = tokens.grant(code.email, client_id, code.scopes, code.offline)
    return token_response(grant, with_refresh=True, nonce=code.nonce)


def _refresh_grant() -> dict:
    client_id = _authenticated_client()
    grant = _backend().tokens.refresh(request.form.get("refresh_token", ""), client_id)
    return token_response(grant, with_refresh=False)


def _jwt_bearer_grant() -> dict:
    backend = _backend()
    audiences = {
        backend.token_uri(),
        request.url_root.rstrip("/") + "/token",
        "https://oauth2.googleapis.com/token",
    }
    email, scopes = backend.service_accounts.verify(request.form.get("assertion", ""), audiences)
    if not scopes:
        raise OAuthError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
    grant = backend.tokens.grant(email, "service-account", scopes, offline=False, kind="service_account")
    return token_response(grant, with_refresh=False)


GRANTS = {
    "authorization_code": _code_grant,
    "refresh_token": _refresh_grant,
    JWT_BEARER: _jwt_bearer_grant,
}


@blueprint.post("/token")
def token() -> Response:
    handler = GRANTS.get(request.form.get("grant_type", ""))
    if handler is None:
        raise OAuthError(
            "unsupported_grant_type", "Invalid grant_type: " + request.form.get("grant_type", "")
        )
    response = jsonify(handler())
    response.headers["Cache-Control"] = "no-cache, no-store, max-age=0, must-revalidate"
    return response


@blueprint.post("/revoke")
def revoke() -> Response:
    """Revoke the grant behind an access or refresh token (query or form `token`)."""
    if not _backend().tokens.revoke(request.values.get("token", "")):
        raise OAuthError("invalid_token", "Token expired or revoked")
    return jsonify({})


@blueprint.get("/v1/userinfo")
@blueprint.get("/oauth2/v3/userinfo")
def userinfo() -> Response | tuple[Response, int]:
    principal = _backend().bearer_principal()
    if principal is None:
        return jsonify({"error": "invalid_request", "error_description": "Invalid Credentials"}), 401
    return jsonify({"sub": subject(principal.email), "email": principal.email, "email_verified": True})

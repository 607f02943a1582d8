"""OAuth 2.0 / OpenID Connect endpoints: discovery, consent, token, revoke, userinfo, JWKS."""

from __future__ import annotations

import base64
import secrets
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit

from flask import Blueprint, Response, jsonify, redirect, render_template, request

from emulators.qbo.app_context import base_url, emulator, issuer, kind
from emulators.qbo.oauth.grants import ACCESS_LIFETIME, CODE_LIFETIME, Code, InvalidGrant, Issued
from emulators.qbo.state import DEFAULT_USER

bp = Blueprint("oauth", __name__)
ACCOUNTING = "com.intuit.quickbooks.accounting"
PAYMENT = "com.intuit.quickbooks.payment"


@bp.get("/.well-known/openid_sandbox_configuration")
@bp.get("/.well-known/openid_sandbox_configuration/")
@bp.get("/.well-known/openid_configuration")
@bp.get("/.well-known/openid_configuration/")
def discovery() -> Response:
    base = base_url()
    return jsonify(
        {
            "issuer": issuer(),
            "authorization_endpoint": f"{base}/connect/oauth2",
            "token_endpoint": f"{base}/oauth2/v1/tokens/bearer",
            "userinfo_endpoint": f"{base}/v1/openid_connect/userinfo",
            "revocation_endpoint": f"{base}/v2/oauth2/tokens/revoke",
            "jwks_uri": f"{base}/op/v1/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile", "address", "phone"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"],
        }
    )


def _client_error(params: dict) -> str | None:
    """Why the client_id/redirect_uri pair is refused (shown as a page, never redirected to)."""
    client = emulator().config["CLIENTS"].get(params.get("client_id", ""))
    if client is None:
        return "Invalid client_id."
    allowed = client.get("redirect_uris", [])
    if not params.get("redirect_uri") or ("*" not in allowed and params["redirect_uri"] not in allowed):
        return "The redirect_uri is not registered for this app."
    return None


def _back(redirect_uri: str, params: dict) -> Response:
    parts = urlsplit(redirect_uri)
    query = "&".join(
        filter(None, [parts.query, urlencode({k: v for k, v in params.items() if v is not None})])
    )
    return redirect(urlunsplit(parts._replace(query=query)), code=302)


@bp.route("/connect/oauth2", methods=["GET", "POST"])
def authorize() -> Response | tuple[str, int]:
    kind("authorize")
    params = request.values.to_dict()
    problem = _client_error(params)
    if problem:
        return render_template("error.html", message=problem), 400
    state = params.get("state")
    if params.get("response_type") != "code":
        return _back(params["redirect_uri"], {"error": "unsupported_response_type", "state": state})
    scopes = params.get("scope", "").split()
    if not scopes:
        return _back(params["redirect_uri"], {"error": "invalid_scope", "state": state})
    wants_company = ACCOUNTING in scopes or PAYMENT in scopes
    user = params.get("login_hint") or DEFAULT_USER  # who is signed in at "Intuit"
    if user not in emulator().users:
        return render_template("error.html", message=f"No Intuit account {user}."), 400
    companies = emulator().realms_of(user)
    if request.method == "GET":
        return render_template(
            "consent.html",
            params=params,
            companies=companies,
            wants_company=wants_company,
            user=user,
            app_name=params["client_id"],
            scope=" ".join(scopes),
        )
    if params.get("decision") != "allow":
        return _back(params["redirect_uri"], {"error": "access_denied", "state": state})
    realm = params.get("realmId") if wants_company else None
    if wants_company and realm not in {company.realm_id for company in companies}:
        return render_template("error.html", message="Choose a company to connect."), 400
    code = Code(
        "AB11" + secrets.token_urlsafe(24),
        params["client_id"],
        params["redirect_uri"],
        " ".join(scopes),
        realm,
        user,
        emulator().clock.now() + CODE_LIFETIME,
    )
    emulator().grants.new_code(code)
    return _back(params["redirect_uri"], {"code": code.code, "state": state, "realmId": realm})


def _oauth_error(error: str, status: int, description: str | None = None) -> tuple[Response, int]:
    body = {"error": error}
    if description:
        body = {"error_description": description, **body}
    return jsonify(body), status


def _client() -> str | None:
    """Authenticate the client by HTTP Basic or by client_id/client_secret in the form."""
    client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:]).decode()
        except ValueError:
            return None
        client_id, _, secret = decoded.partition(":")
        client_id, secret = unquote(client_id), unquote(secret)
    client = emulator().config["CLIENTS"].get(client_id or "")
    if client is None or not secret or not secrets.compare_digest(client["secret"], secret):
        return None
    return client_id


@bp.post("/oauth2/v1/tokens/bearer")
def token() -> tuple[Response, int]:
    kind("token")
    client_id = _client()
    if client_id is None:
        return _oauth_error("invalid_client", 401)
    state = emulator()
    grant_type = request.form.get("grant_type")
    now = state.clock.now()
    try:
        if grant_type == "authorization_code":
            issued = state.grants.exchange(
                request.form.get("code", ""), client_id, request.form.get("redirect_uri", ""), now
            )
        elif grant_type == "refresh_token":
            rotate = bool(state.config.get("ROTATE_EVERY_REFRESH"))
            issued = state.grants.refresh(request.form.get("refresh_token", ""), client_id, now, rotate)
        else:
            return _oauth_error("unsupported_grant_type", 400)
    except InvalidGrant as error:
        return _oauth_error("invalid_grant", 400, str(error))
    return jsonify(_token_body(issued, client_id, now)), 200


def _token_body(issued: Issued, client_id: str, now: float) -> dict:
    body: dict = {
        "access_token": issued.access_token,
        "token_type": "bearer",
        "expires_in": ACCESS_LIFETIME,
        "refresh_token": issued.refresh_token,
        "x_refresh_token_expires_in": issued.refresh_expires_in,
    }
    if request.headers.get("x-include-refresh-token-hard-expires-in", "").lower() == "true":
        body["x_refresh_token_hard_expires_in"] = issued.hard_expires_in
    grant = issued.grant
    if "openid" in grant.scope.split():
        claims = {
            "iss": issuer(),
            "sub": emulator().users[grant.user]["sub"],
            "aud": [client_id],
            "exp": int(now) + ACCESS_LIFETIME,
            "iat": int(now),
            "auth_time": int(grant.created_at),
        }
        if grant.realm_id:
            claims["realmid"] = grant.realm_id
        body["id_token"] = emulator().signer.id_token(claims)
    return body


@bp.post("/v2/oauth2/tokens/revoke")
def revoke() -> tuple[Response, int]:
    kind("token")
    if _client() is None:
        return _oauth_error("invalid_client", 401)
    payload = request.get_json(silent=True) or request.form
    grant = emulator().grants.find(str(payload.get("token", "")))
    if grant is not None:
        emulator().grants.revoke(grant)
    return Response("", 200)


@bp.get("/v1/openid_connect/userinfo")
def userinfo() -> tuple[Response, int]:
    kind("userinfo")
    header = request.headers.get("Authorization", "")
    grant = (
        emulator().grants.by_access_token(header[7:], emulator().clock.now())
        if header[:7].lower() == "bearer "
        else None
    )
    if grant is None or "openid" not in grant.scope.split():
        return _oauth_error("invalid_token", 401)
    user = emulator().users[grant.user]
    return jsonify(
        {
            "sub": user["sub"],
            "email": user["email"],
            "emailVerified": True,
            "givenName": user["givenName"],
            "familyName": user["familyName"],
            "phoneNumber": "+1 6505551234",
            "phoneNumberVerified": False,
            "address": {
                "streetAddress": "2500 Garcia Ave",
                "locality": "Mountain View",
                "region": "CA",
                "postalCode": "94043",
                "country": "US",
            },
        }
    ), 200


@bp.get("/op/v1/jwks")
def jwks() -> Response:
    return jsonify(emulator().signer.jwks())

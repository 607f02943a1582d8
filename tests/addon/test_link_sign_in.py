"""The link window's Google Sign-In: a link is stored only when the Google account that signs in there is the
one the add-on is open as, so a fresh link URL sent by someone else links nothing."""

from __future__ import annotations

import base64
import hashlib
import uuid
from urllib.parse import parse_qs, urlsplit

import requests
from google.auth import jwt

from tests.addon.host import AddonHost, links
from tests.addon.test_sidebar import analyst, confirm_link, link_url
from tests.web.oauth import consent_redirect
from web.addon.verify import verified_claims


def emails(*names: str) -> list[str]:
    tag = uuid.uuid4().hex[:6]
    return [f"{name}-{tag}@example.com" for name in names]


def test_a_link_url_made_for_the_attackers_google_account_is_refused(addon: AddonHost):
    """Mallory opens the add-on as her Google account and sends Vic the link URL. Vic is signed in to
    Sheetbooks, confirms, signs in to Google as himself: refused, nothing stored, Mallory still unlinked."""
    mallory, vic = emails("mallory", "vic")
    victim = analyst(addon, "Vic", vic)
    url = link_url(addon, mallory)

    refused = confirm_link(victim, url, signs_in_to_google_as=vic)

    text = refused.get_data(as_text=True)
    assert refused.status_code == 403, text[:500]
    assert f"You signed in to Google as {vic}, but the add-on is open as {mallory}" in text
    assert "is linked to" not in text and "Cross-Origin-Opener-Policy" not in refused.headers
    assert links() == []
    assert "custom_authorization_prompt" in addon.invoke(mallory, trigger="homepage")["body"]


def test_google_is_asked_for_the_add_ons_account_and_the_same_account_links(addon: AddonHost):
    (ana,) = emails("ana")
    browser = analyst(addon, "Ana", ana)
    url = link_url(addon, ana)
    browser.get(url)
    authorize = urlsplit(browser.redirect_of(browser.form("Link")))
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert authorize.geturl().startswith(addon.settings.google_auth_url)
    assert query["scope"] == "openid email" and query["login_hint"] == ana
    assert query["client_id"] == addon.settings.google_client_id
    assert query["code_challenge_method"] == "S256" and query["nonce"] and query["state"]

    linked = confirm_link(browser, url, signs_in_to_google_as=ana)

    assert linked.status_code == 200 and f"{ana} is linked to {ana}" in linked.get_data(as_text=True)
    assert "Cross-Origin-Opener-Policy" not in linked.headers
    assert [row.google_email for row in links()] == [ana]
    assert "custom_authorization_prompt" not in addon.invoke(ana, trigger="homepage")["body"]


def test_a_google_redirect_started_in_another_browser_or_replayed_links_nothing(addon: AddonHost):
    """Mallory starts the sign-in for her own add-on account in her browser and sends Vic Google's redirect
    (her code, her state): Vic's session never started it. Replaying one's own redirect fails too."""
    mallory, vic = emails("mallory", "vic")
    attacker, victim = analyst(addon, "Mallory", mallory), analyst(addon, "Vic", vic)
    attacker.get(link_url(addon, mallory))
    authorize = attacker.redirect_of(attacker.form("Link"))
    back = urlsplit(consent_redirect(authorize, "allow", email=mallory))

    sent = victim.client.get(f"{back.path}?{back.query}")
    assert sent.status_code == 400 and "could not be verified" in sent.get_data(as_text=True)
    assert links() == []

    assert attacker.client.get(f"{back.path}?{back.query}").status_code == 200
    assert [row.google_email for row in links()] == [mallory]
    replayed = attacker.client.get(f"{back.path}?{back.query}")
    assert replayed.status_code == 400 and [row.user_id for row in links()] == [links()[0].user_id]


def test_cancelling_at_google_links_nothing_and_offers_to_try_again(addon: AddonHost):
    (ana,) = emails("ana")
    browser = analyst(addon, "Ana", ana)
    url = link_url(addon, ana)
    cancelled = confirm_link(browser, url, signs_in_to_google_as=ana, button="deny")
    text = cancelled.get_data(as_text=True)
    assert "You did not sign in to Google, so nothing was linked." in text and "Try again" in text
    assert links() == []


def test_the_emulators_sign_in_id_token_carries_the_add_on_users_sub(addon: AddonHost):
    """Google's `sub` is one per account: the OAuth server's ID token (any client) and the add-on host's
    user ID token name the same user alike, and both verify against the same certs."""
    (ana,) = emails("ana")
    settings = addon.settings
    addon_claims = jwt.decode(addon.id_token(settings.addon_oauth_client_id, ana), verify=False)
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    redirect_uri = "http://127.0.0.1/cb"
    authorize = (
        requests.Request(
            "GET",
            settings.google_auth_url,
            params={
                "client_id": settings.google_client_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "openid email",
                "state": "s",
                "nonce": "n-1",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
        )
        .prepare()
        .url
    )
    code = parse_qs(urlsplit(consent_redirect(str(authorize), "allow", email=ana)).query)["code"][0]
    token = requests.post(
        settings.google_token_url,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
            "client_id": settings.google_client_id,
            "client_secret": settings.google_client_secret,
        },
        timeout=30,
    ).json()
    sign_in = verified_claims(token["id_token"], settings.google_client_id, settings)
    assert sign_in["sub"] == addon_claims["sub"] and sign_in["email"] == ana
    assert sign_in["nonce"] == "n-1" and sign_in["iss"] == "https://accounts.google.com"

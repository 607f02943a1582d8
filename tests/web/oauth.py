"""Drive the emulators' consent pages like an analyst, then bring the callback back to the app."""

from __future__ import annotations

import requests

from tests import pages
from tests.web.browser import Browser, form_with_button


def consent_redirect(authorize_url: str, button: str, **fields: str) -> str:
    """Open the consent page, fill it, press `button`; the URL the emulator sends the browser back to."""
    page = requests.get(authorize_url, timeout=30)
    page.raise_for_status()
    form = pages.parse(page.url, page.text).form()
    response = requests.post(form.action, data=form.data(button, **fields), allow_redirects=False, timeout=30)
    assert response.status_code in (302, 303), response.text[:300]
    return response.headers["Location"]


def connect_quickbooks(browser: Browser, realm: str | None = None, button: str = "Connect") -> pages.Page:
    """Click "Connect QuickBooks", pick the company at Intuit, press a button, land back in the app."""
    authorize = browser.redirect_of(form_with_button(browser.get("/companies/"), "Connect QuickBooks"))
    fields = {"realmId": realm} if realm else {}
    return browser.get(consent_redirect(authorize, button, **fields))


def connect_google(browser: Browser, email: str, button: str = "allow") -> pages.Page:
    """Click "Connect Google", consent as `email` at the Google emulator, land back in the app."""
    authorize = browser.redirect_of(form_with_button(browser.get("/google/"), "Connect Google"))
    return browser.get(consent_redirect(authorize, button, email=email))

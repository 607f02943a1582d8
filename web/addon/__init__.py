"""The Sheets add-on (a Google Workspace add-on over HTTP): `bp` answers Google's signed JSON requests
(no cookies, so no CSRF: each request is verified by its ID tokens); `pages` are the browser pages of
account linking (signed-in, CSRF-protected)."""

from flask import Blueprint

bp = Blueprint("addon", __name__, url_prefix="/addon")
pages = Blueprint("addon_pages", __name__, url_prefix="/addon")

from web.addon import link_pages, routes  # noqa: E402, F401

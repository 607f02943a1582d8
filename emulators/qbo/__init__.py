"""A local QuickBooks Online: OAuth 2.0/OpenID Connect, the Accounting API, CDC, webhooks, admin API.

`create_app(config)` builds the Flask app; see README.md for endpoints, config and contract choices.
"""

from __future__ import annotations


def create_app(config: dict | None = None):
    """Build the emulator app (see README.md for the config keys)."""
    from emulators.qbo.app import build_app

    return build_app(config)

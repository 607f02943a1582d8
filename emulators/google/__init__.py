"""Local Google: OAuth 2.0, Drive v3 and Sheets v4 on one host, following shared/reference/sheets-api.md."""

from emulators.google.app import create_app

__all__ = ["create_app"]

"""Where an exporter writes: a spreadsheet created now, or a pasted one this Google account can edit."""

from __future__ import annotations

import logging

import gspread
from requests import RequestException

from connections.clients import gspread_client_for
from sheets.client import parse_spreadsheet_id
from sheets.errors import SheetsError
from store.models import GoogleAccount

log = logging.getLogger(__name__)
WRITER_ROLES = {"owner", "organizer", "fileOrganizer", "writer"}


class DestinationProblem(ValueError):
    """A destination the analyst must fix; the message says how."""


def google_failure(exc: Exception) -> str:
    """What went wrong with Google, for the analyst: our own errors say it already; an HTTP error by its
    status; a network error in words (its text names hosts and ports)."""
    if isinstance(exc, SheetsError):
        return str(exc)
    if isinstance(exc, gspread.exceptions.APIError):
        return f"Google answered HTTP {exc.code}. Try again in a minute."
    return "Google could not be reached. Try again in a minute."


def create_spreadsheet(account: GoogleAccount, title: str, tab: str = "") -> tuple[str, str]:
    """A new spreadsheet owned by the account: (id, title). Its first tab is named `tab`, so the
    analyst does not find Google's empty "Sheet1" beside the exporter's tab."""
    try:
        spreadsheet = gspread_client_for(account).create(title)
        if tab:
            spreadsheet.sheet1.update_title(tab)
    except (gspread.exceptions.GSpreadException, SheetsError, RequestException) as exc:
        log.warning("creating a spreadsheet as account %s failed: %s", account.id, type(exc).__name__)
        raise DestinationProblem(
            f"Google did not create the spreadsheet as {account.email}: {google_failure(exc)}"
        ) from None
    return spreadsheet.id, spreadsheet.title


def _can_write(spreadsheet: gspread.Spreadsheet, email: str) -> bool:
    for permission in spreadsheet.list_permissions():
        role, kind = permission.get("role"), permission.get("type")
        address = permission.get("emailAddress")  # absent for "anyone" and "domain" permissions
        who = address.lower() if isinstance(address, str) else ""
        if role in WRITER_ROLES and (who == email.lower() or kind in ("anyone", "domain")):
            return True
    return False


def open_spreadsheet(account: GoogleAccount, pasted: str) -> tuple[str, str]:
    """The pasted spreadsheet's (id, title), checked to exist and to be editable by the account."""
    try:
        spreadsheet_id = parse_spreadsheet_id(pasted)
    except ValueError as exc:
        raise DestinationProblem(str(exc)) from None
    email = account.email
    cannot_open = f"We couldn't open that spreadsheet with {email}: check the link or share it with {email}."
    try:
        spreadsheet = gspread_client_for(account).open_by_key(spreadsheet_id)
        title = spreadsheet.title
        writable = _can_write(spreadsheet, email)
    except (gspread.exceptions.SpreadsheetNotFound, gspread.exceptions.APIError, PermissionError):
        # gspread turns a 403 (the account may not open it) into the builtin PermissionError
        raise DestinationProblem(cannot_open) from None
    except (SheetsError, RequestException) as exc:
        raise DestinationProblem(f"We couldn't reach Google as {email}: {google_failure(exc)}") from None
    if not writable:
        raise DestinationProblem(
            f"{email} can see “{title}” but can't edit it: share it with {email} as Editor."
        )
    return spreadsheet_id, title

"""A list page's query string: its filters and cursor (store.listing), and the links to the next page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import flash, request, url_for

from exporters.catalog import SOURCES
from store.listing import ListingArgsError, Page, cursor_from
from store.models import Company
from web.current import scoped
from web.database import get_session

F = TypeVar("F")
# One select of a list's filter form: (query name, label, [(value, text)]).
Choices = tuple[str, str, list[tuple[object, str]]]


@dataclass(frozen=True)
class Pager:
    """Where the list's first page and its next (older) page are, with the same filters; None: no link."""

    newest: str | None
    older: str | None


def listing_args(parse: Callable[[Mapping[str, str]], F], unfiltered: F) -> tuple[F, int | None]:
    """The filters and cursor of this request; a value no list knows is said, and the list shown whole."""
    try:
        return parse(request.args), cursor_from(request.args)
    except ListingArgsError as refused:
        flash(f"{refused} Showing the list without filters.", "error")
        return unfiltered, None


def cursor_or_none() -> int | None:
    """The cursor of a list without filters; a wrong one is said, and the newest page shown."""
    try:
        return cursor_from(request.args)
    except ListingArgsError as refused:
        flash(f"{refused} Showing the newest page.", "error")
        return None


def pager(page: Page[Any]) -> Pager:
    """Links to the newest page (when this one is not) and to the next one, keeping the filters."""
    endpoint = request.endpoint or ""
    here = {**(request.view_args or {}), **request.args.to_dict()}
    here.pop("cursor", None)
    newest = url_for(endpoint, **here) if request.args.get("cursor") else None
    older = url_for(endpoint, **here, cursor=page.next_cursor) if page.next_cursor is not None else None
    return Pager(newest, older)


def company_and_source_choices() -> list[Choices]:
    """The filters both lists have: the workspace's companies (one query) and the sources."""
    companies = get_session().exec(scoped(Company).order_by(Company.name)).all()
    return [
        ("company", "Company", [(c.id, c.name or c.realm_id) for c in companies]),
        ("source", "Source", [(key, source.label) for key, source in SOURCES.items()]),
    ]

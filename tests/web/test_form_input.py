"""Control characters in any text field are a form error (one check, in web.forms.Form), never a 500."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sqlmodel import Session, select

import web
from store.db import get_engine
from store.models import Exporter, User
from tests.web.browser import PASSWORD, Browser
from tests.web.test_exporters import create, ready  # noqa: F401  (fixture)
from web.forms import CONTROL_CHARACTERS, Form

NUL_AND_FRIENDS = ["Ada\x00", "Ada\x1b[31m", "Ada\x7f", "Ada\u0085"]


def _every_form_class() -> set[type]:
    for module in pkgutil.walk_packages(web.__path__, "web."):
        importlib.import_module(module.name)
    found: set[type] = set()
    todo: list[type] = [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return {cls for cls in found if cls.__module__.startswith("web.")}


def test_every_dashboard_form_derives_from_the_checked_base() -> None:
    forms = _every_form_class()
    assert len(forms) >= 6  # signup, login, forgot, reset, confirm, exporter, remove company ...
    assert [f.__name__ for f in forms if not issubclass(f, Form)] == []


@pytest.mark.parametrize("name", NUL_AND_FRIENDS)
def test_a_control_character_in_the_signup_name_is_a_form_error(browser: Browser, name, database_url) -> None:
    page = browser.fill("/signup", "Sign up", name=name, email="ada@example.com", password=PASSWORD)
    assert browser.status == 200 and page.has(CONTROL_CHARACTERS)
    with Session(get_engine()) as session:
        assert session.exec(select(User)).all() == []


def test_a_nul_byte_in_the_login_email_is_a_form_error(browser: Browser, database_url) -> None:
    page = browser.fill("/login", "Log in", email="ada\x00@example.com", password=PASSWORD)
    assert browser.status == 200 and page.has(CONTROL_CHARACTERS)


def test_a_nul_byte_in_an_address_is_a_400_not_a_500(browser: Browser, database_url) -> None:
    browser.get("/login?next=/runs/%00")
    assert browser.status == 400


def test_a_nul_byte_in_the_exporter_name_or_tab_is_a_form_error(ready: Browser, database_url) -> None:  # noqa: F811
    for values in ({"name": "Invoices\x00"}, {"tab": "Sheet\x001"}):
        page = create(ready, destination="new", spreadsheet_title="Board pack", **values)
        assert ready.status == 400 and page.has(CONTROL_CHARACTERS), values  # the editor's form error
    with Session(get_engine()) as session:
        assert session.exec(select(Exporter)).all() == []


def test_line_breaks_stay_allowed_in_a_multi_line_filter(ready: Browser) -> None:  # noqa: F811
    page = create(ready, destination="new", spreadsheet_title="Board pack", where="TotalAmt > '0'\r\n")
    assert not page.has(CONTROL_CHARACTERS)

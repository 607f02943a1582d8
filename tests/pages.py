"""Read a page the way a user does: its links, its forms and their fields, its visible text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)  # select/radio/checkbox values offered
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # (name, value, label)
    text: str = ""

    def data(self, button: str | None = None, **values: str | list[str]) -> dict:
        """The fields a browser would send, with `values` typed in and `button` (its label) clicked."""
        data: dict = {**self.fields, **values}
        if button is not None:
            for name, value, label in self.buttons:
                if button.lower() in (label.lower(), value.lower()):
                    if name:
                        data[name] = value
                    break
            else:
                raise AssertionError(f"no button {button!r} in form {self.action}: {self.buttons}")
        return data


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.forms: list[Form] = []
        self.text_parts: list[str] = []
        self._link: list | None = None
        self._button: list | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v or "") for k, v in attrs}
        form = self.forms[-1] if self.forms else None
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "a" and "href" in a:
            self._link = [a["href"], ""]
        elif tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif form is None:
            return
        elif tag == "input":
            self._input(form, a)
        elif tag == "button":
            self._button = [a.get("name", ""), a.get("value", ""), ""]
        elif tag == "select":
            self._select = a.get("name", "")
            form.choices.setdefault(self._select, [])
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            form.choices[self._select].append(value)
            if "selected" in a or self._select not in form.fields:
                form.fields[self._select] = value
        elif tag == "textarea":
            self._textarea = a.get("name", "")
            form.fields[self._textarea] = ""

    def _input(self, form: Form, a: dict) -> None:
        kind, name, value = a.get("type", "text").lower(), a.get("name", ""), a.get("value", "")
        if kind in ("submit", "image"):
            form.buttons.append((name, value, value))
        elif kind in ("radio", "checkbox"):
            form.choices.setdefault(name, []).append(value or "on")
            if "checked" in a:
                if kind == "checkbox" and name in form.fields:
                    existing = form.fields[name]
                    form.fields[name] = (
                        [*existing, value] if isinstance(existing, list) else [existing, value]
                    )
                else:
                    form.fields[name] = value or "on"
        elif name:
            form.fields[name] = value

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag == "a" and self._link is not None:
            self.links.append((" ".join(self._link[1].split()), self._link[0]))
            self._link = None
        elif tag == "button" and self._button is not None and self.forms:
            name, value, label = self._button
            self.forms[-1].buttons.append((name, value, " ".join(label.split())))
            self._button = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text_parts.append(data)
        if self._link is not None:
            self._link[1] += data
        if self._button is not None:
            self._button[2] += data
        if self._textarea is not None and self.forms:
            self.forms[-1].fields[self._textarea] += data
        if self.forms:
            self.forms[-1].text += data


@dataclass
class Page:
    url: str
    html: str
    links: list[tuple[str, str]]
    forms: list[Form]
    text: str

    def link(self, text: str) -> str:
        """The absolute href of the first link whose text contains `text` (case-insensitive)."""
        for label, href in self.links:
            if text.lower() in label.lower():
                return urljoin(self.url, href)
        raise AssertionError(f"no link {text!r} on {self.url}; links: {[label for label, _ in self.links]}")

    def form(self, containing: str = "") -> Form:
        """The first form whose text, button labels or action contains `containing`."""
        for form in self.forms:
            haystack = " ".join([form.text, form.action, *(label for _, _, label in form.buttons)]).lower()
            if containing.lower() in haystack:
                form.action = urljoin(self.url, form.action or self.url)
                return form
        raise AssertionError(f"no form with {containing!r} on {self.url}")

    def has(self, text: str) -> bool:
        return re.sub(r"\s+", " ", text.lower()) in self.text.lower()


def parse(url: str, html: str) -> Page:
    parser = _PageParser()
    parser.feed(html)
    text = re.sub(r"\s+", " ", " ".join(parser.text_parts))
    return Page(url, html, parser.links, parser.forms, text)

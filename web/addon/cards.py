"""Card JSON of Google Workspace add-ons, built by small typed helpers (reference: workspace-addons.md §4).

Formatted-text fields (textParagraph, decoratedText) take `str` or `Markup`: a `str` is HTML-escaped, so
a company or exporter name can never inject tags; our own formatting is written as `Markup`.
Responses use the documented envelopes: `trigger` for homepage and file-scope triggers, `render` for
widget actions, `authorization_prompt` and `file_scope_request` for the prompts.
"""

from __future__ import annotations

from typing import Any, Literal

from markupsafe import Markup, escape

Json = dict[str, Any]
Text = str | Markup


def formatted(text: Text) -> str:
    """Card formatted text: ours as written, anyone else's escaped."""
    return str(escape(text))


def action(url: str, **parameters: str | int) -> Json:
    """A server call: the add-on host POSTs the event to `url` with these parameters."""
    return {
        "action": {
            "function": url,
            "parameters": [{"key": k, "value": str(v)} for k, v in parameters.items()],
        }
    }


def open_link(url: str, reload_on_close: bool = False) -> Json:
    link: Json = {"url": url, "openAs": "OVERLAY" if reload_on_close else "FULL_SIZE"}
    if reload_on_close:
        link["onClose"] = "RELOAD"
    return {"openLink": link}


def button(text: str, on_click: Json, disabled: bool = False) -> Json:
    out: Json = {"text": text, "onClick": on_click}
    if disabled:
        out["disabled"] = True
    return out


def button_list(*buttons: Json) -> Json:
    return {"buttonList": {"buttons": list(buttons)}}


def paragraph(text: Text) -> Json:
    return {"textParagraph": {"text": formatted(text)}}


def decorated(text: Text, top: Text = "", bottom: Text = "", on_button: Json | None = None) -> Json:
    widget: Json = {"text": formatted(text), "wrapText": True}
    if top:
        widget["topLabel"] = formatted(top)
    if bottom:
        widget["bottomLabel"] = formatted(bottom)
    if on_button is not None:
        widget["button"] = on_button
    return {"decoratedText": widget}


def divider() -> Json:
    return {"divider": {}}


def text_input(name: str, label: str, value: str = "", hint: str = "") -> Json:
    widget: Json = {"name": name, "label": label, "type": "SINGLE_LINE", "value": value}
    if hint:
        widget["hintText"] = hint
    return {"textInput": widget}


SelectionType = Literal["CHECK_BOX", "RADIO_BUTTON", "SWITCH", "DROPDOWN"]


def selection(
    name: str,
    label: str,
    kind: SelectionType,
    items: list[tuple[str, str]],
    selected: set[str],
    on_change: Json | None = None,
) -> Json:
    """A selection input; `items` are (value, text). `on_change` (an `action(...)`) is called with the
    form's inputs whenever the choice changes, so the card can follow it."""
    widget: Json = {
        "name": name,
        "label": label,
        "type": kind,
        "items": [{"text": text, "value": value, "selected": value in selected} for value, text in items],
    }
    if on_change is not None:
        widget["onChangeAction"] = on_change["action"]
    return {"selectionInput": widget}


def error_text(message: str) -> Json:
    """A field's error, in red above it."""
    return paragraph(Markup('<font color="#d93025">{}</font>').format(message))


def section(*widgets: Json, header: str = "") -> Json:
    out: Json = {"widgets": list(widgets)}
    if header:
        out["header"] = formatted(header)
    return out


def card(
    name: str,
    title: str,
    sections: list[Json],
    subtitle: str = "",
    primary: Json | None = None,
    secondary: Json | None = None,
) -> Json:
    out: Json = {"name": name, "header": {"title": title}, "sections": sections}
    if subtitle:
        out["header"]["subtitle"] = subtitle
    if primary is not None:
        out["fixedFooter"] = {"primaryButton": primary}
        if secondary is not None:
            out["fixedFooter"]["secondaryButton"] = secondary
    return out


# -- envelopes ------------------------------------------------------------------------------------------


def trigger(card_json: Json) -> Json:
    """The answer to a homepage or file-scope-granted trigger: push the card."""
    return {"action": {"navigations": [{"pushCard": card_json}]}}


def render(
    card_json: Json | None = None,
    notification: str = "",
    pop_to_root: bool = False,
    push: bool = False,
) -> Json:
    """The answer to a widget action: replace (or push) the top card, and/or show a notification."""
    act: Json = {}
    navigations: list[Json] = [{"popToRoot": True}] if pop_to_root else []
    if card_json is not None:
        navigations.append({"pushCard" if push else "updateCard": card_json})
    if navigations:
        act["navigations"] = navigations
    if notification:
        act["notification"] = {"text": notification}
    return {"renderActions": {"action": act}, "stateChanged": card_json is not None}


def authorization_prompt(card_json: Json) -> Json:
    """The documented third-party authorization prompt of a public add-on: a custom card."""
    return {"custom_authorization_prompt": {"action": {"navigations": [{"pushCard": card_json}]}}}


def file_scope_request() -> Json:
    """Ask Sheets for drive.file on the open spreadsheet (requestFileScopeForActiveDocument)."""
    return {"renderActions": {"hostAppAction": {"editorAction": {"requestFileScopeForActiveDocument": {}}}}}


def scopes_request(scopes: list[str]) -> Json:
    """Ask for scopes the user unticked on the consent screen (granular consent)."""
    return {"requesting_google_scopes": {"scopes": scopes}}

"""The add-on's cards: the homepage for the open spreadsheet, the file-access request, the link prompt
and the new-exporter form. Each takes what it shows and returns card JSON (web.addon.cards)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup

from exporters.catalog import list_sources
from exporters.definition import FieldError
from exporters.in_spreadsheet import ExporterInSpreadsheet
from store.models import Company, GoogleAccount, RunStatus, Workspace, WriteMode
from store.settings import get_settings
from web.addon import cards
from web.addon.cards import Json
from web.addon.schedule import DEFAULT_CHOICE, schedule_choices, schedule_words
from web.dates import aware

PRODUCT = "Sheetbooks"
# The new-exporter form's fields, in the order shown; errors of other definition fields go on top.
FORM_FIELDS = ("name", "company_ids", "source", "tab", "write_mode", "schedule", "google_account_id")


def url(path: str) -> str:
    """An absolute URL of ours: the deployment registers these exactly, and tokens carry them as audience."""
    return get_settings().public_url.rstrip("/") + path


def when(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return "—"
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    local = aware(moment).astimezone(tz)
    return f"{local:%b} {local.day}, {local:%H:%M} {local.tzname()}"


def link_prompt(link_url: str) -> Json:
    """Not linked yet: what linking does, and the button opening our sign-in (the add-on reloads after)."""
    body = cards.section(
        cards.paragraph(
            "Link this Google account to your Sheetbooks account to see and refresh the exporters that "
            "write into this spreadsheet. You sign in to Sheetbooks in a new window; close it when it "
            "says you are linked."
        ),
        cards.button_list(
            cards.button("Sign in to Sheetbooks", cards.open_link(link_url, reload_on_close=True))
        ),
    )
    return cards.card("link", PRODUCT, [body], subtitle="Link your account")


def file_access() -> Json:
    """Linked, but Sheets has not given the add-on this spreadsheet yet."""
    body = cards.section(
        cards.paragraph(
            Markup(
                "To show which exporters write into this spreadsheet, Sheetbooks needs to know which one is "
                "open. Google tells an add-on only after you grant it access to "
                "<b>this spreadsheet only</b>; your other files stay out of reach."
            )
        ),
        cards.button_list(
            cards.button("Grant access to this spreadsheet", cards.action(url("/addon/actions/file-access")))
        ),
    )
    return cards.card("file-access", PRODUCT, [body], subtitle="Access to this spreadsheet")


def _last_run_line(item: ExporterInSpreadsheet, zone: str) -> Json:
    active, last = item.active_run, item.last_run
    if active is not None:
        if active.status == RunStatus.RUNNING:
            return cards.decorated(f"Refreshing… {active.progress or 'started'}", top="Now")
        return cards.decorated(f"Refresh queued at {when(active.queued_at, zone)}", top="Now")
    if last is None:
        return cards.decorated("Never run yet", top="Last run")
    status = str(last.status).capitalize()
    text = f"{status} {when(last.finished_at or last.queued_at, zone)} · {last.rows:,} rows"
    return cards.decorated(text, top="Last run", bottom=last.error[:200] if last.error else "")


def _exporter_section(item: ExporterInSpreadsheet, zone: str, spreadsheet_id: str, workspace: str) -> Json:
    exporter = item.exporter
    companies = ", ".join(item.company_names) or "no company"
    next_run = when(exporter.next_run_at, zone) if exporter.enabled and exporter.next_run_at else "—"
    state = "" if exporter.enabled else f" · {exporter.paused_reason or 'paused'}"
    return cards.section(
        cards.decorated(
            Markup("Tab <b>{}</b>").format(exporter.tab),
            top=f"{item.source_label} · {workspace}",
            bottom=companies,
        ),
        cards.decorated(schedule_words(exporter) + state, top="Schedule", bottom=f"Next run {next_run}"),
        _last_run_line(item, zone),
        cards.button_list(
            cards.button(
                "Refresh now",
                cards.action(
                    url("/addon/actions/refresh"), exporter_id=exporter.id or 0, spreadsheet_id=spreadsheet_id
                ),
                disabled=item.active_run is not None,
            ),
            cards.button("Open in Sheetbooks", cards.open_link(url(f"/exporters/{exporter.id}"))),
        ),
        header=exporter.name,
    )


def homepage(
    title: str,
    spreadsheet_id: str,
    items: list[ExporterInSpreadsheet],
    workspaces: dict[int, Workspace],
    zone: str,
) -> Json:
    """The exporters writing into the open spreadsheet (only the linked user's workspaces')."""
    sections = [
        _exporter_section(item, zone, spreadsheet_id, workspaces[item.exporter.workspace_id].name)
        for item in items
    ]
    if not sections:
        sections = [cards.section(cards.paragraph("No exporter of yours writes into this spreadsheet yet."))]
    new = cards.button(
        "New exporter", cards.action(url("/addon/actions/new-exporter"), spreadsheet_id=spreadsheet_id)
    )
    reload_ = cards.button("Reload", cards.action(url("/addon/actions/home"), spreadsheet_id=spreadsheet_id))
    return cards.card("home", PRODUCT, sections, subtitle=title, primary=new, secondary=reload_)


def not_in_sheets() -> Json:
    body = cards.section(cards.paragraph("Open a spreadsheet in Google Sheets to see its exporters."))
    return cards.card("elsewhere", PRODUCT, [body])


def message(text: str) -> Json:
    return cards.card("message", PRODUCT, [cards.section(cards.paragraph(text))])


def _workspace_choice(workspace: Workspace, workspaces: list[Workspace], spreadsheet_id: str) -> list[Json]:
    """The workspace the exporter belongs to, when the user has several: changing it re-renders the form
    with that workspace's companies and Google accounts (onChangeAction)."""
    if len(workspaces) < 2:
        return []
    return [
        cards.selection(
            "workspace_id",
            "Workspace",
            "DROPDOWN",
            [(str(w.id), w.name) for w in workspaces],
            {str(workspace.id)},
            on_change=cards.action(url("/addon/actions/exporter-workspace"), spreadsheet_id=spreadsheet_id),
        )
    ]


def new_exporter(
    workspace: Workspace,
    workspaces: list[Workspace],
    companies: list[Company],
    accounts: list[GoogleAccount],
    spreadsheet_id: str,
    values: dict[str, list[str]],
    errors: list[FieldError],
    google_email: str,
) -> Json:
    """The form of an exporter into this spreadsheet, in `workspace` (one of the user's `workspaces`);
    `values` refill it, errors stand above their fields."""

    def first(name: str, default: str = "") -> str:
        return (values.get(name) or [default])[0]

    by_field: dict[str, list[str]] = {}
    for error in errors:
        key = error.field if error.field in FORM_FIELDS else "other"
        by_field.setdefault("schedule" if error.field.startswith("schedule") else key, []).append(
            error.message
        )

    def field(name: str, widget: Json) -> list[Json]:
        return [*(cards.error_text(m) for m in by_field.get(name, [])), widget]

    sources = list_sources()
    default_account = next((a for a in accounts if a.email.lower() == google_email.lower()), None)
    default_account = default_account or (accounts[0] if accounts else None)
    chosen_companies = set(
        values.get("company_ids") or ([str(companies[0].id)] if len(companies) == 1 else [])
    )
    widgets: list[Json] = [*(cards.error_text(m) for m in by_field.get("other", []))]
    widgets += _workspace_choice(workspace, workspaces, spreadsheet_id)
    widgets += field("name", cards.text_input("name", "Name", first("name"), "e.g. Open invoices"))
    widgets += field(
        "company_ids",
        cards.selection(
            "company_ids",
            "Companies",
            "CHECK_BOX",
            [(str(c.id), c.name or c.realm_id) for c in companies],
            chosen_companies,
        ),
    )
    widgets += field(
        "source",
        cards.selection(
            "source",
            "Source",
            "DROPDOWN",
            [(s["key"], f"{s['group']} · {s['label']}") for s in sources],
            {first("source", "invoices")},
        ),
    )
    widgets += field(
        "tab", cards.text_input("tab", "Tab", first("tab"), "A new tab, or one no exporter writes")
    )
    widgets += field(
        "write_mode",
        cards.selection(
            "write_mode",
            "Write mode",
            "DROPDOWN",
            [(m.value, m.value.capitalize()) for m in WriteMode],
            {first("write_mode", WriteMode.REPLACE.value)},
        ),
    )
    widgets += field(
        "schedule",
        cards.selection(
            "schedule", "Schedule", "DROPDOWN", schedule_choices(), {first("schedule", DEFAULT_CHOICE)}
        ),
    )
    widgets += field(
        "google_account_id",
        cards.selection(
            "google_account_id",
            "Writes as",
            "DROPDOWN",
            [(str(a.id), a.email) for a in accounts],
            {first("google_account_id", str(default_account.id) if default_account else "")},
        ),
    )
    save = cards.button(
        "Create and run",
        cards.action(
            url("/addon/actions/create-exporter"),
            spreadsheet_id=spreadsheet_id,
            workspace_id=workspace.id or 0,
        ),
    )
    back = cards.button("Back", cards.action(url("/addon/actions/home"), spreadsheet_id=spreadsheet_id))
    return cards.card(
        "new-exporter",
        "New exporter",
        [cards.section(*widgets)],
        subtitle=f"Into this spreadsheet · {workspace.name}",
        primary=save,
        secondary=back,
    )

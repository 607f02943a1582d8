"""The exporter editor's form; its choices depend on the workspace and the chosen source."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from exporters.sources.reports import SUMMARIZE
from store.documents import RELATIVE, STATUSES
from web.exporters.fields import MultiCheckboxField
from web.exporters.schedule_form import ScheduleFields


def _range_label(name: str) -> str:
    words = name.replace("_", " ").replace(" n ", " N ")
    return words[0].upper() + words[1:]


PRESETS = [(r, _range_label(r)) for r in RELATIVE]
RANGES = [("", "Source default"), *PRESETS, ("fixed", "Fixed dates")]
LAYOUTS = [("statement", "Statement"), ("tidy", "Tidy (one row per value)")]
STATUS_CHOICES = [(s, s.capitalize()) for s in STATUSES]
SUMMARIZE_CHOICES = [(s, s) for s in SUMMARIZE]
COMPANIES_LAYOUT_CHOICES = [
    ("side_by_side", "Side by side (one column per company and period)"),
    ("blocks", "One block per company"),
]
ID_HELP = "QuickBooks ids, separated by commas (the number at the end of the record's QuickBooks URL)."


class ExporterForm(ScheduleFields):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    source = SelectField("Source", validators=[DataRequired()])
    companies = MultiCheckboxField("Companies", coerce=int)
    columns = MultiCheckboxField("Columns")
    columns_for = HiddenField()  # the source (and layout) the ticked columns belong to
    date_range = SelectField("Date range", choices=RANGES, default="")
    n_days = IntegerField("Number of days", validators=[Optional(), NumberRange(min=1, max=3660)])
    start_date = DateField("From", validators=[Optional()])
    end_date = DateField("To", validators=[Optional()])
    layout = SelectField("Layout", choices=LAYOUTS, default="statement")
    accounting_method = SelectField(
        "Accounting method", choices=[("Accrual", "Accrual"), ("Cash", "Cash")], default="Accrual"
    )
    summarize_column_by = SelectField("Columns by", choices=SUMMARIZE_CHOICES, default="Total")
    companies_layout = RadioField(
        "Several companies", choices=COMPANIES_LAYOUT_CHOICES, default="side_by_side"
    )
    budget = StringField("Budget", validators=[Optional(), Length(max=100)])
    filter_customer = StringField("Customer IDs", validators=[Optional(), Length(max=500)])
    filter_vendor = StringField("Vendor IDs", validators=[Optional(), Length(max=500)])
    filter_class = StringField("Class IDs", validators=[Optional(), Length(max=500)])
    filter_department = StringField("Location (department) IDs", validators=[Optional(), Length(max=500)])
    include_inactive = BooleanField("Include inactive records")
    company_columns = BooleanField("Company and Realm ID columns first (always, with several companies)")
    status = SelectField("Status", choices=[("", "Any"), *STATUS_CHOICES], default="")
    where = TextAreaField("Filter (WHERE)", validators=[Optional(), Length(max=2000)])
    custom_fields = StringField("Add custom fields", validators=[Optional(), Length(max=500)])
    time_zone = StringField("Time zone", default="UTC", validators=[Optional(), Length(max=64)])
    google_account_id = SelectField("Google account", coerce=int, validate_choice=False)
    destination = RadioField(
        "Spreadsheet",
        choices=[("new", "Create a new spreadsheet"), ("existing", "Paste a spreadsheet URL or ID")],
        default="new",
    )
    spreadsheet_title = StringField("New spreadsheet title", validators=[Optional(), Length(max=200)])
    spreadsheet = StringField("Spreadsheet URL or ID", validators=[Optional(), Length(max=500)])
    tab = StringField("Tab", validators=[Optional(), Length(max=100)])
    write_mode = RadioField(
        "Write mode",
        choices=[
            ("replace", "Replace the tab's contents"),
            ("append", "Append new rows"),
            ("upsert", "Update rows by key, add new ones"),
        ],
        default="replace",
    )
    oversize = RadioField(
        "Cells over Google's 50,000 characters",
        choices=[
            ("fail", "Fail the run and say which cell"),
            ("truncate", "Cut them, ending in a visible marker"),
        ],
        default="fail",
    )
    snapshot_column = BooleanField("Append: add a “Snapshot at” column (the run's time)", default=True)
    on_deleted = RadioField(
        "Upsert: rows deleted in QuickBooks",
        choices=[("remove", "Remove them from the tab"), ("mark", "Keep them, marked as deleted")],
        default="remove",
    )
    reset_tab = BooleanField("Reset the tab on the next run (after its header cells were edited)")
    refresh_on_changes = BooleanField("Refresh when QuickBooks changes", default=False)
    missing_company = RadioField(
        "A company disconnected (several companies)",
        choices=[
            ("pause", "Pause the exporter until it is reconnected"),
            ("keep", "Continue with the others; keep its rows as they were"),
            ("mark", "Continue with the others; keep its rows marked (grey italics, a “Not refreshed” note)"),
        ],
        default="pause",
    )
    enabled = BooleanField("Enabled", default=True)

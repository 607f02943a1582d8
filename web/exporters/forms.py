"""The exporter editor's form; its choices depend on the workspace and the chosen source."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from exporters.dates import RELATIVE
from exporters.filters import STATUSES
from web.exporters.schedules import SCHEDULES

PRESETS = [(r, r.replace("_", " ").capitalize()) for r in RELATIVE if r != "last_n_days"]
RANGES = [("", "Source default"), *PRESETS]
LAYOUTS = [("statement", "Statement"), ("tidy", "Tidy (one row per value)")]
STATUS_CHOICES = [(s, s.capitalize()) for s in STATUSES]
RANGES.append(("fixed", "Fixed dates"))


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multiple choice, in the order of `choices`."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ExporterForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    source = SelectField("Source", validators=[DataRequired()])
    companies = MultiCheckboxField("Companies", coerce=int)
    columns = MultiCheckboxField("Columns")
    date_range = SelectField("Date range", choices=RANGES, default="")
    start_date = DateField("From", validators=[Optional()])
    end_date = DateField("To", validators=[Optional()])
    layout = SelectField("Layout", choices=LAYOUTS, default="statement")
    accounting_method = SelectField(
        "Accounting method", choices=[("Accrual", "Accrual"), ("Cash", "Cash")], default="Accrual"
    )
    include_inactive = BooleanField("Include inactive records")
    status = SelectField("Status", choices=[("", "Any"), *STATUS_CHOICES], default="")
    where = TextAreaField("Filter (WHERE)", validators=[Optional(), Length(max=2000)])
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
    schedule = SelectField("Schedule", choices=SCHEDULES, default="60")
    enabled = BooleanField("Enabled", default=True)

"""Form fields the exporter forms share."""

from __future__ import annotations

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]  # wtforms ships no type hints
    """Checkboxes for a multiple choice, in the order of `choices`."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

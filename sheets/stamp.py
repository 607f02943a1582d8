"""The "last refreshed" stamp: which exporter, companies and run wrote the tab, as a note on A1."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RunStamp:
    """Who wrote the tab and when the data is from; every field is optional."""

    exporter: str = ""
    companies: tuple[str, ...] = ()
    data_as_of: str = ""
    run_id: int | None = None

    def note(self) -> str:
        """The note's text: one line per field that is set."""
        lines = ["Refreshed by Sheetbooks"]
        for label, text in (
            ("Exporter", self.exporter),
            ("Companies", ", ".join(self.companies)),
            ("Data as of", self.data_as_of),
            ("Run", "" if self.run_id is None else str(self.run_id)),
        ):
            if text:
                lines.append(f"{label}: {text}")
        return "\n".join(lines)

"""Errors the reports raise; the HTTP layer turns them into a 400 fault."""


class ReportParamError(ValueError):
    """A report parameter is missing, malformed or out of range."""


class UnsupportedReport(ReportParamError):
    """The report name is not one the emulator computes."""

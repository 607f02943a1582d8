"""Sheets v4: the spreadsheet model and the `/v4/spreadsheets` routes (see README.md)."""

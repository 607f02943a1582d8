"""Outgoing email: what Sheetbooks tells whom (notices, failure mail), and sending it over SMTP."""

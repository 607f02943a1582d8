"""The Accounting API: query, read, CDC, reports route, faults and limits."""

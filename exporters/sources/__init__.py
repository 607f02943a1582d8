"""Sources: entity lists, their lines, and reports."""

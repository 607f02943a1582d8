"""Report flattening: the QBO row tree, statement and tidy layouts."""

"""QuickBooks companies and Google accounts: connect, disconnect, remove, tokens, clients, health, pausing."""

"""OAuth 2.0 / OpenID Connect: consent, codes, grants with rotating refresh tokens, id_token."""

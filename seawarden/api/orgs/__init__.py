"""Organisations, users and API keys (admins only; tokens are shown once, at creation)."""

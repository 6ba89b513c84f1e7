"""Alembic migrations of the SeaWarden store (shipped in the package, run by ``open_store``)."""

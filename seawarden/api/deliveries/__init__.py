"""Delivery operations: dead letters and outbox backlog (admins of the operating organisations)."""

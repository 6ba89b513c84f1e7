"""Alerts: list, read, export, and the operators' lifecycle (acknowledge, escalate, close, comment)."""

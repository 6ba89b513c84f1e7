"""Vessels: search, dossier (identity, watch-list match, risk, monitoring, recent alerts), tracks."""

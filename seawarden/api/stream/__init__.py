"""The live WebSocket: alerts (and optionally vessel positions) as they happen."""

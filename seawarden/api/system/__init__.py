"""Service endpoints: health, Prometheus metrics, and the offline API docs."""

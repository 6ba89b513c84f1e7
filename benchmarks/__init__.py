"""Benchmarks (run from a checkout): ``python -m benchmarks`` for decode and replay throughput."""

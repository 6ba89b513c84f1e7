"""``python -m benchmarks``: every speed figure in one run (see benchmarks/all.py)."""

from benchmarks.all import main

main()

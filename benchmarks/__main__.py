"""``python -m benchmarks``: every speed figure in one run (see benchmarks/all.py)."""

from benchmarks.all import main
from seawarden.memory import retain_freed_memory

retain_freed_memory()  # as SeaWarden's commands run; the pyais baseline runs under it too
main()

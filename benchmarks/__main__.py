"""``python -m benchmarks``: the decode / replay benchmark (see benchmarks/decode_bench.py)."""

from benchmarks.decode_bench import main

main()

"""``serve`` and ``demo`` tune the garbage collector once loaded (``Runtime(tune_gc=True)``)."""

import subprocess
import sys


def test_tuning_freezes_start_up_objects_and_raises_the_thresholds() -> None:
    # In a child process: freezing would leak into this test session.
    code = (
        "import gc\n"
        "from seawarden.service.runtime import GC_THRESHOLDS, tune_gc_for_service\n"
        "assert gc.get_freeze_count() == 0 and gc.get_threshold() != GC_THRESHOLDS\n"
        "tune_gc_for_service()\n"
        "assert gc.get_freeze_count() > 10_000, gc.get_freeze_count()\n"
        "assert gc.get_threshold() == GC_THRESHOLDS\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr

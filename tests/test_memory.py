"""``seawarden.memory``: freed NumPy-sized blocks stay with the process: reusing them costs no page faults."""

import platform
import subprocess
import sys
import textwrap

import pytest

from seawarden.config import ProcessSettings

# Rounds of 48 one-MiB arrays, touched and freed together: the pattern of one decoded piece. Prints
# the minor page faults of rounds 2-6 (round 1 warms up either way).
CHILD = textwrap.dedent(
    """
    import resource, sys
    import numpy as np
    if sys.argv[1] == "tuned":
        from seawarden.memory import retain_freed_memory
        assert retain_freed_memory()
    def round_():
        arrays = [np.ones(1 << 17) for _ in range(48)]
        del arrays
    round_()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(5):
        round_()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """
)

glibc_only = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc allocator settings"
)


def _faults(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@glibc_only
def test_retained_memory_is_reused_without_page_faults() -> None:
    default, tuned = _faults("default"), _faults("tuned")
    assert default > 5 * 48 * 256 // 2  # glibc's defaults: freed blocks go back, each round faults again
    assert tuned < default / 10


def test_the_setting_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bool] = []
    monkeypatch.setattr("seawarden.config.retain_freed_memory", lambda: calls.append(True) or True)
    ProcessSettings(retain_freed_memory=False).apply()
    assert calls == []
    ProcessSettings().apply()
    assert calls == [True]

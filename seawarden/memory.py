"""Allocator settings for SeaWarden's own bulk and service processes (not applied on import).

Why: the vectorised decoder and the batch stages allocate and free megabytes of short-lived NumPy
arrays for every 1 MiB piece of input. glibc serves blocks over 128 KiB with ``mmap`` and hands
them back to the kernel when they are freed, and it trims the top of the heap as soon as a few
megabytes there are free, so the next piece touches fresh pages and takes one page fault per
4 KiB again. On the virtual machines SeaWarden was measured on, those faults were a third of the
decoder's time (a 200,000-line decode: 101,000 minor faults and 170 ms with glibc's defaults;
25,000 faults and 100 ms with the settings below; docs/performance.md).

:func:`retain_freed_memory` keeps such blocks in the heap and keeps freed heap memory for reuse.
The cost: up to ``TRIM_THRESHOLD_BYTES`` of freed memory stays with the process instead of going
back to the operating system, so its resident size stays near its peak. ``seawarden replay``,
``serve``, ``demo`` and ``bench`` apply it unless ``[process] retain_freed_memory = false``; a
program that imports SeaWarden as a library keeps its own allocator settings.
"""

import ctypes
import ctypes.util
import logging
import platform

log = logging.getLogger(__name__)

MMAP_THRESHOLD_BYTES = 64 << 20  # blocks up to this size come from the heap (glibc default: 128 KiB)
TRIM_THRESHOLD_BYTES = 512 << 20  # free heap kept at its top before trimming (glibc default: 128 KiB)
_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3


def retain_freed_memory() -> bool:
    """Apply the allocator settings of the module docstring; False where the C library is not glibc."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        applied = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
        applied &= libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) == 1
    except (OSError, AttributeError) as exc:  # an unusual libc: the defaults are slower, not wrong
        log.debug("allocator settings not applied: %s", exc)
        return False
    return bool(applied)

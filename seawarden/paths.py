"""Where SeaWarden keeps the user's own data (imported areas, the watch-list register, the local store).

One function, used by every stage, so ``$SEAWARDEN_DATA_DIR`` means the same folder everywhere.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """``$SEAWARDEN_DATA_DIR``, else ``$XDG_DATA_HOME/seawarden``, else ``~/.local/share/seawarden``."""
    explicit = os.environ.get("SEAWARDEN_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "seawarden"

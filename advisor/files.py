"""Writing files so that an interruption never leaves half a file behind, and a planted
symlink never redirects a write."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from advisor.errors import OutputError


def write_atomic(path: str | Path, text: str) -> None:
    """Write to a new temporary file beside `path`, then rename it into place: a reader (or a
    rerun after an interruption) sees the old file or the new one, never half of one.

    The temporary file has an unpredictable name and is created exclusively, without
    following symlinks (tempfile.mkstemp), so nothing planted beside `path` is written
    through. A failure (a read-only folder, a full disk, a path that is a file) is an
    OutputError naming the path."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".tmp")
    except OSError as err:
        raise OutputError(path, err.strerror or str(err)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, _mode(path))
        os.replace(tmp, path)
    except OSError as err:
        raise OutputError(path, err.strerror or str(err)) from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def _mode(path: Path) -> int:
    """The permissions of the file being replaced, else the usual ones for a new file."""
    try:
        return stat.S_IMODE(path.lstat().st_mode) if path.is_file() and not path.is_symlink() else _default_mode()
    except OSError:
        return _default_mode()


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


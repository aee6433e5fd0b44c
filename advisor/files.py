"""Reading text in the encodings people save it in, and writing files so that an
interruption never leaves half a file behind and a planted symlink never redirects a write."""

from __future__ import annotations

import os
import signal
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable

from advisor.errors import OutputError, UserError, bad_input
from advisor.i18n import msg

ROOT = Path(__file__).resolve().parent.parent  # the bundled knowledge/ and rules/


def knowledge_root(root: str | Path | None = None) -> Path:
    """The folder holding knowledge/ and rules/: the one given, else $ADVISOR_KNOWLEDGE, else the bundled one."""
    return Path(root) if root else Path(os.environ.get("ADVISOR_KNOWLEDGE", ROOT))


_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)


def decode(raw: bytes, name: str, kind: str) -> str:
    """The text of a file: UTF-8, or UTF-16 or UTF-32 with a byte order mark (as Windows
    tools save it). InputError naming the encoding found when it cannot be read."""
    encoding = next((enc for bom, enc in _BOMS if raw.startswith(bom)), "utf-8")
    if encoding == "utf-8" and b"\x00" in raw:
        if _utf16_without_mark(raw):
            raise bad_input(name, msg("error.utf16_without_mark"))
        raise bad_input(name, msg("error.binary_kind", kind=kind))
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as err:
        label = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8"}.get(encoding, encoding.upper())
        raise bad_input(name, msg("error.not_text", encoding=label, position=err.start)) from None


def _utf16_without_mark(raw: bytes) -> bool:
    """Mostly ASCII text in UTF-16: every other byte is zero."""
    sample = raw[:4096]
    return len(sample) >= 4 and (sample[1::2].count(0) > 0.9 * (len(sample) // 2) or sample[0::2].count(0) > 0.9 * (len(sample) // 2))


def write_atomic(path: str | Path, text: str | bytes | Iterable[str], folder_made: bool = False) -> None:
    """Write to a new temporary file beside `path`, then rename it into place: a reader (or a
    rerun after an interruption) sees the old file or the new one, never half of one.

    The temporary file has an unpredictable name and is created exclusively, without
    following symlinks (tempfile.mkstemp), so nothing planted beside `path` is written
    through. A failure (a read-only folder, a full disk, a path that is a file) is an
    OutputError naming the path. Text is written as UTF-8 with \n line ends; bytes as they are.
    Text may come in pieces (an iterable of strings), written as they come, so a long file is
    never held whole. `folder_made`: make_folder was called for the folder already (a batch
    does it once)."""
    path = Path(path)
    if not folder_made:
        make_folder(path)
    tmp = None
    try:
        with _signals_held():  # a signal now would leave the new file behind, its name unknown
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".tmp")
        data = text.encode("utf-8") if isinstance(text, str) else text
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as handle:
                _set_mode(handle, tmp, path)
                handle.write(data)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                _set_mode(handle, tmp, path)
                handle.writelines(data)
        os.replace(tmp, path)
        tmp = None  # renamed into place: nothing left to remove
    except OSError as err:
        raise OutputError(path, err.strerror or str(err)) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def make_folder(path: Path) -> None:
    """Create the folder `path` is to be written in, or say why it cannot be (OutputError)."""
    folder = next((p for p in path.parents if p.exists()), None)
    if folder is not None and not folder.is_dir():
        raise OutputError(path, f"{folder} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(path, err.strerror or str(err)) from None


@contextmanager
def _signals_held():
    """Hold Ctrl-C and SIGTERM until the block is done (where the platform allows)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)

def _set_mode(handle, tmp: str, path: Path) -> None:
    """Give the open temporary file the permissions `path` is to have (by its descriptor where
    the platform allows, without looking the name up again)."""
    if hasattr(os, "fchmod"):
        os.fchmod(handle.fileno(), _mode(path))
    else:  # pragma: no cover - Windows
        os.chmod(tmp, _mode(path))


def _mode(path: Path) -> int:
    """The permissions of the file being replaced (a regular file, not a symlink), else the
    usual ones for a new file."""
    try:
        st = path.lstat()
    except OSError:
        return _default_mode()
    return stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else _default_mode()


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask



@contextmanager
def locked(path: Path):
    """Hold `path` for this process alone: an exclusive lock on `.NAME.lock` beside it,
    released (and removed) at the end, and by the system when the process dies.
    Busy (a UserError) names the process that holds it."""
    try:
        import fcntl
    except ImportError:  # no advisory locks on this platform
        yield
        return
    lock = path.with_name(f".{path.name}.lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as err:
        raise OutputError(lock, err.strerror or str(err)) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 20).decode("ascii", "replace").strip() or "?"
            raise UserError("locked", path=path, pid=holder) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)
    finally:
        os.close(fd)

"""Writing a file whole or not at all: what ``save()``, the command line and the spreadsheet
export share."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO, Callable

__all__ = ["umask", "write_atomically"]


def umask() -> int:
    """The process's umask (read without changing it for long)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(target: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Call ``write`` on a temporary file beside ``target``, then move it over ``target``
    with the old file's mode (or the usual one for a new file). Any failure, an interrupt
    included, leaves the old file as it was and no temporary file behind; the error is the
    caller's to word."""
    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

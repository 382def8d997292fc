"""Files a user names: read only regular files, and replace a file whole or not at all.

Opening a FIFO for reading blocks until something writes to it, and a device such as
``/dev/zero`` never ends, so what qatui reads is refused at once unless it is a regular file.
What it writes goes to a scratch file beside the target and is renamed into place when
complete: a failure leaves the old file as it was and no half-written one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a ``st_mode`` names, in words: "a regular file", "a named pipe (FIFO)", ..."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


class NotARegularFile(OSError):
    """A path that names a folder, FIFO, device or socket where a regular file is needed."""

    def __init__(self, path: Path | str, mode: int) -> None:
        code = errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL
        super().__init__(code, f"{file_kind(mode)}, not a regular file", str(path))

    def __str__(self) -> str:
        return f"{self.filename} is {self.strerror}"


def check_regular(path: Path | str) -> None:
    """NotARegularFile unless ``path`` is a regular file (or a link to one) or does not exist."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise NotARegularFile(path, mode)


def open_regular(path: Path | str) -> BinaryIO:
    """Open a regular file for reading in binary; NotARegularFile, without blocking, otherwise.

    The file is opened non-blocking (a FIFO with no writer would block a plain ``open``), and its
    kind read from the open descriptor, so a file swapped in between cannot slip through.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | os.O_CLOEXEC)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotARegularFile(path, mode)
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_capped(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ValueError for a longer one."""
    with open_regular(path) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path} is larger than {limit:,} bytes")
    return data


def _scratch_beside(target: Path) -> tuple[int, Path]:
    """A new, empty file in ``target``'s folder (created as the user's files are: umask)."""
    import secrets  # not at import: only writing a file needs it

    while True:
        scratch = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            return os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), scratch
        except FileExistsError:
            continue
        except OSError as error:  # named after the file the user asked for, not the scratch
            raise type(error)(error.errno, error.strerror, str(target)) from None


@contextlib.contextmanager
def replacing(path: Path | str, *, encoding: str = "utf-8") -> Iterator[TextIO]:
    """Write text that replaces ``path`` only once it is complete.

    A symbolic link is written through: the file it points to is replaced and the link stays.
    The new file keeps the old one's permission bits. A FIFO or a device (``-o /dev/stdout``)
    cannot be replaced and is written directly.
    """
    target = Path(os.path.realpath(path))
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise NotARegularFile(path, mode)
        with open(target, "w", encoding=encoding) as direct:
            yield direct
        return
    descriptor, scratch = _scratch_beside(target)
    try:
        with os.fdopen(descriptor, "w", encoding=encoding) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(scratch, stat.S_IMODE(mode))
        os.replace(scratch, target)
    finally:
        scratch.unlink(missing_ok=True)

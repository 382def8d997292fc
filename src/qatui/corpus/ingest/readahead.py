"""Ask the kernel to read the next input files while the current ones are parsed and written.

A folder of page files is read one small file at a time; on a cold cache each read waits for
the disk while the CPU idles, then the CPU works while the disk idles. ``posix_fadvise(...,
POSIX_FADV_WILLNEED)`` starts reading a file in the background and returns at once, so
keeping it a few dozen files ahead of the importer overlaps the two without a thread.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TypeVar

READ_AHEAD_FILES = 64
"""How many files ahead of the importer are being read (64 pages of the site: about 0.6 MB)."""

Item = TypeVar("Item")


def advise_will_need(path: str) -> None:
    """Start reading ``path`` in the background; nothing happens where that is not possible."""
    if not hasattr(os, "posix_fadvise"):
        return
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return  # a FIFO or device is never opened ahead (the importer refuses it)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return  # the importer meets the same error and reports it
    try:
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def read_ahead(items: Iterable[Item], depth: int = READ_AHEAD_FILES) -> Iterator[Item]:
    """``items`` as they are, the file paths among them advised ``depth`` items ahead."""
    window: deque[Item] = deque()
    for item in items:
        if isinstance(item, str) and item != "-":
            advise_will_need(item)
        window.append(item)
        if len(window) > depth:
            yield window.popleft()
    yield from window

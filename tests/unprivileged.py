"""Run Python in a child for which read-only files and folders really are read-only.

Root writes through file modes, so read-only is only real for a process without the
capabilities that bypass them. As root the child runs through ``setpriv`` with
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER out of its bounding set (it stays uid 0,
so it can still reach this interpreter and the tests' folders); as anyone else it runs as is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DROPPED = "-dac_override,-dac_read_search,-fowner"


def _prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: read-only files cannot be made")
    return [setpriv, f"--bounding-set={DROPPED}", "--"]


def run_python(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in ``cwd``, unable to write what file modes forbid."""
    env = {
        **os.environ,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "HOME": str(cwd),
    }
    env.pop("QATUI_DB", None)
    done = subprocess.run(
        [*_prefix(), sys.executable, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(cwd),
        timeout=300,
        check=False,
    )
    if "setpriv" in done.stderr and done.returncode != 0:
        pytest.skip(f"setpriv cannot drop capabilities here: {done.stderr.strip()}")
    return done

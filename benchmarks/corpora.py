"""Generated corpora for the benchmarks, cached under benchmarks/.cache/ (or $QATUI_BENCH_CACHE)
with how long each took."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from qatui.corpus.store.schema import SCHEMA_VERSION

CACHE = Path(os.environ.get("QATUI_BENCH_CACHE") or Path(__file__).resolve().parent / ".cache")
SEED = 1
QATUI = [sys.executable, "-m", "qatui"]


def load_average() -> float:
    return os.getloadavg()[0]


def corpus_path(size: int, cache: Path = CACHE) -> Path:
    """Where the corpus of ``size`` questions is cached: one file per schema version, so a
    schema change means a new corpus instead of migrating (and backing up) a huge one."""
    return cache / f"corpus-{size}-seed{SEED}-v{SCHEMA_VERSION}.db"


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".json")


def ensure_corpus(size: int, cache: Path = CACHE, *, nice: bool = True) -> dict[str, Any]:
    """The cached corpus of ``size`` questions (built with ``qatui generate`` if missing)
    and what its build measured: seconds, load average before and after, file size."""
    path = corpus_path(size, cache)
    sidecar = _sidecar(path)
    if path.exists() and sidecar.exists():
        info: dict[str, Any] = json.loads(sidecar.read_text())
        info["cached"] = True
        return info
    cache.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    command = [*QATUI, "generate", "--count", str(size), "--seed", str(SEED), "--db", str(path)]
    if nice and shutil.which("nice"):
        command = ["nice", "-n", "10", *command]
    load_before = load_average()
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    info = {
        "size": size,
        "seed": SEED,
        "schema": SCHEMA_VERSION,
        "seconds": round(seconds, 1),
        "load_before": round(load_before, 2),
        "load_after": round(load_average(), 2),
        "bytes": path.stat().st_size,
        "built": time.strftime("%Y-%m-%d %H:%M"),
    }
    sidecar.write_text(json.dumps(info, indent=1) + "\n")
    info["cached"] = False
    return info


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        print(ensure_corpus(int(argument)))

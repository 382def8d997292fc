"""The benchmark runner's smoke mode runs end to end, so benchmarks/ cannot rot unnoticed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS = REPO_ROOT / "benchmarks" / "RESULTS.md"


def _stamp(path: Path) -> int | None:
    return path.stat().st_mtime_ns if path.exists() else None


def test_benchmark_runner_smoke_mode_writes_a_report(tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    results_before = _stamp(RESULTS)
    command = [sys.executable, str(REPO_ROOT / "benchmarks" / "run.py"), "--smoke"]
    subprocess.run([*command, "--output", str(output)], check=True, cwd=tmp_path, timeout=600)
    report = output.read_text()
    headings = ("## Machine", "## Corpora", "## Targets", "## The reader", "## Corpus queries")
    for heading in (*headings, "## Import"):
        assert heading in report
    for action in ("specialty switch", "date-range filter", "jump to end", "open a question"):
        assert f"| {action} |" in report
    raw = json.loads(output.with_suffix(".json").read_text())
    assert sorted(raw["corpus"]) == ["30", "60"]
    assert raw["import"]["runs"][0]["import_rate"] > 0
    assert _stamp(RESULTS) == results_before  # smoke runs never overwrite the real figures

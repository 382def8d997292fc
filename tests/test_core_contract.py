"""The corpus core never imports Textual: importing all of it leaves ``textual`` unloaded."""

from __future__ import annotations

import json
import subprocess
import sys

CHECK = """
import importlib, json, pkgutil, sys
import qatui.corpus
names = sorted(
    module.name
    for module in pkgutil.walk_packages(qatui.corpus.__path__, "qatui.corpus.")
)
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(json.dumps({"modules": names, "textual": loaded}))
"""


def test_importing_every_corpus_module_does_not_import_textual() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert "qatui.corpus.store" in report["modules"]
    assert "qatui.corpus.ingest.pagetext" in report["modules"]
    assert report["textual"] == []


def test_the_cli_core_commands_do_not_import_textual() -> None:
    """``qatui stats`` and friends start fast: Textual loads only for the reader."""
    check = (
        "import sys; import qatui.cli; "
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def _import_cycles(package: str) -> list[list[str]]:
    """Every group of modules that import each other, directly or through others."""
    import grimp

    graph = grimp.build_graph(package)
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        order[module] = low[module] = len(order)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in order:
            visit(module)
    return cycles


def test_no_module_imports_itself_through_others() -> None:
    """No import cycle anywhere in qatui (lazy imports inside functions count too)."""
    assert _import_cycles("qatui") == []

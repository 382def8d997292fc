"""How a doctor's name is shown: ``Dr. Lin Wei``, and a name that already carries its title
(``Dr. Ayman Darrag``, as questionDoctors' ``answer_author`` holds it) as it is."""

from __future__ import annotations

import re

_TITLED = re.compile(r"(?i)^\s*(dr\b\.?|doctor\b)")


def doctor_title(name: str) -> str:
    """``Dr. <name>``, unless ``name`` already starts with ``Dr``, ``Dr.`` or ``Doctor``."""
    return name if _TITLED.match(name) else f"Dr. {name}"

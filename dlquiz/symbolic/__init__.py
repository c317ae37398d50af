"""The symbolic engine (the one home of SymPy): safe math input, equivalence, derivations.

Public names are loaded lazily from their modules:

- ``parse_math`` (parse.py, run by worker.py under a hard time limit): student text (calculator
  syntax or LaTeX) -> SymPy, whitelist only.
- ``check_equivalence``, ``check_answer``, ``Verdict``, ``AnswerCheck`` (equivalence.py).
- ``check_derivation``, ``check_item_derivation``, ``DerivationReport`` (steps.py).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "parse_math": "dlquiz.symbolic.worker",  # parse.parse_math under a hard time limit
    "Parsed": "dlquiz.symbolic.parse",
    "check_equivalence": "dlquiz.symbolic.equivalence",
    "check_answer": "dlquiz.symbolic.equivalence",
    "Verdict": "dlquiz.symbolic.equivalence",
    "AnswerCheck": "dlquiz.symbolic.equivalence",
    "check_derivation": "dlquiz.symbolic.steps",
    "check_item_derivation": "dlquiz.symbolic.steps",
    "DerivationReport": "dlquiz.symbolic.steps",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dlquiz.symbolic' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

"""The symbolic engine (the one home of SymPy): safe math input, equivalence, derivations.

Public names are loaded lazily from their modules:

- ``parse_math`` (parse.py, run by limited.py under a hard time limit): student text (calculator
  syntax or LaTeX) -> SymPy, whitelist only.
- ``check_equivalence``, ``check_answer``, ``Verdict``, ``AnswerCheck`` (equivalence.py).
- ``check_derivation``, ``check_item_derivation``, ``DerivationReport`` (steps.py).
- ``decide``, ``Verdict`` (policy.py): the one definition of "equal" that equiv, grading,
  ``bank check`` and ``check`` share; ``SLIPS`` (slips.py): the one catalogue of slips.

Layers, each module importing only those above it (tests/test_architecture.py checks it):

1. reading: the parser (parse.py and its stages), assumptions.py, functions.py; limits.py
2. values: numeric.py (mpmath evaluation), residues.py (whole-number ranges), sampling.py (the one
   sampler)
3. policy.py (verdicts), slips.py (the slip catalogue; matexpr.py reads matrix expressions)
4. equivalence.py (answers); lines.py → chain.py → transitions.py (scalar derivations),
   matvalues.py → matrices.py (matrix mode), report.py; steps.py (the derivation entry points)
0. worker.py (below every layer: it imports limits.py only) runs a check in a worker process
   killed at its limit; limited.py (reading, derivations) and the entry points of layer 4 use
   it; zygote.py, started as a program, loads the engine for the workers.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "parse_math": "dlquiz.symbolic.limited",  # parse.parse_math under a hard time limit
    "Parsed": "dlquiz.symbolic.parse",
    "check_equivalence": "dlquiz.symbolic.equivalence",
    "check_answer": "dlquiz.symbolic.equivalence",
    "Verdict": "dlquiz.symbolic.equivalence",
    "AnswerCheck": "dlquiz.symbolic.equivalence",
    "check_derivation": "dlquiz.symbolic.steps",
    "check_item_derivation": "dlquiz.symbolic.steps",
    "DerivationReport": "dlquiz.symbolic.steps",
    "decide": "dlquiz.symbolic.policy",
    "SLIPS": "dlquiz.symbolic.slips",
    "formula_latex": "dlquiz.symbolic.latex",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dlquiz.symbolic' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

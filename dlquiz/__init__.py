"""dlquiz: exam prep for neural networks and deep learning.

The public API, for notebooks and scripts. Heavy parts (SymPy, NumPy) load on first use::

    import dlquiz
    bank = dlquiz.load_bank()                       # every item of the shipped bank
    dlquiz.check_answer(expected="s*(1-s)", given="sigma(x) - sigma(x)^2", let={"s": "sigma(x)"})
    dlquiz.check_derivation(open("softmax.txt").read())
    dlquiz.generate_example("conv.output-size", {"n": 32, "f": 5})
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "load_bank": "dlquiz.bank",
    "Bank": "dlquiz.bank",
    "Item": "dlquiz.bank",
    "check_answer": "dlquiz.symbolic",
    "check_equivalence": "dlquiz.symbolic",
    "check_derivation": "dlquiz.symbolic",
    "parse_math": "dlquiz.symbolic",
    "generate_example": "dlquiz.worked",
    "Store": "dlquiz.progress",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dlquiz' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

"""LaTeX of a formula, for exports that typeset math (Anki cards, printed sets)."""

from __future__ import annotations

import sympy

from dlquiz.errors import DlquizError
from dlquiz.symbolic.parse import parse_math


def formula_latex(text: str) -> str | None:
    """The LaTeX of `text` read by the whitelist parser, or None when it cannot be read."""
    try:
        expr = parse_math(text, any_names=True).expr
    except DlquizError:
        return None
    return str(sympy.latex(expr))

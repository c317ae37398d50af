"""Shown work in a derivation: which lines do real work, and which milestones appear.

The step checker (steps.py) says whether every line follows from the one before; it does not
say whether the student *showed* anything: the goal typed twice is a chain whose every step
holds. This module looks at the form of the lines:

- a line is *trivial* when, once the definitions are expanded, it is the start or the goal
  itself (SymPy's canonical form makes reorderings such as ``b + w*x`` / ``w*x + b`` and
  ``-(y - s)`` / ``s - y`` the same expression);
- a *milestone* is a key intermediate result an examiner looks for, written as one or more
  alternative forms (``sigma(z)*(1 - sigma(z))``); it is shown when a line contains the form as
  a subexpression: a node equal to it, a product holding all its factors (``x·σ(1 − σ)·(σ − y)``
  contains ``σ(1 − σ)``), or a sum holding all its terms, up to an overall sign.

Matching is by form, never by value: every line of a correct chain has the value of the start.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import sympy
from sympy import Symbol

from dlquiz.errors import DlquizError
from dlquiz.i18n import lazy
from dlquiz.symbolic.lines import ReaderError

_EQ = re.compile(r"(?<![<>!=:])=(?!=)")
_LET = re.compile(r"^let\s+(?P<name>[^=]+?)\s*(?::=|=)\s*(?P<rhs>.+)$")
_SKIP_WORDS = ("assume", "matrix", "vector", "scalar")


@dataclass(frozen=True)
class WorkAssessment:
    """What a student's lines show, apart from whether each step holds."""

    intermediate: int  # readable lines that are neither the start nor the goal (up to form)
    shown: tuple[int, ...]  # indices of the milestones found in the lines
    missing: tuple[int, ...]  # indices of the milestones not found
    readable: bool = True  # False: a line could not be read (the step checker reports it)

    @property
    def complete(self) -> bool:
        return self.readable and self.intermediate > 0 and not self.missing


def _strip_comment(raw: str) -> str:
    if raw.lstrip().startswith("#"):
        return ""
    m = re.search(r"\s#\s", raw)
    return raw[: m.start()] if m else raw


def _parse(text: str) -> sympy.Expr:
    from dlquiz.symbolic.limited import parse_math  # under the hard limit: a student's text

    return parse_math(text, timeout=2.0).expr


def _definition(line: str) -> tuple[str, str] | None:
    """`let NAME = rhs` or a given `NAME = rhs` as (name, rhs); None for other lines."""
    body = line.strip()
    m = _LET.match(body)
    if m:
        return m.group("name").strip(), m.group("rhs").strip()
    parts = _EQ.split(body)
    if len(parts) == 2 and re.fullmatch(r"[A-Za-z][\w{}′'\-]*", parts[0].strip()):
        return parts[0].strip(), parts[1].strip()
    return None


class _Defs:
    """Names defined by the givens and the student's `let` lines, expanded by name."""

    def __init__(self) -> None:
        self.by_name: dict[str, sympy.Expr] = {}

    def add(self, name: str, rhs: str) -> None:
        try:
            sym = _parse(name)
        except DlquizError:
            return
        if isinstance(sym, Symbol):
            self.by_name[sym.name] = self.expand(_parse(rhs))

    def expand(self, expr: sympy.Expr) -> sympy.Expr:
        out = expr
        for _ in range(12):
            hits = {
                s: self.by_name[s.name] for s in out.free_symbols if isinstance(s, Symbol) and s.name in self.by_name
            }
            if not hits:
                break
            out = out.xreplace(hits)
        return out


def _defs(given: Sequence[str]) -> _Defs:
    defs = _Defs()
    for g in given:
        line = _strip_comment(g).strip()
        if not line or line.split(None, 1)[0] in _SKIP_WORDS:
            continue
        found = _definition(line)
        if found:
            defs.add(*found)
    return defs


def _line_exprs(lines: Sequence[str], defs: _Defs) -> list[sympy.Expr]:
    """Every expression written in the lines (a line may chain several with `=`).

    Raises DlquizError (ParseError) on an unreadable line.
    """
    out: list[sympy.Expr] = []
    for raw in lines:
        line = _strip_comment(raw).strip()
        if not line:
            continue
        word = line.split(None, 1)[0]
        if word in _SKIP_WORDS:
            continue
        if word == "let":
            found = _definition(line)
            if found:
                defs.add(*found)
            continue
        for piece in _EQ.split(line):
            if piece.strip():
                out.append(defs.expand(_parse(piece.strip())))
    return out


def _factors(expr: sympy.Expr) -> dict[sympy.Expr, sympy.Expr]:
    """A product as {base: exponent}, numeric coefficient left out."""
    _coeff, rest = expr.as_coeff_Mul()
    return dict(rest.as_powers_dict())


def _holds_factors(node: sympy.Expr, form: dict[sympy.Expr, sympy.Expr]) -> bool:
    have = _factors(node)
    for base, exp in form.items():
        got = have.get(base)
        if got is None:
            return False
        if got != exp:
            if not (exp.is_Integer and got.is_Integer and 0 < exp <= got):
                return False
    return True


def _holds_terms(node: sympy.Expr, terms: Sequence[sympy.Expr]) -> bool:
    have = list(node.args)
    for sign in (1, -1):
        pool = list(have)
        ok = True
        for t in terms:
            t = t if sign == 1 else -t
            if t in pool:
                pool.remove(t)
            else:
                ok = False
                break
        if ok:
            return True
    return False


def contains_form(expr: sympy.Expr, form: sympy.Expr) -> bool:
    """Whether `form` appears in `expr` as a node, a sub-product or a sub-sum (up to sign)."""
    neg = -form
    form_factors = _factors(form) if isinstance(form, sympy.Mul) else None
    form_terms = list(form.args) if isinstance(form, sympy.Add) else None
    for node in sympy.preorder_traversal(expr):
        if node == form or node == neg:
            return True
        if (
            form_factors
            and isinstance(node, sympy.Mul)
            and len(form_factors) > 0
            and _holds_factors(node, form_factors)
        ):
            return True
        if form_terms and isinstance(node, sympy.Add) and _holds_terms(node, form_terms):
            return True
    return False


def _forms(forms: Sequence[str], defs: _Defs) -> list[sympy.Expr]:
    return [defs.expand(_parse(f)) for f in forms]


@lru_cache(maxsize=512)
def _prepared(
    given: tuple[str, ...], start: str, goal: str, milestones: tuple[tuple[str, ...], ...]
) -> tuple[dict[str, sympy.Expr], sympy.Expr, sympy.Expr, list[list[sympy.Expr]]]:
    """An item's givens, start, goal and milestone forms, read once (they are the bank's, fixed)."""
    defs = _defs(given)
    return (
        dict(defs.by_name),
        defs.expand(_parse(start)),
        defs.expand(_parse(goal)),
        [_forms(forms, defs) for forms in milestones],
    )


def assess_work(
    *, given: Sequence[str], start: str, goal: str, lines: Sequence[str], milestones: Sequence[Sequence[str]]
) -> WorkAssessment:
    """Count the lines that do work and find the milestones (each a list of alternative forms).

    The bank's givens, start, goal and milestone forms must be readable (DlquizError if not).
    """
    base, start_expr, goal_expr, wanted = _prepared(tuple(given), start, goal, tuple(tuple(f) for f in milestones))
    defs = _Defs()
    defs.by_name = dict(base)  # the student's own `let` lines add to a copy
    try:
        exprs = _line_exprs(lines, defs)
    except DlquizError:
        return WorkAssessment(0, (), tuple(range(len(wanted))), readable=False)
    middle = [e for e in exprs if e not in (start_expr, goal_expr)]
    shown = tuple(n for n, forms in enumerate(wanted) if any(contains_form(e, f) for e in exprs for f in forms))
    missing = tuple(n for n in range(len(wanted)) if n not in shown)
    return WorkAssessment(len(middle), shown, missing)


def milestone_problems(
    *, given: Sequence[str], start: str, goal: str, milestones: Sequence[Sequence[str]]
) -> list[tuple[int, str]]:
    """(milestone index, message) for forms that cannot be read or that the start or the goal
    already contain (such a milestone shows no work)."""
    problems: list[tuple[int, str]] = []
    defs = _defs(given)
    ends = [defs.expand(_parse(start)), defs.expand(_parse(goal))]
    for n, forms in enumerate(milestones):
        for text in forms:
            try:
                form = defs.expand(_parse(text))
            except DlquizError as exc:
                problems.append(
                    (n, lazy("cannot read the form {form}: {error}", form=repr(text), error=ReaderError(exc)))
                )
                continue
            if form.is_Atom:
                problems.append(
                    (n, lazy("the form {form} is a single symbol or number: it shows no work", form=repr(text)))
                )
            elif any(contains_form(e, form) for e in ends):
                problems.append(
                    (
                        n,
                        lazy(
                            "the form {form} already appears in the start or the goal: it shows no work",
                            form=repr(text),
                        ),
                    )
                )
    return problems


READ_SECONDS = 2.0  # reading a student's formula (the default of `symbol_names`, `names_used`)


def _let_parse(text: str, let: Mapping[str, str] | None, timeout: float = READ_SECONDS) -> sympy.Expr:
    return _let_read(text, let, timeout)[0]


# written forms that bind a name (the index of a sum, the variable of a derivative): what they use is
# taken from their meaning, not from the names written inside them
_BINDERS = frozenset({"sum", "prod", "deriv", "dfrac"})


def _let_read(
    text: str, let: Mapping[str, str] | None, timeout: float = READ_SECONDS
) -> tuple[sympy.Expr, list[sympy.Expr]]:
    """The formula's meaning, and the meanings of the pieces as written: a name multiplied by 0 is gone
    from the meaning (``x + 0*b`` means x) but was still written, and uses `b` like ``b`` alone does."""
    from dlquiz.symbolic.limited import parse_math  # under the hard limit: a student's text

    parsed = parse_math(text, let=let or None, timeout=timeout)
    pieces: list[sympy.Expr] = []
    todo = [parsed.tree] if parsed.tree is not None else []
    while todo:
        node = todo.pop()
        if node.kind in _BINDERS or node.kind == "call" or not node.args:
            pieces.append(node.expr)  # a function applied: its name is used even if the term cancels
        if node.kind not in _BINDERS:
            todo.extend(node.args)
    return parsed.expr, pieces


def symbol_names(text: str, *, let: Mapping[str, str] | None = None, timeout: float = READ_SECONDS) -> set[str]:
    """The names of the quantities (free symbols) a formula uses, also where they were written but cancel
    (``x + 0*b`` uses b). Raises ParseError (also when reading takes longer than `timeout` seconds)."""
    expr, pieces = _let_read(text, let, timeout)
    return {str(s) for e in (expr, *pieces) if isinstance(e, sympy.Basic) for s in e.free_symbols}


def names_used(text: str, *, let: Mapping[str, str] | None = None, timeout: float = READ_SECONDS) -> set[str]:
    """Lower-case names of the functions and quantities a formula uses, as read (so `e^(-x)`
    uses exp and `s` with let s = sigma(x) uses sigma). Raises ParseError (also when reading
    takes longer than `timeout` seconds)."""
    whole, pieces = _let_read(text, let, timeout)
    names: set[str] = set()
    for expr in (whole, *pieces):
        if not isinstance(expr, sympy.Basic):
            continue
        names |= {str(s).lower() for s in expr.free_symbols}
        for f in expr.atoms(sympy.Function):
            names.add(type(f).__name__.lower())
        if expr.has(sympy.exp) or any(
            isinstance(a, sympy.Pow) and a.base == sympy.E for a in sympy.preorder_traversal(expr)
        ):
            names.add("exp")
    return names


def defined_names(given: Sequence[str]) -> Mapping[str, sympy.Expr]:
    """The names the givens define (for messages)."""
    return dict(_defs(given).by_name)


__all__ = [
    "WorkAssessment",
    "assess_work",
    "contains_form",
    "defined_names",
    "milestone_problems",
    "names_used",
    "symbol_names",
]

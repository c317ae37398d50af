"""Student math (calculator syntax or LaTeX) -> SymPy, through a whitelist grammar.

The text is never evaluated as Python and never handed to ``sympify``: the tokenizer
(``tokenize.py``) and a recursive-descent grammar (``grammar.py``) build a tree of the written
structure whose nodes carry SymPy meanings; ``printing.py`` prints that tree as the "interpreted
as" echo. This module is the public face: ``parse_math``, ``parse_relation``, ``Parsed``.

Calculator syntax (``sigma(x)*(1-sigma(x))``):

- ``+ - * / ^ **``, implicit products (``2x``, ``x(1-x)``, ``(a+b)(a-b)``, ``2 sigma(x)``);
  an implicit product binds like ``*``, so ``1/2x`` is ``(1/2)·x``. ``·`` ``×`` ``⊙`` ``−`` too.
- ``e`` is Euler's number (``e^x`` = exp(x)), ``pi``/``π``; decimals are exact (``0.01`` = 1/100),
  ``1e-8`` is scientific notation; ``½ ⅓ ¼ ¾ …``; ``x² x⁻¹``. A decimal comma (``0,665``) is
  refused with a question, never misread.
- functions: ``sigma σ sigmoid exp ln log`` (natural) ``tanh sinh cosh sin cos tan sqrt √ abs``
  ``relu`` (= max(0, x)) ``max min floor ceil sign heaviside``/``step`` ``softplus erf``
  ``Phi Φ leaky_relu(x[, γ]) elu(x[, γ]) swish(x[, β])`` (= x·σ(βx)) ``gelu`` (= x·Φ(x)),
  and SymPy's printed names ``Abs Max Min Heaviside KroneckerDelta ceiling Piecewise((x, x > 0),
  (0, True))``; a prime is the derivative: ``sigma'(x)``, ``σ′(x)``, ``tanh''(x)``; a power
  before the argument: ``tanh^2(x)``, ``σ²(x)``, ``\\sigma^{2}(x)`` (all (σ(x))²).
- Kronecker delta and indicators: ``delta(i, j)``, ``δ_ij``, ``\\delta_{ij}``, ``1[i=j]``,
  ``1[i≠j]``, ``1[x>0]``, ``\\mathbb{1}[i=j]``, ``𝟙[…]``.
- ``softmax``: ``softmax(o)_i``, ``softmax_i(o)``, ``softmax(o_i)`` and ``softmax_i`` all mean
  the i-th softmax output over the logits o, written ``softmax(o_i)`` (an opaque value in (0, 1)).
- names: one letter, every Greek name (``alpha beta … lambda … omega``, ``lam``, ``λ``), a hat or
  tilde (``yhat``, ``ŷ``, ``c̃_t``), subscripts ``y_1 x_t h_{t-1} W_f o_i da_prev``, trailing
  digits (``y1`` = ``y_1``), Ng's layers ``W^{[1]}``, ``a^[l-1]`` (one name), ``dW dZ dz db da dA
  lr``, and every multi-letter name the caller declares (``names=``: the reference's names, an
  assumption, a ``let``/``given`` line, the item). An undeclared run of letters is the product of
  its letters (``pad`` = p·a·d; the echo shows ``p·a·d`` and ``Parsed.notes`` says how to declare
  it); a run close to a known name is refused with a hint (``sigm`` -> did you mean ``sigma``?).
  Case matters; ``F`` where ``f`` is declared gets a note.
- ``sigma``, ``delta``, ``Phi`` are the function only when applied (``σ(x)``, ``σ'(x)``,
  ``σ^2(x)``); otherwise the Greek letter (``sigma^2`` is a variance, ``sigma_1`` a name).
- derivatives ``d/dx f``, ``∂/∂x f``, ``d²/dx² f`` (f is the following term), ``d/dh_1 h_3``,
  ``∂L/∂w``, ``dL/dw``, ``∂p_i/∂z_j`` (L an unknown function of w) and ``diff(f, x[, n])``;
  an unknown function's prime ``f'(x)``; sums and products ``sum(expr, k, 1, K)``,
  ``sum_{k=1}^{K} expr``, ``∑_{k=1}^{K}``, ``Σ_{k=1}^{K}``, ``prod(…)``, ``∏``, ``Π_{k=1}^{K}``;
  ``|x|`` is abs; ``β₁`` = ``beta_1``.

LaTeX (auto-detected by a backslash): ``\\frac \\sqrt \\left( \\right) \\left| \\right| \\cdot
\\times \\exp \\log \\ln \\tanh^2(x) \\sigma \\max \\sum_{k=1}^{K} \\prod \\hat{y}_i \\tilde{c}_t
\\partial`` (``\\frac{\\partial L}{\\partial o_i}``, ``\\frac{\\partial p_i}{\\partial z_j}`` are
derivatives), Greek commands, ``{}`` grouping; letters are single names (``xy`` = x·y), except
function words (``tanh``, ``sigmoid``, ``max`` ...) and ``\\mathrm{pad}`` when declared. As the
notes write it: ``\\hat{y_i}``, ``\\mathbf{exp}``, ``\\operatorname{ReLU}``, ``\\lvert x \\rvert``,
and ``\\sum_k`` (k from 1 to K).

Refused, with the 1-based column and a hint: unknown names close to a known one, Python-looking
text (``__``, attribute access, ``lambda x: …``, ``import``), control characters, more than
2000 characters, nesting deeper than 60, number literals over 100 digits, exponents above 1000,
any number the formula builds over 1000 digits (``9**9**9**9``, ``10^1000*10^1000``: raised while
reading, before any evaluation), division by zero and values like ``log(0)``. Messages have
Chinese forms: the messages are catalog messages (``dlquiz.symbolic.messages``), shown in Chinese by
``dlquiz.i18n.localized(exc, "zh")`` or ``dlquiz.symbolic.messages.parse_error_zh``.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Literal

import sympy
from sympy import Symbol

from dlquiz.errors import ParseError
from dlquiz.i18n import lazy
from dlquiz.symbolic.grammar import MAX_DEPTH, MAX_EXPONENT, MAX_RESULT_DIGITS, Grammar, make_big, make_sum
from dlquiz.symbolic.messages import at_column, columns_moved, reader_text
from dlquiz.symbolic.names import EXTRA_NAMES, FUNCTIONS, GREEK, SUBSCRIPTS, make_symbol
from dlquiz.symbolic.printing import show, to_unicode, unicode_name
from dlquiz.symbolic.syntax import Node
from dlquiz.symbolic.tokenize import MAX_DIGITS, MAX_LENGTH, Tok, check_raw, fail, tokenize

__all__ = [
    "EXTRA_NAMES",
    "FUNCTIONS",
    "GREEK",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_RESULT_DIGITS",
    "SUBSCRIPTS",
    "Node",
    "Parsed",
    "Tok",
    "canonical_name",
    "echo",
    "is_latex",
    "make_big",
    "make_sum",
    "make_symbol",
    "parse_math",
    "parse_relation",
    "show",
    "to_unicode",
    "tokenize",
    "unicode_name",
]


@dataclass(frozen=True)
class Parsed:
    """A parsed expression with its source text and a readable echo.

    ``pretty`` is the echo with the structure as written (``2*(a - y)`` -> ``2·(a − y)``);
    ``tree`` that structure; ``names`` the names the expression uses (pass them as ``names=``
    when reading an answer against this expression, so ``pad`` is one name there too);
    ``notes`` what the reader chose that the writer may not expect (a letter run read as a
    product, a near miss in case).
    """

    expr: sympy.Expr
    text: str
    syntax: Literal["calc", "latex"]
    pretty: str
    tree: Node | None = None
    names: frozenset[str] = field(default_factory=frozenset)
    notes: tuple[str, ...] = ()


def is_latex(text: str) -> bool:
    """Auto-detection: a backslash means LaTeX."""
    return "\\" in text


_CACHE: dict[tuple[object, ...], Parsed] = {}
_CACHE_SIZE = 2048


def parse_math(
    text: str,
    *,
    latex: bool | None = None,
    let: Mapping[str, str] | None = None,
    timeout: float = 1.0,
    names: Collection[str] = (),
    any_names: bool = False,
) -> Parsed:
    """Parse student math into SymPy through the whitelist grammar.

    Args:
        text: calculator syntax or LaTeX.
        latex: force LaTeX (True) or calculator syntax (False); None detects a backslash.
        let: abbreviations, e.g. ``{"s": "sigma(x)"}``: the name s stands for that expression.
        timeout: seconds allowed for reading.
        names: declared names, read as one name whatever their length (``pad``, ``lr``,
            ``da_prev``, ``W1``); e.g. a reference's ``Parsed.names``.
        any_names: every letter run is one name (for trusted text such as a bank key or a name
            on a ``let`` line); function words keep their meaning.

    Raises:
        ParseError: with the 1-based column of the offending token and a hint.
    """
    if not isinstance(text, str):
        raise ParseError(at_column(lazy("expected a text"), None), column=None, text=repr(text)[:80])
    declared = frozenset(names)
    key = (text, latex, tuple(sorted(let.items())) if let else (), declared, any_names)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    deadline = time.monotonic() + timeout
    check_raw(text)
    use_latex = is_latex(text) if latex is None else latex
    lets = _parse_let(let, timeout)
    toks = tokenize(text, use_latex, deadline)
    grammar = Grammar(text, toks, use_latex, lets, deadline, names=declared, any_names=any_names)
    tree = grammar.parse()
    expr = tree.expr
    used = frozenset(s.name for s in expr.free_symbols if isinstance(s, Symbol)) | frozenset(grammar.used)
    out = Parsed(
        expr=expr,
        text=text,
        syntax="latex" if use_latex else "calc",
        pretty=show(tree),
        tree=tree,
        names=used,
        notes=tuple(dict.fromkeys(grammar.notes)),
    )
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = out
    return out


def echo(text: str, **kwargs: object) -> str:
    """The "interpreted as" echo of a formula: its written structure with pretty names and
    notation (``2*(a - y)`` -> ``2·(a − y)``); same keyword arguments as ``parse_math``."""
    return parse_math(text, **kwargs).pretty  # type: ignore[arg-type]


def parse_relation(
    text: str,
    *,
    latex: bool | None = None,
    let: Mapping[str, str] | None = None,
    timeout: float = 1.0,
    names: Collection[str] = (),
    any_names: bool = False,
) -> tuple[Parsed, Parsed]:
    """Parse ``lhs = rhs``, split on the top-level '='."""
    check_raw(text)
    depth = 0
    cut: list[int] = []
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch in "=＝" and depth == 0 and text[i - 1 : i] not in ("<", ">", "!") and text[i + 1 : i + 2] != "=":
            cut.append(i)
    if not cut:
        raise ParseError(
            at_column(lazy("expected an equation 'left = right' but found no '='"), None), column=None, text=text
        )
    if len(cut) > 1:
        raise fail(lazy("more than one '=' in an equation"), cut[1] + 1, text)
    i = cut[0]
    lhs_text, rhs_text = text[:i], text[i + 1 :]
    kw = {
        "latex": latex if latex is not None else is_latex(text),
        "let": let,
        "timeout": timeout,
        "names": names,
        "any_names": any_names,
    }
    try:
        lhs = parse_math(lhs_text, **kw)  # type: ignore[arg-type]
    except ParseError as exc:
        raise ParseError(
            reader_text(lazy("left side: {message}", message=exc.args[0])), column=exc.column, text=text
        ) from None
    try:
        rhs = parse_math(rhs_text, **kw)  # type: ignore[arg-type]
    except ParseError as exc:
        col = exc.column + i + 1 if exc.column is not None else None
        msg = columns_moved(exc.args[0], lambda c: c + i + 1)  # every column it names, as in `text`
        raise ParseError(reader_text(lazy("right side: {message}", message=msg)), column=col, text=text) from None
    return lhs, rhs


_LET_CACHE: dict[tuple[tuple[str, str], ...], dict[str, sympy.Expr]] = {}


def _parse_let(let: Mapping[str, str] | None, timeout: float) -> dict[str, sympy.Expr]:
    if not let:
        return {}
    key = tuple(sorted(let.items()))
    cached = _LET_CACHE.get(key)
    if cached is not None:
        return cached
    out: dict[str, sympy.Expr] = {}
    declared = frozenset(canonical_name(n) for n in let)
    for name, value in let.items():
        cname = canonical_name(name)
        try:
            out[cname] = parse_math(value, timeout=timeout, names=declared - {cname}).expr
        except ParseError as exc:
            raise ParseError(
                reader_text(
                    lazy("abbreviation '{name}' = '{value}': {message}", name=name, value=value, message=exc.args[0])
                ),
                column=exc.column,
                text=value,
            ) from None
    if len(_LET_CACHE) < 256:
        _LET_CACHE[key] = out
    return out


def canonical_name(name: str) -> str:
    """The symbol name a typed name maps to (``y1`` -> ``y_1``, ``β_1`` -> ``beta_1``,
    ``pad`` -> ``pad``: a name being declared may have any length)."""
    try:
        e = parse_math(name, latex=is_latex(name), any_names=True)
    except ParseError as exc:
        raise ParseError(
            reader_text(lazy("'{name}' is not a name: {message}", name=name, message=exc.args[0])),
            column=exc.column,
            text=name,
        ) from None
    if not isinstance(e.expr, Symbol):
        raise ParseError(at_column(lazy("'{name}' is not a single name", name=name), None), column=1, text=name)
    return str(e.expr.name)

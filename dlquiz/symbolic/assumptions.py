"""Assumptions as a student writes them: ``x>0``, ``0<p<1``, ``n positive integer``,
``f odd positive integer``, ``n even``, ``1 <= k <= K`` (an integer range up to a size),
``y1+y2+y3=1``, ``y1 in {0,1}``; they set the domain each variable is sampled from and the
SymPy assumptions used in proofs. Names may have any length and case (``t``, ``T``, ``pad``,
``lambda``): the name being described is declared by the assumption.

Property words combine: ``real positive negative nonnegative nonpositive integer natural
probability odd even`` (odd and even imply integer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import sympy

from dlquiz.errors import ParseError
from dlquiz.i18n import lazy
from dlquiz.symbolic.messages import at_column, reader_text

Kind = Literal["bounds", "type", "equation", "set", "nonzero"]

_TYPES: dict[str, dict[str, object]] = {
    "real": {},
    "positive": {"low": 0, "low_strict": True},
    "negative": {"high": 0, "high_strict": True},
    "nonnegative": {"low": 0, "low_strict": False},
    "non-negative": {"low": 0, "low_strict": False},
    "nonpositive": {"high": 0, "high_strict": False},
    "integer": {"integer": True},
    "positive integer": {"integer": True, "low": 1, "low_strict": False},
    "natural": {"integer": True, "low": 1, "low_strict": False},
    "nonnegative integer": {"integer": True, "low": 0, "low_strict": False},
    "probability": {"low": 0, "high": 1, "low_strict": True, "high_strict": True},
}


@dataclass(frozen=True)
class Assumption:
    """One parsed assumption about one or more variables (by canonical symbol name)."""

    text: str
    kind: Kind
    names: tuple[str, ...]
    low: sympy.Expr | None = None
    high: sympy.Expr | None = None
    low_strict: bool = True
    high_strict: bool = True
    integer: bool = False
    values: tuple[sympy.Expr, ...] = ()
    equation: sympy.Expr | None = None  # for kind "equation": lhs - rhs, meant to be 0
    parity: Literal["odd", "even"] | None = None
    high_name: sympy.Expr | None = None  # a symbolic upper bound: 1 <= k <= K
    low_name: sympy.Expr | None = None  # a symbolic lower bound: T <= t


@dataclass(frozen=True)
class Domain:
    """Where one variable lives: bounds, integrality, or a finite set."""

    low: sympy.Expr | None = None
    high: sympy.Expr | None = None
    low_strict: bool = True
    high_strict: bool = True
    integer: bool = False
    values: tuple[sympy.Expr, ...] = ()
    parity: Literal["odd", "even"] | None = None
    high_name: sympy.Expr | None = None  # symbolic bounds (sizes): the sampler draws inside them
    low_name: sympy.Expr | None = None

    def contains(self, v: float) -> bool:
        """Whether a sampled value lies in the domain."""
        if self.parity is not None and (not float(v).is_integer() or int(v) % 2 != (1 if self.parity == "odd" else 0)):
            return False
        if self.values:
            return any(abs(v - float(x)) < 1e-12 for x in self.values)
        if self.low is not None:
            lo = float(self.low)
            if v < lo or (self.low_strict and v == lo):
                return False
        if self.high is not None:
            hi = float(self.high)
            if v > hi or (self.high_strict and v == hi):
                return False
        return not self.integer or float(v).is_integer()

    def describe(self, name: str) -> str:
        """Readable form, e.g. ``0 < p < 1``."""
        if self.values:
            return f"{name} ∈ {{{', '.join(str(v) for v in self.values)}}}"
        parts = []
        low = self.low if self.low is not None else self.low_name
        high = self.high if self.high is not None else self.high_name
        if low is not None:
            parts.append(f"{low} {'<' if self.low_strict else '≤'} ")
        parts.append(name)
        if high is not None:
            parts.append(f" {'<' if self.high_strict else '≤'} {high}")
        s = "".join(parts)
        kind = f"{self.parity} integer" if self.parity else "integer"
        return s + (f" ({kind})" if self.integer else "")


@dataclass(frozen=True)
class Context:
    """All assumptions combined: a domain per name plus equations (constraints)."""

    domains: dict[str, Domain] = field(default_factory=dict)
    equations: tuple[sympy.Expr, ...] = ()

    def domain(self, name: str) -> Domain:
        """The domain of a name; subscripted names fall back to their base (y_k -> y)."""
        if name in self.domains:
            return self.domains[name]
        base = name.split("_", 1)[0]
        return self.domains.get(base + "_*", self.domains.get(base, Domain()))


def _fail(text: str, what: str, col: int | None = None) -> ParseError:
    """The error `what` (a catalog message, or a reader error's message) in the assumption `text`."""
    message = lazy("assumption '{text}': {message}", text=text, message=at_column(what, col or None))
    return ParseError(reader_text(message), column=col, text=text)


def _names(text: str, part: str, offset: int) -> tuple[str, ...]:
    from dlquiz.symbolic.parse import parse_math

    out: list[str] = []
    for m in re.finditer(r"[^,]+", part):
        piece = m.group(0).strip()
        if not piece:
            continue
        try:
            e = parse_math(piece, any_names=True).expr  # the assumption declares the name
        except ParseError as exc:
            raise _fail(text, exc.args[0], offset + m.start() + 1) from None
        if isinstance(e, sympy.Indexed) or not isinstance(e, sympy.Symbol):
            raise _fail(text, lazy("'{piece}' is not a variable name", piece=piece), offset + m.start() + 1)
        out.append(e.name)
    if not out:
        raise _fail(text, lazy("no variable named"), offset + 1)
    return tuple(out)


def _number(text: str, piece: str, col: int) -> sympy.Expr:
    from dlquiz.symbolic.parse import parse_math

    p = piece.strip()
    if p in ("inf", "oo", "∞", "infinity"):
        return sympy.oo
    if p in ("-inf", "-oo", "-∞"):
        return -sympy.oo
    try:
        e = parse_math(p).expr
    except ParseError as exc:
        raise _fail(text, exc.args[0], col) from None
    if not e.is_number or not e.is_real:
        raise _fail(text, lazy("'{piece}' is not a number", piece=p), col)
    return e


def _bound(text: str, piece: str, col: int) -> tuple[sympy.Expr | None, sympy.Expr | None]:
    """A bound: (number, None) or (None, size name) for ``K``, ``T``, ``n - 1``."""
    from dlquiz.symbolic.parse import parse_math

    try:
        return _number(text, piece, col), None
    except ParseError:
        pass
    try:
        e = parse_math(piece.strip(), any_names=True).expr
    except ParseError as exc:
        raise _fail(text, exc.args[0], col) from None
    if not e.free_symbols or not (
        e.is_polynomial() and sympy.degree(e, *e.free_symbols) == 1 if len(e.free_symbols) == 1 else False
    ):
        raise _fail(text, lazy("'{piece}' is not a number or a size such as K or n - 1", piece=piece.strip()), col)
    return None, e


_WORDS = {
    "real",
    "positive",
    "negative",
    "nonnegative",
    "non-negative",
    "nonpositive",
    "non-positive",
    "integer",
    "natural",
    "probability",
    "odd",
    "even",
}


def _properties(text: str, words: list[str], col: int) -> dict[str, object]:
    """Combine property words (``odd positive integer``) into domain options."""
    opts: dict[str, object] = {}
    for w in words:
        w = {"non-negative": "nonnegative", "non-positive": "nonpositive"}.get(w, w)
        if w in ("odd", "even"):
            if opts.get("parity") not in (None, w):
                raise _fail(text, lazy("odd and even at once"), col)
            opts["parity"] = w
            opts["integer"] = True
        elif w in _TYPES:
            for key, value in _TYPES[w].items():
                opts[key] = value
    if "positive" in words and ("negative" in words or "nonpositive" in words):
        raise _fail(text, lazy("positive and negative at once"), col)
    if opts.get("integer") and opts.get("low") == 0 and opts.get("low_strict"):
        opts.update(low=1, low_strict=False)  # a positive integer is at least 1
    return opts


def _typed(text: str, s: str, lead: int) -> Assumption | None:
    """``n positive integer``, ``f odd positive integer``, ``x is a real``: a property phrase."""
    words = s.split()
    k = len(words)
    while k > 1 and words[k - 1].lower() in _WORDS:
        k -= 1
    tail = [w.lower() for w in words[k:]]
    if not tail:
        return None
    head_words = words[:k]
    while head_words and head_words[-1].lower() in ("is", "are", "a", "an"):
        head_words.pop()
    if not head_words:
        return None
    head = " ".join(head_words)
    col = lead + s.find(words[k]) + 1
    opts = _properties(text, tail, col)
    names = _names(text, head, lead)
    return Assumption(
        text,
        "type",
        names,
        low=sympy.Integer(opts["low"]) if "low" in opts else None,
        high=sympy.Integer(opts["high"]) if "high" in opts else None,
        low_strict=bool(opts.get("low_strict", True)),
        high_strict=bool(opts.get("high_strict", True)),
        integer=bool(opts.get("integer", False)),
        parity=opts.get("parity"),  # type: ignore[arg-type]
    )


_REL = re.compile(r"<=|>=|≤|≥|!=|≠|<|>|=")


def parse_assumption(text: str) -> Assumption:
    """Parse one assumption; bad text raises ParseError naming the problem and column."""
    if not isinstance(text, str) or not text.strip():
        raise ParseError(at_column(lazy("empty assumption"), None), column=1, text=str(text))
    if len(text) > 300:
        raise ParseError(
            at_column(lazy("assumption too long (at most {limit} characters)", limit=300), None), column=301, text=text
        )
    s = text.strip()
    lead = len(text) - len(text.lstrip())
    # membership: y1 in {0,1} / p in (0,1)
    m = re.fullmatch(r"(.+?)\s*(?:\bin\b|∈)\s*(.+)", s)
    if m:
        names = _names(text, m.group(1), lead)
        rhs = m.group(2).strip()
        rhs_col = lead + m.start(2) + 1
        if rhs.startswith("{") and rhs.endswith("}"):
            items = [x for x in rhs[1:-1].split(",") if x.strip()]
            if not items:
                raise _fail(text, lazy("empty set"), rhs_col)
            values = tuple(_number(text, x, rhs_col) for x in items)
            return Assumption(text, "set", names, values=values)
        im = re.fullmatch(r"([(\[])(.+),(.+)([)\]])", rhs)
        if im:
            lo = _number(text, im.group(2), rhs_col)
            hi = _number(text, im.group(3), rhs_col)
            if lo >= hi:
                raise _fail(text, lazy("empty interval"), rhs_col)
            return Assumption(
                text,
                "bounds",
                names,
                low=None if lo == -sympy.oo else lo,
                high=None if hi == sympy.oo else hi,
                low_strict=im.group(1) == "(",
                high_strict=im.group(4) == ")",
            )
        raise _fail(
            text,
            lazy("expected a set like {example} or an interval like {other}", example="{0, 1}", other="(0, 1)"),
            rhs_col,
        )
    # type words: x real, n positive integer, f odd positive integer; x, y > 0 handled below
    if not _REL.search(s):
        typed = _typed(text, s, lead)
        if typed is not None:
            return typed
    m = re.fullmatch(r"(.+?)\s+(?:is\s+)?(?:an?\s+)?([a-z][a-z -]*)", s)
    if m and not _REL.search(s):
        norm = " ".join(s.split())
        for word in sorted(_TYPES, key=len, reverse=True):
            if norm.endswith(" " + word):
                head = re.sub(r"\s+(?:is\s+)?(?:an?\s+)?$", "", norm[: -len(word)] + " ").strip()
                break
        else:
            raise _fail(
                text,
                lazy(
                    "unknown property '{word}' (expected one of: {words})",
                    word=m.group(2).strip(),
                    words=f"{', '.join(_TYPES)}, odd, even",
                ),
                lead + m.start(2) + 1,
            )
        names = _names(text, head, lead)
        opts = _TYPES[word]
        return Assumption(
            text,
            "type",
            names,
            low=sympy.Integer(opts["low"]) if "low" in opts else None,
            high=sympy.Integer(opts["high"]) if "high" in opts else None,
            low_strict=bool(opts.get("low_strict", True)),
            high_strict=bool(opts.get("high_strict", True)),
            integer=bool(opts.get("integer", False)),
        )
    # relations
    ops = list(_REL.finditer(s))
    if not ops:
        raise _fail(
            text,
            lazy(
                "expected a relation ({relations}), a property ({properties}) or a set ({sets})",
                relations="x>0, 0<p<1, y1+y2=1",
                properties="x real, n positive integer",
                sets="y in {0,1}",
            ),
        )
    pieces: list[tuple[str, int]] = []
    start = 0
    for found in ops:
        pieces.append((s[start : found.start()], lead + start + 1))
        start = found.end()
    pieces.append((s[start:], lead + start + 1))
    for piece, col in pieces:
        if not piece.strip():
            raise _fail(text, lazy("missing a side of a relation"), col)
    opnames = [o.group(0) for o in ops]
    if "=" in opnames:
        if len(ops) != 1:
            raise _fail(text, lazy("an equation takes exactly one '='"), lead + ops[1].start() + 1)
        from dlquiz.symbolic.parse import parse_math

        try:
            lhs = parse_math(pieces[0][0]).expr
            rhs = parse_math(pieces[1][0]).expr
        except ParseError as exc:
            raise _fail(text, exc.args[0]) from None
        eq = sympy.expand(lhs - rhs)
        if eq == 0 or not eq.free_symbols:
            raise _fail(text, lazy("the equation has no variable to constrain"))
        names = tuple(sorted(str(x) for x in eq.free_symbols))
        return Assumption(text, "equation", names, equation=eq)
    if any(o in ("!=", "≠") for o in opnames):
        if len(ops) != 1:
            raise _fail(text, lazy("write '!=' alone, e.g. {example}", example="x != 0"))
        names = _names(text, pieces[0][0], pieces[0][1] - 1)
        val = _number(text, pieces[1][0], pieces[1][1])
        if val != 0:
            raise _fail(text, lazy("only '{example}' is supported", example="x != 0"))
        return Assumption(text, "nonzero", names)
    if len(ops) > 2:
        raise _fail(text, lazy("at most a chain of two relations, e.g. {example}", example="0 < p < 1"))
    canon = {"≤": "<=", "≥": ">="}
    opnames = [canon.get(o, o) for o in opnames]
    if len(ops) == 2:
        if {opnames[0][0], opnames[1][0]} != {"<"} and {opnames[0][0], opnames[1][0]} != {">"}:
            raise _fail(text, lazy("a chain must go one way, e.g. {example}", example="0 < p < 1"))
        names = _names(text, pieces[1][0], pieces[1][1] - 1)
        a, a_name = _bound(text, pieces[0][0], pieces[0][1])
        b, b_name = _bound(text, pieces[2][0], pieces[2][1])
        if opnames[0][0] == ">":
            a, b, a_name, b_name = b, a, b_name, a_name
            opnames = opnames[::-1]
        if a is not None and b is not None and a >= b:
            raise _fail(text, lazy("empty range"))
        if a_name is not None or b_name is not None:
            # an index range up to a size: 1 <= k <= K, 0 <= t < T (whole numbers)
            return Assumption(
                text,
                "bounds",
                names,
                low=a,
                high=b,
                low_strict=opnames[0] == "<",
                high_strict=opnames[1] == "<",
                integer=True,
                low_name=a_name,
                high_name=b_name,
            )
        return Assumption(
            text, "bounds", names, low=a, high=b, low_strict=opnames[0] == "<", high_strict=opnames[1] == "<"
        )
    op = opnames[0]
    left, right = pieces
    try:
        names = _names(text, left[0], left[1] - 1)
        val = _number(text, right[0], right[1])
        var_left = True
    except ParseError:
        names = _names(text, right[0], right[1] - 1)
        val = _number(text, left[0], left[1])
        var_left = False
    greater = (op[0] == ">") == var_left
    strict = len(op) == 1
    if greater:
        return Assumption(text, "bounds", names, low=val, low_strict=strict)
    return Assumption(text, "bounds", names, high=val, high_strict=strict)


def build_context(assumptions: Iterable[str | Assumption]) -> Context:
    """Combine assumptions into a domain per name and a list of equations."""
    domains: dict[str, Domain] = {}
    equations: list[sympy.Expr] = []
    for a in assumptions:
        a = parse_assumption(a) if isinstance(a, str) else a
        if a.kind == "equation":
            assert a.equation is not None
            equations.append(a.equation)
            continue
        for name in a.names:
            d = domains.get(name, Domain())
            if a.kind == "set":
                d = replace(d, values=a.values)
            elif a.kind in ("bounds", "type"):
                if a.low is not None and (d.low is None or a.low >= d.low):
                    d = replace(d, low=a.low, low_strict=a.low_strict)
                if a.high is not None and (d.high is None or a.high <= d.high):
                    d = replace(d, high=a.high, high_strict=a.high_strict)
                if a.integer:
                    d = replace(d, integer=True)
                if a.parity is not None:
                    if d.parity not in (None, a.parity):
                        raise ParseError(
                            at_column(
                                lazy("assumptions make {name} both odd and even ({text})", name=name, text=a.text), None
                            ),
                            column=None,
                            text=a.text,
                        )
                    d = replace(d, parity=a.parity)
                if a.high_name is not None:
                    d = replace(d, high_name=a.high_name, high_strict=a.high_strict)
                if a.low_name is not None:
                    d = replace(d, low_name=a.low_name, low_strict=a.low_strict)
            if d.low is not None and d.high is not None and d.low >= d.high:
                raise ParseError(
                    at_column(lazy("assumptions leave no value for {name} ({text})", name=name, text=a.text), None),
                    column=None,
                    text=a.text,
                )
            domains[name] = d
    return Context(domains=domains, equations=tuple(equations))


def sympy_assumptions(d: Domain) -> dict[str, bool]:
    """SymPy symbol assumptions implied by a domain (every variable is real)."""
    out: dict[str, bool] = {"real": True}
    if d.values:
        if all(v >= 0 for v in d.values):
            out["nonnegative"] = True
        if all(v.is_integer for v in d.values):
            out["integer"] = True
        return out
    if d.low is not None and d.low >= 0:
        out["positive" if (d.low > 0 or d.low_strict) else "nonnegative"] = True
    if d.high is not None and d.high <= 0:
        out["negative" if (d.high < 0 or d.high_strict) else "nonpositive"] = True
    if d.integer:
        out["integer"] = True
    if d.parity is not None:
        out[d.parity] = True
    return out


def describe(assumptions: Sequence[str]) -> str:
    """The assumptions as one line, for messages."""
    return ", ".join(a.strip() for a in assumptions)

"""Parameters of the worked examples: their description, reading `--set` text, shapes of given tensors.

Types of a ParamSpec (`type`):

- int, float, bool, str
- choice: one of `choices`
- intlist, floatlist: a vector (`1,2,3`, `[1 2 3]`)
- matrix: rows separated by `;` (`1,2;3,4`) or nested brackets (`[[1,2],[3,4]]`)
- tensor: numbers of any rank (`rank` fixes it when set): `2`, `1,2,3`, `1,2;3,4`, `[[[1,2],[3,4]]]`;
  entries may be fractions (`1/3`) and use the Unicode minus (`−1`)
- expr: a math expression as text (`(w1 - 3)^2 + 10*w2^2`), validated by the symbolic engine's whitelist
  parser when set; only the text crosses over, never a SymPy object
- kernel: a named kernel (from `choices`) or a matrix
- poly: a polynomial in w such as `w^2-10w+25`

`require_shape` is the one way generators refuse a tensor of the wrong shape: the message names the
parameter, the shapes involved and what would fit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, Lazy, lazy, message_of
from dlquiz.worked.values import format_value


@dataclass(frozen=True)
class ParamSpec:
    """A generator parameter: name, help, default and type (see the module docstring for the types).

    `rank` fixes the rank of a tensor (or allows several: (1, 2)); `shape` describes it in words
    for `--params` ("n1×n0"); `applies` says when the parameter is used ("with schedule=exponential"),
    for the error when a set parameter has no effect. `help` and `applies` are catalog messages (literals,
    or `lazy` templates where they hold numbers): their Chinese is in ``dlquiz/i18n/zh-worked*.toml``.
    """

    name: str
    help: str
    default: Any
    type: str
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    rank: int | tuple[int, ...] | None = None
    shape: str = ""
    applies: str = ""

    def ranks(self) -> tuple[int, ...]:
        """The ranks a tensor parameter accepts (empty: any)."""
        if self.rank is None:
            return ()
        return (self.rank,) if isinstance(self.rank, int) else tuple(self.rank)


_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _item(where: str, i: int) -> str:
    return lazy("{where} item {i}", where=where, i=i)


def _row(where: str, i: int) -> str:
    return lazy("{where} row {i}", where=where, i=i)


def _number(text: str, where: str) -> float | int:
    t = text.strip().replace("−", "-")
    if "/" in t:
        num, _, den = t.partition("/")
        a, b = _number(num, where), _number(den, where)
        if b == 0:
            raise ParamError(lazy("{where}: division by zero in {text}", where=where, text=repr(text)))
        return a / b
    if not _NUM.match(t):
        raise ParamError(lazy("{where}: {text} is not a number", where=where, text=repr(text)))
    if re.match(r"^[+-]?\d+$", t):
        return int(t)
    return float(t)


def _as_int(v: Any, where: str) -> int:
    if isinstance(v, bool):
        raise ParamError(lazy("{where}: expected an integer, got {value}", where=where, value=repr(v)))
    if isinstance(v, str):
        v = _number(v, where)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return int(v)
    raise ParamError(lazy("{where}: expected an integer, got {value}", where=where, value=repr(v)))


def _as_float(v: Any, where: str) -> float | int:
    if isinstance(v, bool):
        raise ParamError(lazy("{where}: expected a number, got {value}", where=where, value=repr(v)))
    if isinstance(v, str):
        v = _number(v, where)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        if not math.isfinite(float(v)):
            raise ParamError(lazy("{where}: expected a finite number, got {value}", where=where, value=repr(v)))
        return float(v)
    raise ParamError(lazy("{where}: expected a number, got {value}", where=where, value=repr(v)))


def _as_list(v: Any, where: str, conv: Callable[[Any, str], Any]) -> list[Any]:
    if isinstance(v, str):
        parts = [p for p in re.split(r"[,\s]+", v.strip().strip("[]")) if p]
        if not parts:
            raise ParamError(lazy("{where}: empty list", where=where))
        return [conv(p, _item(where, i + 1)) for i, p in enumerate(parts)]
    if isinstance(v, (list, tuple, np.ndarray)):
        if len(v) == 0:
            raise ParamError(lazy("{where}: empty list", where=where))
        return [conv(x, _item(where, i + 1)) for i, x in enumerate(v)]
    return [conv(v, where)]


def _as_matrix(v: Any, where: str) -> list[list[float | int]]:
    if isinstance(v, str) and v.strip().startswith("[") and "[" in v.strip()[1:]:
        out_t: list[list[float | int]] = parse_tensor(v, where, (2,))
        return out_t
    if isinstance(v, str):
        rows = [r for r in v.strip().strip("[]").split(";") if r.strip()]
        out = [_as_list(r, _row(where, i + 1), _as_float) for i, r in enumerate(rows)]
    elif isinstance(v, (list, tuple, np.ndarray)):
        out = [_as_list(r, _row(where, i + 1), _as_float) for i, r in enumerate(v)]
    else:
        raise ParamError(lazy("{where}: expected a matrix such as '1,2;3,4', got {value}", where=where, value=repr(v)))
    if not out:
        raise ParamError(lazy("{where}: empty matrix", where=where))
    for i, r in enumerate(out[1:], 2):
        if len(r) != len(out[0]):
            raise ParamError(
                lazy(
                    "{where}: row 1 has {count} but row {i} has {m} (every row needs the same length)",
                    where=where,
                    count=count_of(len(out[0]), "entry"),
                    i=i,
                    m=len(r),
                )
            )
    return out


def _as_bool(v: Any, where: str) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, np.integer)) and int(v) in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return v.strip().lower() in ("1", "true", "yes", "on")
    raise ParamError(lazy("{where}: expected true or false, got {value}", where=where, value=repr(v)))


_POLY_TERM = re.compile(r"([+-]?)(\d*\.?\d*)\*?(w(?:\^(\d+))?)?")


def parse_poly(text: str, where: str = "f") -> dict[int, float]:
    """Read a polynomial in w ("w^2-10w+25", "3w^3 - w") into {power: coefficient}.

    A small hand-written reader: nothing the user types is evaluated.
    """
    t = text.replace(" ", "").replace("−", "-").replace("**", "^").replace("²", "^2").replace("³", "^3")
    if not t:
        raise ParamError(lazy("{where}: empty polynomial", where=where))
    coeffs: dict[int, float] = {}
    pos = 0
    while pos < len(t):
        m = _POLY_TERM.match(t, pos)
        if m is None or m.end() == pos or (not m.group(2) and not m.group(3)):
            raise ParamError(
                lazy(
                    "{where}: cannot read {text} at column {col}; write a polynomial in w such as 'w^2-10w+25'",
                    where=where,
                    text=repr(text),
                    col=pos + 1,
                )
            )
        sign = -1.0 if m.group(1) == "-" else 1.0
        if pos > 0 and not m.group(1):
            raise ParamError(
                lazy("{where}: expected + or - at column {col} of {text}", where=where, col=pos + 1, text=repr(text))
            )
        if m.group(2) in (".",):
            raise ParamError(
                lazy("{where}: bad number at column {col} of {text}", where=where, col=pos + 1, text=repr(text))
            )
        c = float(m.group(2)) if m.group(2) else 1.0
        power = (int(m.group(4)) if m.group(4) else 1) if m.group(3) else 0
        if power > 6:
            raise ParamError(lazy("{where}: powers above 6 are not supported ({text})", where=where, text=repr(text)))
        coeffs[power] = coeffs.get(power, 0.0) + sign * c
        pos = m.end()
    return coeffs


def _check_range(spec: ParamSpec, v: Any, where: str) -> None:
    if spec.min is None and spec.max is None:
        return
    for x in _flatten(v):
        if not isinstance(x, (int, float)) or isinstance(x, bool):
            continue
        if spec.min is not None and x < spec.min:
            raise ParamError(
                lazy(
                    "{where}: {value} is too small (allowed: ≥ {min})",
                    where=where,
                    value=format_value(v),
                    min=format_value(spec.min),
                )
            )
        if spec.max is not None and x > spec.max:
            raise ParamError(
                lazy(
                    "{where}: {value} is too large (allowed: ≤ {max})",
                    where=where,
                    value=format_value(v),
                    max=format_value(spec.max),
                )
            )


# --------------------------------------------------------------------------- tensors

_TOKEN = re.compile(r"\s*(?:(\[)|(\])|(;)|(,)|([^\[\];,\s]+))")


def _tokens(text: str, where: str) -> list[tuple[str, str, int]]:
    """(kind, text, column) tokens of a tensor: [ ] ; , and number words."""
    out: list[tuple[str, str, int]] = []
    pos = 0
    t = text.replace("−", "-").replace("，", ",").replace("；", ";")
    while pos < len(t):
        m = _TOKEN.match(t, pos)
        if m is None or m.end() == pos:
            break
        kind = "[" if m.group(1) else "]" if m.group(2) else ";" if m.group(3) else "," if m.group(4) else "num"
        if m.group(0).strip():
            out.append((kind, m.group(0).strip(), m.start() + len(m.group(0)) - len(m.group(0).lstrip()) + 1))
        pos = m.end()
    return out


def _nested(tokens: list[tuple[str, str, int]], where: str, text: str) -> Any:
    """Read `[ item (, item)* ]` where an item is a number or a nested list; `;` inside brackets separates rows."""
    pos = 0

    def fail(msg: str, col: int | None) -> ParamError:
        at = lazy(" at column {col}", col=col) if col else ""
        return ParamError(
            lazy("{where}: cannot read {text}{at}: {problem}", where=where, text=repr(text), at=at, problem=msg)
        )

    def item() -> Any:
        nonlocal pos
        if pos >= len(tokens):
            raise fail(lazy("unexpected end (a ']' is missing?)"), None)
        kind, word, col = tokens[pos]
        if kind == "num":
            pos += 1
            return _number(word, where)
        if kind != "[":
            raise fail(lazy("expected a number or '[', found {word}", word=repr(word)), col)
        pos += 1
        rows: list[list[Any]] = [[]]
        while True:
            if pos >= len(tokens):
                raise fail(lazy("a ']' is missing"), None)
            kind, word, col = tokens[pos]
            if kind == "]":
                pos += 1
                break
            if kind == ";":
                pos += 1
                rows.append([])
                continue
            if kind == ",":
                pos += 1
                continue
            rows[-1].append(item())
        rows = [r for r in rows if r]
        if not rows:
            raise fail(lazy("empty brackets"), col)
        return rows[0] if len(rows) == 1 else rows

    value = item()
    if pos != len(tokens):
        raise fail(lazy("unexpected {word}", word=repr(tokens[pos][1])), tokens[pos][2])
    return value


def _flat(text: str, where: str) -> Any:
    """`1,2,3` (a vector), `1,2;3,4` (a matrix, rows by `;`), `5` (a scalar)."""
    t = text.replace("−", "-").replace("，", ",").replace("；", ";").strip()
    if ";" in t:
        rows = [r for r in t.split(";") if r.strip()]
        if not rows:
            raise ParamError(lazy("{where}: empty matrix", where=where))
        return [
            [_number(x, _row(where, i + 1)) for x in re.split(r"[,\s]+", r.strip()) if x] for i, r in enumerate(rows)
        ]
    parts = [x for x in re.split(r"[,\s]+", t) if x]
    if not parts:
        raise ParamError(lazy("{where}: empty value", where=where))
    if len(parts) == 1 and "," not in t:
        return _number(parts[0], where)
    return [_number(x, _item(where, i + 1)) for i, x in enumerate(parts)]


def _shape_of(v: Any, where: str) -> tuple[int, ...]:
    """The shape of a nested list, or a ParamError naming the ragged place."""
    if not isinstance(v, list):
        return ()
    if not v:
        raise ParamError(lazy("{where}: empty list", where=where))
    shapes = [_shape_of(x, where) for x in v]
    first = shapes[0]
    for i, s in enumerate(shapes[1:], 2):
        if s != first and len(s) == len(first) == 1:
            raise ParamError(
                lazy(
                    "{where}: row 1 has {count} but row {i} has {m} (every row needs the same length)",
                    where=where,
                    count=count_of(first[0], "entry"),
                    i=i,
                    m=s[0],
                )
            )
        if s != first:
            raise ParamError(
                lazy(
                    "{where}: entries have different shapes: entry 1 is {first}, entry {i} is {other}"
                    " (every row needs the same length)",
                    where=where,
                    first=shape_text(first),
                    i=i,
                    other=shape_text(s),
                )
            )
    return (len(v), *first)


def _plain_nested(v: Any, where: str) -> Any:
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return [_plain_nested(x, where) for x in v]
    return _as_float(v, where)


def parse_tensor(v: Any, where: str = "value", ranks: Sequence[int] = ()) -> Any:
    """Read a tensor of any rank from text or nested lists into nested lists of numbers.

    A scalar is accepted where a vector or matrix is asked (as 1 or 1×1); a vector is not
    taken as a matrix, since a row and a column cannot be told apart.
    """
    if isinstance(v, str):
        toks = _tokens(v, where)
        if toks and toks[0][0] == "[":
            value = _nested(toks, where, v)
        elif any(k == "[" or k == "]" for k, _, _ in toks):
            raise ParamError(
                lazy("{where}: cannot read {text}: brackets must enclose the whole value", where=where, text=repr(v))
            )
        else:
            value = _flat(v, where)
    else:
        value = _plain_nested(v, where)
    shape = _shape_of(value, where)
    if ranks and len(shape) not in ranks:
        want = min(ranks, key=lambda r: abs(r - len(shape)))
        if not shape and want in (1, 2):
            return [value] if want == 1 else [[value]]
        hint = {
            0: lazy("a single number"),
            1: lazy("a vector such as 1,2,3"),
            2: lazy("a matrix such as 1,2;3,4 or [[1,2],[3,4]] (for one row write [[1,2,3]], for one column 1;2;3)"),
        }.get(want, lazy("a tensor of rank {rank} in nested brackets", rank=want))
        raise ParamError(lazy("{where}: expected {hint}, got {got}", where=where, hint=hint, got=shape_text(shape)))
    return value


def shape_text(shape: Sequence[int | str | None]) -> str:
    """`()` → "a scalar", `(3,)` → "a vector of 3", `(3, 2)` → "3×2" (None or a name for any size);
    the words are a `lazy` message."""
    dims = ["?" if d is None else str(d) for d in shape]
    if not dims:
        return lazy("a scalar")
    if len(dims) == 1:
        return lazy("a vector of {n}", n=dims[0])
    return "×".join(dims)


Counted = Literal[
    "row",
    "column",
    "column (sample)",
    "number",
    "entry",
    "channel",
    "output channel",
    "input",
    "head",
    "name",
    "hidden layer",
    "unit",
]

# each counted thing: its message for one and for several (the Chinese of the two is mostly the same)
_COUNTED: dict[str, tuple[str, str]] = {
    "row": (N_("{n} row"), N_("{n} rows")),
    "column": (N_("{n} column"), N_("{n} columns")),
    "column (sample)": (N_("{n} column (sample)"), N_("{n} columns (samples)")),
    "number": (N_("{n} number"), N_("{n} numbers")),
    "entry": (N_("{n} entry"), N_("{n} entries")),
    "channel": (N_("{n} channel"), N_("{n} channels")),
    "output channel": (N_("{n} output channel"), N_("{n} output channels")),
    "input": (N_("{n} input"), N_("{n} inputs")),
    "head": (N_("{n} head"), N_("{n} heads")),
    "name": (N_("{n} name"), N_("{n} names")),
    "hidden layer": (N_("{n} hidden layer"), N_("{n} hidden layers")),
    "unit": (N_("{n} unit"), N_("{n} units")),
}


def count_of(n: int, thing: Counted) -> Lazy:
    """`n` things in the right number, as a `lazy` message for a field of another: count_of(1, "entry")
    → "1 entry", count_of(3, "entry") → "3 entries" (Chinese "3 个元素" either way).

    >>> str(lazy("b has {count} but W has {m} rows", count=count_of(1, "entry"), m=2))
    'b has 1 entry but W has 2 rows'
    """
    one, many = _COUNTED[thing]
    return lazy(one if n == 1 else many, n=n)


def require_shape(
    kind: str,
    name: str,
    value: Any,
    expected: Sequence[int | str | None],
    *,
    because: str = "",
) -> np.ndarray:
    """`value` as a float array, or a ParamError if its shape is not `expected`.

    `expected` holds a size, or a symbol/None where any size fits; `because` says where the sizes
    come from:

    >>> require_shape("mlp.forward-backward", "W1", [[1, 2]] * 3, ("n1", 4), because="X has 4 rows (n0 = 4)")
    Traceback (most recent call last):
    dlquiz.errors.ParamError: mlp.forward-backward: W1 is 3×2 but X has 4 rows (n0 = 4); W1 must be n1×4
    """
    arr = np.asarray(value, dtype=float)
    ok = arr.ndim == len(expected) and all(
        not isinstance(e, int) or isinstance(e, bool) or a == e for a, e in zip(arr.shape, expected, strict=True)
    )
    if not ok:
        why = lazy(" but {because}", because=because) if because else ""
        raise ParamError(
            lazy(
                "{kind}: {name} is {shape}{why}; {name} must be {expected}",
                kind=kind,
                name=name,
                shape=shape_text(arr.shape),
                why=why,
                expected=shape_text(expected),
            )
        )
    return arr


# --------------------------------------------------------------------------- expressions


def read_expression(text: Any, where: str = "expression") -> str:
    """The text of a math expression, checked (not evaluated) by the symbolic engine's whitelist parser.

    Only the text is kept: the worked examples never hold SymPy objects.
    """
    from dlquiz.errors import ParseError
    from dlquiz.symbolic import parse_math

    t = str(text).strip()
    if not t:
        raise ParamError(lazy("{where}: empty expression", where=where))
    try:
        parse_math(t, latex=False)
    except ParseError as exc:
        raise ParamError(lazy("{where}: {error}", where=where, error=message_of(exc))) from None
    return t


# --------------------------------------------------------------------------- coercion


def coerce(spec: ParamSpec, v: Any, kind: str) -> Any:
    """The value of parameter `spec` from text or Python values (ParamError naming it if bad)."""
    where = lazy("{kind}: parameter {name}", kind=kind, name=spec.name)
    if v is None:
        if spec.default is None:
            return None  # optional parameter left unset
        raise ParamError(
            lazy("{where}: a value is required (default {default})", where=where, default=format_value(spec.default))
        )
    t = spec.type
    if t == "int":
        out: Any = _as_int(v, where)
    elif t == "float":
        out = _as_float(v, where)
    elif t == "bool":
        out = _as_bool(v, where)
    elif t == "choice":
        s = str(v).strip()
        if s not in spec.choices:
            raise ParamError(
                lazy(
                    "{where}: {value} is not allowed (choose one of: {choices})",
                    where=where,
                    value=repr(s),
                    choices=", ".join(spec.choices),
                )
            )
        out = s
    elif t == "str":
        out = str(v)
    elif t == "poly":
        out = str(v).strip()
        parse_poly(out, where)
    elif t == "expr":
        out = read_expression(v, where)
    elif t == "intlist":
        out = _as_list(v, where, _as_int)
    elif t == "floatlist":
        out = _as_list(v, where, _as_float)
    elif t == "matrix":
        out = _as_matrix(v, where)
    elif t == "tensor":
        out = parse_tensor(v, where, spec.ranks())
    elif t == "kernel":
        if isinstance(v, str) and v.strip() in spec.choices:
            out = v.strip()
        else:
            try:
                out = _as_matrix(v, where)
            except ParamError as exc:
                raise ParamError(
                    lazy("{error} (or one of: {choices})", error=message_of(exc), choices=", ".join(spec.choices))
                ) from None
    else:  # pragma: no cover - a programming error in a generator table
        raise AssertionError(f"unknown param type {t}")
    _check_range(spec, out, where)
    return out


def _flatten(v: Any) -> list[Any]:
    if isinstance(v, list):
        return [x for item in v for x in _flatten(item)]
    return [v]


_coerce = coerce  # the name used before the split

"""Values, the generator registry and parameter handling of the worked examples."""

from __future__ import annotations

import builtins
import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlquiz.errors import ParamError


@dataclass(frozen=True)
class Step:
    """One intermediate result: a name, the formula with numbers substituted, the value."""

    name: str
    formula: str
    value: Any
    note: str = ""


@dataclass(frozen=True)
class WorkedExample:
    """A computed example: its parameters, every step and the named results."""

    kind: str
    params: dict[str, Any]
    steps: tuple[Step, ...]
    answer: Any
    values: dict[str, Any]
    convention: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form: numbers and nested lists only, keys in a fixed order."""
        return {
            "kind": self.kind,
            "params": {k: plain(v) for k, v in self.params.items()},
            "steps": [
                {"name": s.name, "formula": s.formula, "value": plain(s.value), "note": s.note} for s in self.steps
            ],
            "answer": plain(self.answer),
            "values": {k: plain(v) for k, v in self.values.items()},
            "convention": self.convention,
        }


@dataclass(frozen=True)
class ParamSpec:
    """A generator parameter: name, help, default and type.

    `type` is one of: int, float, bool, choice, str, intlist, floatlist, matrix,
    kernel (a named kernel or a matrix), poly (a polynomial in w such as "w^2-10w+25").
    """

    name: str
    help: str
    default: Any
    type: str
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class GeneratorInfo:
    """What `dlquiz example` lists about a generator."""

    name: str
    topic: str
    title_en: str
    title_zh: str
    params: tuple[ParamSpec, ...]
    value_names: tuple[str, ...]


@dataclass(frozen=True)
class Out:
    """What a generator's compute function returns."""

    steps: list[Step]
    answer: Any
    values: dict[str, Any] = field(default_factory=dict)
    convention: str = ""


Params = dict[str, Any]


@dataclass(frozen=True)
class _Generator:
    info: GeneratorInfo
    compute: Callable[[Params], Out]
    draw: Callable[[Draw], Params] | None
    check: Callable[[Params], None] | None
    prepare: Callable[[Params], Params] | None


_REGISTRY: dict[str, _Generator] = {}
_MODULES = ("conv", "losses", "linear", "activations", "backprop", "rnn", "optim", "regnorm", "detect")
_loaded = False


def register(
    name: str,
    topic: str,
    title_en: str,
    title_zh: str,
    params: Sequence[ParamSpec],
    values: Sequence[str],
    *,
    draw: Callable[[Draw], Params] | None = None,
    check: Callable[[Params], None] | None = None,
    prepare: Callable[[Params], Params] | None = None,
) -> Callable[[Callable[[Params], Out]], Callable[[Params], Out]]:
    """Decorator: add a compute function to the registry under `name`."""

    def deco(fn: Callable[[Params], Out]) -> Callable[[Params], Out]:
        names = tuple(values)
        if "answer" not in names:
            names = ("answer", *names)
        info = GeneratorInfo(name, topic, title_en, title_zh, tuple(params), names)
        _REGISTRY[name] = _Generator(info, fn, draw, check, prepare)
        return fn

    return deco


def _load() -> None:
    global _loaded
    if not _loaded:
        import importlib

        for mod in _MODULES:
            importlib.import_module(f"dlquiz.worked.{mod}")
        _loaded = True


def _get(kind: str) -> _Generator:
    _load()
    gen = _REGISTRY.get(kind)
    if gen is None:
        close = difflib.get_close_matches(kind, list(_REGISTRY), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ParamError(f"unknown example kind {kind!r}{hint}; valid kinds: {', '.join(sorted(_REGISTRY))}")
    return gen


def list_generators() -> list[GeneratorInfo]:
    """Every generator, sorted by name."""
    _load()
    return [_REGISTRY[k].info for k in sorted(_REGISTRY)]


def generator_info(kind: str) -> GeneratorInfo:
    """The description of one generator (ParamError if unknown)."""
    return _get(kind).info


# --------------------------------------------------------------------------- random draws


class Draw:
    """Random parameter drawing that keeps the explicitly given values."""

    def __init__(self, rng: np.random.Generator, fixed: Mapping[str, Any]) -> None:
        self.rng = rng
        self.fixed = dict(fixed)

    def int(self, name: str, lo: int, hi: int) -> int:
        """An integer in [lo, hi], unless `name` was given."""
        if name in self.fixed:
            return int(self.fixed[name])
        return int(self.rng.integers(lo, hi + 1))

    def pick(self, name: str, options: Sequence[Any]) -> Any:
        """One of `options`, unless `name` was given."""
        if name in self.fixed:
            return self.fixed[name]
        return options[int(self.rng.integers(0, len(options)))]

    def value(self, name: str, make: Callable[[], Any]) -> Any:
        """`make()`, unless `name` was given."""
        if name in self.fixed:
            return self.fixed[name]
        return make()

    def ints(self, shape: tuple[builtins.int, ...], lo: builtins.int, hi: builtins.int) -> list[Any]:
        """A nested list of integers in [lo, hi] (not tied to a parameter)."""
        arr = self.rng.integers(lo, hi + 1, size=shape)
        out: list[Any] = arr.tolist()
        return out

    def decimals(self, n: builtins.int, lo: float, hi: float, places: builtins.int = 1) -> list[float]:
        """`n` short decimals in [lo, hi]."""
        return [round(float(v), places) for v in self.rng.uniform(lo, hi, size=n)]


# --------------------------------------------------------------------------- parsing

_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _number(text: str, where: str) -> float | int:
    t = text.strip().replace("−", "-")
    if "/" in t:
        num, _, den = t.partition("/")
        a, b = _number(num, where), _number(den, where)
        if b == 0:
            raise ParamError(f"{where}: division by zero in {text!r}")
        return a / b
    if not _NUM.match(t):
        raise ParamError(f"{where}: {text!r} is not a number")
    if re.match(r"^[+-]?\d+$", t):
        return int(t)
    return float(t)


def _as_int(v: Any, where: str) -> int:
    if isinstance(v, bool):
        raise ParamError(f"{where}: expected an integer, got {v!r}")
    if isinstance(v, str):
        v = _number(v, where)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return int(v)
    raise ParamError(f"{where}: expected an integer, got {v!r}")


def _as_float(v: Any, where: str) -> float | int:
    if isinstance(v, bool):
        raise ParamError(f"{where}: expected a number, got {v!r}")
    if isinstance(v, str):
        v = _number(v, where)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        if not math.isfinite(float(v)):
            raise ParamError(f"{where}: expected a finite number, got {v!r}")
        return float(v)
    raise ParamError(f"{where}: expected a number, got {v!r}")


def _as_list(v: Any, where: str, conv: Callable[[Any, str], Any]) -> list[Any]:
    if isinstance(v, str):
        parts = [p for p in re.split(r"[,\s]+", v.strip().strip("[]")) if p]
        if not parts:
            raise ParamError(f"{where}: empty list")
        return [conv(p, f"{where} item {i + 1}") for i, p in enumerate(parts)]
    if isinstance(v, (list, tuple, np.ndarray)):
        if len(v) == 0:
            raise ParamError(f"{where}: empty list")
        return [conv(x, f"{where} item {i + 1}") for i, x in enumerate(v)]
    return [conv(v, where)]


def _as_matrix(v: Any, where: str) -> list[list[float | int]]:
    if isinstance(v, str):
        rows = [r for r in v.strip().strip("[]").split(";") if r.strip()]
        out = [_as_list(r, f"{where} row {i + 1}", _as_float) for i, r in enumerate(rows)]
    elif isinstance(v, (list, tuple, np.ndarray)):
        out = [_as_list(r, f"{where} row {i + 1}", _as_float) for i, r in enumerate(v)]
    else:
        raise ParamError(f"{where}: expected a matrix such as '1,2;3,4', got {v!r}")
    if not out:
        raise ParamError(f"{where}: empty matrix")
    widths = {len(r) for r in out}
    if len(widths) != 1:
        raise ParamError(f"{where}: rows have different lengths {sorted(widths)}")
    return out


def _as_bool(v: Any, where: str) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, np.integer)) and int(v) in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return v.strip().lower() in ("1", "true", "yes", "on")
    raise ParamError(f"{where}: expected true or false, got {v!r}")


_POLY_TERM = re.compile(r"([+-]?)(\d*\.?\d*)\*?(w(?:\^(\d+))?)?")


def parse_poly(text: str, where: str = "f") -> dict[int, float]:
    """Read a polynomial in w ("w^2-10w+25", "3w^3 - w") into {power: coefficient}.

    A small hand-written reader: nothing the user types is evaluated.
    """
    t = text.replace(" ", "").replace("−", "-").replace("**", "^").replace("²", "^2").replace("³", "^3")
    if not t:
        raise ParamError(f"{where}: empty polynomial")
    coeffs: dict[int, float] = {}
    pos = 0
    while pos < len(t):
        m = _POLY_TERM.match(t, pos)
        if m is None or m.end() == pos or (not m.group(2) and not m.group(3)):
            raise ParamError(
                f"{where}: cannot read {text!r} at column {pos + 1}; write a polynomial in w such as 'w^2-10w+25'"
            )
        sign = -1.0 if m.group(1) == "-" else 1.0
        if pos > 0 and not m.group(1):
            raise ParamError(f"{where}: expected + or - at column {pos + 1} of {text!r}")
        if m.group(2) in (".",):
            raise ParamError(f"{where}: bad number at column {pos + 1} of {text!r}")
        c = float(m.group(2)) if m.group(2) else 1.0
        power = (int(m.group(4)) if m.group(4) else 1) if m.group(3) else 0
        if power > 6:
            raise ParamError(f"{where}: powers above 6 are not supported ({text!r})")
        coeffs[power] = coeffs.get(power, 0.0) + sign * c
        pos = m.end()
    return coeffs


def _coerce(spec: ParamSpec, v: Any, kind: str) -> Any:
    where = f"{kind}: parameter {spec.name}"
    if v is None:
        if spec.default is None:
            return None  # optional parameter left unset
        raise ParamError(f"{where}: a value is required (default {format_value(spec.default)})")
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
            raise ParamError(f"{where}: {s!r} is not allowed (choose one of: {', '.join(spec.choices)})")
        out = s
    elif t == "str":
        out = str(v)
    elif t == "poly":
        out = str(v).strip()
        parse_poly(out, where)
    elif t == "intlist":
        out = _as_list(v, where, _as_int)
    elif t == "floatlist":
        out = _as_list(v, where, _as_float)
    elif t == "matrix":
        out = _as_matrix(v, where)
    elif t == "kernel":
        if isinstance(v, str) and v.strip() in spec.choices:
            out = v.strip()
        else:
            try:
                out = _as_matrix(v, where)
            except ParamError as exc:
                raise ParamError(f"{exc} (or one of: {', '.join(spec.choices)})") from None
    else:  # pragma: no cover - a programming error in a generator table
        raise AssertionError(f"unknown param type {t}")
    _check_range(spec, out, where)
    return out


def _check_range(spec: ParamSpec, v: Any, where: str) -> None:
    if spec.min is None and spec.max is None:
        return
    items: list[Any] = v if isinstance(v, list) else [v]
    flat: list[Any] = []
    for x in items:
        flat.extend(x if isinstance(x, list) else [x])
    for x in flat:
        if not isinstance(x, (int, float)) or isinstance(x, bool):
            continue
        if spec.min is not None and x < spec.min:
            raise ParamError(f"{where}: {format_value(v)} is too small (allowed: ≥ {format_value(spec.min)})")
        if spec.max is not None and x > spec.max:
            raise ParamError(f"{where}: {format_value(v)} is too large (allowed: ≤ {format_value(spec.max)})")


def _spec(gen: _Generator, name: str) -> ParamSpec:
    for s in gen.info.params:
        if s.name == name:
            return s
    valid = ", ".join(s.name for s in gen.info.params) or "none"
    raise ParamError(f"{gen.info.name}: unknown parameter {name!r} (valid: {valid})")


def parse_param(kind: str, name: str, text: str) -> Any:
    """Read the text of `--set NAME=VALUE` for a generator parameter (ParamError if bad)."""
    gen = _get(kind)
    return _coerce(_spec(gen, name), text, kind)


def generate_example(kind: str, params: Mapping[str, Any] | None = None, *, seed: int | None = None) -> WorkedExample:
    """Compute a worked example.

    Explicit `params` always win; with `seed=None` the others take their defaults, with a seed
    they are drawn at random (reproducibly). Raises ParamError for an unknown kind, an unknown
    parameter or an invalid value.
    """
    gen = _get(kind)
    explicit: Params = {}
    for name, v in (params or {}).items():
        explicit[name] = _coerce(_spec(gen, name), v, kind)
    full: Params = {s.name: s.default for s in gen.info.params}
    if seed is not None and gen.draw is not None:
        drawn = gen.draw(Draw(np.random.default_rng(seed), explicit))
        for name, v in drawn.items():
            full[name] = _coerce(_spec(gen, name), v, kind)
    full.update(explicit)
    if gen.prepare is not None:
        full = gen.prepare(full)
    if gen.check is not None:
        gen.check(full)
    try:
        with np.errstate(all="ignore"):
            out = gen.compute(full)
    except (OverflowError, ZeroDivisionError) as exc:
        raise ParamError(f"{kind}: these numbers overflow ({exc}); choose smaller values") from None
    values = {k: plain(v) for k, v in out.values.items()}
    values["answer"] = plain(out.answer)
    if not _all_finite(values):
        bad = ", ".join(k for k, v in values.items() if not _all_finite(v))
        raise ParamError(f"{kind}: the numbers diverge ({bad} not finite); choose a smaller learning rate or inputs")
    return WorkedExample(
        kind=kind,
        params={k: plain(v) for k, v in full.items()},
        steps=tuple(Step(s.name, s.formula, plain(s.value), s.note) for s in out.steps),
        answer=plain(out.answer),
        values=values,
        convention=out.convention,
    )


# --------------------------------------------------------------------------- values


def _all_finite(v: Any) -> bool:
    if isinstance(v, dict):
        return all(_all_finite(x) for x in v.values())
    if isinstance(v, list):
        return all(_all_finite(x) for x in v)
    return not isinstance(v, float) or math.isfinite(v)


def plain(v: Any) -> Any:
    """Numbers and nested lists without numpy types; floats rounded to 12 significant digits."""
    if isinstance(v, np.ndarray):
        return plain(v.tolist())
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if not math.isfinite(f):
            return f
        f = float(f"{f:.12g}")
        return 0.0 if f == 0 else f
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    return v


def _fmt_num(x: float | int) -> str:
    if isinstance(x, (bool, np.bool_)):
        return "true" if x else "false"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    f = float(x)
    if not math.isfinite(f):
        return str(f)
    if f == 0:
        return "0"
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    if abs(f) < 1 or abs(f) >= 1e7:
        # significant digits, not decimals: 1/256 is 0.003906, not 0.0039 (whose root is not 0.0625)
        s = f"{f:.{_SIG}g}"
        mant, _, exp = s.partition("e")
        return f"{mant}e{int(exp)}" if exp else s
    s = f"{f:.{_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


_SIG = 4  # significant digits of numbers below 1
_DECIMALS = 4  # decimals of numbers from 1 up


def fixed(x: float, decimals: int) -> str:
    """`x` with at most `decimals` decimals (trailing zeros dropped): fixed(8.1206009, 6) = "8.120601"."""
    s = f"{float(x):.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def significant(x: float, digits: int) -> str:
    """`x` to `digits` significant digits: significant(0.0034722, 5) = "0.0034722"."""
    f = float(x)
    if f == 0 or not math.isfinite(f):
        return _fmt_num(f)
    s = f"{f:.{digits}g}"
    mant, _, exp = s.partition("e")
    return f"{mant}e{int(exp)}" if exp else s


def operand(x: float, step: Callable[[float], float], result: float) -> str:
    """`x` with the fewest significant digits (4 to 12) from which `step` gives the shown result.

    −log 0.08259 = 2.4938 is false to the shown digits (the result is 2.4938 for ŷ = 0.082588…):
    operand(0.082588, lambda v: -math.log(v), 2.4938…) shows "0.082588".
    """
    shown = _fmt_num(result)
    for k in range(_SIG, 13):
        text = significant(x, k)
        if _fmt_num(step(float(text))) == shown:
            return text
    return significant(x, 12)


def _more_digits(x: float, extra: int) -> str:
    """`x` as format_value shows it, with `extra` more digits (significant below 1, decimals from 1 up)."""
    f = float(x)
    if extra == 0 or f == 0 or not math.isfinite(f) or (f.is_integer() and abs(f) < 1e15):
        return _fmt_num(f)
    if abs(f) < 1 or abs(f) >= 1e7:
        return significant(f, _SIG + extra)
    return fixed(f, _DECIMALS + extra)


def operands(
    values: Sequence[float], step: Callable[[list[float]], float], result: float, shown: str | None = None
) -> list[str]:
    """`values` shown with the fewest extra digits (the same for all) from which `step` gives the shown result.

    0.4804·0.04743 is 0.022785, but the shown result 0.02278 comes from 0.48037·0.047428: the
    operands get one more digit. A number already shown exactly (0.9, 1) keeps its short form.
    `shown` is the result as displayed when it has more digits than format_value gives.
    """
    target = shown if shown is not None else _fmt_num(result)
    extra_result = 0
    if shown is not None:
        extra_result = next((e for e in range(0, 9) if _more_digits(result, e) == shown), 0)
    for extra in range(0, 9):
        texts = [_more_digits(v, extra) for v in values]
        if _more_digits(step([float(t) for t in texts]), extra_result) == target:
            return texts
    return [_more_digits(v, 8) for v in values]


def linear(coeffs: Sequence[float], const: float = 0.0) -> Callable[[list[float]], float]:
    """The step const + Σ coeffs[i]·a[i], for `operands`."""
    cs = [float(c) for c in coeffs]
    return lambda a: const + sum(c * x for c, x in zip(cs, a, strict=True))


def paren(text: str) -> str:
    """A shown number as a factor: negatives in parentheses."""
    return f"({text})" if text.startswith("-") else text


def operand_decimals(operands: Sequence[float], recompute: Callable[[list[float]], float], result: float) -> int:
    """The fewest decimals (4 to 12) at which the shown operands give the shown result.

    `recompute` applies the step's formula to the operands as rounded; e.g. for (a − b)/0.02 the
    operands 8.1206 and 7.8806 give 12 where the result is 12.0001, so 8.120601 and 7.880599 are needed.
    """
    shown = _fmt_num(result)
    for k in range(_DECIMALS, 13):
        if _fmt_num(recompute([round(float(v), k) for v in operands])) == shown:
            return k
    return 12


def _is_matrix(v: Any) -> bool:
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(r, (list, tuple)) for r in v)


def matrix_rows(v: Sequence[Sequence[Any]]) -> list[str]:
    """The rows of a matrix as aligned strings "[ 1, -2]"."""
    cells = [[_fmt_num(x) if not isinstance(x, str) else x for x in row] for row in v]
    width = max((len(c) for row in cells for c in row), default=1)
    return ["[" + ", ".join(c.rjust(width) for c in row) + "]" for row in cells]


def format_value(value: Any) -> str:
    """How a parameter or value is shown: ints as ints, short floats, "[1, 2, 3]", matrices by row."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, str):
        return value
    if _is_matrix(value):
        return "\n".join(matrix_rows(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(x) for x in value) + "]"
    if isinstance(value, (int, float, np.integer, np.floating, bool, np.bool_)):
        return _fmt_num(value)  # type: ignore[arg-type]
    if value is None:
        return "—"
    return str(value)


def inline(value: Any) -> str:
    """Like format_value, but a matrix on one line: [[1, 2], [3, 4]]."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if _is_matrix(value):
        return "[" + ", ".join(format_value(list(r)) for r in value) + "]"
    return format_value(value)


fv = inline  # short name used inside formulas


def fp(value: Any) -> str:
    """A number as a factor: negatives in parentheses, 2·(−1)."""
    s = inline(value)
    return f"({s})" if s.startswith("-") else s


# --------------------------------------------------------------------------- explanations

_ZH_HEADINGS: dict[str, str] = {
    "Answer": "答案",
    "Convention": "约定",
}


def explain_text(example: WorkedExample, lang: str = "en") -> str:
    """Plain-text worked steps (headings, notes and conventions in English or Chinese)."""
    from dlquiz.worked.i18n import prose, step_name

    info = generator_info(example.kind)
    lines: list[str] = [info.title_zh if lang == "zh" else info.title_en]
    if example.convention:
        label = _ZH_HEADINGS["Convention"] if lang == "zh" else "Convention"
        lines.append(f"{label}: {prose(example.convention, lang)}")
    for i, s in enumerate(example.steps, 1):
        formula = prose(s.formula, lang)
        head = f"{i}. {step_name(s.name, lang)}: {formula}"
        val = format_value(s.value)
        if "\n" in val:
            lines.append(head)
            lines.extend("     " + r for r in val.splitlines())
        elif val and not formula.rstrip().endswith(val):
            lines.append(f"{head} → {val}")
        else:
            lines.append(head)
        if s.note:
            lines.append(f"   ({prose(s.note, lang)})")
    ans = format_value(example.answer)
    label = _ZH_HEADINGS["Answer"] if lang == "zh" else "Answer"
    if "\n" in ans:
        lines.append(f"{label}:")
        lines.extend("     " + r for r in ans.splitlines())
    else:
        lines.append(f"{label}: {ans}")
    return "\n".join(lines)

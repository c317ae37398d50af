"""How worked-example values are shown: plain JSON-ready numbers, short decimals, operands with enough digits."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def _all_finite(v: Any) -> bool:
    if isinstance(v, dict):
        return all(_all_finite(x) for x in v.values())
    if isinstance(v, list):
        return all(_all_finite(x) for x in v)
    return not isinstance(v, float) or math.isfinite(v)


def plain(v: Any) -> Any:
    """Numbers, strings and nested lists without numpy types (or `lazy` messages); floats rounded to 12
    significant digits."""
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
    if isinstance(v, str):
        return str(v)  # a `lazy` message as its English: values are data
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
    """A non-empty list of rows of numbers (rank 2 exactly: a list of matrices is a tensor, see _is_tensor)."""
    return (
        isinstance(v, (list, tuple))
        and len(v) > 0
        and all(isinstance(r, (list, tuple)) and not any(isinstance(x, (list, tuple)) for x in r) for r in v)
    )


def _is_tensor(v: Any) -> bool:
    """Rank 3 or more: a non-empty list whose entries are matrices or tensors (channels)."""
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(_is_matrix(r) or _is_tensor(r) for r in v)


def channel_blocks(v: Sequence[Any], prefix: str = "") -> list[tuple[str, list[list[Any]]]]:
    """A rank-3/4 tensor as its matrices with their leading indices: [("[0]", m0), ("[1]", m1)] or "[0][1]"."""
    out: list[tuple[str, list[list[Any]]]] = []
    for i, r in enumerate(v):
        tag = f"{prefix}[{i}]"
        if _is_matrix(r):
            out.append((tag, [list(row) for row in r]))
        else:
            out += channel_blocks(r, tag)
    return out


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
    if _is_tensor(value):
        # channel blocks, each headed by its leading indices: "[0]" then its rows ("[0][1]" for rank 4)
        return "\n".join(f"{tag}\n" + "\n".join(matrix_rows(m)) for tag, m in channel_blocks(value))
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
    if _is_matrix(value) or _is_tensor(value):
        return "[" + ", ".join(inline(list(r)) for r in value) + "]"
    return format_value(value)


fv = inline  # short name used inside formulas


def fp(value: Any) -> str:
    """A number as a factor: negatives in parentheses, 2·(−1)."""
    s = inline(value)
    return f"({s})" if s.startswith("-") else s

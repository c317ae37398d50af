"""Sizes along one axis of a convolution or pooling window: kernel, stride, padding, dilation.

Shared by the size generators (`conv.py`), convolution by hand (`convolve.py`) and the
network summaries (`arch.py`). Pure Python: no NumPy needed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, lazy

PAD_MODES = ("same", "valid", "full")


@dataclass(frozen=True)
class Axis:
    """One spatial axis: input n, kernel k, stride s, dilation d, zeros added before/after."""

    n: int
    k: int
    s: int = 1
    d: int = 1
    lo: int = 0
    hi: int = 0

    @property
    def k_eff(self) -> int:
        """k + (k − 1)(d − 1): the span of a dilated kernel."""
        return self.k + (self.k - 1) * (self.d - 1)

    @property
    def span(self) -> int:
        """n + padding − k_eff: the room the kernel slides over."""
        return self.n + self.lo + self.hi - self.k_eff

    @property
    def out(self) -> int:
        """⌊span/s⌋ + 1 (0 if the kernel does not fit)."""
        return self.span // self.s + 1 if self.span >= 0 else 0

    @property
    def even(self) -> bool:
        """True when the stride divides the span: every input row is read."""
        return self.span >= 0 and self.span % self.s == 0

    def pad_text(self) -> str:
        """The padding as written in a formula: 2·2 for symmetric, 1 + 2 for uneven."""
        if self.lo == self.hi:
            return f"2·{self.lo}"
        return f"{self.lo} + {self.hi}"

    def formula(self) -> str:
        """(n + 2p − k)/s + 1 = … with the numbers; an uneven quotient is shown before the floor."""
        pad = self.lo + self.hi
        inner = f"{self.n} + {pad} − {self.k_eff}" if pad else f"{self.n} − {self.k_eff}"
        if self.s == 1:
            return f"{inner} + 1 = {self.out}"
        if self.even:
            return f"({inner})/{self.s} + 1 = {self.out}"
        return f"⌊({inner})/{self.s}⌋ + 1 = ⌊{_short(self.span / self.s)}⌋ + 1 = {self.out}"

    def unused(self) -> int:
        """Input rows (after padding) the last window never reaches when the stride does not divide."""
        return self.span % self.s if self.span >= 0 else 0


def _short(x: float) -> str:
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return s


def resolve_padding(mode: str | int, n: int, k_eff: int, s: int) -> tuple[int, int]:
    """Zeros before and after for a padding mode.

    same: the output has ⌈n/s⌉ entries (n when s = 1); an odd total puts the extra zero after
    (PyTorch and TensorFlow agree). valid: none. full: k_eff − 1 on each side (wide convolution).
    """
    if isinstance(mode, int):
        return mode, mode
    if mode == "valid":
        return 0, 0
    if mode == "full":
        return k_eff - 1, k_eff - 1
    if mode == "same":
        out = math.ceil(n / s)
        total = max((out - 1) * s + k_eff - n, 0)
        return total // 2, total - total // 2
    raise ParamError(
        lazy("unknown padding {mode} (use a number or one of: {modes})", mode=repr(mode), modes=", ".join(PAD_MODES))
    )


_INT = re.compile(r"^\s*[+]?\d+\s*$")


def read_pair(
    text: object, where: str, *, lo: int = 1, hi: int = 100000, modes: tuple[str, ...] = ()
) -> tuple[int | str, int | str]:
    """'5' → (5, 5); '3x5', '3×5' or '3,5' → (3, 5) as (height, width); a mode word stays a word.

    Raises ParamError naming `where` with the allowed forms.
    """
    if isinstance(text, bool):
        raise ParamError(lazy("{where}: expected a number or h×w, got {value}", where=where, value=repr(text)))
    if isinstance(text, int):
        parts = [str(text)]
    elif isinstance(text, (list, tuple)):
        parts = [str(v) for v in text]
    else:
        parts = [p for p in re.split(r"\s*[x×X,*]\s*", str(text).strip()) if p != ""]
        if re.search(r"(^[x×X,*]\s*\d|\d\s*[x×X,*]\s*$)", str(text).strip()):  # "3x": a size with a side missing
            raise ParamError(
                lazy(
                    "{where}: {text} has a side missing (write 32 or 32x24)", where=where, text=repr(str(text).strip())
                )
            )
    forms = _forms(modes)
    if not parts or any(not re.search(r"\w", p) for p in parts):
        raise ParamError(
            lazy(
                "{where}: {text} is not a number (expected {forms})",
                where=where,
                text=repr(str(text).strip()),
                forms=forms,
            )
        )
    if len(parts) == 1 and parts[0].strip().lower() in modes:
        m = parts[0].strip().lower()
        return m, m
    if len(parts) not in (1, 2):
        raise ParamError(
            lazy("{where}: cannot read {text} (expected {forms})", where=where, text=repr(text), forms=forms)
        )
    out: list[int | str] = []
    for p in parts:
        if p.strip().lower() in modes:
            out.append(p.strip().lower())
            continue
        if not _INT.match(p):
            if re.match(r"^\s*-\s*\d+\s*$", p):
                raise ParamError(
                    lazy("{where}: {value} is too small (allowed: ≥ {min})", where=where, value=p.strip(), min=lo)
                )
            if re.match(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$", p):
                raise ParamError(lazy("{where}: expected an integer, got {value}", where=where, value=p.strip()))
            raise ParamError(
                lazy(
                    "{where}: {text} is not a number (expected {forms})", where=where, text=repr(p.strip()), forms=forms
                )
            )
        v = int(p)
        if v < lo:
            raise ParamError(lazy("{where}: {value} is too small (allowed: ≥ {min})", where=where, value=v, min=lo))
        if v > hi:
            raise ParamError(lazy("{where}: {value} is too large (allowed: ≤ {max})", where=where, value=v, max=hi))
        out.append(v)
    return (out[0], out[0]) if len(out) == 1 else (out[0], out[1])


def _forms(modes: tuple[str, ...]) -> str:
    """What a size may be written as (a `Lazy`): a number, h×w, and the mode words if any."""
    return lazy("a number, h×w, or {modes}", modes=", ".join(modes)) if modes else lazy("a number, h×w")


def axis_word(name: str) -> str:
    """The name of an axis (height, width or length) as a `Lazy`, for a message that names the axis."""
    return lazy(_AXIS_WORDS[name])


_AXIS_WORDS = {"height": N_("height"), "width": N_("width"), "length": N_("length")}


def pair_text(h: int | str, w: int | str) -> str:
    """5×5 is written 5×5; a square 1-D-looking pair keeps both sides."""
    return f"{h}×{w}"


def uneven_warning(axis: Axis, name: str, layer: tuple[int, str] | None = None) -> str:
    """The message (a `Lazy`) for a stride that does not divide the padded input minus the kernel.

    `name` is height, width, height and width, or length; `layer` (its number and text, e.g.
    ``(3, "conv(16,5,s=2)")``) names the layer of a network summary.
    """
    pad = axis.lo + axis.hi
    inner = f"{axis.n} + {pad} − {axis.k_eff}" if pad else f"{axis.n} − {axis.k_eff}"
    fields = {"inner": inner, "s": axis.s, "q": _short(axis.span / axis.s), "left": axis.unused()}
    problem = lazy(_UNEVEN.get(name, _UNEVEN["length"]), **fields)
    if layer is None:
        return problem
    return lazy("layer {index} {layer}: {problem}", index=layer[0], layer=layer[1], problem=problem)


# one message per axis: the rows, the columns, both, or the entries of a 1-D input are never read
_UNEVEN = {
    "height": N_(
        "height: ({inner})/{s} = {q} is not a whole number; floored, the last {left} input row(s) are never read "
        "(many exams call this setting invalid)"
    ),
    "width": N_(
        "width: ({inner})/{s} = {q} is not a whole number; floored, the last {left} input column(s) are never read "
        "(many exams call this setting invalid)"
    ),
    "height and width": N_(
        "height and width: ({inner})/{s} = {q} is not a whole number; floored, the last {left} input row(s) and "
        "column(s) are never read (many exams call this setting invalid)"
    ),
    "length": N_(
        "length: ({inner})/{s} = {q} is not a whole number; floored, the last {left} input entries are never read "
        "(many exams call this setting invalid)"
    ),
}

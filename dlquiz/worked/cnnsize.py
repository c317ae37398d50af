"""Sizes along one axis of a convolution or pooling window: kernel, stride, padding, dilation.

Shared by the size generators (`conv.py`), convolution by hand (`convolve.py`) and the
network summaries (`arch.py`). Pure Python: no NumPy needed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from dlquiz.errors import ParamError

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
    raise ParamError(f"unknown padding {mode!r} (use a number or one of: {', '.join(PAD_MODES)})")


_INT = re.compile(r"^\s*[+]?\d+\s*$")


def read_pair(
    text: object, where: str, *, lo: int = 1, hi: int = 100000, modes: tuple[str, ...] = ()
) -> tuple[int | str, int | str]:
    """'5' → (5, 5); '3x5', '3×5' or '3,5' → (3, 5) as (height, width); a mode word stays a word.

    Raises ParamError naming `where` with the allowed forms.
    """
    if isinstance(text, bool):
        raise ParamError(f"{where}: expected a number or h×w, got {text!r}")
    if isinstance(text, int):
        parts = [str(text)]
    elif isinstance(text, (list, tuple)):
        parts = [str(v) for v in text]
    else:
        parts = [p for p in re.split(r"\s*[x×X,*]\s*", str(text).strip()) if p != ""]
        if re.search(r"(^[x×X,*]\s*\d|\d\s*[x×X,*]\s*$)", str(text).strip()):  # "3x": a size with a side missing
            raise ParamError(f"{where}: {str(text).strip()!r} has a side missing (write 32 or 32x24)")
    if not parts or any(not re.search(r"\w", p) for p in parts):
        forms = "a number, h×w" + (f", or {', '.join(modes)}" if modes else "")
        raise ParamError(f"{where}: {str(text).strip()!r} is not a number (expected {forms})")
    if len(parts) == 1 and parts[0].strip().lower() in modes:
        m = parts[0].strip().lower()
        return m, m
    if len(parts) not in (1, 2):
        forms = "a number, h×w" + (f", or {', '.join(modes)}" if modes else "")
        raise ParamError(f"{where}: cannot read {text!r} (expected {forms})")
    out: list[int | str] = []
    for p in parts:
        if p.strip().lower() in modes:
            out.append(p.strip().lower())
            continue
        if not _INT.match(p):
            if re.match(r"^\s*-\s*\d+\s*$", p):
                raise ParamError(f"{where}: {p.strip()} is too small (allowed: ≥ {lo})")
            if re.match(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$", p):
                raise ParamError(f"{where}: expected an integer, got {p.strip()}")
            forms = "a number, h×w" + (f", or {', '.join(modes)}" if modes else "")
            raise ParamError(f"{where}: {p.strip()!r} is not a number (expected {forms})")
        v = int(p)
        if v < lo:
            raise ParamError(f"{where}: {v} is too small (allowed: ≥ {lo})")
        if v > hi:
            raise ParamError(f"{where}: {v} is too large (allowed: ≤ {hi})")
        out.append(v)
    return (out[0], out[0]) if len(out) == 1 else (out[0], out[1])


def pair_text(h: int | str, w: int | str) -> str:
    """5×5 is written 5×5; a square 1-D-looking pair keeps both sides."""
    return f"{h}×{w}"


def uneven_warning(where: str, axis: Axis, name: str) -> str:
    """The message for a stride that does not divide the padded input minus the kernel.

    `where` names the layer ("layer 3 conv(16,5,s=2)") or is empty; `name` is height, width,
    height and width, or length.
    """
    pad = axis.lo + axis.hi
    inner = f"{axis.n} + {pad} − {axis.k_eff}" if pad else f"{axis.n} − {axis.k_eff}"
    left = axis.unused()
    what = {"height": "row(s)", "width": "column(s)", "height and width": "row(s) and column(s)"}.get(name, "entries")
    head = f"{where}: " if where else ""
    return (
        f"{head}{name}: ({inner})/{axis.s} = {_short(axis.span / axis.s)} is not a whole number; "
        f"floored, the last {left} input {what} are never read (many exams call this setting invalid)"
    )


# Chinese for the texts of the convolution generators (shared words; each module adds its own)
_ZH_WORDS: list[tuple[str, str]] = [
    (r"^layer (\d+) ", r"第 \1 层 "),
    (r"(^|: )height and width: ", r"\1高和宽："),
    (r"(^|: )height: ", r"\1高："),
    (r"(^|: )width: ", r"\1宽："),
    (r"(^|: )length: ", r"\1长度："),
    (r" is not a whole number; floored, the last (\d+) input ", r" 不是整数；向下取整后，输入的最后 \1 "),
    (r" row\(s\) and column\(s\) are never read", " 行和列不会被读到"),
    (r" row\(s\) are never read", " 行不会被读到"),
    (r" column\(s\) are never read", " 列不会被读到"),
    (r" entries are never read", " 个位置不会被读到"),
    (r" \(many exams call this setting invalid\)", "（许多考试认为这种设置无效）"),
    (r"^valid: no padding$", "窄卷积：不填充"),
    (r"^full: k_eff − 1 = (\d+) zeros on each side$", r"宽卷积：每侧补 k_eff − 1 = \1 个 0"),
    (r"^same: (\d+) zeros in all, (\d+) before and (\d+) after", r"等宽卷积：共补 \1 个 0，前 \2 个、后 \3 个"),
    (r" \(out = ⌈n/s⌉ = ⌈(\d+)/(\d+)⌉, as TensorFlow pads\)$", r"（输出 = ⌈n/s⌉ = ⌈\1/\2⌉，与 TensorFlow 的补法相同）"),
]

_ZH_NAMES = {
    "Padding": "填充",
    "Padding (height)": "填充（高）",
    "Padding (width)": "填充（宽）",
    "Effective kernel size (height)": "有效卷积核大小（高）",
    "Effective kernel size (width)": "有效卷积核大小（宽）",
    "Output size (height)": "输出大小（高）",
    "Output size (width)": "输出大小（宽）",
    "MACs": "乘加次数",
    "FLOPs": "浮点运算次数",
}


def _register_chinese() -> None:
    from dlquiz.worked.i18n import add_chinese

    add_chinese(names=_ZH_NAMES, fragments=_ZH_WORDS)


_register_chinese()

# ruff: noqa: E501  (translation tables: one phrase per line reads better than wrapped strings)
"""Chinese for the worked steps: headings, notes, conventions and the words inside formulas.

Generators write English. A step name, note or convention is a catalog message (``dlquiz/i18n/zh-worked*.toml``):
a fixed text is looked up as it is, a text with numbers in it is written with ``dlquiz.i18n.lazy`` and carries its
template and fields. `step_name` and `prose` show either in the reader's language. (The pattern tables below are
the older way, for texts not yet written as messages.) Numbers and symbols are left as they are.
"""

from __future__ import annotations

import re

from dlquiz.i18n import N_, Lazy, chinese, register, t

# numbered step names: generators write lazy("Layer {n}", n=2); a plain "Layer 2" finds the same template
_NUMBERED_NAMES = (
    N_("Step {n}"),
    N_("Epoch {n}"),
    N_("Layer {n}"),
    N_("Update {n}"),
    N_("Keep box {n}"),
    N_("Iteration {n}"),
    N_("Decay {n}"),
)
_NUMBERED_RE = re.compile("^(" + "|".join(m.removesuffix(" {n}") for m in _NUMBERED_NAMES) + r") (\d+)$")
# step-name patterns a generator module still adds itself (the older way)
_NUMBERED: list[tuple[re.Pattern[str], str]] = []

# English fragments inside notes and formulas (applied in order)
_FRAGMENTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"(\d+) hole\(s\) between neighbouring kernel elements", r"相邻卷积核元素之间插入 \1 个空洞"),
        (r"^last step, nothing flows back from a later step; ", "最后一步，没有后面时间步传回的梯度；"),
        (r"adds (δ\d+)·(h\d+)ᵀ to dW and (δ\d+)·(x\d+) to dU", r"dW 加上 \1·\2ᵀ，dU 加上 \3·\4"),
        (r"^error (\S+): O\(ε\)$", r"误差 \1：O(ε)"),
        (r"^error (\S+): O\(ε²\)$", r"误差 \1：O(ε²)"),
        (r"jump \(input pixels between neighbouring outputs\) becomes", "跳距（相邻输出在输入上相隔的像素）变为"),
        (r"only the true class (\d+) gets ŷ − 1", r"只有真实类别 \1 取 ŷ − 1"),
        (r"^true class y = (\d+): ", r"真实类别 y = \1："),
        (r"^class (\d+) has the largest score$", r"类别 \1 的分数最大"),
        (r"^classes ([\d, ]+) share the largest score$", r"类别 \1 的分数并列最大"),
        (r"the last mini-batch holds (\d+) samples", r"最后一个小批量有 \1 个样本"),
        (r"stopped after (\d+) epochs", r"\1 轮后停止"),
        (r"add (\d+) ring\(s\) of zeros", r"外圈补 \1 圈 0"),
        (r"^edge kernel \(note 001\)", "边缘检测卷积核（笔记 001）"),
        (r"^sharpen kernel \(note 001\)", "锐化卷积核（笔记 001）"),
        (r"^blur kernel \(note 001\)", "高斯模糊卷积核（笔记 001）"),
        (r"(\w+) kernel \(note 001\)", r"\1 卷积核（笔记 001）"),
        (r"^given kernel$", "给定的卷积核"),
        (r"slide the kernel, multiply element-wise, add", "滑动卷积核，逐元素相乘再相加"),
        (r"max pooling (\d+)×(\d+), stride (\d+)", r"最大池化 \1×\2，步幅 \3"),
        (r"avg pooling (\d+)×(\d+), stride (\d+)", r"平均池化 \1×\2，步幅 \3"),
        (r"(\d+)×(\d+) conv, (\d+) kernels, pad (\d+), stride (\d+)", r"\1×\2 卷积，\3 个卷积核，填充 \4，步幅 \5"),
        (r"(\d+)×(\d+) max pool, stride (\d+)", r"\1×\2 最大池化，步幅 \3"),
        (r"(\d+)×(\d+) avg pool, stride (\d+)", r"\1×\2 平均池化，步幅 \3"),
        (r"^(W\[\d+\]) is (\d+×\d+ = \d+), (b\[\d+\]) is ", r"\1 为 \2，\3 为 "),
        (r"\(k − 1\)·jump", "(k − 1)·跳距"),
        (r" \(OR\), ", "（或），"),
        (r" \(AND\)$", "（与）"),
        (r"; no parameters", "；无参数"),
        (r"; params ", "；参数 "),
        (r"^dense (\d+) → (\d+)", r"全连接 \1 → \2"),
        (r"^conv (\d+) \+ dense (\d+)", r"卷积 \1 + 全连接 \2"),
        (r"pixels × (\d+) channels", r"像素 × \1 个通道"),
        (r"inputs × (\d+) hidden units", r"个输入 × \1 个隐藏单元"),
        (r"one per kernel", "每个卷积核一个"),
        (r"^no biases: 0$", "无偏置：0"),
        (r"given gradients", "给定的梯度"),
        (r"dᵢ = 1 with probability", "dᵢ 以如下概率取 1："),
        (r"inputs, (\d+)×(\d+) \(one column per sample\)", r"输入，\1×\2（每列一个样本）"),
        (r"^labels, ", "标签，"),
        (r" over the batch", "（对批量求和）"),
        (r"w = 0, b = 0; visit the samples in order; update when", "w = 0，b = 0；按顺序遍历样本；当"),
        (r"^w = (.+), b = (\S+); visit the samples in order; update when", r"w = \1，b = \2；按顺序遍历样本；当"),
        (r"≤ 0$", "≤ 0 时更新"),
        (r"epoch (\d+), sample (\d+)", r"第 \1 轮，样本 \2"),
        (r" misclassified:", " 分错："),
        (r"^converged after (\d+) updates", r"经过 \1 次更新后收敛"),
        (r"^not converged after (\d+) updates", r"\1 次更新后仍未收敛"),
        (r"highest score", "最高得分"),
        (r"no boxes left to compare", "没有剩余的框可比较"),
        (r"suppressed", "被抑制"),
        (r"score ≤ ([\d.]+): boxes", r"得分 ≤ \1 的框："),
        (r"^boxes ", "框 "),
        (r"\bnone\b", "无"),
        (r"^width (.*), height (\S+); area (\S+)$", r"宽 \1，高 \2；面积 \3"),
        (r"^weights (\d+) \+ biases (\d+)", r"权重 \1 + 偏置 \2"),
        (r"(\S+) if x > 0 else (\S+)", r"x > 0 时为 \1，否则为 \2"),
        (
            r"^Adam: m = β₁m \+ \(1 − β₁\)g, v = β₂v \+ \(1 − β₂\)g², bias-corrected m̂, v̂; ",
            "Adam：m = β₁m + (1 − β₁)g，v = β₂v + (1 − β₂)g²，偏差修正得 m̂、v̂；",
        ),
        (r" \(the notes write √s without the correction: an erratum\)$", "（笔记写成未修正的 √s：勘误）"),
        (r" for f = ", "，f = "),
        (r" at θ = ", "，θ = "),
        (r" at x = ", "，x = "),
    ]
]


def step_name(name: str, lang: str) -> str:
    """The heading of a step in `lang` (falls back to English)."""
    if lang != "zh":
        return name
    if isinstance(name, Lazy):
        return name.text(lang)
    found = chinese(name)
    if found:
        return found
    numbered = _NUMBERED_RE.match(name)
    if numbered:
        return t(numbered.group(1) + " {n}", lang, n=numbered.group(2))
    for pat, repl in _NUMBERED:
        if pat.match(name):
            return pat.sub(repl, name)
    return name


def heading(message: str, lang: str) -> str:
    """A heading or label marked with ``N_``. Where the English word has another Chinese form elsewhere (a column
    "Value" of results, a step "Value" of a function), the message names its context before "|"
    (``N_("table column|Value")``): the English shown is the part after it."""
    return t(message, lang) if lang == "zh" else message.rpartition("|")[2]


def prose(text: str, lang: str) -> str:
    """A note, a convention or a formula in `lang`: a message of the catalog, else known fragments."""
    if lang != "zh" or not text:
        return text
    if isinstance(text, Lazy):
        return text.text(lang)
    found = chinese(text)
    if found:
        return found
    for pat, repl in _FRAGMENTS:
        text = pat.sub(repl, text)
    return text


def add_chinese(
    names: dict[str, str] | None = None,
    phrases: dict[str, str] | None = None,
    fragments: list[tuple[str, str]] | None = None,
) -> None:
    """Let a generator module keep its own Chinese: step names, whole phrases, and fragment patterns
    (applied after the ones above, in the order given)."""
    _FRAGMENTS.extend((re.compile(p), r) for p, r in fragments or [])
    register({**(names or {}), **(phrases or {})})  # the one catalog: dlquiz.i18n.t knows them too

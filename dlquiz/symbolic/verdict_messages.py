"""Chinese forms of the equivalence checker's verdict reasons (policy.py, sampling.py, worker.py)."""

from __future__ import annotations

import re

from dlquiz.i18n import translate
from dlquiz.symbolic.messages import parse_error_zh

# the equivalence checker's verdict reasons (policy.py, sampling.py, worker.py); placeholders of the
# English (points, values, names) are kept as they are
_NO_PROOF = "no proof was found"
_VERDICTS: tuple[tuple[str, str], ...] = (
    (r"identical after rewriting", "改写后完全相同"),
    (r"proved symbolically", "已用符号方法证明"),
    (
        r"depends on an unknown function \((.+)\); define it with an abbreviation \(let\)",
        r"依赖未知函数（\1）；请用缩写（let）定义它",
    ),
    (r"differs at (.+) \(expected (.+), given (.+)\)", r"在 \1 处不相等（应为 \2，给出的是 \3）"),
    (
        r"the two differ by the constant (.+) \(too small to see at the sampled points\)",
        r"两者相差常数 \1（太小，在采样点上看不出来）",
    ),
    (r"differs by a tiny amount at (.+) \(expected − given = (.+)\)", r"在 \1 处相差极小的量（应为值 − 给出值 = \2）"),
    (rf"cannot evaluate numerically \((.+)\) and {_NO_PROOF}", r"无法数值求值（\1），也没有找到证明"),
    (r"ran out of time before every sample point was checked", "在检查完所有采样点之前超时"),
    (
        rf"the constant (.+) is too small or too large to compare numerically, and {_NO_PROOF}",
        r"常数 \1 太小或太大，无法数值比较，也没有找到证明",
    ),
    (
        r"numerically equal at (\d+) random points to 25 significant digits \(no symbolic proof within the "
        r"time limit\)",
        r"在 \1 个随机点上数值相等（25 位有效数字；时限内没有找到符号证明）",
    ),
    (
        r"numerically equal at (\d+) random points to 25 significant digits \(no symbolic proof found\)",
        r"在 \1 个随机点上数值相等（25 位有效数字；没有找到符号证明）",
    ),
    (
        rf"only (\d+) sampled points are defined for both and {_NO_PROOF}",
        r"只有 \1 个采样点对两者都有定义，也没有找到证明",
    ),
    (r"time limit reached \((.+) s\)", r"已到时限（\1 秒）"),
    (r"time limit reached", "已到时限"),
    (r"the check failed: (.+)", r"检查失败：\1"),
)
# parts of a verdict reason that are themselves sentences (kept apart so that they combine)
_VERDICT_PARTS: tuple[tuple[str, str], ...] = (
    (r"equal for (.+)", r"在 \1 时相等"),
    (r"equal at (\d+) of (\d+) sampled points", r"在 \2 个采样点中的 \1 个上相等"),
    (r"the two differ exactly at a kink \((.+)\)", r"两者恰好在折点处不同（\1）"),
    (r"whole values of (.+) within their ranges could not all be checked", r"\1 在取值范围内的整数值无法全部检查"),
    (r"could not draw a point that meets the assumptions", "无法取到满足假设的点"),
)


def _verdict_part(text: str) -> str:
    return (translate(text, _VERDICTS) or translate(text, _VERDICT_PARTS) or text).replace(
        "a sampled point", "某个采样点"
    )


def verdict_zh(message: str) -> str:
    """The Chinese form of an equivalence verdict's reason (``AnswerCheck.message``); a reader error gets
    `parse_error_zh`. Parts without a Chinese pattern stay in English."""
    if message.startswith("reference: "):
        return "参考答案：" + parse_error_zh(message.removeprefix("reference: "))
    m = re.fullmatch(rf"cannot evaluate numerically \((.+)\) and {_NO_PROOF}", message, re.S)
    if m:
        return f"无法数值求值（{_verdict_part(m.group(1))}），也没有找到证明"
    whole = translate(message, _VERDICTS)
    if whole:
        return whole.replace("a sampled point", "某个采样点")
    m = re.fullmatch(rf"(.+), and {_NO_PROOF}", message, re.S)
    if m:
        return _verdict_part(m.group(1)) + "，也没有找到证明"
    head, sep, rest = message.partition("; ")
    if sep:
        return _verdict_part(head) + "；" + _verdict_part(rest)
    return translate(message, _VERDICT_PARTS) or parse_error_zh(message)

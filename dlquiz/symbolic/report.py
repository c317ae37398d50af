"""The text report of a checked derivation: one line per step with ✓/✗, in English or Chinese."""

from __future__ import annotations

import re

from dlquiz.i18n import translate
from dlquiz.symbolic.lines import DerivationReport
from dlquiz.symbolic.messages import parse_error_zh
from dlquiz.symbolic.slips import slip_message


def rule_message(rule: str, lang: str = "en") -> str:
    """The explanation of a slip named in a report, in `lang`."""
    return slip_message(rule, lang)


_MARK = {"ok": "✓", "fail": "✗", "error": "✗", "undecided": "?", "given": "·"}


# Chinese for the step messages of a report (parse errors keep the parser's English)
_STEP_MESSAGES_ZH: list[tuple[str, str]] = [
    (
        r"does not follow from the previous step: at (.*) the previous step is (.*) but this one is (.*)",
        r"与上一步不相等：在 \1 处，上一步的值为 \2，这一步为 \3",
    ),
    (
        r"does not follow from the previous step: with random matrices, entry (.*) is (.*) before and (.*) here",
        r"与上一步不相等：用随机矩阵检验，元素 \1 上一步为 \2，这一步为 \3",
    ),
    (
        r"does not follow from the previous step: with random matrices, the value is (.*) before and (.*) here",
        r"与上一步不相等：用随机矩阵检验，上一步的值为 \1，这一步为 \2",
    ),
    (
        r"does not follow: with random matrices the true ∂(.*)/∂(.*) \(finite differences\) has entry (.*) = (.*), "
        r"this step gives (.*)",
        r"不成立：用随机矩阵检验，真实的 ∂\1/∂\2（有限差分）元素 \3 = \4，这一步给出 \5",
    ),
    (
        r"does not follow: with random matrices the true ∂(.*)/∂(.*) \(finite differences\) has the value (.*), "
        r"this step gives (.*)",
        r"不成立：用随机矩阵检验，真实的 ∂\1/∂\2（有限差分）为 \3，这一步给出 \4",
    ),
    (r"does not follow from the previous step", "与上一步不相等"),
    (r"follows from the previous step \(the chain broke earlier\)", "由上一步可得（但推导链在前面已断开）"),
    (r"no verdict within the time limit \((.*)\)", r"在时限（\1）内未能判定"),
    (r"ran out of time", "超时"),
    (r"the time budget of the derivation is used up", "整个推导的检查时间已用完"),
    (r"the check stopped: (.*)", r"检查中止：\1"),
    (
        r"cannot check this line: the expression it continues cannot be checked",
        "无法检查这一行：它所接续的表达式无法检查",
    ),
    (
        r"cannot check this line: (.*) of a square matrix: write (.*) for the product or (.*) elementwise",
        r"无法检查这一行：方阵的 \1 有歧义：矩阵乘积写作 \2，逐元素平方写作 \3",
    ),
    (
        r"cannot check this line: the LaTeX command (.*) is not part of matrix mode",
        r"无法检查这一行：矩阵模式不支持 LaTeX 命令 \1",
    ),
    (
        r"cannot check this line: the function '(.*)' \(matrix mode knows (.*)\)",
        r"无法检查这一行：矩阵模式不认识函数 '\1'（可用：\2）",
    ),
    (
        r"cannot check this line: the power \^(.+) \(only whole-number elementwise powers such as (.+)\)",
        r"无法检查这一行：幂 ^\1（只支持整数次的逐元素幂，例如 \2）",
    ),
    (r"cannot check this line: the power \^(.+) \(whole numbers only\)", r"无法检查这一行：幂 ^\1（只支持整数次）"),
    (r"cannot check this line: the power \^(.+)", r"无法检查这一行：幂 ^\1"),
    (r"cannot check this line: the norm (.+) \(only (.+) and (.+)\)", r"无法检查这一行：范数 \1（只支持 \2 和 \3）"),
    (
        r"cannot check this line: \|·\| in matrix mode \(write (.+) for a norm\)",
        r"无法检查这一行：矩阵模式中不能用 |·|（范数请写 \1）",
    ),
    (
        r"cannot check this line: log of a value ≤ 0 at the random matrices",
        "无法检查这一行：随机矩阵处出现了 ≤ 0 的对数",
    ),
    (
        r"cannot check this line: √ of a negative value at the random matrices",
        "无法检查这一行：随机矩阵处出现了负数的平方根",
    ),
    (r"cannot check this line: diag of a non-square matrix", "无法检查这一行：非方阵的 diag"),
    (
        r"cannot check this line: no loss: define `let L = …` or declare the upstream gradient (.+)",
        r"无法检查这一行：没有损失：请定义 `let L = …` 或声明上游梯度 \1",
    ),
    (r"cannot check this line: division by 0 at the random matrices", "无法检查这一行：随机矩阵处出现了除以 0"),
    (r"cannot check this line: (.+) with (\d+) arguments", r"无法检查这一行：\1 带了 \2 个参数"),
    (
        r"cannot check this line: the spectral norm (.+) of a matrix \(use (.+) or (.+)\)",
        r"无法检查这一行：矩阵的谱范数 \1（请用 \2 或 \3）",
    ),
    (r"cannot check this line: the function (.+)", r"无法检查这一行：函数 \1"),
    (r"cannot check this line: (.+) overflows at the random matrices", r"无法检查这一行：\1 在随机矩阵处溢出"),
    (
        r"cannot check this line: the values overflow at the random matrices \((.+)\)",
        r"无法检查这一行：随机矩阵处的值溢出（\1）",
    ),
    (r"cannot check this line: (.*)", r"无法检查这一行：\1"),
    (
        r"shape error: (.+) \((.+)\) times (.+) \((.+)\): the inner sizes differ",
        r"形状错误：\1（\2）乘 \3（\4）：内侧的维度不同",
    ),
    (
        r"shape error: (.+) \((.+)\) (?:plus|minus|divided by|⊙) (.+) \((.+)\): the shapes differ",
        r"形状错误：\1（\2）与 \3（\4）的形状不同",
    ),
    (
        r"shape error: (.+) is (.+) but (.+) is (.+) \((.+) must have the shape of (.+)\)",
        r"形状错误：\1 的形状是 \2，而 \3 是 \4（\5 必须与 \6 同形）",
    ),
    (r"shape error: (.+) is (.+) but (.+) is (.+)", r"形状错误：\1 的形状是 \2，而 \3 是 \4"),
    (
        r"shape error: unknown name '(.+)': declare it \(matrix/vector\) or define it \(let\)",
        r"形状错误：未知的名字 '\1'：请先声明（matrix/vector）或定义（let）",
    ),
    (r"shape error: trace of a non-square (.+) \((.+)\)", r"形状错误：非方阵 \1（\2）没有迹"),
    (r"does not follow from the previous step: (.*)", r"与上一步不相等：\1"),
    (r"the check stopped: (.*)", r"检查中止：\1"),
]


def step_message(message: str, lang: str = "en") -> str:
    """A step's message in `lang` (parse errors through the reader's own table)."""
    if lang != "zh":
        return message
    m = re.fullmatch(r"could not compare the steps \((.*)\)", message, re.S)
    if m:
        return f"无法比较这两步（{parse_error_zh(m.group(1))}）"
    return translate(message, _STEP_MESSAGES_ZH) or parse_error_zh(message)


def format_report(report: DerivationReport, *, lang: str = "en") -> str:
    """Plain text: one line per step with ✓/✗, then the details of the first failure."""
    zh = lang == "zh"
    out: list[str] = []
    for s in report.steps:
        out.append(f"{_MARK[s.status]} {s.line:>3}  {s.pretty}")
        if s.message and (s.status in ("fail", "error", "undecided") or s.message.startswith("follows")):
            shown = step_message(s.message, lang)
            out.append(f"        {shown}")
        if s.culprit:
            out.append(("        改动出错处：" if zh else "        changed part: ") + s.culprit)
        if s.rule:
            out.append(("        常见错误：" if zh else "        known slip: ") + rule_message(s.rule, lang))
    if report.ok:
        out.append("每一步都成立。" if zh else "Every step holds.")
    elif report.first_failure is not None:
        out.append(
            f"第 {report.first_failure} 行不成立。" if zh else f"The derivation breaks at line {report.first_failure}."
        )
    elif any(s.status == "error" for s in report.steps):
        out.append("有一行无法读取。" if zh else "A line could not be read.")
    elif report.undecided:
        out.append("有的步骤无法判定。" if zh else "Some steps could not be decided.")
    else:
        out.append("还没有任何步骤。" if zh else "There are no steps yet.")
    return "\n".join(out)

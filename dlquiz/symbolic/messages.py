"""Chinese forms of the math reader's messages (parse errors and notes).

The reader words its messages in English as ``what at column N; hint``; ``parse_error_zh`` gives the
Chinese form by translating the two parts with pattern tables (``dlquiz.i18n.translate``). Parts
no pattern matches stay in English rather than being guessed.
"""

from __future__ import annotations

import re

from dlquiz.i18n import translate

_DECLARE_EN = (r"declare it to use it as one name \(dlquiz equiv --let/--assume; a 'let' or "
               r"'assume' line in a derivation\)")
_DECLARE_ZH = "若要把它当作一个名字，请先声明（dlquiz equiv 用 --let/--assume；推导中写 let 或 assume 行）"

_HEADS: tuple[tuple[str, str], ...] = (
    (r"unknown name '(.+)'", r"未知的名字 '\1'"),
    (r"unknown name '(.+)' in (.+)", r"\2 中有未知的名字 '\1'"),
    (r"unknown LaTeX command '(.+)'", r"未知的 LaTeX 命令 '\1'"),
    (r"unknown function '(.+)'", r"未知的函数 '\1'"),
    (r"unexpected character '(.+)'", r"意外的字符 '\1'"),
    (r"unexpected character (.+)", r"意外的字符 \1"),
    (r"unexpected (.+)", r"意外的 \1"),
    (r"empty input: type a formula", "输入为空：请输入一个公式"),
    (r"a decimal comma", "小数逗号"),
    (r"number too large: more than (\d+) digits", r"数太大：超过 \1 位"),
    (r"number too large: the power has more than (\d+) digits", r"数太大：这个幂超过 \1 位"),
    (r"number too long \((\d+) digits, at most (\d+)\)", r"数字太长（\1 位，最多 \2 位）"),
    (r"exponent too large: (.+) \(at most (\d+)\)", r"指数太大：\1（最多 \2）"),
    (r"exponent of '(.+)' too large", r"'\1' 的指数太大"),
    (r"division by zero", "除以零"),
    (r"division by zero in \\frac", r"\\frac 中除以零"),
    (r"the expression has no finite value here \(division by zero, log of 0\?\)",
     "此处表达式没有有限值（除以零？log 0？）"),
    (r"expression nested too deeply \(more than (\d+) levels\)", r"表达式嵌套太深（超过 \1 层）"),
    (r"input too long: (\d+) characters \(at most (\d+)\)", r"输入太长：\1 个字符（最多 \2 个）"),
    (r"input took too long to read", "读取输入超时"),
    (r"expected '(.+)' to close the '(.+)' at column (\d+) but found (.+)",
     r"应有 '\1' 来闭合第 \3 列的 '\2'，但遇到 \4"),
    (r"expected '(.+)' to close (.+) but found (.+)", r"应有 '\1' 来闭合 \2，但遇到 \3"),
    (r"expected '(.+)' but found (.+)", r"应有 '\1'，但遇到 \2"),
    (r"unbalanced '(.+)'", r"括号 '\1' 不配对"),
    (r"'(.+)' takes (.+) argument\(s\), got (\d+)", r"'\1' 需要 \2 个参数，给了 \3 个"),
    (r"'(.+)' needs its argument in parentheses, e\.g\. (.+)", r"'\1' 的参数要写在括号里，例如 \2"),
    (r"'(.+)' needs an argument", r"'\1' 需要一个参数"),
    (r"'(.+)' is not allowed in a formula", r"公式中不允许出现 '\1'"),
    (r"control character (.+) is not allowed", r"不允许控制字符 \1"),
    (r"double underscore is not allowed", "不允许双下划线"),
    (r"'\.' after a name: attribute access is not math", "名字后的 '.'：属性访问不是数学"),
    (r"'=' here: type one expression \(or use an equation check\)",
     "此处不应有 '='：请输入一个表达式（或使用等式检查）"),
    (r"a comparison '(.+)' is not an expression", r"比较 '\1' 不是表达式"),
    (r"factorial '!' is not supported", "不支持阶乘 '!'"),
    (r"missing exponent after '\^'", "'^' 后缺少指数"),
    (r"malformed number '(.+)'", r"数字 '\1' 格式不对"),
    (r"write it with its range, e\.g\. (.+)", r"请写出范围，例如 \1"),
    (r"a name with two subscripts", "一个名字带了两个下标"),
    (r"expected a subscript after '_' but found (.+)", r"'_' 后应有下标，但遇到 \1"),
    (r"'_' \(subscript\) must follow a name", "'_'（下标）必须跟在名字后面"),
    (r"a prime \(\'\) only follows a function name, e\.g\. sigma'\(x\)", "撇号 (') 只能跟在函数名后，例如 sigma'(x)"),
    (r"expected the variable, e\.g\. (.+), but found (.+)", r"应有求导变量，例如 \1，但遇到 \2"),
    (r"'lambda …:' is Python, not math; λ alone is a name", "'lambda …:' 是 Python，不是数学；单独的 λ 是名字"),
    (r"'(.+)': a function takes its argument in parentheses", r"'\1'：函数的参数要写在括号里"),
    (r"'(.+)': a logarithm to base (\d+) is log\(x\)/log\((\d+)\)",
     r"'\1'：以 \2 为底的对数写作 log(x)/log(\3)"),
)

_HINTS: tuple[tuple[str, str], ...] = (
    (rf"did you mean '(.+)'\? Or {_DECLARE_EN}", rf"你是想写 '\1' 吗？或者：{_DECLARE_ZH}"),
    (r"did you mean '(.+)'\? \(names are case-sensitive\)", r"你是想写 '\1' 吗？（名字区分大小写）"),
    (r"did you mean '(.+)'\?", r"你是想写 '\1' 吗？"),
    (_DECLARE_EN, _DECLARE_ZH),
    (r"did you mean (.+)\? Write a decimal point \(a comma separates arguments\)",
     r"你是想写 \1 吗？请用小数点（逗号用来分隔参数）"),
    (r"this is not part of a formula", "这不是公式的一部分"),
    (r"did you mean (.+)\?", r"你是想写 \1 吗？"),
    (r"log and ln are natural", "log 与 ln 都是自然对数"),
)

_NOTES: tuple[tuple[str, str], ...] = (
    (rf"'(.+)' is read as the product (.+); {_DECLARE_EN}",
     rf"'\1' 被理解为乘积 \2；{_DECLARE_ZH}"),
    (r"'(.+)' is not declared but '(.+)' is \(names are case-sensitive\)",
     r"'\1' 没有声明，但 '\2' 声明了（名字区分大小写）"),
)

_SHAPE = re.compile(r"(?P<side>(?:left|right) side: )?(?P<head>.*?)(?: at column (?P<col>\d+))?"
                    r"(?:; (?P<hint>.*))?", re.S)


_LINE = re.compile(r"line (?P<line>\d+)(?:, column (?P<col>\d+))?: (?P<rest>.*)", re.S)


def parse_error_zh(message: str) -> str:
    """The Chinese form of a reader message (``… at column N; hint``, also after a derivation's
    ``line N, column M: ``); parts without a Chinese pattern stay in English."""
    lm = _LINE.fullmatch(message)
    if lm is not None:
        where = f"第 {lm.group('line')} 行" + (f"第 {lm.group('col')} 列" if lm.group("col") else "")
        return f"{where}：{parse_error_zh(lm.group('rest'))}"
    m = _SHAPE.fullmatch(message)
    if m is None:  # pragma: no cover - the pattern matches any text
        return message
    head = m.group("head")
    out = translate(head, _HEADS) or head
    if m.group("side"):
        out = ("左边：" if m.group("side").startswith("left") else "右边：") + out
    if m.group("col"):
        out += f"（第 {m.group('col')} 列）"
    if m.group("hint"):
        hint = m.group("hint")
        out += "；" + (translate(hint, _HINTS) or hint)
    return out


def note_zh(note: str) -> str:
    """The Chinese form of a ``Parsed.notes`` entry."""
    return translate(note, _NOTES) or note

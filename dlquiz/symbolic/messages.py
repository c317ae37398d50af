"""Chinese forms of the math reader's messages (parse errors and notes).

The reader words its messages in English as ``what at column N; hint``; ``parse_error_zh`` gives the
Chinese form by translating the two parts with pattern tables (``dlquiz.i18n.translate``). Parts
no pattern matches stay in English rather than being guessed.
"""

from __future__ import annotations

import re

from dlquiz.i18n import translate

_DECLARE_EN = (
    r"declare it to use it as one name \(dlquiz equiv --let/--assume; a 'let' or "
    r"'assume' line in a derivation\)"
)
_DECLARE_ZH = "若要把它当作一个名字，请先声明（dlquiz equiv 用 --let/--assume；推导中写 let 或 assume 行）"

_HEADS: tuple[tuple[str, str], ...] = (
    # the grammar's "expected ... but found" family first (more specific than "unexpected (.+)")
    (
        r"unexpected end of the input: expected a number, a name or '\(' after '(.+)'",
        r"输入意外结束：'\1' 后应有数、名字或 '('",
    ),
    (r"unexpected end of the input: expected a number, a name or '\('", "输入意外结束：应有数、名字或 '('"),
    (r"expected a number, a name or '\(' but found (.+)", r"应有数、名字或 '('，但遇到 \1"),
    (r"a superscript must follow a number, a name or '\)'", "上标必须跟在数、名字或 ')' 后面"),
    (r"unexpected (.+) in a subscript", r"下标中意外的 \1"),
    (r"unexpected (.+) in a matrix expression", r"矩阵表达式中意外的 \1"),
    (r"double superscript: use braces, e\.g\. (.+)", r"连续两个上标：请用花括号，例如 \1"),
    (r"a constant exponent that is not a plain number", "常数指数不是一个普通的数"),
    (r"this power has no value", "这个幂没有值"),
    (r"empty braces '\{\}'", "空的花括号 '{}'"),
    (r"empty subscript '_\{\}'", "空的下标 '_{}'"),
    (r"empty assumption", "假设为空"),
    (r"empty '(.+)'", r"空的 '\1'"),
    (r"expected a comparison \(=, ≠, <, >, ≤, ≥\) but found (.+)", r"应有比较符号（=、≠、<、>、≤、≥），但遇到 \1"),
    (r"this comparison is always true or false", "这个比较恒真或恒假"),
    (r"'(.+)' needs parentheses, e\.g\. (.+)", r"'\1' 需要括号，例如 \2"),
    (r"a subscript on '(.+)' is only meaningful for softmax", r"只有 softmax 才能带下标，'\1' 不能"),
    (r"derivatives \(′\) nested more than (\d+) deep", r"导数（′）嵌套超过 \1 层"),
    (r"softmax takes one argument: (.+) or (.+)", r"softmax 只有一个参数：\1 或 \2"),
    (r"softmax with two subscripts", "softmax 带了两个下标"),
    (r"write softmax\(o\)_i with a plain name o inside", "请写成 softmax(o)_i，括号里是一个单独的名字 o"),
    (r"softmax needs the logit vector's name: (.+)", r"softmax 需要 logit 向量的名字：\1"),
    (r"'(.+)' takes (\d+) to (\d+) argument\(s\), got (\d+)", r"'\1' 需要 \2 到 \3 个参数，给了 \4 个"),
    (r"derivative prime on '(.+)': only f'\(x\) for one argument", r"'\1' 上的导数撇号：只能用于单变量的 f'(x)"),
    (r"'(.+)' has no value for this argument", r"'\1' 在这个参数处没有值"),
    (
        r"(sum|prod) takes \(expression, index, from, to\), e\.g\. (.+)",
        r"\1 的参数是（表达式, 下标, 起点, 终点），例如 \2",
    ),
    (r"diff takes \(expression, variable\[, order\]\), e\.g\. (.+)", r"diff 的参数是（表达式, 变量[, 阶数]），例如 \1"),
    (r"the order of diff must be a whole number from 1 to 5", "diff 的阶数必须是 1 到 5 的整数"),
    (r"this Piecewise has no value", "这个 Piecewise 没有值"),
    (r"the index must be a name, e\.g\. (.+)", r"下标必须是名字，例如 \1"),
    (r"write it with its range, e\.g\. (.+) or (.+)", r"请写出范围，例如 \1 或 \2"),
    (r"the order of a derivative is a whole number", "导数的阶数是整数"),
    (r"derivative order must be 1 to 5", "导数的阶数必须是 1 到 5"),
    (r"expected the variable after '(.+)'", r"'\1' 后应有求导变量"),
    (r"the derivative variable must be a name", "求导变量必须是名字"),
    (r"the orders above and below the fraction differ", "分数线上下的阶数不同"),
    (r"expected a name after '∂', e\.g\. (.+)", r"'∂' 后应有名字，例如 \1"),
    (r"a zeroth root", "零次方根"),
    (r"'\\partial' belongs in (.+)", r"'\\partial' 只能用在 \1 中"),
    (r"transpose is a matrix operation", "转置是矩阵运算"),
    (r"'(.+)' is not supported", r"不支持 '\1'"),
    (r"\\(\w+)\{\.\.\.\} takes one letter", r"\\\1{...} 只接受一个字母"),
    (r"\\(\w+) takes one letter, e\.g\. (.+)", r"\\\1 只接受一个字母，例如 \2"),
    (r"𝟙 is the indicator: write (.+)", r"𝟙 是指示函数：请写 \1"),
    (r"Π is the product: write (.+) or (.+)", r"Π 是连乘：请写 \1 或 \2"),
    (r"at most three primes", "最多三个撇号"),
    (r"write (.+) with one variable", r"请写成只有一个变量的 \1"),
    (r"expected '\}' to close the subscript at column (\d+)", r"应有 '}' 来闭合第 \1 列的下标"),
    (r"malformed superscript '(.+)'", r"上标 '\1' 格式不对"),
    (r"an accent mark must follow a letter", "重音符号必须跟在字母后面"),
    (r"a lone backslash", "单独的反斜杠"),
    (r"expected a text", "应为文本"),
    (r"more than one '=' in an equation", "等式中有不止一个 '='"),
    # derivation lines (chain.py, matrices.py, transitions.py; after "line N, column C: ")
    (r"expected 'let NAME = expression'", "应为 'let NAME = expression'"),
    (r"cannot define '(.+)': write a name such as (.+) or (.+)", r"无法定义 '\1'：请写一个名字，例如 \2 或 \3"),
    (
        r"the derivation has no steps \(every line is a comment, let, assume or shape declaration\)",
        "推导中没有步骤（每一行都是注释、let、assume 或形状声明）",
    ),
    (r"expected e\.g\. (.+) or (.+)", r"应写成例如 \1 或 \2"),
    (r"a vector needs one size, e\.g\. (.+)", r"向量需要一个大小，例如 \1"),
    (r"a matrix needs two sizes, e\.g\. (.+)", r"矩阵需要两个大小，例如 \1"),
    (
        r"unknown gradient '(.+)': nothing called '(.+)' is declared or defined",
        r"未知的梯度 '\1'：没有声明或定义名为 '\2' 的量",
    ),
    (
        r"unknown name '(.+)': declare its shape \((.+)\) or define it \(let\)",
        r"未知的名字 '\1'：请声明它的形状（\2）或定义它（let）",
    ),
    (r"a step starting with '=' needs a previous expression to continue", "以 '=' 开头的一步前面需要有表达式"),
    (r"empty side of '='", "'=' 的一边是空的"),
    (r"shape declarations need matrix steps", "形状声明只能用于矩阵推导"),
    # the matrix reader (matexpr.py)
    (r"missing '\)' after the exponent", "指数后缺少 ')'"),
    (r"missing '\)' after the function's argument", "函数参数后缺少 ')'"),
    (r"missing '\)'", "缺少 ')'"),
    (r"missing the closing (.+) of a norm", r"范数缺少右边的 \1"),
    (r"a power needs an exponent", "幂需要指数"),
    (r"the expression ends too early", "表达式提前结束"),
    # assumptions.py (after "assumption 'text': ")
    (r"'(.+)' is not a variable name", r"'\1' 不是变量名"),
    (r"no variable named", "没有写出变量名"),
    (r"'(.+)' is not a number", r"'\1' 不是数"),
    (r"'(.+)' is not a number or a size such as K or n - 1", r"'\1' 不是数，也不是 K 或 n - 1 这样的大小"),
    (r"odd and even at once", "同时是奇数和偶数"),
    (r"positive and negative at once", "同时是正数和负数"),
    (r"assumption too long \(at most (\d+) characters\)", r"假设太长（最多 \1 个字符）"),
    (r"empty set", "空集"),
    (r"empty interval", "空区间"),
    (r"empty range", "空范围"),
    (r"expected a set like (.+) or an interval like (.+)", r"应为集合（如 \1）或区间（如 \2）"),
    (r"unknown property '(.+)' \(expected one of: (.+)\)", r"未知的性质 '\1'（可用：\2）"),
    (r"expected a relation \((.+)\), a property \((.+)\) or a set \((.+)\)", r"应为关系（\1）、性质（\2）或集合（\3）"),
    (r"missing a side of a relation", "关系缺少一边"),
    (r"an equation takes exactly one '='", "等式只能有一个 '='"),
    (r"the equation has no variable to constrain", "这个等式没有可约束的变量"),
    (r"write '!=' alone, e\.g\. (.+)", r"'!=' 要单独写，例如 \1"),
    (r"only '(.+)' is supported", r"只支持 '\1'"),
    (r"at most a chain of two relations, e\.g\. (.+)", r"最多两个关系连写，例如 \1"),
    (r"a chain must go one way, e\.g\. (.+)", r"连写的关系方向要一致，例如 \1"),
    (r"assumptions make (.+) both odd and even \((.+)\)", r"假设使 \1 既是奇数又是偶数（\2）"),
    (r"assumptions leave no value for (.+) \((.+)\)", r"假设使 \1 无值可取（\2）"),
    (r"expected an equation 'left = right' but found no '='", "应为等式 'left = right'，但没有 '='"),
    (r"'(.+)' is not a single name", r"'\1' 不是单个名字"),
    (r"'(.+)' is not a single variable name", r"'\1' 不是单个变量名"),
    (r"this formula takes too long to read \(over (.+) s\)", r"读取这个公式太久（超过 \1 秒）"),
    (r"this formula cannot be read \((.+)\)", r"无法读取这个公式（\1）"),
    (r"(left|right|reference|candidate): expected an expression, got a (\w+)", r"\1：应为表达式，得到的是 \2"),
    (r"(left|right|reference|candidate): expected a text or a SymPy expression", r"\1：应为文本或 SymPy 表达式"),
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
    (
        r"the expression has no finite value here \(division by zero, log of 0\?\)",
        "此处表达式没有有限值（除以零？log 0？）",
    ),
    (r"expression nested too deeply \(more than (\d+) levels\)", r"表达式嵌套太深（超过 \1 层）"),
    (r"input too long: (\d+) characters \(at most (\d+)\)", r"输入太长：\1 个字符（最多 \2 个）"),
    (r"input took too long to read", "读取输入超时"),
    (
        r"expected '(.+)' to close the '(.+)' at column (\d+) but found (.+)",
        r"应有 '\1' 来闭合第 \3 列的 '\2'，但遇到 \4",
    ),
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
    (
        r"'=' here: type one expression \(or use an equation check\)",
        "此处不应有 '='：请输入一个表达式（或使用等式检查）",
    ),
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
    (r"'lambda …:' is Python, not math", "'lambda …:' 是 Python，不是数学"),
    (r"'(.+)': a function takes its argument in parentheses", r"'\1'：函数的参数要写在括号里"),
    (r"'(.+)': a logarithm to base (\d+) is log\(x\)/log\((\d+)\)", r"'\1'：以 \2 为底的对数写作 log(x)/log(\3)"),
    (r"expected '(.+)' to close '(.+)'", r"应有 '\1' 来闭合 '\2'"),
)

_HINTS: tuple[tuple[str, str], ...] = (
    (rf"did you mean '(.+)'\? Or {_DECLARE_EN}", rf"你是想写 '\1' 吗？或者：{_DECLARE_ZH}"),
    (r"did you mean '(.+)'\? \(names are case-sensitive\)", r"你是想写 '\1' 吗？（名字区分大小写）"),
    (r"did you mean '(.+)'\?", r"你是想写 '\1' 吗？"),
    (_DECLARE_EN, _DECLARE_ZH),
    (
        r"did you mean (.+)\? Write a decimal point \(a comma separates arguments\)",
        r"你是想写 \1 吗？请用小数点（逗号用来分隔参数）",
    ),
    (r"this is not part of a formula", "这不是公式的一部分"),
    (r"did you mean (.+)\?", r"你是想写 \1 吗？"),
    (r"log and ln are natural", "log 与 ln 都是自然对数"),
    (r"scalar formulas only here", "这里只接受标量公式"),
    (r"λ alone is a name", "单独的 λ 是名字"),
    (r"write it in a simpler form", "请写得简单些"),
)

_NOTES: tuple[tuple[str, str], ...] = (
    (rf"'(.+)' is read as the product (.+); {_DECLARE_EN}", rf"'\1' 被理解为乘积 \2；{_DECLARE_ZH}"),
    (
        r"'(.+)' is not declared but '(.+)' is \(names are case-sensitive\)",
        r"'\1' 没有声明，但 '\2' 声明了（名字区分大小写）",
    ),
)

_SHAPE = re.compile(
    r"(?P<side>(?:left|right) side: )?(?P<head>.*?)(?: at column (?P<col>\d+))?"
    r"(?:; (?P<hint>.*))?",
    re.S,
)


_AT_COLUMN = re.compile(r" at column \d+$")  # a message quoted inside another keeps its own column
_LINE = re.compile(r"line (?P<line>\d+)(?:, column (?P<col>\d+))?: (?P<rest>.*)", re.S)


# messages that wrap another reader message: (pattern whose last group is the inner message, Chinese prefix)
_WRAPPERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"abbreviation '(.+?)' = '(.+?)': (.*)", re.S), r"缩写 '\1' = '\2'："),
    (re.compile(r"('.+?') is not a name: (.*)", re.S), r"\1 不是名字："),
    (re.compile(r"('.+?') is not a variable name: (.*)", re.S), r"\1 不是变量名："),
    (
        re.compile(r"cannot read the assumption ('.+?'): (?P<e>.*) \(e\.g\. ('.+')\)", re.S),
        r"无法读取假设 \1（例如 \3）：",
    ),
    (re.compile(r"assumption ('.+?'): (.*)", re.S), r"假设 \1："),
    (re.compile(r"cannot use this definition in matrix mode: (.*)", re.S), "矩阵模式下无法使用这个定义："),
    (re.compile(r"reference: (.*)", re.S), "参考答案："),
    (re.compile(r"candidate: (.*)", re.S), "你的答案："),
)
# what the reader found where it expected something else (``ReaderBase.describe``), and what a bracket
# was to close (``ReaderBase.expect``): phrases inside a translated message
_FOUND = (
    ("遇到 the end of the input", "遇到输入结尾"),
    ("the end of the input", "输入结尾"),
    ("来闭合 the subscript of the sum", "来闭合求和的下标"),
    ("来闭合 a (value, condition) pair", "来闭合一对（值, 条件）"),
    ("来闭合 the value of a Piecewise pair", "来闭合 Piecewise 一对中的值"),
    ("来闭合 the root index", "来闭合根指数"),
    ("来闭合 the derivative's denominator", "来闭合导数的分母"),
    ("来闭合 the layer superscript", "来闭合层号上标"),
)


def parse_error_zh(message: str) -> str:
    """The Chinese form of a reader message (``… at column N; hint``, also after a derivation's
    ``line N, column M: ``); parts without a Chinese pattern stay in English."""
    lm = _LINE.fullmatch(message)
    if lm is not None:
        where = f"第 {lm.group('line')} 行" + (f"第 {lm.group('col')} 列" if lm.group("col") else "")
        return f"{where}：{parse_error_zh(lm.group('rest'))}"
    for pattern, prefix in _WRAPPERS:
        wm = pattern.fullmatch(message)
        if wm is not None:
            inner = wm.group("e") if "e" in pattern.groupindex else wm.group(wm.lastindex or 0)
            return wm.expand(prefix) + parse_error_zh(inner)
    out = _parts_zh(message)
    for en, zh in _FOUND:
        out = out.replace(en, zh)
    return out


def _parts_zh(message: str) -> str:
    m = _SHAPE.fullmatch(message)
    if m is None:  # pragma: no cover - the pattern matches any text
        return message
    head = m.group("head")
    out = translate(head, _HEADS) or (parse_error_zh(head) if _AT_COLUMN.search(head) else head)
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

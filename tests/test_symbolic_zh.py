"""The formula reader, the slip catalogue and `equiv`'s verdicts speak Chinese with no English left over.

Every error the reader can raise is triggered by a row of READER_ERRORS; a test reads the raise sites of
the reader's modules (AST) and fails on a site no row reaches, so a new message cannot miss its Chinese.
Leftover English is found by an independent check: after removing what is quoted ('x', \\frac, σ(x)_i …)
and the names of functions and programs, no word of two or more Latin letters may remain.
"""

from __future__ import annotations

import ast
import json
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import dlquiz
from dlquiz.cli import cli
from dlquiz.errors import ParseError
from dlquiz.i18n import lazy
from dlquiz.symbolic.messages import note_zh, parse_error_zh
from dlquiz.symbolic.parse import canonical_name, parse_math, parse_relation

# names that stay as they are in Chinese text: functions the student types, programs, languages
ALLOWED = {
    "softmax",
    "sum",
    "prod",
    "diff",
    "log",
    "ln",
    "Piecewise",
    "LaTeX",
    "SymPy",
    "dlquiz",
    "equiv",
    "let",
    "assume",
    "Python",
    "logit",
    "sigma",
    "tanh",
    "relu",
    "ReLU",
    "Leaky",
    "Adam",
    "BPTT",
    "sigmoid",
    "RMSprop",
    "left",
    "right",
    "beta",
    "diag",
    "exp",
    "norm",
    "rowsum",
    "sqrt",
    "trace",
}


def english_words(zh: str) -> list[str]:
    """Latin words of `zh` outside quotes, commands and formulas (tokens with math punctuation)."""
    rest = re.sub(r"'[^']*'|\\\w+|\S*[_(){}^/\[\]=′'|]\S*", " ", zh)
    return [w for w in re.findall(r"[A-Za-z]{2,}", rest) if w not in ALLOWED]


def test_the_detector_sees_leftover_english() -> None:
    assert english_words("意外的 end of the input（第 6 列）") == ["end", "of", "the", "input"]
    assert english_words("未知的名字 'sigm'；你是想写 'sigma' 吗？例如 sum(y_k, k, 1, K) 或 \\frac") == []


def _latex(text: str) -> Callable[[], object]:
    return lambda: parse_math(text, latex=True)


def _math(text: str, **kw: object) -> Callable[[], object]:
    return lambda: parse_math(text, **kw)  # type: ignore[arg-type]


def _derivation(text: str) -> object:
    from dlquiz.symbolic.steps import _check_derivation

    return _check_derivation(text, 1.0)


# (what is read, how) -> the reader refuses it; one row at least for each message the reader can raise
READER_ERRORS: list[tuple[str, Callable[[], object]]] = [
    # tokenize.py
    ("too long", _math("x+" * 1001)),
    ("control character", _math("a\u0007b")),
    ("attribute access", _math("x.real")),
    ("double underscore", _math("x + __y")),
    ("Python word", _math("import")),
    ("lambda", _math("lambda x: x")),
    ("malformed superscript", _math("x⁻")),
    ("transpose mark", _math("xᵀ")),
    ("lone accent", _math("\u0302")),
    ("lone backslash", _math("\\")),
    ("unexpected character", _math("x $ y")),
    ("unexpected character, no hint", _math("x € y")),
    ("malformed number", _math("1.2.3")),
    ("number too long", _math("1" * 110)),
    # grammar.py
    ("empty", _math("")),
    ("equation", _math("x = 1")),
    ("comparison", _math("x < 1")),
    ("unbalanced", _math("x)")),
    ("unexpected token", _math("softmax(o)_i_j")),
    ("decimal comma", _math("0,5")),
    ("division by zero", _math("1/0")),
    ("number too large", _math("10^1000*10^1000")),
    ("prime after a bracket", _math("(x)'")),
    ("factorial", _math("x!")),
    ("missing exponent", _math("x^")),
    ("double superscript", _latex("\\frac{1}{2}^2^3")),
    ("exponent too large", _math("x^10000")),
    ("power too large", _math("99^999")),
    ("exponent not a number", _math("2^(sqrt(2))")),
    ("empty braces", _latex("\\frac{}{1}")),
    ("unclosed brace", _latex("\\frac{1}{2")),
    ("empty parentheses", _math("()")),
    ("unclosed parenthesis", _math("(x")),
    ("unclosed floor", _math("⌊x")),
    ("subscript first", _math("_x")),
    ("operator first", _math("*x")),
    ("superscript first", _math("²")),
    ("end after minus (issue 12)", _math("3 + x-")),
    ("exponent of a literal", _math("1e99999")),
    # read_base.py
    ("nested too deeply", _math("(" * 70 + "x" + ")" * 70)),
    ("no finite value", _math("log(0)")),
    ("expected '/'", _math("∂L")),
    # read_calculus.py
    ("indicator without comparison", _math("𝟙[x]")),
    ("indicator ends without comparison", _math("𝟙[x")),
    ("comparison always true", _math("𝟙[x = x]")),
    ("function without argument", _math("tanh")),
    ("function word needs parentheses", _math("max")),
    ("empty call", _math("sigma()")),
    ("unclosed call", _math("sigma(x")),
    ("subscript on a function", _math("tanh_i(x)")),
    ("primes nested", _math("sigma'(" * 9 + "x" + ")" * 9)),
    ("sum needs parentheses", _math("sum")),
    ("softmax arguments", _math("softmax(x, y)")),
    ("softmax two subscripts", _math("softmax_i(o)_j")),
    ("softmax plain name", _math("softmax(o+1)_i")),
    ("softmax logits", _math("softmax(o + 1)")),
    ("unknown function", _math("foo'(x)")),
    ("argument count", _math("max(x)")),
    ("prime on a function of two", _math("sigma''''(x)")),
    ("sum arguments", _math("sum(x, k, 1)")),
    ("diff arguments", _math("diff(x)")),
    ("diff order", _math("diff(x, x, 9)")),
    ("Piecewise pair", _math("Piecewise(x)")),
    ("Piecewise value", _math("Piecewise((x x))")),
    ("Piecewise unclosed", _math("Piecewise((x, x>0)")),
    ("sum index", _latex("\\sum_{1=1}^{K} x")),
    ("sum subscript", _latex("\\sum_{x+1=1}^{K} x")),
    ("sum without range", _latex("\\sum x")),
    ("derivative order not whole", _latex("\\frac{d^{1.5}}{dx^{1.5}} x")),
    ("derivative order too high", _latex("\\frac{d^{9}}{dx^{9}} x")),
    ("derivative variable", _math("d/d(1) x")),
    ("derivative variable e.g.", _latex("\\frac{d}{d 1} x")),
    ("derivative variable a name", _latex("\\frac{d}{d\\pi} x")),
    ("orders differ", _math("∂L/∂w²")),
    ("orders differ in d", _math("d/dx^2 y")),
    ("name after ∂", _math("∂1/∂w")),
    ("variable after ∂y/", _math("∂y/ 2")),
    ("variable is an abbreviation", _math("d/ds x", let={"s": "sigma(x)"})),
    ("variable after ∂", _math("∂L/∂ 1")),
    ("no variable after ∂L/", _math("∂L/")),
    # read_latex.py
    ("zeroth root", _latex("\\sqrt[0]{x}")),
    ("root index", _latex("\\sqrt[2 x")),
    ("lvert", _latex("\\lvert x")),
    ("left( unclosed", _latex("\\left( x")),
    ("left. unclosed", _latex("\\left\\| x")),
    ("partial alone", _latex("\\partial L")),
    ("latex transpose", _latex("x^\\top")),
    ("integral", _latex("\\int x")),
    ("unknown command", _latex("\\foo")),
    ("hat of two letters", _latex("\\hat{12}")),
    ("hat of a digit", _latex("\\hat 1")),
    ("hat unclosed", _latex("\\hat{xy}")),
    ("accent subscript twice", _latex("\\hat{x_1}_2")),
    ("mathrm unknown", _latex("\\mathrm{pad}")),
    ("mathrm unclosed", _latex("\\mathrm{pad")),
    ("mathbb one", _latex("\\mathbb{1 x")),
    ("frac by zero", _latex("\\frac{1}{0}")),
    ("derivative denominator", _latex("\\frac{d}{dx x")),
    # read_names.py
    ("indicator alone", _math("𝟙")),
    ("product sign alone", _math("Π")),
    ("four primes", _math("f''''(x)")),
    ("unknown function name", _math("sigm'(x)")),
    ("primes of two variables", _math("f'(x,y)")),
    ("log base", _math("log10(x)")),
    ("function word without parentheses", _math("ln2")),
    ("name two subscripts", _math("x_1^{[1]}_2")),
    ("unknown name", _math("sigm(x)")),
    ("case", _math("Relu(x)")),
    ("empty subscript", _math("x_{}")),
    ("unclosed subscript", _math("x_{1")),
    ("subscript missing", _math("x_*")),
    ("subscript at the end", _math("x_")),
    ("bad subscript", _math("x_{1+}")),
    ("layer superscript", _math("x^{[1}")),
    ("layer superscript brace", _math("x^{[1]")),
    # parse.py
    ("not a text", lambda: parse_math(3)),  # type: ignore[arg-type]
    ("no equation", lambda: parse_relation("x")),
    ("two equals", lambda: parse_relation("x = y = z")),
    ("left side", lambda: parse_relation("x- = 1")),
    ("right side", lambda: parse_relation("x = y-")),
    ("abbreviation", _math("s", let={"s": "sigm(x)"})),
    ("not a name", lambda: canonical_name("x-")),
    ("not a single name", lambda: canonical_name("x+y")),
    # a derivation line: the column goes in front, also the one of the bracket the message quotes
    ("line: unclosed bracket", lambda: _derivation("    x\n  = (x]\n")),
    ("line: bracket open at the end", lambda: _derivation("    x\n  = (x\n")),
]

# messages no input is known to reach, with their fields: the reader's clock (a whole second of reading),
# and SymPy refusing a value after the reader's own checks passed (guards)
CANNOT_TRIGGER: list[tuple[str, dict[str, Any]]] = [
    ("input took too long to read", {}),
    ("'{function}' has no value for this argument", {"function": "sigma"}),
    ("this Piecewise has no value", {}),
    ("this power has no value", {}),
]


def _raised(make: Callable[[], object]) -> ParseError:
    with pytest.raises(ParseError) as err:
        make()
    return err.value


@pytest.mark.parametrize("make", [m for _, m in READER_ERRORS], ids=[n for n, _ in READER_ERRORS])
def test_every_reader_error_is_all_chinese(make: Callable[[], object]) -> None:
    exc = _raised(make)
    zh = parse_error_zh(str(exc))
    assert re.search(r"[\u4e00-\u9fff]", zh), (str(exc), zh)
    assert not english_words(zh), (str(exc), zh)
    if f"at column {exc.column}" in str(exc):
        assert f"第 {exc.column} 列" in zh, (str(exc), zh)


def test_the_issue_example() -> None:
    zh = parse_error_zh(str(_raised(_math("3 + x-"))))
    assert zh == "输入意外结束：'-' 后应有数、名字或 '('（第 7 列）"
    zh = parse_error_zh(str(_raised(_math("(x"))))
    assert zh == "应有 ')' 来闭合第 1 列的 '('，但遇到输入结尾（第 3 列）"


READER_MODULES = ["tokenize", "grammar", "read_base", "read_calculus", "read_latex", "read_names", "parse", "messages"]


def _template_pattern(msgid: str) -> str:
    """A regex for the English of a catalog message: its text, with any value for each field."""
    out = []
    for literal, name, _spec, _conv in string.Formatter().parse(msgid):
        out.append(re.escape(literal))
        if name is not None:
            out.append(".*")
    return "".join(out)


def catalog_sites(module: str) -> list[tuple[str, str]]:
    """(place, msgid) of every message a module writes: the first argument of its `lazy` and `N_` calls."""
    path = Path(dlquiz.__file__).parent / "symbolic" / f"{module}.py"
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("lazy", "N_")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            out.append((f"{module}.py:{node.lineno}", node.args[0].value))
    return out


# (text, names declared) -> a note on how the text was read
NOTE_ROWS = [("pad", ()), ("f", ("F",))]


def _notes() -> list[str]:
    return [n for text, names in NOTE_ROWS for n in parse_math(text, names=names).notes]


def test_notes_are_chinese() -> None:
    notes = _notes()
    assert len(notes) == len(NOTE_ROWS)
    for note in notes:
        zh = note_zh(note)
        assert re.search(r"[\u4e00-\u9fff]", zh) and not english_words(zh), (note, zh)
        assert note_zh(str(note)) == zh  # the English text alone finds its message


def test_every_raise_site_has_a_row() -> None:
    written = [str(_raised(m)) for _, m in READER_ERRORS] + _notes()
    sites = [site for module in READER_MODULES for site in catalog_sites(module)]
    assert len(sites) > 100  # the extraction found the reader's messages
    untriggered = {msgid for msgid, _ in CANNOT_TRIGGER}
    missing = [
        (place, msgid)
        for place, msgid in sites
        if msgid not in untriggered and not any(re.search(_template_pattern(msgid), w, re.S) for w in written)
    ]
    assert not missing, f"reader messages without a row in READER_ERRORS: {missing}"


def test_every_reader_message_is_a_catalog_message() -> None:
    # no reader error is worded outside the catalog: every raise site passes a `lazy` message (or a message
    # made from one), never an f-string or a literal
    for module in READER_MODULES:
        path = Path(dlquiz.__file__).parent / "symbolic" / f"{module}.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name in ("error", "fail", "ParseError", "at_column"):
                assert not isinstance(node.args[0], ast.Constant | ast.JoinedStr | ast.BinOp), (
                    f"{module}.py:{node.lineno}: a message written outside the catalog"
                )


@pytest.mark.parametrize(("msgid", "fields"), CANNOT_TRIGGER)
def test_errors_no_test_can_trigger_are_chinese_too(msgid: str, fields: dict[str, Any]) -> None:
    from dlquiz.symbolic.messages import at_column

    message = at_column(lazy(msgid, **fields), 4)
    assert str(message) == msgid.format(**fields) + " at column 4"
    zh = parse_error_zh(message)
    assert zh.endswith("（第 4 列）") and not english_words(zh), zh


# --------------------------------------------------------------------------- assumptions (--assume, 'assume' lines)

ASSUMPTION_ERRORS: list[tuple[str, tuple[str, ...]]] = [
    ("empty", ("",)),
    ("too long", ("x" * 301,)),
    ("missing side", ("x >> 0",)),
    ("not a variable", ("1+ > 0",)),
    ("no variable", (", positive",)),
    ("not a number", ("x > abc",)),
    ("not a size", ("k < x < m + y",)),
    ("odd and even", ("n odd even",)),
    ("positive and negative", ("x positive negative",)),
    ("empty set", ("y in {}",)),
    ("empty interval", ("y in (1, 0)",)),
    ("set or interval", ("y in [a",)),
    ("unknown property", ("x wobbly",)),
    ("no relation", ("x ~ 0",)),
    ("two equals", ("x = y = z",)),
    ("equation without variable", ("1 = 2",)),
    ("!= alone", ("x != 0 != y",)),
    ("only x != 0", ("x != 1",)),
    ("chain of three", ("0 < x < 1 < 2",)),
    ("chain both ways", ("0 < x > 1",)),
    ("set for a range", ("n in 3..1",)),
    ("empty range", ("2 < x < 1",)),
    ("reader error inside", ("x > 1e99999",)),
    ("odd and even together", ("n odd", "n even")),
    ("no value left", ("x > 1", "x < 0")),
]


# the words an assumption is written with (shown in the messages as examples of what to type)
def _assumption_words() -> set[str]:
    from dlquiz.symbolic.assumptions import _TYPES

    return {w for key in _TYPES for w in re.findall(r"[a-z]+", key)} | {"odd", "even", "in"}


ASSUMPTION_WORDS = _assumption_words()


def _assumption_error(texts: tuple[str, ...]) -> ParseError:
    from dlquiz.symbolic.assumptions import build_context, parse_assumption

    return _raised(lambda: parse_assumption(texts[0]) if len(texts) == 1 else build_context(texts))


@pytest.mark.parametrize("texts", [a for _, a in ASSUMPTION_ERRORS], ids=[n for n, _ in ASSUMPTION_ERRORS])
def test_every_assumption_error_is_all_chinese(texts: tuple[str, ...]) -> None:
    exc = _assumption_error(texts)
    zh = parse_error_zh(str(exc))
    assert re.search(r"[\u4e00-\u9fff]", zh), (str(exc), zh)
    assert not set(english_words(zh)) - ASSUMPTION_WORDS, (str(exc), zh)
    if exc.column is not None and f"at column {exc.column}" in str(exc):
        assert f"第 {exc.column} 列" in zh


def test_every_assumption_site_has_a_row() -> None:
    sites = catalog_sites("assumptions")
    written = [str(_assumption_error(a)) for _, a in ASSUMPTION_ERRORS]
    assert len(sites) > 20
    missing = [(place, m) for place, m in sites if not any(re.search(_template_pattern(m), w, re.S) for w in written)]
    assert not missing, f"assumption errors without a row in ASSUMPTION_ERRORS: {missing}"


def test_equiv_assumption_error_in_chinese() -> None:
    r = CliRunner().invoke(cli, ["equiv", "x", "x", "--assume", "x >> 0", "--lang", "zh"])
    assert r.exit_code == 2
    assert "关系缺少一边" in r.output and "missing" not in r.output


DERIVATIONS_ZH = [
    ("assume x >> 0\n    x\n  = x\n", "关系缺少一边"),
    ("assume n odd\nassume n even\n    x\n  = x\n", "无法比较这两步"),
    ("matrix W: n x n\nvector v: n\n    W v\n  = v W\n", "内侧的维度不同"),
    ("matrix W: n x m\nvector v: n\n    W + v\n  = v\n", "形状错误：v 的形状是 n×1"),
    ("matrix W: n x m\nmatrix A: m x n\n    W\n  = W + A\n", "W（n×m）与 A（m×n）的形状不同"),
    ("matrix W: n x n\n    W^(n)\n  = W\n", "只支持整数次的逐元素幂"),
    ("matrix W: n x n\n    |W|\n  = W\n", "矩阵模式中不能用 |·|"),
    ("matrix W: n x n\n    ‖W‖_3\n  = W\n", "范数 ‖·‖_3"),
    ("matrix W: n x n\n    foo(W)\n  = W\n", "矩阵模式不认识函数 'foo'"),
    ("matrix W: n x m\n    diag(W)\n  = W\n", "非方阵的 diag"),
]


# malformed derivations: the error names the line and column, in Chinese
DERIVATION_ERRORS = [
    ("let = 3\n    x\n  = x\n", "应为 'let NAME = expression'"),
    ("let 2x = 3\n    x\n  = x\n", "无法定义 '2x'"),
    ("matrix W\n    x\n  = x\n", "矩阵需要两个大小"),
    ("vector v: n x m\n    v\n  = v\n", "向量需要一个大小"),
    ("matrix W: n x n\n    dQ\n  = W\n", "未知的梯度 'dQ'"),
    ("matrix W: n x n\n    W\n  = Q\n", "未知的名字 'Q'"),
    ("= x\n", "以 '=' 开头的一步前面需要有表达式"),
    ("    x\n  = \n", "'=' 的一边是空的"),
    ("matrix W: n x n\n    (W\n  = W\n", "缺少 ')'"),
    ("matrix W: n x n\n    W^\n  = W\n", "幂需要指数"),
    ("matrix W: n x n\n    W +\n  = W\n", "表达式提前结束"),
    ("matrix W: n x n\n    ‖W\n  = W\n", "范数缺少右边的 ‖"),
    ("matrix W: n x n\n    W $\n  = W\n", "矩阵表达式中意外的 '$'"),
    ("let s = sigm(x)\n    s\n  = s\n", "未知的名字 'sigm'"),
    ("# only a comment\nlet s = x\n", "推导中没有步骤"),
]


@pytest.mark.parametrize(("text", "expected"), DERIVATION_ERRORS)
def test_derivation_errors_in_chinese(text: str, expected: str) -> None:
    r = CliRunner().invoke(cli, ["check", "-", "--lang", "zh"], input=text)
    assert r.exit_code == 2, r.output
    assert expected in r.output, r.output
    assert not set(english_words(r.output)) - ASSUMPTION_WORDS - {"stdin"}, r.output


@pytest.mark.parametrize(("text", "expected"), DERIVATIONS_ZH)
def test_check_messages_in_chinese(text: str, expected: str) -> None:
    r = CliRunner().invoke(cli, ["check", "-", "--lang", "zh"], input=text)
    assert expected in r.output, r.output
    shown = [line for line in r.output.splitlines() if not re.match(r"\s*[·✓✗?]\s+\d+ ", line)]  # not the echo
    words = [w for line in shown for w in english_words(line)]
    assert not set(words) - ASSUMPTION_WORDS - {"stdin"}, r.output


# --------------------------------------------------------------------------- slip names


def test_every_slip_has_a_chinese_name() -> None:
    from dlquiz.symbolic.slips import SHAPE, SLIPS, slip_name

    for name in [s.name for s in SLIPS] + [SHAPE]:
        zh = slip_name(name, "zh")
        assert zh != name and re.search(r"[\u4e00-\u9fff]", zh), name
        assert not english_words(zh), (name, zh)
        assert slip_name(name, "en") == name
    assert slip_name("a rule nobody named", "zh") == "a rule nobody named"


def test_check_names_the_slip_in_chinese() -> None:
    text = "let s = sigma(x)\n    d/dx s\n  = (1 - s)^2\n"
    r = CliRunner().invoke(cli, ["check", "-", "--lang", "zh"], input=text, catch_exceptions=False)
    assert r.exit_code == 1, r.output
    assert "wrong form of σ′" not in r.output
    assert "σ′ 的形式写错" in r.output
    r = CliRunner().invoke(cli, ["check", "-", "--lang", "en"], input=text, catch_exceptions=False)
    assert "wrong form of σ′" in r.output


# --------------------------------------------------------------------------- equiv's verdicts

EQUIV = [
    ("sigma(x)*(1-sigma(x))", "(1-sigma(x))^2", "not_equal"),
    ("x", "sqrt(x^2)", "domain_only"),
    ("x", "x + 1e-30", "not_equal"),
    ("exp(log(x))", "x", "equal"),
    ("x", "x + 1", "not_equal"),
]


@pytest.mark.parametrize(("ref", "cand", "verdict"), EQUIV)
def test_equiv_verdict_reason_in_chinese(ref: str, cand: str, verdict: str) -> None:
    r = CliRunner().invoke(cli, ["equiv", ref, cand, "--json", "--lang", "zh"], catch_exceptions=False)
    d = json.loads(r.output)
    assert d["verdict"] == verdict
    zh = d["message_zh"]
    assert zh and re.search(r"[\u4e00-\u9fff]", zh) and not english_words(zh), (d["message"], zh)
    r = CliRunner().invoke(cli, ["equiv", ref, cand, "--lang", "zh"], catch_exceptions=False)
    assert zh in r.output.replace("\n", "")
    assert d["message"] not in r.output


def test_equiv_names_the_slip_in_chinese() -> None:
    r = CliRunner().invoke(
        cli, ["equiv", "sigma(x)*(1-sigma(x))", "(1-sigma(x))^2", "--lang", "zh"], catch_exceptions=False
    )
    assert "σ′ 的形式写错" in r.output and "wrong form" not in r.output
    d = json.loads(CliRunner().invoke(cli, ["equiv", "sigma(x)*(1-sigma(x))", "(1-sigma(x))^2", "--json"]).output)
    assert d["rule"] == "wrong form of σ′" and d["rule_zh"] == "σ′ 的形式写错"


def test_equiv_reader_error_in_chinese() -> None:
    r = CliRunner().invoke(cli, ["equiv", "x", "3 + x-", "--lang", "zh"])
    assert r.exit_code == 2
    assert "输入意外结束" in r.output and "end of the input" not in r.output


# the reasons the checker writes (policy.py, sampling.py, worker.py, limited.py, equivalence.py): each a catalog
# message with its fields, as the checker makes it
VERDICT_REASONS: list[tuple[str, dict[str, Any]]] = [
    ("identical after rewriting", {}),
    ("proved symbolically", {}),
    ("depends on an unknown function ({names}); define it with an abbreviation (let)", {"names": "f"}),
    (
        "differs at {point} (expected {expected}, given {given})",
        {"point": "x = 0.922", "expected": "0.2035", "given": "0.081"},
    ),
    (
        "differs at {point} (expected {expected}, given {given})",
        {"point": lazy("a sampled point"), "expected": "1", "given": lazy("undefined")},
    ),
    (
        "equal for {where}; differs at {point} (expected {expected}, given {given})",
        {"where": "x > 0", "point": "x = -546", "expected": "-546", "given": "546"},
    ),
    (
        "equal for {where}; differs at {point} (expected {expected}, given {given})",
        {
            "where": lazy("the sampled points with {name} > {value}", name="x", value="0.5"),
            "point": "x = -2",
            "expected": "2",
            "given": "-2",
        },
    ),
    (
        "equal at {agree} of {sampled} sampled points; differs at {point} (expected {expected}, given {given})",
        {"agree": 12, "sampled": 20, "point": "x = 3", "expected": "1", "given": "2"},
    ),
    ("the two differ by the constant {constant} (too small to see at the sampled points)", {"constant": "1e-40"}),
    (
        "differs by a tiny amount at {point} (expected − given = {difference})",
        {"point": "x = 1", "difference": "1e-30"},
    ),
    (
        "cannot evaluate numerically ({reason}) and no proof was found",
        {"reason": lazy("could not draw a point that meets the assumptions")},
    ),
    ("{reason}, and no proof was found", {"reason": lazy("the two differ exactly at a kink ({point})", point="x = 0")}),
    (
        "{reason}, and no proof was found",
        {"reason": lazy("whole values of {names} within their ranges could not all be checked", names="n, k")},
    ),
    (
        "{reason}, and no proof was found",
        {
            "reason": lazy(
                "{total} combinations of residues modulo {modulus} of {names} are too many to check",
                total=4096,
                modulus=8,
                names="n, k",
            )
        },
    ),
    ("ran out of time before every sample point was checked", {}),
    (
        "the constant {constant} is too small or too large to compare numerically, and no proof was found",
        {"constant": "10^400"},
    ),
    (
        "numerically equal at {n} random points to 25 significant digits (no symbolic proof within the time limit)",
        {"n": 20},
    ),
    ("numerically equal at {n} random points to 25 significant digits (no symbolic proof found)", {"n": 20}),
    ("only {n} sampled points are defined for both and no proof was found", {"n": 3}),
    ("time limit reached ({seconds:g} s)", {"seconds": 3.0}),
    ("time limit reached (reading the formula took over {seconds:g} s)", {"seconds": 1.0}),
    ("time limit reached", {}),
]


@pytest.mark.parametrize(("msgid", "fields"), VERDICT_REASONS)
def test_verdict_reasons_are_chinese(msgid: str, fields: dict[str, Any]) -> None:
    from dlquiz.symbolic.equivalence import AnswerCheck, Verdict

    message = lazy(msgid, **fields)
    check = AnswerCheck(verdict=Verdict.UNDECIDED, message=message)
    zh = check.message_in("zh")
    assert re.search(r"[\u4e00-\u9fff]", zh) and not english_words(zh), zh
    for number in re.findall(r"-?\d+(?:\.\d+)?", str(message)):  # the numbers of the reason are kept
        assert number in zh, (number, zh)
    assert check.message_in("en") == str(message) == msgid.format(**fields)
    assert json.loads(json.dumps({"m": message}))["m"] == str(message)  # JSON shows the English


def test_reference_error_in_chinese() -> None:
    from dlquiz.symbolic.equivalence import check_equivalence

    r = check_equivalence(expected="sigm(x)", given="x")
    assert r.verdict.value == "error"
    assert r.message.startswith("reference: unknown name 'sigm'")
    zh = r.message_in("zh")
    assert zh.startswith("参考答案：") and "unknown name" not in zh, zh


# derivation reports (report.py): every line a catalog message, English unchanged
REPORTS: list[tuple[dict[str, Any], str, str]] = [
    (
        {"given": [], "start": "d/dx x^2", "goal": "2*x", "steps": ["= d/dx (x*x)"]},
        "every step holds, but the chain stops at d/dx (x·x): bring it to the goal's form 2·x",
        "每一步都成立，但推导链停在 d/dx (x·x)：请化成目标的形式 2·x",
    ),
    (
        {"given": [], "start": "d/dx x^3", "goal": "3*x^2", "steps": ["= 3*x^2", "= 3*x"]},
        "changed part: x (where the previous step has x**2)",
        "改动出错处：x（上一步此处为 x**2）",
    ),
    (
        {"given": ["s = sigma(x)"], "start": "d/dx s", "goal": "s*(1 - s)", "steps": ["= (1 - s)^2"]},
        "known slip: σ′(z) = σ(z)(1 − σ(z)); (1 − σ)², σ(1 + σ) or σ² are not the derivative of σ.",
        "常见错误：σ′(z) = σ(z)(1 − σ(z))；(1 − σ)²、σ(1 + σ) 或 σ² 都不是 σ 的导数。",
    ),
    (
        {"given": ["matrix W: n x m", "matrix A: m x n"], "start": "W", "goal": "W", "steps": ["= W + A"]},
        "shape error: W (n×m) plus A (m×n): the shapes differ",
        "形状错误：W（n×m）与 A（m×n）的形状不同",
    ),
]


@pytest.mark.parametrize(("item", "english", "chinese"), REPORTS)
def test_derivation_report_in_chinese(item: dict[str, Any], english: str, chinese: str) -> None:
    from dlquiz.symbolic.steps import check_item_derivation, format_report

    report = check_item_derivation(**item)
    en, zh = format_report(report, lang="en"), format_report(report, lang="zh")
    assert english in en and chinese in zh, (en, zh)
    lines = [ln for ln in zh.splitlines() if not ln.startswith(("✓", "✗", "·", "?"))]  # the step lines echo formulas
    assert not [w for ln in lines for w in english_words(ln)], zh
    assert "推导在第" in zh and "The derivation breaks at line" in en

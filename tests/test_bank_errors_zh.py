"""A bank's problems are said in the reader's language: `dlquiz bank check` and the quiz's load error list
every problem with its place (file:line, item id, field) in English as before, and in Chinese from the
catalog with no English sentence left (the TOML fields, ids and values an author types stay as typed).

Each case writes a bank file with one fault and reads it through the public API (`read_bank`, the content,
duplicate and coverage gates, `check_item`); the command-line cases run the real commands."""

from __future__ import annotations

import errno
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ENGLISH, subprocess_env

from dlquiz.bank import load_bank, read_bank
from dlquiz.bank.check import check_item, content_problems, coverage_problems, duplicate_problems
from dlquiz.bank.load import Problem
from dlquiz.bank.syllabus import load_syllabus
from dlquiz.errors import BankError
from dlquiz.i18n import localized

HEAD = """[[item]]
id = "act.relu.a"
topic = "act.relu"
difficulty = 1
source = "004_96e5ea7d078c6618"
prompt.en = "p"
prompt.zh = "题"
explanation.en = "e"
explanation.zh = "解"
"""
TWO = 'choices = [{ en = "x", zh = "x" }, { en = "y", zh = "y" }]\n'
SINGLE = HEAD + 'kind = "single"\n' + TWO + 'answer = "a"\n'
AT = "q/04-fnn/x.toml:1: item act.relu.a: "
AT_ZH = "q/04-fnn/x.toml:1：题 act.relu.a："


def single(old: str, new: str) -> str:
    """The valid single-choice item with `old` replaced by `new`."""
    assert old in SINGLE
    return SINGLE.replace(old, new)


def kind(name: str, fields: str) -> str:
    """An item of kind `name` with `fields` (TOML lines)."""
    return HEAD + f'kind = "{name}"\n' + fields


def _bank(tmp_path: Path, text: str | bytes) -> Path:
    root = tmp_path / "q"
    (root / "04-fnn").mkdir(parents=True)
    target = root / "04-fnn" / "x.toml"
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    return root


def _said(problems: list[Problem], english: str) -> Problem:
    found = [p for p in problems if str(p) == english]
    assert found, "\n".join(str(p) for p in problems)
    return found[0]


def _no_english(text: str) -> None:
    assert not ENGLISH.search(text.replace("dlquiz", "")), text


# (the file, the problem in English, the problem in Chinese): the format of an item's fields
FIELDS: list[tuple[str, str, str]] = [
    (
        single('topic = "act.relu"', 'topic = "act.relux"'),
        "topic: unknown topic 'act.relux' (see `dlquiz topics`)",
        "topic：未知主题 'act.relux'（见 `dlquiz topics`）",
    ),
    (
        single("difficulty = 1", "difficulty = 7"),
        "difficulty: expected 1, 2 or 3, got 7",
        "difficulty：应为 1、2 或 3，实际是 7",
    ),
    (
        single('source = "004_96e5ea7d078c6618"', 'source = "book:nope §1.1"'),
        "source: unknown book 'nope' (expected one of: d2l, dlbook, nndl)",
        "source：未知的 book 'nope'（应为以下之一：d2l、dlbook、nndl）",
    ),
    (
        single('source = "004_96e5ea7d078c6618"', 'source = "005"'),
        "source: unknown source '005' (expected a note file: 000_ffe98cf169f07fd8, 001_5341a1bc78b11cf8, "
        "002_84c513d9e61824c6, 003_af4b22134ec6ff82, 004_96e5ea7d078c6618; or book:d2l §N.N, book:dlbook §N.N, "
        "book:nndl §N.N; or course:cs231n SECTION, course:dlai SECTION)",
        "source：未知出处 '005'（应为笔记文件：000_ffe98cf169f07fd8，001_5341a1bc78b11cf8，002_84c513d9e61824c6，"
        "003_af4b22134ec6ff82，004_96e5ea7d078c6618；或 book:d2l §N.N，book:dlbook §N.N，book:nndl §N.N；"
        "或 course:cs231n 章节，course:dlai 章节）",
    ),
    (
        single('prompt.en = "p"\nprompt.zh = "题"', 'prompt = "p"'),
        "prompt: expected a table with en and zh, got str",
        "prompt：应为含 en 和 zh 的表，实际是字符串",
    ),
    (
        single('prompt.en = "p"\nprompt.zh = "题"', "prompt = 1979-05-27T07:32:00"),
        "prompt: expected a table with en and zh, got datetime",
        "prompt：应为含 en 和 zh 的表，实际是日期时间",
    ),
    (
        single('explanation.en = "e"\nexplanation.zh = "解"\n', ""),
        "explanation: missing (needs en and zh)",
        "explanation：缺失（需要 en 和 zh）",
    ),
    (single('prompt.zh = "题"', 'prompt.zh = " "'), "prompt.zh: empty", "prompt.zh：为空"),
    (single('prompt.zh = "题"\n', ""), "prompt.zh: missing language", "prompt.zh：缺少这种语言的文本"),
    (
        single('prompt.zh = "题"', 'prompt.zh = "题"\nprompt.fr = "q"'),
        "prompt: unknown language key(s) ['fr'] (expected en, zh)",
        "prompt：未知的语言键 ['fr']（应为 en、zh）",
    ),
    (
        single('answer = "a"', 'answer = "a"\nhints = "h"'),
        "hints: expected an array of { en = ..., zh = ... }",
        "hints：应为由 { en = ..., zh = ... } 组成的数组",
    ),
    (
        single('answer = "a"', 'answer = "a"\nhints = ["h"]'),
        "hints[1]: expected { en = ..., zh = ... }",
        "hints[1]：应为 { en = ..., zh = ... }",
    ),
    (
        single('answer = "a"', "answer = 3"),
        "answer: expected a choice letter, got 3",
        "answer：应为一个选项字母，实际是 3",
    ),
    (
        single('answer = "a"', 'answer = "d"'),
        "answer: choice 'd' is not among the choices (a, b)",
        "answer：选项 'd' 不在选项之中（a、b）",
    ),
    (
        single('kind = "single"', 'kind = "singel"'),
        "kind: unknown kind 'singel' (expected one of: single, multi, truefalse, short, ordering, numeric, formula, "
        "derivation, explain)",
        "kind：未知题型 'singel'（应为以下之一：single、multi、truefalse、short、ordering、numeric、formula、"
        "derivation、explain）",
    ),
    (
        single('answer = "a"', 'answer = "a"\nanswr = "b"'),
        "answr: unknown field for kind single",
        "answr：single 题型没有这个字段",
    ),
    (
        single('answer = "a"', 'answer = "a"\ntime = 0'),
        "time: expected a positive number of seconds, got 0",
        "time：应为正的秒数，实际是 0",
    ),
    (single('answer = "a"', 'answer = "a"\ntags = [1]'), "tags: expected an array of strings", "tags：应为字符串数组"),
    (
        single(TWO, 'choices = [{ en = "x", zh = "x" }]\n'),
        "choices: expected 2 to 8 choices",
        "choices：应有 2 到 8 个选项",
    ),
    (
        single('answer = "a"', 'answer = "a"\nshuffle = "no"'),
        "shuffle: expected true or false, got 'no'",
        "shuffle：应为 true 或 false，实际是 'no'",
    ),
    (
        single('answer = "a"', 'answer = "a"\nmistakes = [{ answer = "a", en = "m", zh = "错" }]'),
        "mistakes[1].answer: 'a' is the key itself, not a mistake",
        "mistakes[1].answer：'a' 就是标准答案，不是错误答案",
    ),
    (
        single(
            'answer = "a"',
            'answer = "a"\nmistakes = [{ answer = "b", en = "m", zh = "错" }, { answer = "b", en = "n", zh = "误" }]',
        ),
        "mistakes[2].answer: 'b' is listed twice",
        "mistakes[2].answer：'b' 列出了两次",
    ),
    (
        single('answer = "a"', 'answer = "a"\nmistakes = "b"'),
        "mistakes: expected an array of { answer = ..., en = ..., zh = ... }",
        "mistakes：应为由 { answer = ..., en = ..., zh = ... } 组成的数组",
    ),
    (
        single('answer = "a"', 'answer = "a"\nmistakes = [{ en = "m", zh = "错" }]'),
        "mistakes[1]: expected { answer = ..., en = ..., zh = ... }",
        "mistakes[1]：应为 { answer = ..., en = ..., zh = ... }",
    ),
    (
        kind("multi", TWO + 'answer = "a"\n'),
        "answer: expected an array of choice letters, got 'a'",
        "answer：应为选项字母的数组，实际是 'a'",
    ),
    (kind("multi", TWO + 'answer = ["a", "a"]\n'), "answer: a letter is repeated", "answer：有字母重复"),
    (
        kind("ordering", TWO + 'answer = "ab"\n'),
        "answer: expected an array of choice letters in order, got 'ab'",
        "answer：应为按顺序排列的选项字母数组，实际是 'ab'",
    ),
    (
        kind("ordering", TWO + 'answer = ["a", "a"]\n'),
        "answer: must name every choice exactly once (ab)",
        "answer：每个选项必须恰好出现一次（ab）",
    ),
    (
        kind("ordering", TWO + 'answer = ["a", "b"]\nanswers = [{ order = ["a", "b"] }]\n'),
        "answers: give either answer or answers, not both",
        "answers：answer 和 answers 只能给一个",
    ),
    (
        kind("ordering", TWO + "answers = []\n"),
        "answers: expected an array of { order = [letters], en = ..., zh = ... }",
        "answers：应为由 { order = [字母], en = ..., zh = ... } 组成的数组",
    ),
    (
        kind("ordering", TWO + 'answers = ["ab"]\n'),
        "answers[1]: expected { order = [letters], en = ..., zh = ... }",
        "answers[1]：应为 { order = [字母], en = ..., zh = ... }",
    ),
    (
        kind(
            "ordering",
            TWO
            + 'answers = [{ order = ["a", "b"], en = "u", zh = "甲" }, { order = ["a", "b"], en = "v", zh = "乙" }]\n',
        ),
        "answers[2].order: the same order is listed twice",
        "answers[2].order：同一个顺序列出了两次",
    ),
    (
        kind(
            "explain", 'model_answer = { en = "A. B. C.", zh = "甲。乙。丙。" }\nrubric = [{ en = "a", zh = "甲" }]\n'
        ),
        "rubric: expected 3 to 5 key points { en = ..., zh = ... }",
        "rubric：应有 3 到 5 条要点 { en = ..., zh = ... }",
    ),
    (
        kind("truefalse", 'answer = "yes"\n'),
        "answer: expected true or false, got 'yes'",
        "answer：应为 true 或 false，实际是 'yes'",
    ),
    (
        kind("truefalse", 'answer = true\nmistakes = [{ answer = false, en = "m", zh = "错" }]\n'),
        "mistakes[1]: a true/false item has no wrong answers to list",
        "mistakes[1]：判断题没有可列的错误答案",
    ),
    (
        kind("short", "answer = []\n"),
        "answer: expected an array of accepted answers, got []",
        "answer：应为可接受答案的数组，实际是 []",
    ),
    (
        kind(
            "short", 'answer = ["relu", "ReLU", "rectifier"]\nmistakes = [{ answer = "ReLU", en = "m", zh = "错" }]\n'
        ),
        "mistakes[1].answer: 'ReLU' is an accepted answer, not a mistake",
        "mistakes[1].answer：'ReLU' 是可接受的答案，不是错误答案",
    ),
    (
        kind("numeric", "answer = 1\ngenerator = 3\n"),
        "generator: expected a generator name, got 3",
        "generator：应为生成器的名称，实际是 3",
    ),
    (
        kind("numeric", ""),
        "answer: missing (a number, or a `generator` that computes it)",
        "answer：缺失（应为一个数，或计算它的 `generator`）",
    ),
    (
        kind("numeric", 'answer = "three"\n'),
        "answer: expected a finite number, got 'three'",
        "answer：应为有限的数，实际是 'three'",
    ),
    (
        kind("numeric", "answer = 1\ntolerance = -1\n"),
        "tolerance: expected a non-negative number, got -1",
        "tolerance：应为非负数，实际是 -1",
    ),
    (
        kind("numeric", 'generator = "loss.bce"\nparams = 3\n'),
        "params: expected a table of parameter values",
        "params：应为参数值的表",
    ),
    (
        kind("numeric", 'generator = "loss.bce"\nask = 3\n'),
        "ask: expected a value name (or an array of names for a multi-part item), got 3",
        "ask：应为一个值的名称（多问题目为名称数组），实际是 3",
    ),
    (
        kind("numeric", 'generator = "loss.bce"\nask = "a"\nparts = [{ ask = "a" }, { ask = "b" }]\n'),
        "ask: give either ask or parts, not both (parts lists every value asked)",
        "ask：ask 和 parts 只能给一个（parts 列出要问的每个值）",
    ),
    (
        kind("numeric", "answer = 1\nparams = { y = 1 }\n"),
        "generator: params/ask/parts given without a generator",
        "generator：给了 params/ask/parts，却没有 generator",
    ),
    (
        kind("numeric", 'generator = "loss.bce"\nanswer = 1\nparts = [{ ask = "a" }, { ask = "b" }]\n'),
        "answer: a multi-part item takes its keys from the generator: remove answer",
        "answer：多问题目的答案来自生成器：请删去 answer",
    ),
    (
        kind(
            "numeric",
            'generator = "loss.bce"\nparts = [{ ask = "a" }, { ask = "b" }]\n'
            'mistakes = [{ answer = 1, en = "m", zh = "错" }]\n',
        ),
        "mistakes: not supported on a multi-part item (the wrong part, its right value and its worked step are "
        "shown); use hints",
        "mistakes：多问题目不支持此字段（会显示答错的那一问、它的正确值和计算步骤）；请用 hints",
    ),
    (
        kind("numeric", "answer = 1\ndecimals = 11\n"),
        "decimals: expected a whole number from 0 to 10, got 11",
        "decimals：应为 0 到 10 之间的整数，实际是 11",
    ),
    (
        kind("numeric", "answer = 1\ndecimals = 2\nsig_figs = 2\n"),
        "sig_figs: give either decimals or sig_figs, not both",
        "sig_figs：decimals 和 sig_figs 只能给一个",
    ),
    (
        kind("numeric", "answer = 1\ndecimals = 2\ntolerance = 0.1\n"),
        "tolerance: the tolerance follows from decimals/sig_figs; do not give both",
        "tolerance：容差由 decimals/sig_figs 决定；不要同时给出",
    ),
    (
        kind("numeric", 'generator = "loss.bce"\nparts = [{ ask = "a" }]\n'),
        'parts: expected an array of 2 to 12 parts { ask = "NAME", en = "…", zh = "…" }',
        'parts：应为 2 到 12 问组成的数组 { ask = "NAME", en = "…", zh = "…" }',
    ),
    (
        kind("numeric", 'generator = "loss.bce"\nparts = [{ ask = "1a" }, { ask = "b" }]\n'),
        "parts[1]: expected { ask = \"NAME\" } naming a value of the generator, got {'ask': '1a'}",
        "parts[1]：应为指明生成器某个值的 { ask = \"NAME\" }，实际是 {'ask': '1a'}",
    ),
    (
        kind("numeric", 'generator = "loss.bce"\nparts = [{ ask = "b" }, { ask = "b" }]\n'),
        "parts[2]: 'b' is asked twice",
        "parts[2]：'b' 问了两次",
    ),
    (
        kind("numeric", "answer = 1\nunit = 3\n"),
        "unit: expected a word or { en = ..., zh = ... }, got 3",
        "unit：应为一个词或 { en = ..., zh = ... }，实际是 3",
    ),
    (
        kind("numeric", 'answer = 1\nmistakes = [{ answer = "x", en = "m", zh = "错" }]\n'),
        "mistakes[1].answer: expected a number, got 'x'",
        "mistakes[1].answer：应为一个数，实际是 'x'",
    ),
    (kind("formula", "answer = 3\n"), "answer: expected a formula string, got 3", "answer：应为公式字符串，实际是 3"),
    (
        kind("formula", 'answer = "x"\ncanonical = 3\n'),
        "canonical: expected a formula string",
        "canonical：应为公式字符串",
    ),
    (
        kind("formula", 'answer = "x"\nassume = "x>0"\n'),
        'assume: expected an array of assumptions such as "x>0"',
        'assume：应为假设的数组，如 "x>0"',
    ),
    (
        kind("formula", 'answer = "x"\nlet = []\n'),
        'let: expected a table of abbreviations such as { s = "sigma(x)" }',
        'let：应为缩写的表，如 { s = "sigma(x)" }',
    ),
    (
        kind("formula", 'answer = "x"\nforbid = ["1x"]\n'),
        'forbid: expected an array of function names such as ["relu"]',
        'forbid：应为函数名的数组，如 ["relu"]',
    ),
    (
        kind("formula", 'answer = "x"\nrequire = [1]\n'),
        'require: expected an array of names the answer must use, such as ["sigma"]',
        'require：应为答案必须用到的名称数组，如 ["sigma"]',
    ),
    (
        kind("formula", 'answer = "x"\nmistakes = [{ answer = 3, en = "m", zh = "错" }]\n'),
        "mistakes[1].answer: expected a string, got 3",
        "mistakes[1].answer：应为字符串，实际是 3",
    ),
    (
        kind("derivation", 'given = "x"\nstart = "x"\ngoal = "x"\nsolution = "= x"\n'),
        "given: expected an array of definition lines",
        "given：应为定义行的数组",
    ),
    (
        kind("derivation", 'start = "x"\nsolution = "= x"\n'),
        "goal: missing (a derivation needs start, goal and solution)",
        "goal：缺失（推导题需要 start、goal 和 solution）",
    ),
    (
        kind("derivation", 'start = "x"\ngoal = "x"\nsolution = "= x"\nmilestones = "x"\n'),
        "milestones: expected an array of { form = ..., en = ..., zh = ... }",
        "milestones：应为由 { form = ..., en = ..., zh = ... } 组成的数组",
    ),
    (
        kind("derivation", 'start = "x"\ngoal = "x"\nsolution = "= x"\nmilestones = [{ en = "m", zh = "中" }]\n'),
        'milestones[1]: expected { form = "formula" (or an array of alternatives), en, zh }',
        'milestones[1]：应为 { form = "公式"（或几种等价写法的数组），en, zh }',
    ),
]


@pytest.mark.parametrize(("text", "english", "chinese"), FIELDS, ids=[c[1][:60] for c in FIELDS])
def test_a_faulty_field_is_named_in_both_languages(tmp_path: Path, text: str, english: str, chinese: str) -> None:
    _, problems = read_bank(_bank(tmp_path, text))
    problem = _said(problems, AT + english)
    assert problem.text("en") == str(problem)
    zh = problem.text("zh")
    assert zh == AT_ZH + chinese
    _no_english(zh)


def test_the_id_in_the_place_is_the_one_read(tmp_path: Path) -> None:
    _, problems = read_bank(_bank(tmp_path, single('id = "act.relu.a"', 'id = "Bad Id"')))
    problem = _said(
        problems, "q/04-fnn/x.toml:1: item Bad Id: id: missing or invalid id 'Bad Id' (lower case, [a-z0-9._-])"
    )
    assert (
        problem.text("zh") == "q/04-fnn/x.toml:1：题 Bad Id：id：编号 'Bad Id' 缺失或无效（须为小写，只用 [a-z0-9._-]）"
    )


# (the file, the problem in English, the problem in Chinese): a file that is not a bank file
FILES: list[tuple[str | bytes, str, str]] = [
    (
        'title = "x"\n',
        "q/04-fnn/x.toml: unexpected top-level key(s) ['title'] (items are [[item]] tables)",
        "q/04-fnn/x.toml：意外的顶层键 ['title']（题目应写成 [[item]] 表）",
    ),
    ("", "q/04-fnn/x.toml: no [[item]] tables", "q/04-fnn/x.toml：没有 [[item]] 表"),
    (
        "a = 1\na = 2\n",
        "q/04-fnn/x.toml:2: not valid TOML: Cannot overwrite a value (at line 2, column 6)",
        "q/04-fnn/x.toml:2：不是有效的 TOML：不能覆盖已有的值（第 2 行第 6 列）",
    ),
    (
        SINGLE + '[[item]]\nid = "x\n',
        "q/04-fnn/x.toml:14: not valid TOML: Illegal character '\\n' (at line 14, column 8)",
        "q/04-fnn/x.toml:14：不是有效的 TOML：非法字符 '\\n'（第 14 行第 8 列）",
    ),
    (
        "a = [1, 2\n",
        "q/04-fnn/x.toml: not valid TOML: Unclosed array (at end of document)",
        "q/04-fnn/x.toml：不是有效的 TOML：数组没有闭合（在文件末尾）",
    ),
    (
        "a = \n",
        "q/04-fnn/x.toml:1: not valid TOML: Invalid value (at line 1, column 5)",
        "q/04-fnn/x.toml:1：不是有效的 TOML：无效的值（第 1 行第 5 列）",
    ),
    (
        "a = 1\n[b\n",
        "q/04-fnn/x.toml:2: not valid TOML: Expected ']' at the end of a table declaration (at line 2, column 3)",
        "q/04-fnn/x.toml:2：不是有效的 TOML：表的声明应以 ']' 结尾（第 2 行第 3 列）",
    ),
    (
        'a = "x\\q"\n',
        "q/04-fnn/x.toml:1: not valid TOML: Unescaped '\\' in a string (at line 1, column 9)",
        "q/04-fnn/x.toml:1：不是有效的 TOML：字符串中有未转义的 '\\'（第 1 行第 9 列）",
    ),
    (
        "a = 1\nb = 2 c\n",
        "q/04-fnn/x.toml:2: not valid TOML: Expected newline or end of document after a statement (at line 2, column 7)",
        "q/04-fnn/x.toml:2：不是有效的 TOML：语句之后应换行或结束文件（第 2 行第 7 列）",
    ),
    (
        'a = 1\nprompt = "caf\xe9"\n'.encode("latin-1"),
        "q/04-fnn/x.toml:2: not UTF-8 text (byte 20: invalid continuation byte); save the file as UTF-8",
        "q/04-fnn/x.toml:2：不是 UTF-8 文本（第 20 个字节：无效的后续字节）；请把文件另存为 UTF-8",
    ),
    (
        "a = 1\nb = 1" + "2" * 5000 + "\n",
        "q/04-fnn/x.toml:2: not readable: a number has more than 4300 digits",
        "q/04-fnn/x.toml:2：无法读入：有个数超过 4300 位",
    ),
    (
        SINGLE + SINGLE,
        "q/04-fnn/x.toml:13: item act.relu.a: id: duplicate id (first defined at q/04-fnn/x.toml:1)",
        "q/04-fnn/x.toml:13：题 act.relu.a：id：编号重复（首次定义于 q/04-fnn/x.toml:1）",
    ),
]


@pytest.mark.parametrize(("text", "english", "chinese"), FILES, ids=[c[1][16:70] for c in FILES])
def test_a_file_that_cannot_be_read_is_named_in_both_languages(
    tmp_path: Path, text: str | bytes, english: str, chinese: str
) -> None:
    _, problems = read_bank(_bank(tmp_path, text))
    problem = _said(problems, english)
    assert problem.text("zh") == chinese
    _no_english(chinese)


def test_a_toml_message_this_version_words_otherwise_still_names_its_place() -> None:
    import tomllib

    from dlquiz.bank.load import toml_error

    error = toml_error(tomllib.TOMLDecodeError("Something new went wrong (at line 4, column 2)"))
    assert str(error) == "Something new went wrong (at line 4, column 2)"
    assert error.text("zh") == "这里的 TOML 语法有误（第 4 行第 2 列）"


def test_arrays_nested_too_deeply_are_refused_in_both_languages(tmp_path: Path) -> None:
    _, problems = read_bank(_bank(tmp_path, "a = " + "[" * 100_000 + "\n"))
    problem = _said(problems, "q/04-fnn/x.toml: not readable: arrays or tables nested too deeply")
    assert problem.text("zh") == "q/04-fnn/x.toml：无法读入：数组或表嵌套太深"


@pytest.mark.parametrize(
    ("make", "english", "chinese"),
    [
        ("folder", "cannot read: not a regular file", "无法读取：不是普通文件"),
        ("loop", "cannot read: a symbolic link loop", "无法读取：符号链接形成了循环"),
        ("dangling", "cannot read: a link to a missing file", "无法读取：链接指向的文件不存在"),
    ],
)
def test_an_entry_that_is_not_a_readable_file_is_named_in_both_languages(
    tmp_path: Path, make: str, english: str, chinese: str
) -> None:
    root = _bank(tmp_path, SINGLE)
    entry = root / "04-fnn" / "y.toml"
    if make == "folder":
        entry.mkdir()
    elif make == "loop":
        entry.symlink_to(entry)
    else:
        entry.symlink_to(root / "04-fnn" / "gone.toml")
    _, problems = read_bank(root)
    problem = _said(problems, f"q/04-fnn/y.toml: {english}")
    assert problem.text("zh") == f"q/04-fnn/y.toml：{chinese}"


def test_the_systems_reason_for_an_unreadable_file_is_ours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _bank(tmp_path, SINGLE)

    def refuse(self: Path) -> bytes:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    _, problems = read_bank(root)
    problem = _said(problems, "q/04-fnn/x.toml: cannot read: permission denied")
    assert problem.text("zh").startswith("q/04-fnn/x.toml：无法读取：")
    _no_english(problem.text("zh"))
    assert "Permission" not in problem.text("zh")


def test_an_item_that_breaks_the_reader_is_named_in_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dlquiz.bank import fields

    def hostile(self: object, raw: object, line: int) -> None:
        raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")

    monkeypatch.setattr(fields._Reader, "item", hostile)
    _, problems = read_bank(_bank(tmp_path, SINGLE))
    problem = _said(
        problems,
        "q/04-fnn/x.toml:1: item act.relu.a: cannot read this item: "
        "Exceeds the limit (4300 digits) for integer string conversion",
    )
    assert problem.text("zh") == "q/04-fnn/x.toml:1：题 act.relu.a：无法读取这道题：有个值的类型或大小无法处理"


def test_a_folder_with_no_bank_files_says_so_in_both_languages(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _, problems = read_bank(tmp_path / "empty")
    assert [str(p) for p in problems] == [f"{tmp_path / 'empty'}: no .toml files"]
    assert problems[0].text("zh") == f"{tmp_path / 'empty'}：没有 .toml 文件"


# (the file, the problem in English, the problem in Chinese): the content gates that need no engine
CONTENT: list[tuple[str, str, str]] = [
    (
        kind("short", 'answer = ["relu", "ReLU", "整流"]\n'),
        "answer: only 2 accepted en form(s), needs at least 3: add the textbook's term, synonyms, the "
        "abbreviation, the full term",
        "answer：en 的可接受写法只有 2 个，至少需要 3 个：请补上教材用语、同义词、缩写和全称",
    ),
    (
        kind("numeric", 'answer = 0.123\ndecimals = 2\nmistakes = [{ answer = 0.1231, en = "m", zh = "错" }]\n'),
        "mistakes[1].answer: 0.1231 is within the tolerance of the key: it would be marked right (ask for more digits)",
        "mistakes[1].answer：0.1231 在标准答案的容差之内：会被判为正确（请要求更多位数）",
    ),
    (
        kind("numeric", "answer = 0.5\ndecimals = 1\n"),
        "prompt.en: does not state the precision (e.g. 'to 3 decimal places')",
        "prompt.en：没有写明精度（如 'to 3 decimal places'）",
    ),
    (
        kind("numeric", "answer = 0.5\ndecimals = 1\n"),
        "prompt.zh: does not state the precision (e.g. '保留 3 位小数')",
        "prompt.zh：没有写明精度（如 '保留 3 位小数'）",
    ),
    (
        kind("numeric", "answer = 0.5\n"),
        "decimals: the answer is not a whole number: state the precision it is graded with (decimals = 3 or "
        "sig_figs = 4) and say it in the prompt",
        "decimals：答案不是整数：请写明评分所用的精度（decimals = 3 或 sig_figs = 4），并在题面中说明",
    ),
    (
        kind(
            "explain",
            'model_answer = { en = "A.", zh = "甲。" }\n'
            'rubric = [{ en = "a", zh = "甲" }, { en = "b", zh = "乙" }, { en = "c", zh = "丙" }]\n',
        ),
        "model_answer.zh: 1 sentence(s); write 3 to 6",
        "model_answer.zh：共 1 句；请写 3 到 6 句",
    ),
    (
        kind("derivation", 'start = "a"\ngoal = "a"\nsolution = "= a"\n').replace(
            'prompt.en = "p"', 'prompt.en = "Let a = sigma(z). Show it."'
        ),
        "given: the prompt defines a but no given does: a derivation written with a would be checked without its "
        "meaning",
        "given：题面定义了 a，given 中却没有：用 a 写的推导会在不知其含义的情况下检查",
    ),
    (
        kind(
            "ordering",
            TWO
            + 'answers = [{ order = ["a", "b"], en = "u", zh = "甲" }, { order = ["b", "a"], en = "v", zh = "乙" }]\n'
            'mistakes = [{ answer = ["b", "a"], en = "m", zh = "错" }]\n',
        ),
        "mistakes[1].answer: is an accepted order, not a mistake",
        "mistakes[1].answer：是可接受的顺序，不是错误答案",
    ),
]


@pytest.mark.parametrize(("text", "english", "chinese"), CONTENT, ids=[c[1][:60] for c in CONTENT])
def test_a_content_problem_is_named_in_both_languages(tmp_path: Path, text: str, english: str, chinese: str) -> None:
    items, problems = read_bank(_bank(tmp_path, text))
    assert problems == [] and items
    problem = _said(content_problems(items), AT + english)
    assert problem.text("zh") == AT_ZH + chinese
    _no_english(problem.text("zh"))


def _numeric(n: str, en: str, zh: str) -> str:
    return (
        HEAD.replace('id = "act.relu.a"', f'id = "act.relu.{n}"')
        .replace('prompt.en = "p"', f'prompt.en = "{en}"')
        .replace('prompt.zh = "题"', f'prompt.zh = "{zh}"')
        + 'kind = "numeric"\nanswer = 42\n'
    )


WEIGHTS_EN = "How many weights does a dense layer from 6 inputs to 6 outputs have, without biases"
WEIGHTS_ZH = "从 6 个输入到 6 个输出的全连接层（不计偏置）有多少个权重？"


@pytest.mark.parametrize(
    ("second", "english", "chinese"),
    [
        (
            _numeric("b", WEIGHTS_EN, WEIGHTS_ZH),
            "asks the same as act.relu.a (q/04-fnn/x.toml:1; prompt similarity 1.00): merge the two or make one test "
            "something else",
            "与 act.relu.a 问的是同一件事（q/04-fnn/x.toml:1；题面相似度 1.00）：请合并两题，或让其中一题考别的内容",
        ),
        (
            _numeric(
                "b",
                "How many weights has a dense layer taking 6 inputs to 6 outputs, without biases",
                "从 6 个输入到 6 个输出的全连接层有多少个权重（偏置不算）？",
            ),
            "asks the same as act.relu.a (q/04-fnn/x.toml:1; the same key and prompt similarity 0.69): merge the two "
            "or make one test something else",
            "与 act.relu.a 问的是同一件事（q/04-fnn/x.toml:1；答案相同，题面相似度 0.69）：请合并两题，或让其中一题考别的内容",
        ),
    ],
)
def test_a_duplicate_is_named_in_both_languages(tmp_path: Path, second: str, english: str, chinese: str) -> None:
    items, problems = read_bank(_bank(tmp_path, _numeric("a", WEIGHTS_EN, WEIGHTS_ZH) + second))
    assert problems == []
    problem = _said(duplicate_problems(items), "q/04-fnn/x.toml:12: item act.relu.b: prompt: " + english)
    assert problem.text("zh") == "q/04-fnn/x.toml:12：题 act.relu.b：prompt：" + chinese
    _no_english(problem.text("zh"))


def test_a_thin_topic_is_named_in_both_languages(tmp_path: Path) -> None:
    items, _ = read_bank(_bank(tmp_path, SINGLE))
    problems = coverage_problems(items, load_syllabus())
    few = _said(problems, "syllabus: act.relu: only 1 item(s), needs at least 4")
    assert few.text("zh") == "syllabus：act.relu：只有 1 题，至少需要 4 题"
    kinds = _said(problems, "syllabus: act.relu: no item of kind F, N (needs C, F, N)")
    assert kinds.text("zh") == "syllabus：act.relu：没有 F、N 类的题（需要 C、F、N）"


BCE_PROMPTS = ('prompt.en = "y = {y}, p = {p}, {zz}? (3 decimals)"', 'prompt.zh = "y = {y}，p = {p}（保留 3 位小数）"')
BCE = 'generator = "loss.bce"\nparams = { y = 1, p = 0.8 }\n'
RNN = (
    'generator = "rnn.bptt"\nparams = { T = 3, hidden = 2, y = "1", activation = "tanh", output = "linear", '
    'loss = "mse", loss_at = "last" }\n'
)

# (the file, the problem in English, the problem in Chinese, words that stay as the generator names them):
# the keys, checked by the engine
KEYS: list[tuple[str, str, str, str]] = [
    (
        kind("formula", 'answer = "x +"\n'),
        "answer: cannot parse 'x +': unexpected end of the input: expected a number, a name or '(' after '+' at "
        "column 4",
        "answer：无法解析 'x +'：输入意外结束：'+' 后应有数、名字或 '('（第 4 列）",
        "",
    ),
    (
        kind("formula", 'answer = "x"\nrequire = ["sigma"]\n'),
        "require: the key 'x' does not use 'sigma' itself",
        "require：标准答案 'x' 本身没有用到 'sigma'",
        "",
    ),
    (
        kind("formula", 'answer = "sigma(x)"\nforbid = ["sigma"]\n'),
        "forbid: the key 'sigma(x)' uses 'sigma', which the item forbids",
        "forbid：标准答案 'sigma(x)' 用到了本题禁止的 'sigma'",
        "",
    ),
    (
        kind("formula", 'answer = "x"\ncanonical = "x + 1"\n'),
        "canonical: key 'x' is not proved equal to canonical 'x + 1': not_equal differs at x = 0.922 (expected "
        "1.922, given 0.922)",
        "canonical：未能证明标准答案 'x' 等于规范形式 'x + 1'：不相等，在 x = 0.922 处不相等（应为 1.922，给出的是 0.922）",
        "",
    ),
    (
        kind("formula", 'answer = "x"\nmistakes = [{ answer = "1*x", en = "m", zh = "错" }]\n'),
        "mistakes[1]: '1*x' is equivalent to the key, not a mistake",
        "mistakes[1]：'1*x' 与标准答案等价，不是错误答案",
        "",
    ),
    (
        kind("formula", 'answer = "x"\nmistakes = [{ answer = "x +", en = "m", zh = "错" }]\n'),
        "mistakes[1]: 'x +': error: unexpected end of the input: expected a number, a name or '(' after '+' at "
        "column 4",
        "mistakes[1]：'x +'：错误：输入意外结束：'+' 后应有数、名字或 '('（第 4 列）",
        "",
    ),
    (
        kind("numeric", 'generator = "loss.bce"\nask = "nosuch"\ndecimals = 3\n'),
        "ask: loss.bce: cannot ask for 'nosuch'; valid names: loss, grad, answer (an entry: NAME[i] or NAME[i,j], "
        "0-based)",
        "ask：loss.bce：无法求 'nosuch'；可用的名称：loss, grad, answer（单个元素：NAME[i] 或 NAME[i,j]，下标从 0 开始）",
        "loss, grad, answer",
    ),
    (
        kind("numeric", 'generator = "loss.bce"\ndecimals = 3\n')
        .replace('prompt.en = "p"', BCE_PROMPTS[0])
        .replace('prompt.zh = "题"', BCE_PROMPTS[1]),
        "prompt: placeholder {zz} is not a parameter of 'loss.bce'",
        "prompt：占位符 {zz} 不是 'loss.bce' 的参数",
        "",
    ),
    (
        kind("numeric", BCE),
        "decimals: the generator gives 0.223143551314, not a whole number: state the precision (decimals = 3 or "
        "sig_figs = 4) and say it in the prompt",
        "decimals：生成器给出 0.223143551314，不是整数：请写明精度（decimals = 3 或 sig_figs = 4），并在题面中说明",
        "",
    ),
    (
        kind("numeric", BCE + "answer = 0.5\ndecimals = 3\n"),
        "answer: stated 0.5 but generator 'loss.bce' computes 0.223143551314 with params {'y': 1, 'p': 0.8}",
        "answer：写的是 0.5，但生成器 'loss.bce' 用参数 {'y': 1, 'p': 0.8} 算出 0.223143551314",
        "",
    ),
    (
        kind("numeric", RNN + 'parts = [{ ask = "h1" }, { ask = "h2" }]\n'),
        "decimals: the parts are not whole numbers: state the precision (decimals = 3 or sig_figs = 4) and say it "
        "in the prompt",
        "decimals：各问的值不是整数：请写明精度（decimals = 3 或 sig_figs = 4），并在题面中说明",
        "",
    ),
    (
        kind("derivation", 'start = "1 - sigma(x)"\ngoal = "sigma(-x)"\nsolution = "= sigma(-x)"\n'),
        "milestones: missing: name the key intermediate results an examiner looks for (milestones = [{ form = ..., "
        "en = ..., zh = ... }])",
        "milestones：缺失：请列出阅卷人要看的关键中间结果（milestones = [{ form = ..., en = ..., zh = ... }]）",
        "",
    ),
    (
        kind("derivation", 'start = "1 - sigma(x)"\ngoal = "sigma(-x)"\nsolution = "= sigma(-x)"\n'),
        "solution: model solution is sent_back in the quiz: show the intermediate steps: the start followed by the "
        "goal, or lines that only restate them, earn no credit",
        "solution：参考解答在练习中没有判为正确（被退回）：请写出中间步骤：只写起点和目标式，或只是重写它们的行，不能得分",
        "",
    ),
    (
        kind("derivation", 'start = "1 - sigma(x)"\ngoal = "sigma(-x)"\nsolution = "= sigma(x)"\n'),
        "solution: model solution does not pass the checker:\n"
        "·   0  1 − σ(x)\n"
        "✗   1  = σ(x)\n"
        "        does not follow from the previous step: at x = 0.922 the previous step is 0.284551 but this one is "
        "0.715449\n"
        "The derivation breaks at line 1.",
        "solution：参考解答没有通过检查：\n"
        "·   0  1 − σ(x)\n"
        "✗   1  = σ(x)\n"
        "        与上一步不相等：在 x = 0.922 处，上一步的值为 0.284551，这一步为 0.715449\n"
        "推导在第 1 行断开。",
        "",
    ),
]


@pytest.mark.parametrize(("text", "english", "chinese", "names"), KEYS, ids=[c[1][:60] for c in KEYS])
def test_a_key_the_engine_refuses_is_named_in_both_languages(
    tmp_path: Path, text: str, english: str, chinese: str, names: str
) -> None:
    items, problems = read_bank(_bank(tmp_path, text))
    assert problems == [] and len(items) == 1
    found = check_item(items[0])
    problem = _said(found, AT + english)
    assert problem.text("zh") == AT_ZH + chinese
    _no_english(problem.text("zh").replace(names, ""))
    # a problem crosses from a checking process whole: both languages
    again = pickle.loads(pickle.dumps(problem))
    assert (str(again), again.text("zh")) == (str(problem), problem.text("zh"))


def test_a_part_the_generator_does_not_produce_is_named_in_both_languages(tmp_path: Path) -> None:
    items, _ = read_bank(_bank(tmp_path, kind("numeric", RNN + 'parts = [{ ask = "h1" }, { ask = "nosuch" }]\n')))
    problem = check_item(items[0])[0]
    assert str(problem).startswith(
        AT + "parts[2].ask: 'nosuch' is not a value 'rnn.bptt' produces: rnn.bptt: cannot ask for 'nosuch'; "
        "valid names: h1, o1,"
    )
    assert problem.text("zh").startswith(
        AT_ZH + "parts[2].ask：'nosuch' 不是 'rnn.bptt' 产生的值：rnn.bptt：无法求 'nosuch'；可用的名称：h1, o1,"
    )


def test_the_load_error_lists_the_problems_in_the_readers_language(tmp_path: Path) -> None:
    root = _bank(tmp_path, single("difficulty = 1", "difficulty = 7"))
    with pytest.raises(BankError) as caught:
        load_bank(root)
    assert str(caught.value) == (
        "the question bank has 1 problem(s):\n"
        "q/04-fnn/x.toml:1: item act.relu.a: difficulty: expected 1, 2 or 3, got 7\n"
        "(`dlquiz bank check` lists them all)"
    )
    assert localized(caught.value, "zh") == (
        "题库有 1 个问题：\n"
        "q/04-fnn/x.toml:1：题 act.relu.a：difficulty：应为 1、2 或 3，实际是 7\n"
        "（`dlquiz bank check` 会列出全部问题）"
    )


# the commands, run as a student or an author runs them
BAD_BANK = (
    single("difficulty = 1", "difficulty = 7")
    .replace('source = "004_96e5ea7d078c6618"', 'source = "005"')
    .replace('answer = "a"', 'answer = "d"')
)


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dlquiz", *args],
        capture_output=True,
        text=True,
        env=subprocess_env(DLQUIZ_HOME=str(cwd / "home"), **env),
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["bank", "check", "--bank", "q", "--format-only", "--no-coverage"],
        ["quiz", "--bank", "q", "--no-save"],
    ],
    ids=["bank check", "quiz"],
)
def test_the_commands_list_the_problems_in_the_language_asked(tmp_path: Path, args: list[str]) -> None:
    _bank(tmp_path, BAD_BANK)
    en = run([*args, "--lang", "en"], tmp_path)
    zh = run([*args, "--lang", "zh"], tmp_path)
    by_locale = run(args, tmp_path, LANGUAGE="zh_CN.UTF-8", LC_ALL="", LANG="")
    for proc in (en, zh, by_locale):
        assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    said_en = en.stdout + en.stderr
    for line in (
        "q/04-fnn/x.toml:1: item act.relu.a: difficulty: expected 1, 2 or 3, got 7",
        "q/04-fnn/x.toml:1: item act.relu.a: source: unknown source '005' (expected a note file: ",
        "q/04-fnn/x.toml:1: item act.relu.a: answer: choice 'd' is not among the choices (a, b)",
    ):
        assert line in said_en
    for said in (zh.stdout + zh.stderr, by_locale.stdout + by_locale.stderr):
        for line in (
            "q/04-fnn/x.toml:1：题 act.relu.a：difficulty：应为 1、2 或 3，实际是 7",
            "q/04-fnn/x.toml:1：题 act.relu.a：source：未知出处 '005'（应为笔记文件：",
            "q/04-fnn/x.toml:1：题 act.relu.a：answer：选项 'd' 不在选项之中（a、b）",
        ):
            assert line in said, said
        _no_english(said)


def test_bank_check_says_the_engines_problems_in_chinese(tmp_path: Path) -> None:
    _bank(tmp_path, kind("formula", 'answer = "x"\nrequire = ["sigma"]\n'))
    zh = run(["bank", "check", "--bank", "q", "--no-coverage", "--lang", "zh"], tmp_path)
    assert zh.returncode == 1 and "Traceback" not in zh.stderr, zh.stderr
    assert "q/04-fnn/x.toml:1：题 act.relu.a：require：标准答案 'x' 本身没有用到 'sigma'" in zh.stdout
    _no_english(zh.stdout)

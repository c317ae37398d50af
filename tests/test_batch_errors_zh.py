"""`dlquiz grade` and `dlquiz equiv` say their errors in the reader's language: the error rows of --batch next to
the verdict rows, a bad --points, an explain answer without its self-rating, an --assume that cannot be read
(blamed on --assume, not on the answer) and a nan --timeout. The English stays as it was; the Chinese comes
from the catalog and leaves no English sentence behind (Python's words for bad JSON included)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ENGLISH

from dlquiz.cli import cli

EXPLAIN = "act.relu.explain-vs-sigmoid"


def run(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), input=stdin)


def _no_english(text: str) -> None:
    assert not ENGLISH.search(text.replace("dlquiz", "")), text


# (a line of `grade --batch`, its error in English, in Chinese)
GRADE_ROWS: list[tuple[str, str, str]] = [
    (
        '{"item": "nope.x", "answer": "b"}',
        "no item with id 'nope.x' (`dlquiz topics` and `dlquiz show ID`)",
        "没有编号为 'nope.x' 的题（见 `dlquiz topics` 和 `dlquiz show ID`）",
    ),
    ("{bad", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)", "第 2 列不是有效的 JSON"),
    ('{"item": "x", "answer": }', "Expecting value: line 1 column 25 (char 24)", "第 25 列不是有效的 JSON"),
    ("[1]", "expected a JSON object", "应为一个 JSON 对象"),
    (
        '{"item": 3}',
        'needs "item" (a bank item id) and "answer" (a string)',
        '需要 "item"（题库中的题目编号）和 "answer"（字符串）',
    ),
    (
        '{"item": "act.sigmoid.range", "answer": "b", "seed": "x"}',
        '"seed" must be a whole number',
        '"seed" 必须是整数',
    ),
    (
        '{"a": 1' + "2" * 5000 + "}",
        "Exceeds the limit (4300 digits) for integer string conversion: value has 5001 digits; use "
        "sys.set_int_max_str_digits() to increase the limit",
        "JSON 无效：有个数的位数太多",
    ),
    ("[" * 100_000, "invalid JSON: nested too deeply", "JSON 无效：嵌套太深"),
    (
        '{"item": "act.sigmoid.range", "answer": "b", "part": "1"}',
        "item act.sigmoid.range has no parts: give the answer without --part",
        "题 act.sigmoid.range 没有分问：给答案时不要用 --part",
    ),
]


@pytest.mark.parametrize(("row", "english", "chinese"), GRADE_ROWS, ids=[r[1][:40] for r in GRADE_ROWS])
def test_a_grade_batch_error_row_is_in_the_language_asked(row: str, english: str, chinese: str) -> None:
    stdin = json.dumps({"item": "act.sigmoid.range", "answer": "b"}) + "\n" + row + "\n"
    rows = {}
    for lang in ("en", "zh"):
        result = run("grade", "--batch", "-", "--lang", lang, stdin=stdin)
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
        verdict, error = (json.loads(line) for line in result.stdout.splitlines())
        assert verdict["status"] == "correct" and (error["status"], error["line"]) == ("error", 2)
        rows[lang] = (verdict, error)
    assert rows["en"][1]["message"] == f"line 2: {english}"
    assert rows["zh"][1]["message"] == f"第 2 行：{chinese}"
    _no_english(rows["zh"][1]["message"])
    assert rows["zh"][0]["key"] == "b) (0, 1)，两端都取不到"  # the verdict row beside it speaks Chinese too


# (a line of `equiv --batch`, its message as before, its Chinese form)
EQUIV_ROWS: list[tuple[str, str, str]] = [
    (
        "{not json",
        "line 1: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        "第 1 行：第 2 列不是有效的 JSON",
    ),
    ("[1, 2]", "line 1: expected a JSON object", "第 1 行：应为一个 JSON 对象"),
    ("[" * 5000, "line 1: invalid JSON: nested too deeply", "第 1 行：JSON 无效：嵌套太深"),
    (
        '{"a": 1' + "2" * 5000 + "}",
        "line 1: invalid JSON: a number with too many digits",
        "第 1 行：JSON 无效：有个数的位数太多",
    ),
    (
        json.dumps({"id": [1], "reference": 3, "latex": "yes", "assume": "x>0", "let": {"s": 1}}),
        "line 1: 'id' must be a string or a number; 'reference' must be a string; 'candidate' must be a string; "
        "'assume' must be a list of strings; 'latex' must be true or false; 'let' must map names to strings",
        "第 1 行：'id' 必须是字符串或数；'reference' 必须是字符串；'candidate' 必须是字符串；'assume' 必须是字符串列表；"
        "'latex' 必须是 true 或 false；'let' 必须把名称映射到字符串",
    ),
]


@pytest.mark.parametrize(("row", "english", "chinese"), EQUIV_ROWS, ids=[r[1][:40] for r in EQUIV_ROWS])
def test_an_equiv_batch_error_row_carries_its_chinese(row: str, english: str, chinese: str) -> None:
    result = run("equiv", "--batch", "-", "--jobs", "1", stdin=row + "\n")
    assert result.exit_code == 2, result.output
    (got,) = (json.loads(line) for line in result.stdout.splitlines())
    assert (got["verdict"], got["message"], got["message_zh"]) == ("error", english, chinese)
    _no_english(got["message_zh"])


def test_an_equiv_line_that_is_not_utf8_carries_its_chinese(tmp_path: Any) -> None:
    cases = tmp_path / "c.jsonl"
    cases.write_bytes(b'{"reference": "x", "candidate": "x"}\n\xff\n')
    result = run("equiv", "--batch", str(cases), "--jobs", "1")
    verdict, error = (json.loads(line) for line in result.stdout.splitlines())
    assert verdict["message_zh"] and verdict["verdict"] == "equal"  # as a verdict row has
    assert (error["message"], error["message_zh"]) == ("line 2: not UTF-8 text", "第 2 行：不是 UTF-8 文本")


@pytest.mark.parametrize(
    ("points", "english", "chinese"),
    [
        (
            "abc",
            "--points: type the numbers of the points you made (1 to 5), all or none",
            "--points：请输入你答到的要点编号（1 到 5），或 all、none",
        ),
        (
            "9",
            "--points: there is no point 9: type numbers from 1 to 5, all or none",
            "--points：没有第 9 条：请输入 1 到 5 之间的编号，或 all、none",
        ),
    ],
)
def test_bad_points_are_said_in_the_language_asked(points: str, english: str, chinese: str) -> None:
    en = run("grade", EXPLAIN, "x", "--points", points, "--lang", "en")
    zh = run("grade", EXPLAIN, "x", "--points", points, "--lang", "zh")
    assert en.exit_code == zh.exit_code == 2
    assert en.stdout.splitlines()[:2] == ["? could not read the answer", english]
    assert zh.stdout.splitlines()[:2] == ["? 无法识别答案", chinese]
    as_json = run("grade", EXPLAIN, "x", "--points", points, "--lang", "zh", "--json")
    assert json.loads(as_json.stdout)["message"] == chinese


@pytest.mark.parametrize(
    ("answer", "english", "chinese"),
    [
        ("some text", "the self-rating is missing (--points)", "缺少自评（--points）"),
        ("", "write your answer in words, then rate it against the key points", "请写出答案，再对照要点自评"),
    ],
    ids=["an answer", "no answer"],
)
def test_an_explain_answer_without_points_says_what_is_missing(answer: str, english: str, chinese: str) -> None:
    en = run("grade", EXPLAIN, answer, "--lang", "en")
    zh = run("grade", EXPLAIN, answer, "--lang", "zh")
    assert en.exit_code == zh.exit_code == 2
    assert en.stdout.splitlines()[:2] == ["? undecided (not graded)", english]
    assert zh.stdout.splitlines()[:2] == ["? 无法判定（不计分）", chinese]
    # and how to give it, last
    assert en.stdout.splitlines()[-1] == 'Say which key points you made with --points "1 3" (or all, none).'


@pytest.mark.parametrize(
    ("args", "english", "chinese"),
    [
        (
            ["x", "sqrt(x^2)", "--assume", "x>>0"],
            "Error: --assume: assumption 'x>>0': missing a side of a relation at column 3\n",
            "错误：--assume：假设 'x>>0'：关系缺少一边（第 3 列）\n",
        ),
        (
            ["x", "sqrt(x^2)", "--assume", "x>0", "--assume", ""],
            "Error: --assume: empty assumption\n",
            "错误：--assume：假设为空\n",
        ),
        (
            ["x +", "x"],
            "Error: reference: unexpected end of the input: expected a number, a name or '(' after '+' at column 4\n",
            "错误：参考答案：输入意外结束：'+' 后应有数、名字或 '('（第 4 列）\n",
        ),
        (
            ["x", "x +"],
            "Error: candidate: unexpected end of the input: expected a number, a name or '(' after '+' at column 4\n"
            "  x +\n     ^\n",
            "错误：你的答案：输入意外结束：'+' 后应有数、名字或 '('（第 4 列）\n  x +\n     ^\n",
        ),
    ],
    ids=["bad assumption", "empty assumption", "bad reference", "bad candidate"],
)
def test_an_equiv_input_error_names_where_it_is(args: list[str], english: str, chinese: str) -> None:
    en = run("equiv", *args, "--lang", "en")
    zh = run("equiv", *args, "--lang", "zh")
    assert en.exit_code == zh.exit_code == 2
    assert en.stderr == english
    assert zh.stderr == chinese  # one full-width colon, no space after it


@pytest.mark.parametrize(("lang", "said"), [("en", "nan is not a number"), ("zh", "nan 不是数字")])
def test_a_nan_timeout_is_refused(lang: str, said: str) -> None:
    result = run("equiv", "s", "s", "--timeout", "nan", "--lang", lang)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert said in result.stderr

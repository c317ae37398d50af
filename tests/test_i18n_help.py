"""`--help` and Click's own usage errors speak the language asked (--lang, else the locale) through the
one catalog; in English they are Click's own output, unchanged."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from dlquiz.cli import COMMANDS, cli
from dlquiz.cli.help import cells, fill, wrap

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 80
ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "en_US.UTF-8", "NO_COLOR": "1"}
CHINESE = {"LANGUAGE": "zh_CN:en", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "en_US.UTF-8", "NO_COLOR": "1"}
# commands whose help is not yet marked with N_ (none: cli/worked_cmd.py marks its help too)
UNMARKED: set[str] = set()


def _paths() -> list[list[str]]:
    """Every command line that has a help: the root, each command, each command of a group."""
    out: list[list[str]] = [[]]
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None, name
        out.append([name])
        if isinstance(command, click.Group):
            out += [[name, sub] for sub in command.commands]
    return out


PATHS = _paths()
IDS = [" ".join(p) or "dlquiz" for p in PATHS]


def _run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, prog_name="dlquiz", terminal_width=WIDTH)


def _marks(path: list[str]) -> list[pytest.MarkDecorator]:
    if path and path[0] in UNMARKED:
        return [pytest.mark.xfail(strict=True, reason="cli/worked_cmd.py: help strings not yet marked with N_")]
    return []


PATH_PARAMS = [pytest.param(p, id=i, marks=_marks(p)) for p, i in zip(PATHS, IDS, strict=True)]


def _click_help(path: list[str]) -> str:
    """The help Click itself writes for `path` (plain contexts, Click's formatter): the English oracle."""
    ctx = click.Context(cli, info_name="dlquiz", terminal_width=WIDTH)
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        sub = command.get_command(ctx, name)
        assert sub is not None
        command = sub
        ctx = click.Context(command, info_name=name, parent=ctx, terminal_width=WIDTH)
    return click.Command.get_help(command, ctx) + "\n"


def _is_command_line(line: str) -> bool:
    return line.strip().startswith(("dlquiz ", "printf ", "| dlquiz"))


def _without_unmarked(text: str) -> str:
    """`text` without the rows that list the commands whose help is not marked yet (in `dlquiz --help`)."""
    return "\n".join(
        line for line in text.splitlines() if line.split(" ", 3)[:3] not in (["", "", c] for c in UNMARKED)
    )


def _prose(text: str) -> list[str]:
    """The text of a help a reader reads as sentences: without its usage line and without the commands of
    its examples (an example's comment, after two spaces or more, is prose)."""
    out = []
    for line in _without_unmarked(text).splitlines()[1:]:
        if _is_command_line(line):
            parts = re.split(r" {2,}", line.strip(), maxsplit=1)
            line = parts[1] if len(parts) == 2 else ""
        out.append(line)
    return out


def _phrases(text: str) -> set[str]:
    """Every run of three English words in the prose of `text` (options, metavars and symbols break runs;
    code in backticks and JSON in braces, such as `dlquiz show ID` or {"id", "item"}, is kept verbatim)."""
    prose = re.sub(r"`[^`]*`|\{[^{}]*\}", " ", " \n ".join(_prose(text)))
    words = [w.strip("()[],.;:'\"") for w in prose.split()]
    found = set()
    for i in range(len(words) - 2):
        run = words[i : i + 3]
        if all(re.fullmatch(r"[A-Za-z]+", w) for w in run):
            found.add(" ".join(run))
    return found


def _examples(text: str) -> list[str]:
    """The commands of the examples in a help (without their comments)."""
    return [re.split(r" {2,}", line.strip())[0] for line in text.splitlines() if _is_command_line(line)]


@pytest.mark.parametrize("how", ["--lang zh", "LANGUAGE=zh_CN"])
@pytest.mark.parametrize("path", PATH_PARAMS)
def test_help_in_chinese_has_no_english_sentence(path: list[str], how: str) -> None:
    english = _click_help(path)
    if how == "--lang zh":
        res = _run([*path, "--help", "--lang", "zh"], ENGLISH)
    else:
        res = _run([*path, "--help"], CHINESE)
    assert res.exit_code == 0, res.output
    assert _phrases(english), "the oracle found no English prose"
    left = _phrases(res.output) & _phrases(english)
    assert not left, f"English left in the Chinese help of dlquiz {' '.join(path)}: {sorted(left)}\n{res.output}"
    for word in ("Usage:", "Options:", "Commands:", "Show this message and exit.", "Examples:"):
        assert word not in res.output
    assert "用法：dlquiz" in res.output and "选项：" in res.output


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_chinese_help_keeps_the_commands_of_its_examples(path: list[str]) -> None:
    english = _click_help(path)
    chinese = _run([*path, "--help", "--lang", "zh"], ENGLISH).output
    for example in _examples(english):
        assert example in chinese, f"{example!r} is not in\n{chinese}"
    assert _examples(english) == _examples(chinese)
    assert re.search(r"[\u4e00-\u9fff]", chinese)  # and it is Chinese


@pytest.mark.parametrize("env", [ENGLISH, {**CHINESE, "LANGUAGE": "", "LANG": "zh_CN.UTF-8"}], ids=["en", "zh-locale"])
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_help_with_lang_en_is_clicks_own(path: list[str], env: dict[str, str]) -> None:
    res = _run([*path, "--help", "--lang", "en"], env)
    assert res.exit_code == 0
    assert res.output == _click_help(path)


@pytest.mark.parametrize("path", [p for p in PATHS if not p or p[0] not in UNMARKED], ids=lambda p: " ".join(p))
def test_chinese_help_fits_the_width_and_keeps_its_indent(path: list[str]) -> None:
    lines = _run([*path, "--help", "--lang", "zh"], ENGLISH).output.splitlines()
    english = _click_help(path).splitlines()
    for line in lines:
        # a line Click keeps as written (an example) may be as wide in Chinese as in English
        limit = max([WIDTH, *(len(e) for e in english if _is_command_line(e))])
        assert cells(line) <= limit, line
    options = lines.index("选项：")
    rows = lines[options + 1 :]
    column = len(rows[0]) - len(rows[0].split("  ", 2)[-1].lstrip())  # where the first option's help starts
    for row in rows:
        if not row.strip() or row.endswith("："):
            break
        # a row starts with its option, or continues the help of the one above at the help's column
        assert row.startswith("  -") or len(row) - len(row.lstrip()) == column, row


@pytest.mark.parametrize(
    ("text", "width", "indent"),
    [
        ("设置考试日期：之后的安排以那天记得住为目标。" * 4, 30, ""),
        (
            "每个词都必须出现（不区分大小写）；结果按匹配程度排列，并附上练习这些题的命令 dlquiz quiz --id x。",
            24,
            "    ",
        ),
        ("A plain English sentence that wraps at spaces only, as Click does it.", 20, "  "),
        ("中文 mixed with English words and `dlquiz plan` 的命令，还有标点。", 16, " "),
    ],
)
def test_fill_breaks_by_cells_and_loses_nothing(text: str, width: int, indent: str) -> None:
    lines = fill(text, width, indent)
    assert all(line.startswith(indent) for line in lines)
    assert all(cells(line) <= width for line in lines), lines
    assert not any(line.strip()[0] in "，。；：）、" for line in lines)  # no line starts with closing punctuation
    # the text comes back whole: nothing dropped but the spaces at the breaks
    assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")


def test_wrap_keeps_paragraphs_and_raw_blocks() -> None:
    text = "第一段很长的中文文字需要换行才能放下。\n\n\b\n示例：\n  dlquiz quiz --n 5\n\n第二段。"
    out = wrap(text, 20, "  ").split("\n\n")
    assert len(out) == 3
    assert out[1] == "  示例：\n    dlquiz quiz --n 5"  # as written, indented
    assert all(cells(line) <= 20 for line in out[0].splitlines())


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) == "W" for c in text)


# (command line, the English of Click's message, its Chinese)
USAGE_ERRORS = [
    ("quiz --bogus", "Error: No such option '--bogus'.", "错误：没有选项 '--bogus'。"),
    ("quiz --topc x", "Did you mean '--topic'?", "你是不是想用 '--topic'？"),
    ("show", "Error: Missing argument 'ITEM_ID'.", "错误：缺少参数 'ITEM_ID'。"),
    ("export anki", "Missing argument 'FILE'.", "缺少参数 'FILE'。"),
    (
        "quiz --n x",
        "Invalid value for '--n' / '-n': 'x' is not a valid integer.",
        "'--n' / '-n' 的值无效：'x' 不是有效的整数。",
    ),
    ("review --minutes y", "'y' is not a valid float range.", "'y' 不是有效的数。"),
    (
        "review --limit 0",
        "Invalid value for '--limit': 0 is not in the range x>=1.",
        "'--limit' 的值无效：0 不在范围 x>=1 内。",
    ),
    ("plan --lang fr", "'fr' is not one of 'zh', 'en'.", "'fr' 不是 'zh', 'en' 之一。"),
    ("topics --bank /no/such/bank", "Directory '/no/such/bank' does not exist.", "文件夹 '/no/such/bank' 不存在。"),
    ("exam extra", "Got unexpected extra argument (extra)", "多余的参数（extra）"),
    ("exam extra more", "Got unexpected extra arguments (extra more)", "多余的参数（extra more）"),
    ("quiz --n", "Option '--n' requires an argument.", "选项 '--n' 需要一个值。"),
    ("quiz --no-save=1", "Option '--no-save' does not take a value.", "选项 '--no-save' 不接受值。"),
    ("quizz", "No such command 'quizz'.", "没有命令 'quizz'。"),
    ("bank chek", "No such command 'chek'.", "没有命令 'chek'。"),
    ("exam --chapters x", "'x' is not a chapter number", "'x' 不是章节编号"),  # our own callback's message
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("line", "english", "chinese"), USAGE_ERRORS, ids=[c[0] for c in USAGE_ERRORS])
def test_usage_errors_in_the_language_of_the_locale(line: str, english: str, chinese: str, lang: str) -> None:
    # the locale says the language (LANGUAGE first); no --lang on the line
    env = CHINESE if lang == "zh" else {**ENGLISH, "LANGUAGE": "en", "LANG": "zh_CN.UTF-8"}
    res = _run(line.split(), env)
    assert res.exit_code == 2, res.output
    assert isinstance(res.exception, SystemExit), res.exception  # no traceback
    want, other = (chinese, english) if lang == "zh" else (english, chinese)
    assert want in res.stderr, res.stderr
    assert other not in res.stderr
    if lang == "zh":
        assert "Error:" not in res.stderr and "Usage:" not in res.stderr and "Try '" not in res.stderr
    else:
        assert not _has_cjk(res.stderr), res.stderr


@pytest.mark.parametrize(
    "line",
    ["--lang zh quiz --bogus", "quiz --bogus --lang zh", "quiz --lang=zh --bogus", "--lang=zh quiz --lang zh --bogus"],
)
def test_lang_zh_anywhere_on_the_line_speaks_chinese(line: str) -> None:
    res = _run(line.split(), ENGLISH)
    assert res.exit_code == 2
    assert res.stderr == (
        "用法：dlquiz quiz [OPTIONS]\n用 'dlquiz quiz --help' 查看帮助。\n\n错误：没有选项 '--bogus'。\n"
    )


@pytest.mark.parametrize(
    ("line", "usage"),
    [
        ("quiz --bogus --lang en", "Usage: dlquiz quiz [OPTIONS]"),
        ("--lang en bank chek", "Usage: dlquiz bank [OPTIONS]"),
    ],
)
def test_lang_en_overrides_a_chinese_locale(line: str, usage: str) -> None:
    res = _run(line.split(), CHINESE)
    assert res.exit_code == 2 and res.stderr.startswith(usage) and "Error: No such" in res.stderr


def test_root_lang_reaches_the_command() -> None:
    # --lang before the command's name: the command speaks it too
    res = _run(["--lang", "zh", "stats", "--home", "/nonexistent-home-for-test"], ENGLISH)
    assert "还没有作答记录" in res.stdout, res.output


def test_a_group_without_its_command_shows_the_chinese_help() -> None:
    res = _run(["bank"], CHINESE)
    assert res.exit_code == 2
    assert "检查题库" in res.output and "Check the question bank" not in res.output
    res = _run(["bank", "--lang", "zh"], ENGLISH)  # an option but no command: Click's "Missing command."
    assert res.exit_code == 2 and "错误：缺少命令。" in res.stderr


@pytest.mark.parametrize(("lang", "loads"), [("en", False), ("zh", True)])
def test_english_help_does_not_read_the_catalog(lang: str, loads: bool) -> None:
    # `dlquiz --help` in English stays as light as before: the catalog files are read only for Chinese
    code = (
        "import sys; from click.testing import CliRunner; from dlquiz.cli import cli; "
        f"r = CliRunner().invoke(cli, ['--help', '--lang', '{lang}']); assert r.exit_code == 0, r.output; "
        "print('tomllib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=str(ROOT))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(loads)

"""Every command accepts --lang zh|en and speaks the language asked, whatever the locale says."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dlquiz.cli import COMMANDS, cli
from dlquiz.cli.common import default_lang

FIXTURE_BANK = Path(__file__).parent / "fixtures" / "bank"


def _leaf_commands() -> list[tuple[str, click.Command]]:
    """Every runnable command, with the path that names it (`bank check`, `export md`, ...)."""
    out: list[tuple[str, click.Command]] = []
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            out += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
        else:
            out.append((name, command))
    return out


@pytest.mark.parametrize(("path", "command"), _leaf_commands(), ids=[p for p, _ in _leaf_commands()])
def test_every_command_takes_lang(path: str, command: click.Command) -> None:
    option = next((p for p in command.params if "--lang" in getattr(p, "opts", ())), None)
    assert option is not None, f"dlquiz {path} has no --lang"
    assert isinstance(option.type, click.Choice) and {"en", "zh"} <= set(option.type.choices)


# (command line, a phrase of the English output, a phrase of the Chinese output); {bank} and {home} are filled in
CASES = [
    ("quiz --bank {bank} --no-save --n 1 --seed 1", "Quiz · 1 · seed 1", "练习 · 1 题 · 随机种子 1"),
    ("grade act.sigmoid.range b --bank {bank}", "correct", "正确"),
    ("review --bank {bank} --home {home} --seed 1", "Review · 0 due", "复习 · 0 到期"),
    (
        "exam --bank {bank} --home {home} --n 1 --minutes 5 --seed 1 --no-save",
        "Mock exam · 1 questions",
        "模拟考试 · 1 题",
    ),
    ("topics --bank {bank}", "items in", "题，位于"),
    ("show act.sigmoid.range --bank {bank}", "Answer:", "答案："),
    ("search sigmoid --bank {bank}", "Quiz them:", "练习这些题："),
    ("bank check --format-only --no-coverage --bank {bank}", "items checked in", "中的"),
    ("equiv x^2 x*x", "verdict:", "判定："),
    ("check -", "Every step holds.", "每一步都成立。"),
    ("derive", "derivations", "推导"),
    ("example conv.output-size", "Output size", "输出大小"),
    ("worksheet --n 1 --seed 1", "Practice worksheet", "练习题"),
    ("plot activation sigmoid", "and its derivative", "及其导数"),
    ("stats --home {home}", "No answers yet", "还没有作答记录"),
    ("plan --bank {bank} --home {home}", "No exam date set", "未设置考试日期"),
    ("export md --bank {bank} --topic act.sigmoid", "practice set", "练习题"),
    ("export anki {home}-deck.apkg --bank {bank} --topic act.sigmoid", "Wrote", "已写入"),
    ("doctor --home {home}", "no progress database yet", "还没有进度数据库"),
    ("show no.such.item --bank {bank}", "Error: no item with id", "错误：没有编号为"),
    ("plan --exam 2000-01-01 --home {home}", "is in the past", "已经过去"),
    ("exam --n 0 --no-save --bank {bank}", "--n must be at least 1", "--n 至少为 1"),
    ("exam --n 40 --minutes 2 --no-save --seed 1 --bank {bank}", "Only", "不足"),
]
STDIN = {"quiz": "s\n", "check": "x^2 + 2*x + 1\n= (x + 1)^2\n"}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("line", "english", "chinese"), CASES, ids=[c[0].split(" --")[0] for c in CASES])
def test_command_speaks_the_language_asked(line: str, english: str, chinese: str, lang: str, tmp_path: Path) -> None:
    # the locale says the other language: --lang wins
    env = {
        "LANGUAGE": "",
        "LC_ALL": "",
        "LC_MESSAGES": "",
        "LANG": "en_US.UTF-8" if lang == "zh" else "zh_CN.UTF-8",
        "DLQUIZ_NOW": "2026-12-01T09:00",
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }
    args = line.format(bank=FIXTURE_BANK, home=tmp_path / "home").split() + ["--lang", lang]
    res = CliRunner().invoke(cli, args, input=STDIN.get(args[0], ""), env=env)
    out = res.stdout + res.stderr
    assert res.exception is None or isinstance(res.exception, SystemExit), out
    want, other = (chinese, english) if lang == "zh" else (english, chinese)
    assert want in out, out
    assert other not in out, out


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANGUAGE": "en", "LC_ALL": "zh_CN.UTF-8"}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "zh"),  # C/POSIX is "not set"
        ({}, "en"),
    ],
)
def test_the_one_language_rule(env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert default_lang() == expected


@pytest.mark.parametrize(("locale", "phrase"), [("zh_CN.UTF-8", "还没有作答记录"), ("en_US.UTF-8", "No answers yet")])
def test_without_lang_a_command_follows_the_locale(locale: str, phrase: str, tmp_path: Path) -> None:
    env = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": locale, "NO_COLOR": "1"}
    res = CliRunner().invoke(cli, ["stats", "--home", str(tmp_path)], env=env)
    assert phrase in res.stdout


@pytest.mark.parametrize(("lang", "phrase"), [("en", "not an SQLite database"), ("zh", "不是 SQLite 数据库")])
def test_library_errors_are_shown_in_the_language_asked(lang: str, phrase: str, tmp_path: Path) -> None:
    from dlquiz.progress.store import db_path

    path = db_path(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is no database at all, just some text long enough\n" * 4)
    res = CliRunner().invoke(cli, ["stats", "--home", str(tmp_path), "--lang", lang], env={"NO_COLOR": "1"})
    assert res.exit_code == 1 and phrase in res.stderr and str(path) in res.stderr.replace("\n", "")


def test_only_default_lang_reads_the_locale() -> None:
    """One language rule: no other module looks at the locale variables or the locale module."""
    import ast

    import dlquiz

    package = Path(dlquiz.__file__).parent
    readers = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
                readers.append(f"{path.relative_to(package)}:{node.lineno}")
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if "locale" in names:
                    readers.append(f"{path.relative_to(package)}:{node.lineno} imports locale")
    assert readers and all(r.startswith("cli/common.py:") for r in readers), readers


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("line", "english", "chinese"), CASES, ids=[c[0].split(" --")[0] for c in CASES])
def test_without_lang_every_command_follows_language(
    line: str, english: str, chinese: str, lang: str, tmp_path: Path
) -> None:
    # LANGUAGE decides over LC_ALL/LANG, as in gettext
    env = {
        "LANGUAGE": "zh_CN:en" if lang == "zh" else "en_GB:zh",
        "LC_ALL": "",
        "LC_MESSAGES": "",
        "LANG": "en_US.UTF-8" if lang == "zh" else "zh_CN.UTF-8",
        "DLQUIZ_NOW": "2026-12-01T09:00",
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }
    args = line.format(bank=FIXTURE_BANK, home=tmp_path / "home").split()
    res = CliRunner().invoke(cli, args, input=STDIN.get(args[0], ""), env=env)
    out = res.stdout + res.stderr
    want, other = (chinese, english) if lang == "zh" else (english, chinese)
    assert want in out and other not in out, out

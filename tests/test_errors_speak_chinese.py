"""Errors from the edges of the commands (bad option values, missing or odd files, the operating system's
reasons, --version) are said in the reader's language, with the same exit code and never a traceback.

Each case runs the real command in a subprocess (as a student would), in English and in Chinese: the English
names the problem, the Chinese says the same in Chinese and leaves no English sentence behind."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ENGLISH, subprocess_env


def run(args: list[str], tmp: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dlquiz", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=subprocess_env(**{"DLQUIZ_HOME": str(tmp / "home"), **env}),
        cwd=tmp,
        timeout=120,
    )


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "bin.txt").write_bytes(b"let s = sigma(x)\n\xff\n")
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "folder").mkdir()
    return tmp_path


# (arguments, exit code, what the English says, what the Chinese says)
CASES: list[tuple[list[str], int, str, str]] = [
    (["quiz", "--n", "0", "--no-save"], 2, "--n must be at least 1, got 0", "--n 至少为 1，收到的是 0"),
    (["derive", "nosuch"], 2, "no derivation named 'nosuch'", "没有名为 'nosuch' 的推导"),
    (["check", "missing.txt"], 2, "'missing.txt': No such file or directory", "'missing.txt'：文件或文件夹不存在"),
    (["check", "folder"], 2, "'folder': Is a directory", "'folder'：这是一个文件夹，不是文件"),
    (["check", "bin.txt"], 2, "bin.txt: not UTF-8 text (at byte 18)", "bin.txt：不是 UTF-8 文本（第 18 字节处）"),
    (["example", "opt.adam", "--seed", "-5"], 2, "-5 is not in the range x>=0", "-5 不在范围 x>=0 内"),
    (["worksheet", "--seed", "-1", "--n", "1"], 2, "-1 is not in the range x>=0", "-1 不在范围 x>=0 内"),
    (["plot", "lr-decay", "--alpha0", "inf"], 2, "inf is not a rate", "inf 不是学习率"),
    (["plot", "lr-decay", "--alpha0", "nan"], 2, "nan is not a rate", "nan 不是学习率"),
    (
        ["worksheet", "--n", "1", "--seed", "1", "-o", "folder/no/x.md"],
        1,
        "Error: cannot write folder/no/x.md: no such file or directory",
        "错误：无法写入 folder/no/x.md：文件或文件夹不存在",
    ),
    (["--version"], 0, "dlquiz, version ", "dlquiz 版本 "),
    (["plan", "--minutes-per-day", "nan"], 2, "nan is not a number", "nan 不是数字"),
    (["plan", "--minutes-per-day", "100000"], 2, "100000.0 is not in the range 0<x<=1440", "不在范围 0<x<=1440 内"),
    (["review", "--minutes", "inf"], 2, "inf is not in the range 0<x<=1440", "inf 不在范围 0<x<=1440 内"),
    (["check", "bin.txt", "--timeout", "nan"], 2, "nan is not a number", "nan 不是数字"),
]


@pytest.mark.parametrize(
    ("args", "code", "english", "chinese"), CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_the_error_is_said_in_the_language_asked(
    files: Path, args: list[str], code: int, english: str, chinese: str
) -> None:
    en = run([*args, "--lang", "en"] if args[0] != "--version" else ["--lang", "en", *args], files)
    zh = run([*args, "--lang", "zh"] if args[0] != "--version" else ["--lang", "zh", *args], files)
    for proc in (en, zh):
        assert proc.returncode == code, proc.stderr
        assert "Traceback" not in proc.stderr
    assert english in en.stdout + en.stderr
    said = zh.stdout + zh.stderr
    assert chinese in said
    assert not ENGLISH.search(said.replace("dlquiz", "")), said


def test_the_locale_decides_when_no_lang_is_given(files: Path) -> None:
    proc = run(["check", "missing.txt"], files, LANGUAGE="zh_CN.UTF-8")
    assert proc.returncode == 2
    assert "'missing.txt'：文件或文件夹不存在" in proc.stderr


def test_a_later_bad_lang_does_not_undo_an_earlier_good_one(files: Path) -> None:
    proc = run(["--lang", "zh", "quiz", "--lang", "fr"], files)
    assert proc.returncode == 2
    assert "'fr' 不是 'zh', 'en' 之一" in proc.stderr
    assert "Usage" not in proc.stderr


def test_a_data_folder_under_a_file_names_the_reason_in_chinese(files: Path) -> None:
    proc = run(["stats", "--lang", "zh"], files, DLQUIZ_HOME=str(files / "a-file" / "sub"))
    assert proc.returncode == 1
    assert "无法创建数据目录（路径中有一部分不是文件夹）" in proc.stderr
    assert "Errno" not in proc.stderr


def test_an_export_in_both_languages_talks_in_the_reader_s_and_titles_in_both(files: Path) -> None:
    proc = run(["--lang", "zh", "export", "md", "--lang", "both", "--topic", "act.sigmoid", "-o", "set.md"], files)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("已写入 ")
    text = (files / "set.md").read_text(encoding="utf-8")
    assert "## Chapter 4. " in text and " · 第 4 章 " in text
    assert "## Answers · " in text


def test_the_exam_report_names_kinds_and_seed_in_chinese(files: Path) -> None:
    args = ["exam", "--n", "2", "--minutes", "5", "--seed", "1", "--report", "r.md", "--lang", "zh"]
    proc = run(args, files, stdin="\n\n\n\n\n\n")
    assert proc.returncode in (0, 1), proc.stderr
    report = (files / "r.md").read_text(encoding="utf-8")
    assert "随机种子 1" in report and "seed" not in report
    kinds = re.findall(r"^\| \d+ \| [^|]+ \| ([^|]+) \|", report, flags=re.M)
    assert kinds and all(not re.search(r"[a-z]", k) for k in kinds), kinds


def test_check_json_carries_each_step_s_message_and_slip_in_chinese(files: Path) -> None:
    proc = run(["check", "-", "--json"], files, stdin="let s = sigma(x)\n d/dx s\n = s*(1+s)\n")
    assert proc.returncode == 1, proc.stderr
    broken = json.loads(proc.stdout)["steps"][2]
    assert broken["status"] == "fail" and broken["message"].startswith("does not follow from the previous step")
    assert broken["message_zh"].startswith("与上一步不相等") and broken["rule_zh"] == "σ′ 的形式写错"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_malformed_let_line_is_named_even_when_no_step_follows(files: Path, lang: str) -> None:
    proc = run(["check", "-", "--lang", lang], files, stdin="let s = sigma(x\n")
    assert proc.returncode == 2
    want = {"en": "line 1, column 16: expected ')'", "zh": "<stdin>：第 1 行第 16 列：应有 ')'"}[lang]
    assert want in proc.stderr, proc.stderr

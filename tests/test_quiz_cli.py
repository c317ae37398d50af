"""The quiz end to end: piped stdin, a real pseudo-terminal, Ctrl-C, bad input, help."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner
from conftest import FIXTURE_BANK, ROOT, dlquiz_cmd, subprocess_env

from dlquiz.cli import COMMANDS, cli

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run(args: list[str], stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*dlquiz_cmd(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=subprocess_env(**env),
        cwd=ROOT,
    )


def order_of(seed: int, n: int, *filters: str) -> list[str]:
    from dlquiz.bank import load_bank
    from dlquiz.quiz import pick_items

    bank = load_bank(FIXTURE_BANK)
    kinds = [f for f in filters]
    return [i.id for i in pick_items(bank.select(kinds=kinds), n=n, seed=seed)]


def typed_answers(seed: int, n: int, *kinds: str) -> tuple[list[str], list[str]]:
    """(right, wrong) answers as a student types them for the session's questions,
    worked out independently of the grader from the shown order of the choices."""
    from dlquiz.bank import load_bank
    from dlquiz.quiz import pick_items, prepare

    bank = load_bank(FIXTURE_BANK)
    right, wrong = [], []
    for number, item in enumerate(pick_items(bank.select(kinds=list(kinds)), n=n, seed=seed), 1):
        q = prepare(item, number=number, seed=seed)
        if item.kind == "single":
            shown = [c.en for c in q.shown_choices()]
            key_text = item.choices["abc".index(item.answer)].en
            r = "abc"[shown.index(key_text)]
            right.append(r)
            wrong.append(next(x for x in "abc"[: len(shown)] if x != r))
        elif item.kind == "truefalse":
            right.append("t" if item.answer else "f")
            wrong.append("f" if item.answer else "t")
        else:  # numeric
            right.append(str(item.answer))
            wrong.append(str(item.answer + 1))
    return right, wrong


def test_piped_session_grades_and_summarises_without_ansi(tmp_path: Path) -> None:
    right, wrong = typed_answers(5, 3, "single", "truefalse", "numeric")
    answers = [right[0], "zzz\n" + wrong[1], right[2]]
    proc = run(
        [
            "quiz",
            "--bank",
            str(FIXTURE_BANK),
            "--kind",
            "single",
            "--kind",
            "truefalse",
            "--kind",
            "numeric",
            "--n",
            "3",
            "--seed",
            "5",
            "--no-save",
        ],
        "\n".join(answers) + "\n",
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert not ANSI.search(out)
    assert out.count("✓ Correct") == 2
    assert out.count("✗ Incorrect") == 1
    assert "Could not read that" in out  # the malformed answer was asked again, not marked wrong
    assert "Score by topic" in out and "2/3" in out


def test_long_prompts_are_wrapped_not_cropped_without_a_terminal(tiny_bank: Path) -> None:
    path = tiny_bank / "04-fnn" / "act.sigmoid.toml"
    long = "word " * 60 + "THE-END"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'prompt.en = "The sigmoid\'s output is zero-centred."', f'prompt.en = "{long}"'
        ),
        encoding="utf-8",
    )
    proc = run(["quiz", "--bank", str(tiny_bank), "--kind", "truefalse", "--n", "1", "--no-save"], "t\n")
    assert "THE-END" in proc.stdout


def test_same_seed_same_questions() -> None:
    args = ["quiz", "--bank", str(FIXTURE_BANK), "--n", "4", "--seed", "11", "--no-save"]
    first, second = run(args, ""), run(args, "")

    def titles(text: str) -> list[str]:
        return re.findall(r"\d/\d · act\.sigmoid · [a-z /]+", text)

    assert titles(first.stdout) and titles(first.stdout) == titles(second.stdout)


def test_eof_ends_with_summary_so_far() -> None:
    proc = run(["quiz", "--bank", str(FIXTURE_BANK), "--n", "3", "--seed", "2", "--no-save"], "s\n")
    assert proc.returncode == 0
    assert "Skipped" in proc.stdout and "3/3 ·" not in proc.stdout  # input ended at the second question
    assert proc.stdout.rstrip().endswith("0/1")


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--topic", "nosuch"], "--topic 'nosuch': no syllabus topic starts with it", 2),
        (["--kind", "essay"], "--kind 'essay': unknown kind", 2),
        (["--topic", "det."], "no item matches these filters", 2),
        (["--n", "0"], "--n must be at least 1", 2),
    ],
)
def test_bad_filters_get_a_clear_message(args: list[str], message: str, code: int) -> None:
    proc = run(["quiz", "--bank", str(FIXTURE_BANK), "--no-save", *args])
    assert proc.returncode == code
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_broken_bank_file_is_reported_not_a_traceback(tiny_bank: Path) -> None:
    (tiny_bank / "04-fnn" / "act.sigmoid.toml").write_text('[[item]]\nid = "x"\nkind = "numerc"\n')
    proc = run(["quiz", "--bank", str(tiny_bank), "--no-save"])
    assert proc.returncode == 1
    assert "act.sigmoid.toml:1: item x: kind: unknown kind 'numerc'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_no_color_and_lang_zh() -> None:
    proc = run(
        [
            "quiz",
            "--bank",
            str(FIXTURE_BANK),
            "--kind",
            "truefalse",
            "--n",
            "1",
            "--seed",
            "1",
            "--lang",
            "zh",
            "--no-save",
        ],
        "f\n",
        NO_COLOR="1",
    )
    assert "正确" in proc.stdout and "解析" in proc.stdout
    assert not ANSI.search(proc.stdout)


def test_pty_session_right_wrong_malformed_hint_and_ctrl_c() -> None:
    right, wrong = typed_answers(3, 3, "single", "numeric", "truefalse")
    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "dlquiz",
            "quiz",
            "--bank",
            str(FIXTURE_BANK),
            "--kind",
            "single",
            "--kind",
            "numeric",
            "--kind",
            "truefalse",
            "--n",
            "3",
            "--seed",
            "3",
            "--no-save",
        ],
        cwd=str(ROOT),
        env=subprocess_env(TERM="xterm-256color", COLUMNS="100"),
        encoding="utf-8",
        timeout=60,
    )
    # first question: a malformed answer, then a hint request, then the right answer
    child.expect("1/3")
    child.expect("> ")
    child.sendline("@@")
    child.expect("Could not read that")
    child.expect("> ")
    child.sendline(right[0])
    child.expect("Correct")
    # second question: a wrong answer gets the key and the explanation
    child.expect("2/3")
    child.expect("> ")
    child.sendline(wrong[1])
    child.expect("Incorrect")
    child.expect("Answer")
    # third question: Ctrl-C ends with the score so far and exit 130
    child.expect("3/3")
    child.expect("> ")
    child.sendintr()
    child.expect("Score by topic")
    child.expect("1/2")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    for name in COMMANDS:
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        if command is None:
            continue  # a part not installed in this build
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage:" in result.output


def test_help_does_not_import_sympy_or_numpy() -> None:
    code = (
        "import sys; from dlquiz.cli import cli, COMMANDS\n"
        "[cli.get_command(None, n) for n in COMMANDS]\n"
        "heavy = [m for m in ('sympy', 'numpy', 'fsrs', 'plotext', 'genanki') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_python_dash_m_and_version() -> None:
    proc = run(["--version"])
    assert proc.returncode == 0 and proc.stdout.startswith("dlquiz, version ")


def test_topics_json_and_show() -> None:
    import json

    proc = run(["topics", "--json", "--bank", str(FIXTURE_BANK)])
    data = json.loads(proc.stdout)
    assert data["act.sigmoid"]["formula"] == 1 and data["det.nms"]["ordering"] == 0
    assert len(data) == 87  # 67 topics from the notes, 20 beyond them
    proc = run(["show", "act.sigmoid.range", "--bank", str(FIXTURE_BANK), "--lang", "zh"])
    assert "答案" in proc.stdout and "b) (0, 1)" in proc.stdout
    proc = run(["show", "act.sigmoid.rang", "--bank", str(FIXTURE_BANK)])
    assert proc.returncode == 2 and "did you mean: act.sigmoid.range" in proc.stderr


def test_exam_time_up_interrupts_the_waiting_prompt(tmp_path: Path) -> None:
    """In a real terminal the countdown ends the exam while the student is still thinking."""
    import time as _time

    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "dlquiz",
            "exam",
            "--bank",
            str(FIXTURE_BANK),
            "--n",
            "2",
            "--minutes",
            "0.1",
            "--seed",
            "1",
            "--home",
            str(tmp_path / "home"),
        ],
        cwd=str(ROOT),
        env=subprocess_env(TERM="xterm-256color", COLUMNS="100"),
        encoding="utf-8",
        timeout=60,
    )
    started = _time.monotonic()
    # nothing is typed: the 6-second exam ends by itself, at the prompt (or before it, when
    # start-up on a busy machine takes longer than the exam)
    if child.expect(["> ", "Time is up"]) == 0:
        child.expect("Time is up")
    assert _time.monotonic() - started < 20
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

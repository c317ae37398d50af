"""`dlquiz check` and `dlquiz derive` through CliRunner, and once in a real pseudo-terminal."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, subprocess_env

from dlquiz.cli import cli

EXAMPLES = ROOT / "examples" / "derivations"

GOOD = "let s = sigma(x)\n    d/dx s\n  = exp(-x)/(1 + exp(-x))^2\n  = s*(1 - s)\n"
BAD = GOOD + "  = s*(1 + s)\n"


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_check_good_file_exits_0(tmp_path: Path) -> None:
    f = tmp_path / "good.txt"
    f.write_text(GOOD, encoding="utf-8")
    r = invoke("check", str(f))
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("·   1  let s = σ(x)")
    assert lines[2].startswith("✓   3  = ")
    assert lines[3] == "✓   4  = s·(1 − s)"
    assert lines[-1] == "Every step holds."


def test_check_bad_file_exits_1_with_the_failure_panel(tmp_path: Path) -> None:
    f = tmp_path / "bad.txt"
    f.write_text(BAD, encoding="utf-8")
    r = invoke("check", str(f))
    assert r.exit_code == 1
    assert "✗   5  = s·(1 + s)" in r.output
    assert "first break" in r.output
    assert "counterexample: x = " in r.output
    assert "changed part: s (where the previous step has -s)" in r.output
    assert r.output.splitlines()[-1] == "The derivation breaks at line 5."


def test_check_reads_stdin() -> None:
    r = invoke("check", "-", input=GOOD)
    assert r.exit_code == 0
    assert "Every step holds." in r.output


def test_check_accepts_a_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    f = tmp_path / "windows.txt"
    f.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    r = invoke("check", str(f))
    assert r.exit_code == 0, r.output


def test_check_json_is_the_report() -> None:
    r = invoke("check", "-", "--json", input=BAD)
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert data["ok"] is False and data["first_failure"] == 5
    assert [s["status"] for s in data["steps"]] == ["given", "given", "ok", "ok", "fail"]
    cex = data["steps"][4]["counterexample"]
    assert set(cex) == {"at", "previous", "this"}


def test_check_malformed_line_exits_2_naming_file_line_and_column(tmp_path: Path) -> None:
    f = tmp_path / "broken.txt"
    f.write_text("let s = sigma(x)\n d/dx s\n = s*(1 - )\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["check", str(f)])
    assert r.exit_code == 2
    err = r.stderr if hasattr(r, "stderr") else r.output
    assert f"{f}: line 3, column" in err
    assert "Traceback" not in r.output


def test_check_missing_file_exits_2() -> None:
    r = CliRunner().invoke(cli, ["check", "no-such-file.txt"])
    assert r.exit_code == 2
    assert "no-such-file.txt" in r.output


def test_check_file_without_steps_exits_2() -> None:
    r = CliRunner().invoke(cli, ["check", "-"], input="# nothing\nlet s = sigma(x)\n")
    assert r.exit_code == 2
    assert "no steps" in (r.stderr if hasattr(r, "stderr") else r.output)


def test_check_chinese_output() -> None:
    r = invoke("check", "-", "--lang", "zh", input=BAD)
    assert r.exit_code == 1
    assert "推导在第 5 行断开。" in r.output
    assert "第一处错误" in r.output


def test_check_shape_error_names_the_rule() -> None:
    r = invoke("check", str(EXAMPLES / "broken-dw.txt"))
    assert r.exit_code == 1
    assert "shape error: dz (n1×1) times a_prev (n0×1)" in r.output
    assert "forgotten transpose" in r.output


@pytest.mark.parametrize("name", ["sigmoid.txt", "softmax-ce.txt", "backprop-layer.txt", "bptt.txt"])
def test_example_files_hold(name: str) -> None:
    r = invoke("check", str(EXAMPLES / name), "--timeout", "15")
    assert r.exit_code == 0, r.output


def test_check_undecided_exits_3() -> None:
    r = invoke(
        "check", str(EXAMPLES / "softmax-ce.txt"), "--timeout", "0.001"
    )  # far below one step's cost, warm caches or not
    assert r.exit_code == 3
    assert "could not be decided" in r.output


def test_check_help_has_an_example() -> None:
    r = invoke("check", "--help")
    assert r.exit_code == 0
    assert "dlquiz check examples/derivations/sigmoid.txt" in r.output


def test_derive_lists_the_library() -> None:
    r = invoke("derive")
    assert r.exit_code == 0
    for name in ("softmax-ce-gradient", "backprop-layer", "adam-bias-correction"):
        assert name in r.output


def test_derive_list_json() -> None:
    r = invoke("derive", "--json")
    data = json.loads(r.output)
    names = {d["name"] for d in data}
    assert "bptt-rnn" in names
    assert all(d["title"]["en"] and d["title"]["zh"] for d in data)


def test_derive_shows_prose_and_live_checks() -> None:
    r = invoke("derive", "sigmoid-derivative", "--lang", "en")
    assert r.exit_code == 0
    assert "Abbreviate the sigmoid as s." in r.output
    assert "✓   5  = s·(1 − s)" in r.output
    assert "Every step holds." in r.output


def test_derive_in_chinese() -> None:
    r = invoke("derive", "sigmoid-derivative", "--lang", "zh")
    assert r.exit_code == 0
    assert "把 sigmoid 简记为 s。" in r.output
    assert "每一步都成立。" in r.output


def test_derive_json_carries_the_report() -> None:
    r = invoke("derive", "tanh-from-sigmoid", "--json")
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert data["report"]["ok"] is True
    assert data["topic"] == "act.tanh"
    assert data["steps"][0]["prose"]["zh"]


def test_derive_unknown_name_lists_close_names() -> None:
    r = CliRunner().invoke(cli, ["derive", "sigmoid-derivatve"])
    assert r.exit_code == 2
    err = r.stderr if hasattr(r, "stderr") else r.output
    assert "sigmoid-derivative" in err
    assert "Traceback" not in r.output


def test_check_in_a_pseudo_terminal(tmp_path: Path) -> None:
    f = tmp_path / "bad.txt"
    f.write_text(BAD, encoding="utf-8")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "dlquiz", "check", str(f)],
        cwd=str(ROOT),
        env=subprocess_env(TERM="xterm-256color", COLUMNS="100"),
        encoding="utf-8",
        timeout=60,
    )
    child.expect("✓")
    child.expect("✗")
    child.expect("first break")
    child.expect("The derivation breaks at line 5")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1

"""`dlquiz example`, `worksheet` and `plot` through CliRunner, rendering snapshots, a real terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dlquiz.cli import cli
from dlquiz.worked import generate_example, list_generators
from dlquiz.worked.render import render_text

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("DLQUIZ_UPDATE_SNAPSHOTS") == "1"  # the one deliberate way to regenerate


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- dlquiz example


def test_example_lists_every_kind() -> None:
    code, out, _ = run("example")
    assert code == 0
    for g in list_generators():
        line = next(line for line in out.splitlines() if line.startswith(g.name + " "))
        assert g.topic in line and g.title_en in line


def test_example_list_json_and_zh() -> None:
    code, out, _ = run("example", "--json")
    assert code == 0
    data = json.loads(out)
    assert {d["name"] for d in data} == {g.name for g in list_generators()}
    conv = next(d for d in data if d["name"] == "conv.output-size")
    assert [p["name"] for p in conv["params"]] == ["n", "f", "p", "s", "d"]
    code, out, _ = run("example", "--lang", "zh")
    assert "卷积输出大小" in out


def test_example_json_is_exactly_to_dict() -> None:
    code, out, _ = run(
        "example", "conv.output-size", "--set", "n=64", "--set", "f=3", "--set", "s=2", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data == generate_example("conv.output-size", {"n": 64, "f": 3, "s": 2}).to_dict()
    assert data["answer"] == 31
    assert list(data) == ["kind", "params", "steps", "answer", "values", "asked", "shapes", "convention", "warnings"]


def test_example_json_flag_matrix_and_list_params() -> None:
    code, out, _ = run("example", "conv.xcorr", "--set", "X=0,1,2;3,4,5;6,7,8", "--set", "K=0,1;2,3", "--json")
    assert code == 0
    assert json.loads(out)["answer"] == [[19, 25], [37, 43]]
    code, out, _ = run("example", "softmax", "--set", "o=1,2,3", "--set", "y=2", "--json")
    assert json.loads(out)["values"]["p_y"] == pytest.approx(0.66524096, abs=1e-8)


def test_example_text_is_plain_when_not_a_tty() -> None:
    code, out, _ = run("example", "gradcheck")
    assert code == 0
    assert "\x1b[" not in out
    assert "3.0301" in out and "3.0001" in out
    assert "Answer" in out


def test_example_seed_is_reproducible_and_random_prints_it() -> None:
    a = run("example", "opt.adam", "--seed", "7", "--json")[1]
    b = run("example", "opt.adam", "--seed", "7", "--json")[1]
    assert a == b
    code, out, err = run("example", "opt.adam", "--random", "--json")
    assert code == 0
    seed = int(err.split()[1])
    assert json.loads(out) == json.loads(run("example", "opt.adam", "--seed", str(seed), "--json")[1])


@pytest.mark.parametrize("fmt", ["md", "latex"])
def test_example_md_and_latex(fmt: str) -> None:
    code, out, _ = run("example", "conv.output-size", "--format", fmt)
    assert code == 0
    assert "28" in out
    if fmt == "latex":
        assert out.startswith("\\documentclass") and "\\end{document}" in out
    else:
        assert out.startswith("### Output size of a convolution")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["example", "conv.nope"], "unknown example kind 'conv.nope'"),
        (["example", "conv.output-size", "--set", "q=1"], "unknown parameter 'q' (valid: n, f, p, s, d)"),
        (["example", "conv.output-size", "--set", "n"], "'n' is not NAME=VALUE"),
        (["example", "conv.output-size", "--set", "n=x"], "parameter n: 'x' is not a number"),
        (["example", "conv.output-size", "--set", "n=2", "--set", "f=7"], "larger than the padded input"),
        (["example", "act.eval", "--set", "fn=foo"], "choose one of: sigmoid"),
        (["example", "gradcheck", "--format", "pdf"], "'pdf' is not one of"),
    ],
)
def test_example_usage_errors(args: list[str], fragment: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err + out


# --------------------------------------------------------------------------- worksheet


def test_worksheet_markdown_questions_then_key(tmp_path: Path) -> None:
    code, out, _ = run("worksheet", "--n", "4", "--kinds", "conv.output-size,gradcheck", "--seed", "3")
    assert code == 0
    questions, _, key = out.partition("\n---\n")
    assert key, "no page break"
    assert questions.count("### ") == 4 and key.count("### ") == 4
    assert "Answer:" not in questions and key.count("**Answer:**") == 4
    again = run("worksheet", "--n", "4", "--kinds", "conv.output-size,gradcheck", "--seed", "3")[1]
    assert again == out


def test_worksheet_answers_match_the_generators() -> None:
    from dlquiz.worked.render import worksheet_examples

    exs = worksheet_examples(3, ["conv.output-size"], 5)
    code, out, _ = run("worksheet", "--n", "3", "--kinds", "conv.output-size", "--seed", "5")
    key = out.partition("\n---\n")[2]
    for ex in exs:
        assert f"**Answer:** `{ex.answer}`" in key
        assert f"- n = `{ex.params['n']}`" in out


def test_worksheet_latex_to_file(tmp_path: Path) -> None:
    target = tmp_path / "sheet.tex"
    code, out, err = run("worksheet", "--n", "3", "--seed", "1", "--format", "latex", "-o", str(target))
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("\\documentclass") and text.rstrip().endswith("\\end{document}")
    assert text.count("\\newpage") == 1
    assert text.count("\\begin{itemize}") == text.count("\\end{itemize}")
    assert text.count("{") - text.count("\\{") == text.count("}") - text.count("\\}")
    assert "wrote" in err


def test_worksheet_random_seed_printed_and_bad_kind() -> None:
    code, out, err = run("worksheet", "--n", "2")
    assert code == 0 and err.startswith("seed ")
    code, _, err = run("worksheet", "--n", "2", "--kinds", "conv.output-size,nope", "--seed", "1")
    assert code == 2 and "unknown example kind 'nope'" in err


# --------------------------------------------------------------------------- plot


@pytest.mark.parametrize(
    "args",
    [
        ["plot", "activation", "sigmoid"],
        ["plot", "activation", "all"],
        ["plot", "lr-decay"],
        ["plot", "optimizers"],
        ["plot", "optimizers", "--surface", "bowl"],
    ],
)
def test_plot_draws_plain_text(args: list[str]) -> None:
    code, out, _ = run(*args, "--width", "60", "--height", "15")
    assert code == 0
    assert "\x1b[" not in out
    assert "┌" in out and "└" in out


def test_plot_errors() -> None:
    code, _, err = run("plot", "activation", "sigmoidd")
    assert code == 2 and "unknown activation 'sigmoidd'" in err
    code, _, err = run("plot", "graph")
    assert code == 2
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        code, _, err = run("plot", "lr-decay", "--save", "x.png")
        assert code == 1 and "needs matplotlib" in err


def test_optimizer_paths_converge_to_the_minimum() -> None:
    from dlquiz.worked.plots import optimizer_paths

    paths = optimizer_paths(200)
    for name, pts in paths.items():
        assert abs(pts[-1][0] - 5) < 0.2, name  # argmin of w² − 10w + 25


# --------------------------------------------------------------------------- help and lazy imports


@pytest.mark.parametrize("command", ["example", "worksheet", "plot"])
def test_help_has_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert f"dlquiz {command}" in out.split("Examples:")[1]


def test_cli_module_imports_no_numpy_or_sympy() -> None:
    code = (
        "import sys, dlquiz.cli.worked_cmd; "
        "print('numpy' in sys.modules, 'sympy' in sys.modules, 'plotext' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]


# --------------------------------------------------------------------------- snapshots

SNAPSHOT_CASES = [
    ("conv.output-size", None, "en"),
    ("conv.xcorr", 3, "en"),
    ("pool", None, "en"),
    ("softmax", None, "en"),
    ("eval.metrics", None, "en"),
    ("loss.hinge", None, "zh"),
    ("opt.momentum", None, "en"),
    ("opt.adam", 11, "en"),
    ("det.nms", None, "en"),
    ("gradcheck", None, "zh"),
    ("backprop.graph", None, "en"),
    ("opt.nesterov", None, "en"),
    ("lstm.step", None, "en"),
    ("cnn.lenet", None, "en"),
    ("cnn.summary", None, "en"),
    ("cnn.summary", None, "zh"),
    ("conv.by-hand", None, "en"),
    ("rnn.bptt", None, "zh"),
    ("perceptron.trace", None, "en"),
]


@pytest.mark.parametrize(("kind", "seed", "lang"), SNAPSHOT_CASES)
def test_rendering_snapshot(kind: str, seed: int | None, lang: str) -> None:
    text = render_text(generate_example(kind, seed=seed), lang, width=80)
    assert "\x1b[" not in text
    from rich.cells import cell_len

    assert all(cell_len(line) <= 80 for line in text.splitlines())
    path = SNAPSHOTS / f"{kind}{'' if seed is None else f'.seed{seed}'}.{lang}.txt"
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"missing snapshot {path.name}; run with DLQUIZ_UPDATE_SNAPSHOTS=1 and review it")
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- a real terminal


def test_example_in_a_terminal_is_coloured() -> None:
    pexpect = pytest.importorskip("pexpect")
    exe = Path(sys.executable).parent / "dlquiz"
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm-256color", COLUMNS="100", LINES="40")
    child = pexpect.spawn(
        str(exe), ["example", "gradcheck"], env=env, encoding="utf-8", timeout=60, dimensions=(40, 100)
    )
    child.expect(pexpect.EOF)
    out = child.before
    child.close()
    assert child.exitstatus == 0
    assert "\x1b[" in out  # colour on a TTY
    assert "3.0001" in out


def test_english_latex_is_ascii_so_pdflatex_compiles_it() -> None:
    from dlquiz.worked.render import latex_document, tex_escape

    for g in list_generators():
        for seed in (None, 1, 2):
            text = latex_document(generate_example(g.name, seed=seed), "en")
            assert all(ord(c) < 128 for c in text), g.name
            assert text.count("\\begin{") == text.count("\\end{")
    assert (
        tex_escape("σ′ = σ(1 − σ)")
        == r"\ensuremath{\sigma}\ensuremath{^{\prime}} = \ensuremath{\sigma}(1 - \ensuremath{\sigma})"
    )
    assert tex_escape("m̂ 50% a_b") == r"\ensuremath{\hat{m}} 50\% a\_b"


def test_chinese_worksheet() -> None:
    code, out, _ = run("worksheet", "--n", "2", "--kinds", "gradcheck", "--seed", "1", "--lang", "zh")
    assert code == 0
    assert out.startswith("# 练习题") and "# 答案与详解" in out
    code, out, _ = run(
        "worksheet", "--n", "1", "--kinds", "gradcheck", "--seed", "1", "--lang", "zh", "--format", "latex"
    )
    assert "\\usepackage{xeCJK}" in out


@pytest.mark.skipif(__import__("shutil").which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_worksheet_compiles(tmp_path: Path) -> None:
    from dlquiz.worked.render import worksheet

    exs = [generate_example(g.name, seed=3) for g in list_generators()]
    (tmp_path / "sheet.tex").write_text(worksheet(exs, "latex", "en", 3), encoding="utf-8")
    proc = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "sheet.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (tmp_path / "sheet.pdf").exists()


def test_plot_json_points() -> None:
    code, out, _ = run("plot", "activation", "sigmoid", "--json")
    assert code == 0
    data = json.loads(out)
    labels = [s["label"] for s in data["series"]]
    assert labels == ["sigmoid", "sigmoid′"]
    sig, dsig = data["series"]
    mid = sig["x"].index(0.0)
    assert sig["y"][mid] == pytest.approx(0.5) and dsig["y"][mid] == pytest.approx(0.25)
    code, out, _ = run("plot", "lr-decay", "--json", "--epochs", "4")
    inverse = next(s for s in json.loads(out)["series"] if s["label"] == "inverse")
    assert inverse["y"] == pytest.approx([0.2, 0.1, 0.2 / 3, 0.05, 0.04])
    code, _, err = run("plot", "lr-decay", "extra")
    assert code == 2 and "takes no NAME" in err


def test_language_follows_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    code, out, _ = run("example", "gradcheck")
    assert code == 0 and "数值梯度" in out and "答案" in out
    code, out, _ = run("example", "gradcheck", "--lang", "en")
    assert "Numerical gradient" in out
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert "Numerical gradient" in run("example", "gradcheck")[1]
    monkeypatch.setenv("LANGUAGE", "zh_CN:en")  # gettext's list: the first entry wins over LC_ALL
    assert "数值梯度" in run("example", "gradcheck")[1]
    monkeypatch.setenv("LANGUAGE", "")
    assert "Numerical gradient" in run("example", "gradcheck")[1]


def test_plot_in_a_terminal_is_coloured() -> None:
    pexpect = pytest.importorskip("pexpect")
    exe = Path(sys.executable).parent / "dlquiz"
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm-256color")
    child = pexpect.spawn(
        str(exe),
        ["plot", "activation", "tanh", "--width", "60"],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 100),
    )
    child.expect(pexpect.EOF)
    out = child.before
    child.close()
    assert child.exitstatus == 0
    assert "\x1b[" in out and "tanh" in out


def test_example_params_listing() -> None:
    code, out, _ = run("example", "opt.momentum", "--params")
    assert code == 0
    for name in ("f", "grads", "w0", "lr", "beta", "k", "convention"):
        assert any(line.split("│")[1].strip() == name for line in out.splitlines() if line.count("│") > 2)
    assert "values (--ask NAME or NAME[i], --mine)" in out
    code, out, _ = run("example", "conv.xcorr", "--params", "--json")
    data = json.loads(out)
    assert data["name"] == "conv.xcorr" and "top_left" in [v["name"] for v in data["values"]]
    assert next(p for p in data["params"] if p["name"] == "K")["choices"] == ["edge", "sharpen", "blur"]

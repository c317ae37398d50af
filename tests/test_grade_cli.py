"""`dlquiz grade` (one answer, stdin, JSON, batch) and `dlquiz quiz --id`, on the shipped bank."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dlquiz.cli import cli


def grade(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["grade", *args], input=stdin)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["act.sigmoid.range", "b"], 0, "✓ correct"),
        (["act.sigmoid.range", "B"], 0, "✓ correct"),  # the item's own letters, as `dlquiz show` prints them
        (["act.sigmoid.range", "c"], 1, "✗ wrong"),
        (["act.sigmoid.range", "z"], 2, "not a choice"),
        (["softmax.def.pmax-fixed", "0.665"], 0, "interpreted as: 0.665"),
        (["rnn.training.clip-norm-component", "-1.538"], 0, "interpreted as: -1.538"),  # not an option
        (["rnn.training.clip-norm-component", "1.538"], 1, "✗ wrong"),
        (["softmax.def.pmax-fixed", "0.666"], 1, "answer: 0.665"),
        (["softmax.def.pmax-fixed", "0,665"], 2, "decimal comma"),
        (["softmax.def.pmax-fixed", "0,665", "--lang", "zh"], 2, "逗号是小数点吗"),
        (["act.sigmoid.derivative", "exp(-x)/(1+exp(-x))^2"], 2, "sent back"),
        (["cnn.trends.fully-convolutional", "FCN"], 0, "✓ correct"),
        (["cnn.trends.fully-convolutional", "全卷积网络"], 0, "✓ correct"),
        (["backprop.chain.order", "bdeac"], 0, "same backward sweep"),
    ],
)
def test_grade_one_answer(args: list[str], code: int, fragment: str) -> None:
    exit_code, out = grade(*args)
    assert exit_code == code, out
    assert fragment in out


def test_unknown_item_is_a_usage_error_with_suggestions() -> None:
    code, out = grade("act.sigmoid.rang", "b")
    assert code == 2 and "act.sigmoid.range" in out


def test_json_verdict() -> None:
    code, out = grade("softmax.def.pmax-fixed", "2/3", "--json")
    record = json.loads(out)
    assert code == 1
    assert record["status"] == "wrong" and record["correct"] is False
    assert record["interpreted"].startswith("2/3 = 0.666")


@pytest.mark.parametrize(("lang", "name"), [("en", "wrong form of σ′"), ("zh", "σ′ 的形式写错")])
def test_json_names_the_slip_by_key_and_in_the_language_asked(lang: str, name: str) -> None:
    r = CliRunner().invoke(cli, ["grade", "act.sigmoid.derivative", "s*(1+s)", "--json", "--lang", lang])
    verdict = json.loads(r.output)
    assert verdict["rule"] == "wrong form of σ′"  # the key scripts match on, in every language
    assert verdict["rule_name"] == name
    right = json.loads(CliRunner().invoke(cli, ["grade", "act.sigmoid.derivative", "s*(1-s)", "--json"]).output)
    assert right["rule"] is None and right["rule_name"] is None


@pytest.mark.parametrize(
    ("answer", "code", "fragment"),
    [
        ("= 1 - 1/(1 + exp(-x))\n= exp(-x)/(1 + exp(-x))\n= sigma(-x)\n", 0, "Shown:"),
        ("sigma(-x)\nsigma(-x)\n", 2, "show the intermediate steps"),
        ("1 - sigma(x)\nsigma(-x)\n", 2, "Missing:"),
        ("= 1 - 1/(1 + exp(-x))\n= exp(x)/(1 + exp(-x))\n= sigma(-x)\n", 1, "✗"),
    ],
)
def test_a_derivation_from_stdin(answer: str, code: int, fragment: str) -> None:
    exit_code, out = grade("act.sigmoid.derive-symmetry", "-", stdin=answer)
    assert exit_code == code, out
    assert fragment in out


def test_parametric_items_draw_their_numbers_from_the_seed() -> None:
    from dlquiz.bank import load_bank
    from dlquiz.quiz.session import prepare

    item = load_bank().get("loss.bce.generated")
    assert item is not None
    for seed in (1, 2):
        key = prepare(item, number=1, seed=seed).expected
        code, out = grade("loss.bce.generated", f"{key:.3f}", "--seed", str(seed))
        assert code == 0, out


@pytest.mark.parametrize(("points", "code", "rating"), [("all", 0, 3), ("1 2", 0, 2), ("none", 1, 1)])
def test_explain_items_are_self_graded_with_points(points: str, code: int, rating: int) -> None:
    exit_code, out = grade(
        "act.why-nonlinear.explain", "a composition of linear maps is linear", "--points", points, "--json"
    )
    assert exit_code == code
    assert json.loads(out)["self_rating"] == rating


def test_explain_without_points_shows_the_rubric_and_is_not_graded() -> None:
    code, out = grade("act.why-nonlinear.explain", "-", stdin="because\n")
    assert code == 2
    assert "1. " in out and "--points" in out


def test_batch_writes_one_verdict_per_line_in_order() -> None:
    lines = [
        {"id": "s1", "item": "act.sigmoid.range", "answer": "b"},
        {"id": "s2", "item": "act.sigmoid.range", "answer": "c"},
        "not json",
        {"id": "s4", "item": "no.such.item", "answer": "b"},
        {"id": "s5", "item": "act.sigmoid.derive-symmetry", "answer": "sigma(-x)\nsigma(-x)"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    code, out = grade("--batch", "-", stdin=stdin)
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["status"] for r in records] == ["correct", "wrong", "error", "error", "sent_back"]
    assert [r.get("id") for r in records] == ["s1", "s2", None, "s4", "s5"]
    assert "line 3" in records[2]["message"]
    assert code == 2  # some lines could not be graded


def test_quiz_id_asks_exactly_those_items_in_order() -> None:
    from dlquiz.bank import load_bank
    from dlquiz.quiz import prepare

    bank = load_bank()
    ids = ["softmax.def.pmax-fixed", "act.sigmoid.range"]
    q = prepare(bank.get(ids[1]), number=2, seed=5)  # type: ignore[arg-type]
    shown = "abcdefgh"[q.order.index("abcdefgh".index(bank.get(ids[1]).answer))]  # type: ignore[union-attr]
    result = CliRunner().invoke(
        cli, ["quiz", "--id", ids[0], "--id", ids[1], "--seed", "5", "--no-save"], input=f"0.665\n{shown}\n"
    )
    assert result.exit_code == 0, result.output
    assert result.output.index("softmax.def") < result.output.index("act.sigmoid")
    assert "2/2" in result.output


def test_quiz_id_unknown_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["quiz", "--id", "nope.nothing", "--no-save"])
    assert result.exit_code == 2 and "no such item" in result.output


def test_explain_in_a_session_records_the_self_rating() -> None:
    from io import StringIO

    from rich.console import Console

    from dlquiz.bank import load_bank
    from dlquiz.quiz import AnswerEvent, run_session

    item = load_bank().get("cnn.resnet.explain-why-deep")
    assert item is not None
    typed = iter(["shortcuts carry the gradient", "", "x", "2 4"])
    events: list[AnswerEvent] = []
    result = run_session(
        [item],
        lang="en",
        seed=1,
        console=Console(file=StringIO(), width=100),
        read_line=lambda prompt: next(typed),
        recorder=events.append,
    )
    assert [e.result for e in events] == ["correct"]
    assert events[0].self_rating == 2 and events[0].response == "shortcuts carry the gradient"
    assert result.grades[0] is not None and result.grades[0].notes[0].en.startswith("Points made: 2, 4")


def test_a_bank_that_cannot_be_read_is_not_gradable_exit_2(tmp_path: Path) -> None:
    code, out = grade("det.iou.name", "union", "--bank", str(tmp_path))
    assert code == 2 and "no .toml files" in out

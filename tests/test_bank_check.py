"""`dlquiz bank check` over the shipped bank, and on deliberately broken keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from dlquiz.bank import load_bank
from dlquiz.bank.check import check_keys, coverage_problems
from dlquiz.cli import cli

HEAD = """
[[item]]
id = "{id}"
topic = "{topic}"
kind = "{kind}"
difficulty = 1
source = "000_ffe98cf169f07fd8"
prompt.en = "p"
prompt.zh = "题"
explanation.en = "e"
explanation.zh = "解"
"""

BROKEN = {
    # a formula key that is not its canonical form (sign slip in the key)
    "act.sigmoid.bad-key": (
        "act.sigmoid",
        "formula",
        'answer = "sigma(x)*(1 + sigma(x))"\ncanonical = "exp(-x)/(1 + exp(-x))^2"',
    ),
    # a "known mistake" that is in fact equal to the key
    "act.tanh.bad-mistake": (
        "act.tanh",
        "formula",
        'answer = "1 - tanh(x)^2"\nmistakes = [{ answer = "1/cosh(x)^2", en = "m", zh = "m" }]',
    ),
    # a numeric key that its generator does not compute: ⌊(32 − 5)/1⌋ + 1 = 28, not 27
    "conv.size.bad-number": (
        "conv.size",
        "numeric",
        'generator = "conv.output-size"\nparams = { n = 32, f = 5, p = 0, s = 1 }\nanswer = 27',
    ),
    # a model derivation with a broken step
    "act.softplus.bad-derivation": (
        "act.softplus",
        "derivation",
        'start = "d/dx log(1 + exp(x))"\ngoal = "sigma(x)"\n'
        "solution = '''\n= exp(x)/(1 + exp(-x))\n= sigma(x)\n'''",
    ),
}


def test_the_shipped_bank_covers_every_syllabus_topic() -> None:
    bank = load_bank()
    assert coverage_problems(bank.items, bank.syllabus) == []
    assert len(bank.items) >= 300


def test_every_key_of_the_shipped_bank_is_proved() -> None:
    bank = load_bank()
    problems = check_keys(bank.items, jobs=2)
    assert [str(p) for p in problems] == []


def test_deliberately_broken_keys_are_caught(tmp_path: Path) -> None:
    root = tmp_path / "bank" / "04-fnn"
    root.mkdir(parents=True)
    text = "".join(HEAD.format(id=i, topic=t, kind=k) + body + "\n" for i, (t, k, body) in BROKEN.items())
    (root / "broken.toml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["bank", "check", "--bank", str(tmp_path / "bank"), "--no-coverage", "--jobs", "1"]
    )
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    for item_id, field in (
        ("act.sigmoid.bad-key", "canonical"),
        ("act.tanh.bad-mistake", "mistakes[1]"),
        ("conv.size.bad-number", "answer"),
        ("act.softplus.bad-derivation", "solution"),
    ):
        assert any(f"item {item_id}: {field}:" in line for line in lines), (item_id, result.output)
    assert "4 items checked" in result.output


def _content(item_id: str, **changes: Any) -> list[str]:
    """The content-gate problems of a shipped item with some fields changed."""
    from dataclasses import replace

    from dlquiz.bank.check import content_problems

    item = load_bank().get(item_id)
    assert item is not None
    return [f"{p.field}: {p.message}" for p in content_problems([replace(item, **changes)])]


def test_content_gates_of_the_shipped_bank_pass() -> None:
    from dlquiz.bank.check import content_problems

    assert [str(p) for p in content_problems(load_bank().items)] == []


def test_content_gates_catch_what_the_issue_names() -> None:
    from dlquiz.bank.model import Text

    # a short item with too few accepted forms per language
    assert any(
        "accepted zh form" in p for p in _content("det.yolo.name", answer=("once", "one time", "only once", "一次"))
    )
    # a numeric item whose key is not whole, with no stated precision
    assert any(p.startswith("decimals:") for p in _content("softmax.def.pmax-fixed", decimals=None))
    # the precision set but not said in the Chinese prompt
    prompt = load_bank().get("softmax.def.pmax-fixed").prompt  # type: ignore[union-attr]
    assert any(
        p.startswith("prompt.zh:")
        for p in _content("softmax.def.pmax-fixed", prompt=Text(prompt.en, "最大的 softmax 概率是多少？"))
    )
    # a mistake the tolerance would accept
    from dlquiz.bank.model import Mistake

    near = (Mistake(0.6654, Text("x", "x")),)
    assert any("within the tolerance" in p for p in _content("softmax.def.pmax-fixed", mistakes=near))
    # a derivation whose prompt defines a = σ(wx + b) without a matching given
    assert any(p.startswith("given:") and " a " in p for p in _content("logreg.derive-grad", given=()))
    # an explain item with a one-sentence model answer
    assert any("sentence" in p for p in _content("act.why-nonlinear.explain", model_answer=Text("Because.", "因为。")))


def test_a_derivation_that_can_be_passed_with_no_work_is_caught() -> None:
    from dataclasses import replace

    from dlquiz.bank.check import check_item

    item = load_bank().get("act.sigmoid.derive-symmetry")
    assert item is not None
    fields = {p.field for p in check_item(replace(item, milestones=()))}
    assert "milestones" in fields  # an item must name the key steps an examiner looks for

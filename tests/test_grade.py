"""Grading of every kind of item: right, wrong, unreadable, and known mistakes."""

from __future__ import annotations

import pytest
from conftest import FIXTURE_BANK

from dlquiz.bank import load_bank
from dlquiz.quiz.grade import grade, parse_number
from dlquiz.quiz.session import Question, _fill, pick_items

BANK = load_bank(FIXTURE_BANK)


def item(item_id: str):  # type: ignore[no-untyped-def]
    found = BANK.get(item_id)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("item_id", "response", "status"),
    [
        # single choice: letter, case and spaces do not matter
        ("act.sigmoid.range", "b", "correct"),
        ("act.sigmoid.range", " B ", "correct"),
        ("act.sigmoid.range", "c", "wrong"),
        ("act.sigmoid.range", "d", "invalid"),
        ("act.sigmoid.range", "ab", "invalid"),
        ("act.sigmoid.range", "1", "invalid"),
        # multiple choice: every right letter, no wrong one, any order or separator
        ("act.sigmoid.multi", "ab", "correct"),
        ("act.sigmoid.multi", "b, a", "correct"),
        ("act.sigmoid.multi", "a", "wrong"),
        ("act.sigmoid.multi", "abc", "wrong"),
        ("act.sigmoid.multi", "az", "invalid"),
        # true / false in both languages
        ("act.sigmoid.zero-centred", "f", "correct"),
        ("act.sigmoid.zero-centred", "错", "correct"),
        ("act.sigmoid.zero-centred", "true", "wrong"),
        ("act.sigmoid.zero-centred", "maybe", "invalid"),
        # short answer: accepted variants, case and punctuation ignored
        ("act.sigmoid.name", "Saturates.", "correct"),
        ("act.sigmoid.name", "饱和", "correct"),
        ("act.sigmoid.name", "explode", "wrong"),
        ("act.sigmoid.name", "...", "invalid"),
        # ordering: a permutation of every letter
        ("act.sigmoid.order", "bca", "correct"),
        ("act.sigmoid.order", "b c a", "correct"),
        ("act.sigmoid.order", "b,c,a", "correct"),
        ("act.sigmoid.order", "cba", "wrong"),
        ("act.sigmoid.order", "bc", "invalid"),
        ("act.sigmoid.order", "bcc", "invalid"),
        # numeric: decimals, fractions, percentages, tolerance
        ("act.sigmoid.max-derivative", "0.25", "correct"),
        ("act.sigmoid.max-derivative", "1/4", "correct"),
        ("act.sigmoid.max-derivative", "25%", "correct"),
        ("act.sigmoid.max-derivative", "0.2502", "correct"),
        ("act.sigmoid.max-derivative", "0.26", "wrong"),
        ("act.sigmoid.max-derivative", "0.5", "wrong"),
        ("act.sigmoid.max-derivative", "one quarter", "invalid"),
        ("act.sigmoid.max-derivative", "1/0", "invalid"),
    ],
)
def test_grade_by_kind(item_id: str, response: str, status: str) -> None:
    assert grade(item(item_id), response).status == status


def test_known_mistake_gets_its_message() -> None:
    g = grade(item("act.sigmoid.range"), "a")
    assert g.status == "wrong"
    assert g.mistake is not None and "tanh" in g.mistake("en")
    assert grade(item("act.sigmoid.range"), "c").mistake is None
    g = grade(item("act.sigmoid.max-derivative"), "1/2")
    assert g.mistake is not None and "σ(0)" in g.mistake("en")


def test_multi_wrong_says_what_is_missing_and_extra() -> None:
    assert grade(item("act.sigmoid.multi"), "bc").message == "missing a; not c"


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.25", 0.25), ("-3", -3.0), ("−3", -3.0), ("3/4", 0.75), ("1e-8", 1e-8), ("75%", 0.75),
     ("1,000", 1000.0), (".5", 0.5), ("３", 3.0), ("0.25^10", 0.25**10), ("9.5×10^-7", 9.5e-7),
     ("9.5 × 10⁻⁷", 9.5e-7), ("9.5*10^(-7)", 9.5e-7), ("2^-3", 0.125), ("2**3", 8.0), ("1.5/2", 0.75),
     ("-2^2", -4.0), ("-8^0.5", -8**0.5)],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value, abs=1e-15)


@pytest.mark.parametrize("text", ["", "abc", "1/0", "1e999", "2x", "1..2", "9^9^9", "10^99999", "(-8)^0.5",
                                  "2^^3", "__import__('os')"])
def test_parse_number_rejects_with_a_message(text: str) -> None:
    assert isinstance(parse_number(text), str)


def test_integer_keys_are_exact_and_tolerances_apply() -> None:
    from dataclasses import replace

    base = item("act.sigmoid.max-derivative")
    count = replace(base, answer=456.0)
    assert grade(count, "456").status == "correct"
    assert grade(count, "456.3").status == "wrong"
    loose = replace(base, tolerance=0.01)
    assert grade(loose, "0.259").status == "correct"
    assert grade(loose, "0.261").status == "wrong"
    rel = replace(base, rel_tolerance=0.1)
    assert grade(rel, "0.274").status == "correct"


def test_formula_items_are_graded_symbolically() -> None:
    f = item("act.sigmoid.derivative")
    assert grade(f, "sigma(x) - sigma(x)^2").status == "correct"
    assert grade(f, "s*(1-s)").status == "correct"  # the item's `let` abbreviation
    assert grade(f, r"\sigma(x)\left(1-\sigma(x)\right)").status == "correct"
    wrong = grade(f, "(1-sigma(x))^2")
    assert wrong.status == "wrong" and wrong.mistake is not None
    assert grade(f, "sigma(x)*(1+sigma(x))").status == "wrong"
    bad = grade(f, "sigma(x)*(1-")
    assert bad.status == "invalid" and "column" in bad.message


def test_key_text_and_same_seed_same_session() -> None:
    q = Question(item("act.sigmoid.order"), 1)
    assert q.key_text("en") == "b → c → a"
    assert Question(item("act.sigmoid.zero-centred"), 1).key_text("zh") == "错误"
    first = [i.id for i in pick_items(BANK.items, n=5, seed=7)]
    assert first == [i.id for i in pick_items(BANK.items, n=5, seed=7)]
    assert len(set(first)) == 5


def test_fill_replaces_only_parameters() -> None:
    assert _fill("n={n}, set {a}, {{x}}", {"n": "32"}) == "n=32, set {a}, {x}"


def test_choices_are_shown_shuffled_and_graded_by_what_is_shown() -> None:
    from dlquiz.quiz.session import prepare

    single = item("act.sigmoid.range")
    orders = {prepare(single, number=1, seed=seed).order for seed in range(30)}
    assert len(orders) > 1  # the right answer does not always sit at the same letter
    for seed in range(10):
        q = prepare(single, number=1, seed=seed)
        shown = [c.en for c in q.shown_choices()]
        right = "abc"[shown.index("(0, 1)")]
        tanh = "abc"[shown.index("(−1, 1)")]
        assert q.grade(right).status == "correct"
        wrong = q.grade(tanh)
        assert wrong.status == "wrong" and wrong.mistake is not None  # the tanh mistake still matches
        assert q.key_text("en") == f"{right}) (0, 1)"
    multi = item("act.sigmoid.multi")
    q = prepare(multi, number=1, seed=4)
    shown = [c.en for c in q.shown_choices()]
    sat, centred, diff = (shown.index(t) for t in ("Saturation kills gradients", "Not zero-centred", "Not differentiable at 0"))
    assert q.grade("abc"[sat] + "abc"[centred]).status == "correct"
    assert q.grade("abc"[sat] + "abc"[diff]).message == f"missing {'abc'[centred]}; not {'abc'[diff]}"
    order = prepare(item("act.sigmoid.order"), number=1, seed=2)
    steps = [c.en for c in order.shown_choices()]
    typed = "".join("abc"[steps.index(t)] for t in ("Write σ = (1 + e⁻ˣ)⁻¹", "Apply the chain rule", "Replace e⁻ˣ/(1 + e⁻ˣ) by 1 − σ"))
    assert order.grade(typed).status == "correct"
    assert order.key_text("en") == " → ".join(typed)


def test_forbidden_names_and_derivative_operators_are_sent_back() -> None:
    from dataclasses import replace

    definition = replace(item("act.sigmoid.derivative"), forbid=("sigma",), answer="exp(-x)/(1+exp(-x))^2",
                         let={}, mistakes=())
    bad = grade(definition, "sigma(x)*(1-sigma(x))")
    assert bad.status == "invalid" and "without 'sigma' (column 1)" in bad.message
    assert grade(definition, "exp(x)/(1+exp(x))^2").status == "correct"
    derivative = item("act.sigmoid.derivative")
    assert grade(derivative, "d/dx sigma(x)").status == "invalid"
    assert grade(derivative, "diff(sigma(x), x)").status == "invalid"
    assert grade(derivative, r"\frac{d}{dx}\sigma(x)").status == "invalid"


def test_derivation_items_check_every_step_and_want_the_work_shown() -> None:
    d = item("act.sigmoid.symmetry")
    right = "= 1 - 1/(1 + exp(-x))\n= exp(-x)/(1 + exp(-x))\n= sigma(-x)"
    assert grade(d, right).status == "correct"
    broken = grade(d, "= 1 - 1/(1 + exp(-x))\n= exp(x)/(1 + exp(-x))\n= sigma(-x)")
    assert broken.status == "wrong"
    assert "✗" in broken.message and "2" in broken.message  # the second step is the one that breaks
    assert grade(d, "sigma(-x)").status == "sent_back"  # only the goal: no work shown
    assert grade(d, "= 1 - sigma(x)\n= sigma(-x)").status == "sent_back"  # the start again, then the goal
    assert grade(d, "= 1 - 1/(1 + exp(-x)\n= sigma(-x)").status == "invalid"  # unreadable line


@pytest.mark.parametrize(
    ("item_id", "response", "zh"),
    [
        ("act.sigmoid.zero-centred", "maybe", "请输入 t（对）或 f（错）"),
        ("act.sigmoid.range", "z", "'z' 不是选项；请输入 a 到 c 之间的字母"),
        ("act.sigmoid.max-derivative", "四十九", "第 1 列起不是数"),
    ],
)
def test_sent_back_messages_have_chinese(item_id: str, response: str, zh: str) -> None:
    result = grade(item(item_id), response)
    assert result.status == "invalid"
    assert result.detail("zh").startswith(zh)
    assert result.detail("en") == result.message

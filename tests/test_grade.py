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
    [
        ("0.25", 0.25),
        ("-3", -3.0),
        ("−3", -3.0),
        ("3/4", 0.75),
        ("1e-8", 1e-8),
        ("75%", 0.75),
        ("1,000", 1000.0),
        (".5", 0.5),
        ("３", 3.0),
        ("0.25^10", 0.25**10),
        ("9.5×10^-7", 9.5e-7),
        ("9.5 × 10⁻⁷", 9.5e-7),
        ("9.5*10^(-7)", 9.5e-7),
        ("2^-3", 0.125),
        ("2**3", 8.0),
        ("1.5/2", 0.75),
        ("-2^2", -4.0),
        ("-8^0.5", -(8**0.5)),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value, abs=1e-15)


@pytest.mark.parametrize(
    "text", ["", "abc", "1/0", "1e999", "2x", "1..2", "9^9^9", "10^99999", "(-8)^0.5", "2^^3", "__import__('os')"]
)
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
    assert Question(item("act.sigmoid.zero-centred"), 1).key_text("zh") == "错（f）"
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
    sat, centred, diff = (
        shown.index(t) for t in ("Saturation kills gradients", "Not zero-centred", "Not differentiable at 0")
    )
    assert q.grade("abc"[sat] + "abc"[centred]).status == "correct"
    assert q.grade("abc"[sat] + "abc"[diff]).message == f"missing {'abc'[centred]}; not {'abc'[diff]}"
    order = prepare(item("act.sigmoid.order"), number=1, seed=2)
    steps = [c.en for c in order.shown_choices()]
    typed = "".join(
        "abc"[steps.index(t)]
        for t in ("Write σ = (1 + e⁻ˣ)⁻¹", "Apply the chain rule", "Replace e⁻ˣ/(1 + e⁻ˣ) by 1 − σ")
    )
    assert order.grade(typed).status == "correct"
    assert order.key_text("en") == " → ".join(typed)


def test_forbidden_names_and_derivative_operators_are_sent_back() -> None:
    from dataclasses import replace

    definition = replace(
        item("act.sigmoid.derivative"), forbid=("sigma",), answer="exp(-x)/(1+exp(-x))^2", let={}, mistakes=()
    )
    bad = grade(definition, "sigma(x)*(1-sigma(x))")
    assert bad.status == "sent_back" and "without 'sigma' (column 1)" in bad.message
    assert grade(definition, "exp(x)/(1+exp(x))^2").status == "correct"
    derivative = item("act.sigmoid.derivative")
    assert grade(derivative, "d/dx sigma(x)").status == "sent_back"
    assert grade(derivative, "diff(sigma(x), x)").status == "sent_back"
    assert grade(derivative, r"\frac{d}{dx}\sigma(x)").status == "sent_back"


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ("b", "invalid"),  # b is not a quantity of this question: asked again, naming it
        ("s*(1-s) + 0*b", "invalid"),  # ... nor when it is multiplied by 0
        ("s*(1-s) + b - b", "invalid"),  # ... or cancels
        ("s*(1-s) + 0*x", "correct"),  # x is the question's own variable
        ("s*(1-s) + sum(0*k, k, 1, 3)", "correct"),  # a sum's index is no quantity
    ],
)
def test_a_name_the_question_does_not_have_is_refused_even_where_it_cancels(answer: str, status: str) -> None:
    graded = grade(item("act.sigmoid.derivative"), answer)  # let s = σ(x)
    assert graded.status == status
    if status == "invalid":
        assert graded.message.startswith("'b' does not appear in this question")


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


# ----------------------------------------------------------------------------- precision


@pytest.mark.parametrize(
    ("answer", "fields", "typed", "status"),
    [
        # decimals = 3: an answer rounded as asked passes, one off in the third decimal fails
        (0.66524, {"decimals": 3}, "0.665", "correct"),
        (0.66524, {"decimals": 3}, "0.6652", "correct"),
        (0.66524, {"decimals": 3}, "0.666", "wrong"),
        (0.66524, {"decimals": 3}, "0.664", "wrong"),
        (0.66524, {"decimals": 3}, "66.5%", "correct"),
        (0.66524, {"decimals": 3}, "0.67", "wrong"),
        # 4 decimals no longer accept ±5 in the fourth decimal
        (0.19994, {"decimals": 4}, "0.1999", "correct"),
        (0.19994, {"decimals": 4}, "0.2", "wrong"),
        (0.19994, {"decimals": 4}, "0.1995", "wrong"),
        # significant figures, at any magnitude: 3 s.f. never passes for 4 asked
        (0.005153775, {"sig_figs": 4}, "0.005154", "correct"),
        (0.005153775, {"sig_figs": 4}, "0.00515", "wrong"),
        (0.005153775, {"sig_figs": 4}, "5.154e-3", "correct"),
        (1234.5678, {"sig_figs": 4}, "1235", "correct"),
        (1234.5678, {"sig_figs": 4}, "1234", "wrong"),
        (1234.5678, {"sig_figs": 4}, "1230", "wrong"),
        # exact fractions of the exact value
        (1 / 7, {"decimals": 3}, "1/7", "correct"),
        (1 / 7, {"decimals": 3}, "0.143", "correct"),
        (1 / 7, {"decimals": 3}, "0.14", "wrong"),
        # no stated precision: a fair two-decimal rounding passes
        (0.66524, {}, "0.67", "correct"),
        (0.66524, {}, "0.68", "wrong"),
        (3.3333, {}, "3.33", "correct"),
        (0.004321, {}, "0.0043", "correct"),
        (0.004321, {}, "0.004", "wrong"),
        (456.0, {}, "456.3", "wrong"),
    ],
)
def test_numbers_are_graded_by_the_stated_precision(
    answer: float, fields: dict[str, int], typed: str, status: str
) -> None:
    from dataclasses import replace

    numeric = replace(item("act.sigmoid.max-derivative"), answer=answer, mistakes=(), **fields)
    assert grade(numeric, typed).status == status


@pytest.mark.parametrize(
    ("typed", "status", "fragment"),
    [
        ("0,665", "invalid", "decimal comma"),
        ("1,5", "invalid", "1.5"),
        ("12,544", "invalid", "12544"),
        ("0.665", "correct", ""),
    ],
)
def test_a_decimal_comma_is_asked_about_never_misread(typed: str, status: str, fragment: str) -> None:
    from dataclasses import replace

    numeric = replace(item("act.sigmoid.max-derivative"), answer=0.66524, decimals=3, mistakes=())
    result = grade(numeric, typed)
    assert result.status == status
    assert fragment in result.message
    if status == "invalid":
        assert result.detail("zh").startswith("逗号是小数点吗")


@pytest.mark.parametrize(("typed", "echo"), [("3/4", "3/4 = 0.75"), ("75%", "75% = 0.75"), ("0.75", "0.75")])
def test_numbers_echo_how_they_were_read(typed: str, echo: str) -> None:
    from dataclasses import replace

    numeric = replace(item("act.sigmoid.max-derivative"), answer=0.75, mistakes=())
    assert grade(numeric, typed).interpreted == echo


# ----------------------------------------------------------------------------- short answers


@pytest.mark.parametrize(
    ("accepted", "typed", "status"),
    [
        (("fully convolutional network", "全卷积网络"), "Fully-Convolutional Networks", "correct"),  # case, plural
        (
            ("fully convolutional network", "全卷积网络"),
            "ｆｕｌｌｙ ｃｏｎｖｏｌｕｔｉｏｎａｌ ｎｅｔｗｏｒｋ",
            "correct",
        ),
        (("fully convolutional network", "全卷积网络"), "a fully convolutional network.", "correct"),
        (("fully convolutional network", "全卷积网络"), "全卷積網絡", "correct"),  # traditional characters
        (("fully convolutional network", "全卷积网络"), "全卷积网络。", "correct"),
        (("fully convolutional network", "全卷积网络"), "fully convolutonal network", "sent_back"),  # typo
        (("fully convolutional network", "全卷积网络"), "fully connected network", "wrong"),
        (("anchor boxes",), "anchor box", "correct"),  # singular for a plural key
        (("bias",), "biases", "correct"),
        (("ELU",), "ReLU", "wrong"),  # too short to be a typo
        (("最大池化",), "最小池化", "wrong"),  # Chinese: one character is a different term
    ],
)
def test_short_answers_are_normalised(accepted: tuple[str, ...], typed: str, status: str) -> None:
    from dataclasses import replace

    short = replace(item("act.sigmoid.range"), kind="short", answer=accepted, choices=(), mistakes=())
    result = grade(short, typed)
    assert result.status == status
    if status == "sent_back":
        assert "spelling" in result.message and "拼写" in result.detail("zh")


# ----------------------------------------------------------------------------- constraints, orders, explain


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("sigma(x)*(1 - sigma(x))", "correct"),
        ("s - s^2", "correct"),  # the abbreviation s = sigma(x)
        ("exp(-x)/(1 + exp(-x))^2", "sent_back"),  # right, but not in terms of σ
        ("e^(-x)*sigma(x)^2", "sent_back"),  # exp written as a power of e
        ("sigma(x)*(1 + sigma(x))", "wrong"),
    ],
)
def test_in_terms_of_sigma_is_enforced(typed: str, status: str) -> None:
    from dataclasses import replace

    from dlquiz.bank.model import Text

    f = replace(
        item("act.sigmoid.derivative"),
        require=("sigma",),
        forbid=("exp",),
        constraint=Text("in terms of σ(x)", "用 σ(x) 表示"),
    )
    result = grade(f, typed)
    assert result.status == status
    if status == "sent_back":
        assert "exp" in result.message and "用 σ(x) 表示" in result.detail("zh")


def test_every_listed_order_is_accepted_with_its_convention() -> None:
    from dataclasses import replace

    from dlquiz.bank.model import Order, Text

    base = item("act.sigmoid.order")
    first, second = base.answer, (base.answer[1], base.answer[0], *base.answer[2:])
    two = replace(
        base, orders=(Order(first, Text("one way", "一种")), Order(second, Text("other way", "另一种"))), mistakes=()
    )
    assert grade(two, "".join(first)).notes[0].en == "one way"
    assert grade(two, "".join(second)).status == "correct"
    assert grade(two, "".join(second)).notes[0].zh == "另一种"
    assert grade(two, "".join(reversed(first))).status == "wrong"
    assert " or " in Question(two, 1).key_text("en")


@pytest.mark.parametrize(
    ("typed", "points"),
    [("1 3", [1, 3]), ("3,1", [1, 3]), ("all", [1, 2, 3, 4]), ("none", []), ("全部", [1, 2, 3, 4])],
)
def test_points_made_are_read(typed: str, points: list[int]) -> None:
    from dlquiz.quiz.grade import parse_points

    assert parse_points(typed, 4) == points


@pytest.mark.parametrize("typed", ["5", "x", "1 two", ""])
def test_points_that_are_not_points_get_a_message(typed: str) -> None:
    from dlquiz.quiz.grade import parse_points

    assert isinstance(parse_points(typed, 4), str)


@pytest.mark.parametrize(
    ("made", "total", "rating"), [(4, 4, 3), (3, 4, 2), (2, 4, 2), (1, 4, 1), (0, 3, 1), (2, 3, 2), (1, 3, 1)]
)
def test_points_made_give_the_review_rating(made: int, total: int, rating: int) -> None:
    from dlquiz.quiz.grade import rating_for_points

    assert rating_for_points(made, total) == rating


def test_status_is_an_enum_end_to_end() -> None:
    from dlquiz.quiz.grade import Status

    assert grade(item("act.sigmoid.range"), "b").status is Status.CORRECT
    assert grade(item("act.sigmoid.derivative"), "sigma(x)*(1-sigma(x))").status is Status.CORRECT
    assert grade(item("act.sigmoid.derivative"), "sigma(x)").status is Status.WRONG

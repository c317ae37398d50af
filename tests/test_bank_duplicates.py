"""The near-duplicate gate of `bank check`: prompts that mean the same are flagged, prompts that
ask different things (another value of a template, another quantity, a spot-the-error twin) are not."""

from __future__ import annotations

from typing import Any

import pytest

from dlquiz.bank import default_root, read_bank
from dlquiz.bank.check import (
    ALLOWED_SIMILAR,
    DUPLICATE_THRESHOLD,
    duplicate_problems,
    jaccard,
    near_duplicates,
    normalise_prompt,
    prompt_shingles,
    same_key,
)
from dlquiz.bank.model import Item, Part, Text


def make(item_id: str, en: str, zh: str, kind: str = "single", answer: Any = None, **fields: Any) -> Item:
    return Item(
        id=item_id,
        topic="t",
        kind=kind,
        difficulty=1,
        source="000_ffe98cf169f07fd8",
        prompt=Text(en, zh),
        explanation=Text("e", "解释"),
        answer=answer,
        **fields,
    )


# (first prompt, second prompt, extra fields of each) -> flagged?
MUST_FLAG = [
    pytest.param(
        make("a", "In which year did AlexNet win ImageNet?", "AlexNet 在哪一年赢得 ImageNet 比赛？"),
        make("b", "In which year did AlexNet win the ImageNet?", "AlexNet 在哪一年赢得 ImageNet 比赛?"),
        id="reworded-by-one-word",
    ),
    pytest.param(
        make(
            "a",
            "Compute ELU(−1) with γ = 1 (4 significant digits).",
            "取 γ = 1，计算 ELU(−1)（保留 4 位有效数字）。",
            kind="numeric",
            generator="act.eval",
            ask="answer",
        ),
        make(
            "b",
            "Compute ELU({x}) with γ = 1 (4 significant digits).",
            "取 γ = 1，计算 ELU({x})（保留 4 位有效数字）。",
            kind="numeric",
            generator="act.eval",
            ask="answer",
        ),
        id="template-fixed-and-drawn-same-ask",
    ),
    pytest.param(
        make(
            "a",
            "Output side for input 6 × 6, kernel 3 × 3, stride 2?",
            "输入 6 × 6，卷积核 3 × 3，步幅 2，输出边长？",
            kind="numeric",
        ),
        make(
            "b",
            "Output side for input 7 × 7, kernel 5 × 5, stride 1?",
            "输入 7 × 7，卷积核 5 × 5，步幅 1，输出边长？",
            kind="numeric",
        ),
        id="fixed-numbers-only-differ",
    ),
    pytest.param(
        make("a", "Which statements about dropout are correct?", "关于 dropout，下列哪些说法正确？", kind="multi"),
        make("b", "Which statements about Dropout are correct:", "关于 Dropout, 下列哪些说法正确?", kind="multi"),
        id="case-and-punctuation",
    ),
    pytest.param(
        make(
            "a",
            "Two layers: what is h_2 after the update?",
            "两层：更新后 h_2 是多少？",
            kind="numeric",
            generator="g",
            parts=(Part("h2"), Part("y")),
        ),
        make(
            "b",
            "Two layers: what is h₂ after the update?",
            "两层：更新后 h₂ 是多少？",
            kind="numeric",
            generator="g",
            parts=(Part("h2"), Part("y")),
        ),
        id="subscript-typed-two-ways-same-parts",
    ),
    pytest.param(
        make(
            "a",
            "A random-number generator gives u uniform on [0, 1]. You want learning rates spread evenly on a log "
            "scale from 10⁻⁴ to 1, with u = 0 giving 10⁻⁴ and u = 1 giving 1. Write α in terms of u.",
            "随机数生成器给出 [0, 1] 上均匀分布的 u。希望学习率在 10⁻⁴ 到 1 之间按对数尺度均匀分布，u = 0 时为 10⁻⁴，"
            "u = 1 时为 1。用 u 写出 α。",
            kind="formula",
            answer="10^(4*u - 4)",
        ),
        make(
            "b",
            "A random number u is uniform on [0, 1]. Write a learning rate α, in terms of u, that is spread evenly "
            "on a log scale between 10⁻⁴ (at u = 0) and 1 (at u = 1).",
            "随机数 u 在 [0, 1] 上均匀分布。用 u 写出一个在 10⁻⁴（u = 0 时）到 1（u = 1 时）之间按对数尺度均匀分布的"
            "学习率 α。",
            kind="formula",
            answer="10^(4*u-4)",
        ),
        id="reworded-with-the-same-formula-key",
    ),
]

MUST_NOT_FLAG = [
    pytest.param(
        make(
            "a",
            "Three classes, true class 1. From l = −log softmax(o)₁, derive ∂l/∂o₁.",
            "三分类，真实类别为 1。从 l = −log softmax(o)₁ 出发，推导 ∂l/∂o₁。",
            kind="derivation",
        ),
        make(
            "b",
            "Three classes, true class 1. From l = −log softmax(o)₁, derive ∂l/∂o₂.",
            "三分类，真实类别为 1。从 l = −log softmax(o)₁ 出发，推导 ∂l/∂o₂。",
            kind="derivation",
        ),
        id="another-indexed-quantity",
    ),
    pytest.param(
        make(
            "a",
            "Batch norm on z = {x}. What is the value asked?",
            "对 z = {x} 做批量归一化，所问的值是多少？",
            kind="numeric",
            generator="norm.batch",
            ask="y0",
        ),
        make(
            "b",
            "Batch norm on z = {x}. What is the value asked?",
            "对 z = {x} 做批量归一化，所问的值是多少？",
            kind="numeric",
            generator="norm.batch",
            ask="var",
        ),
        id="same-template-other-ask",
    ),
    pytest.param(
        make(
            "a",
            "Adam, three steps: give m and v.",
            "Adam 三步：给出 m 和 v。",
            kind="numeric",
            generator="opt.adam",
            parts=(Part("m1"), Part("v1")),
        ),
        make(
            "b",
            "Adam, three steps: give m and v.",
            "Adam 三步：给出 m 和 v。",
            kind="numeric",
            generator="opt.adam",
            parts=(Part("m3"), Part("v3")),
        ),
        id="multi-part-other-parts",
    ),
    pytest.param(
        make("a", "What is the range of tanh(x)?", "tanh(x) 的值域是什么？"),
        make(
            "b",
            "The notes say the range of tanh(x) is (0, 1). What is wrong?",
            "笔记说 tanh(x) 的值域是 (0, 1)。错在哪里？",
            tags=("erratum",),
        ),
        id="spot-the-error-twin",
    ),
    pytest.param(
        make("a", "What is the range of ReLU(x) = max(0, x) over the reals?", "ReLU(x) = max(0, x) 在实数轴上的值域？"),
        make("b", "What is the range of tanh(x) over the reals?", "tanh(x) 在实数轴上的值域？"),
        id="same-frame-other-function",
    ),
    pytest.param(
        make("a", "In which year did AlexNet win ImageNet?", "AlexNet 在哪一年赢得 ImageNet 比赛？"),
        make("b", "In which year did AlexNet win ImageNet?", "AlexNet 在哪一年赢得 ImageNet 比赛？", kind="short"),
        id="other-kind",
    ),
    pytest.param(
        make("a", "Which statements about momentum are correct?", "关于动量法，下列哪些说法正确？", kind="multi"),
        make("b", "Which statements about dropout are correct?", "关于 dropout，下列哪些说法正确？", kind="multi"),
        id="generic-frame-other-subject",
    ),
    pytest.param(
        make(
            "a",
            "Three outputs o₁, o₂, o₃ (type o_1, o_2, o_3). Write the softmax probability of class 2. You may write "
            "S for exp(o_1) + exp(o_2) + exp(o_3).",
            "三个输出 o₁、o₂、o₃（输入时写作 o_1、o_2、o_3）。写出第 2 类的 softmax 概率。可用 S 代表 "
            "exp(o_1) + exp(o_2) + exp(o_3)。",
            kind="formula",
            answer="exp(o_2)/S",
        ),
        make(
            "b",
            "Three scores o₁, o₂, o₃ (type o_1, o_2, o_3), softmax + cross-entropy, true class 1. Write ∂l/∂o₂, the "
            "gradient for a WRONG class. You may write S for exp(o_1) + exp(o_2) + exp(o_3).",
            "三个分数 o₁、o₂、o₃（输入时写作 o_1、o_2、o_3），softmax + 交叉熵，真实类别为 1。写出错误类别的梯度 "
            "∂l/∂o₂。可用 S 代表 exp(o_1) + exp(o_2) + exp(o_3)。",
            kind="formula",
            answer="exp(o_2)/S",
        ),
        id="same-key-other-question",
    ),
]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (
            make("a", "p", "p", kind="formula", answer="10^(4*u - 4)"),
            make("b", "q", "q", kind="formula", answer="10^(4*u-4)"),
            True,
        ),
        (make("a", "p", "p", kind="formula", answer="x^2"), make("b", "q", "q", kind="formula", answer="x^3"), False),
        (make("a", "p", "p", kind="numeric", answer=0.5), make("b", "q", "q", kind="numeric", answer=0.5), True),
        (make("a", "p", "p", kind="numeric", answer=0.5), make("b", "q", "q", kind="numeric", answer=0.51), False),
        (
            make("a", "p", "p", kind="numeric", answer=0.5, generator="g", ask="x"),
            make("b", "q", "q", kind="numeric", answer=0.5, generator="g", ask="y"),
            False,
        ),
        (
            make("a", "p", "p", kind="short", answer=("ReLU", "线性整流")),
            make("b", "q", "q", kind="short", answer=("relu", "修正线性单元")),
            True,
        ),
        (
            make("a", "p", "p", kind="short", answer=("tanh",)),
            make("b", "q", "q", kind="short", answer=("ReLU",)),
            False,
        ),
        (make("a", "p", "p", kind="single", answer="a"), make("b", "q", "q", kind="single", answer="a"), False),
        (make("a", "p", "p", kind="formula", answer="x"), make("b", "q", "q", kind="numeric", answer=1.0), False),
    ],
    ids=[
        "formula-spacing",
        "formula-other",
        "number",
        "number-other",
        "other-value-asked",
        "short-shared-form",
        "short-other",
        "choice-letters-say-nothing",
        "other-kind",
    ],
)
def test_same_key(a: Item, b: Item, expected: bool) -> None:
    assert same_key(a, b) is expected


@pytest.mark.parametrize(("a", "b"), MUST_FLAG)
def test_flagged(a: Item, b: Item) -> None:
    pairs = near_duplicates([a, b])
    assert [(x.id, y.id) for x, y, _ in pairs] == [("a", "b")]
    problems = duplicate_problems([a, b])
    assert len(problems) == 1 and problems[0].item == "b" and "asks the same as a" in problems[0].message


@pytest.mark.parametrize(("a", "b"), MUST_NOT_FLAG)
def test_not_flagged(a: Item, b: Item) -> None:
    assert near_duplicates([a, b]) == []
    assert duplicate_problems([a, b]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Compute ELU(−1.5) with γ = 1", "compute elu( # ) with γ =  # "),
        ("h_{t−1} and h₂, x = {x}", "h{t− # } and h2, x =  # "),
        ("W = [[1, 1]]", "w = [[ # ,  # ]]"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise_prompt(text) == expected


def test_chinese_is_cut_into_bigrams_and_english_into_words() -> None:
    assert prompt_shingles("批量归一化") == {"批量", "量归", "归一", "一化"}
    assert prompt_shingles("What is the range of tanh?") == {"what", "is", "the", "range", "of", "tanh"}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"x", "y"}, {"x", "y"}, 1.0),
        ({"x"}, {"y"}, 0.0),
        ({"x", "y", "z"}, {"x", "y"}, 2 / 3),
        (set(), set(), 1.0),
    ],
)
def test_jaccard(a: set[str], b: set[str], expected: float) -> None:
    assert jaccard(frozenset(a), frozenset(b)) == pytest.approx(expected)


def test_lower_threshold_flags_a_looser_pair() -> None:
    a = make(
        "a",
        "What does batch norm do to one unit's inputs over a mini-batch?",
        "批量归一化对小批量上一个单元的输入做什么？",
    )
    b = make(
        "b",
        "What does batch norm do to each unit's inputs over a mini-batch at test time?",
        "测试时批量归一化对小批量上每个单元的输入做什么？",
    )
    assert near_duplicates([a, b]) == []
    assert len(near_duplicates([a, b], threshold=0.5)) == 1


def test_allow_list_names_existing_items_with_a_reason() -> None:
    items, _ = read_bank(default_root())
    ids = {i.id for i in items}
    for pair, reason in ALLOWED_SIMILAR.items():
        assert len(pair) == 2 and pair <= ids and reason.strip()


def test_shipped_bank_has_no_near_duplicates() -> None:
    items, _ = read_bank(default_root())
    pairs = [
        (a.id, b.id, round(s, 2))
        for a, b, s in near_duplicates(items)
        if frozenset((a.id, b.id)) not in ALLOWED_SIMILAR
    ]
    assert pairs == []
    assert 0.5 < DUPLICATE_THRESHOLD < 1

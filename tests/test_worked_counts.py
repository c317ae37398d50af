"""Counts in the worked examples' messages agree with their number: "b has 1 entry", "b has 2 entries".

Each case provokes one message through the public API twice, with a count of 1 and with a count of 2 or more;
the English names one thing in the singular and several in the plural (the plural wording is the one these
messages always had), and the Chinese, which has no plural, says the count with its measure word and keeps no
English word.
"""

from __future__ import annotations

import re
from typing import Any, get_args

import pytest

from dlquiz.errors import ParamError
from dlquiz.i18n import Lazy, localized
from dlquiz.quiz.messages import message_zh
from dlquiz.worked import generate_example
from dlquiz.worked.i18n import prose
from dlquiz.worked.params import Counted, count_of

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ENGLISH = re.compile(r"\b[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}\b")
_COUNT_WORDS = re.compile(r"\b(entry|entries|rows?|numbers?|channels?|inputs?|heads?)\b")

# (kind, parameters as typed after --set, the English message, the count in the Chinese message)
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "conv.xcorr",
        {"X": "1;2,3"},
        "conv.xcorr: parameter X: row 1 has 1 entry but row 2 has 2 (every row needs the same length)",
        "第 1 行有 1 个元素",
    ),
    (
        "conv.xcorr",
        {"X": "[[1],[2,3]]"},
        "conv.xcorr: parameter X: row 1 has 1 entry but row 2 has 2 (every row needs the same length)",
        "第 1 行有 1 个元素",
    ),
    (
        "conv.xcorr",
        {"X": "1,2;3"},
        "conv.xcorr: parameter X: row 1 has 2 entries but row 2 has 1 (every row needs the same length)",
        "第 1 行有 2 个元素",
    ),
    (
        "lstm.step",
        {"weights": "[[1,2,3]]"},
        "lstm.step: parameter weights: need 4 rows (f, i, c̃, o) of 3 numbers W,U,b, got 1 row",
        "得到 1 行",
    ),
    (
        "lstm.step",
        {"weights": "1,2,3;4,5,6"},
        "lstm.step: parameter weights: need 4 rows (f, i, c̃, o) of 3 numbers W,U,b, got 2 rows",
        "得到 2 行",
    ),
    ("gru.step", {"hidden": "2"}, "gru.step: parameter hidden is 2 but h_prev has 1 number", "h_prev 有 1 个数"),
    (
        "gru.step",
        {
            "hidden": "1",
            "h_prev": "1,2",
            **{f"W_{g}": "1,0;0,1" for g in ("r", "z", "h")},
            **{f"U_{g}": "1;1" for g in ("r", "z", "h")},
        },
        "gru.step: parameter hidden is 1 but h_prev has 2 numbers",
        "h_prev 有 2 个数",
    ),
    (
        "gru.cell",
        {"r": "0.5", "W_h": "1,2,3", "dh": "1"},
        "gru.cell: parameter W_h is 1×3 but h_prev has 1 number (n_h = 1): W_h multiplies r ⊙ hₜ₋₁ and must be 1×1",
        "h_prev 有 1 个数",
    ),
    (
        "gru.cell",
        {"r": "0.5", "W_h": "1,2,3;4,5,6", "dh": "1,1"},
        "gru.cell: parameter W_h is 2×3 but h_prev has 2 numbers (n_h = 2): W_h multiplies r ⊙ hₜ₋₁ and must be 2×2",
        "h_prev 有 2 个数",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2;3,4", "b1": "1", "W2": "1,1", "Y": "1"},
        "mlp.forward-backward: parameter b1 has 1 number but W1 is 2×2: b1 needs 2 (one per unit of layer 1)",
        "b1 有 1 个数",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2", "b1": "1,2", "Y": "1"},
        "mlp.forward-backward: parameter b1 has 2 numbers but W1 is 1×2: b1 needs 1 (one per unit of layer 1)",
        "b1 有 2 个数",
    ),
    (
        "conv.by-hand",
        {"K": "[[[[1,1],[1,1]]],[[[1,0],[0,1]]]]", "b": "1"},
        "conv.by-hand: b has 1 entry but K gives 2 output channels; give one bias per output channel",
        "b 有 1 个元素，但 K 给出 2 个输出通道",
    ),
    (
        "conv.by-hand",
        {"b": "1,2"},
        "conv.by-hand: b has 2 entries but K gives 1 output channel; give one bias per output channel",
        "b 有 2 个元素，但 K 给出 1 个输出通道",
    ),
    (
        "conv.by-hand",
        {"X": "1,2;3,4", "K": "[[[[1,1],[1,1]],[[1,1],[1,1]]]]"},
        "conv.by-hand: K is 1×2×2×2 (C_out×C_in×kh×kw) but X has 1 channel; K must be 1×1×2×2",
        "X 有 1 个通道",
    ),
    (
        "conv.by-hand",
        {"X": "[[[1,2],[3,4]],[[1,2],[3,4]],[[1,2],[3,4]]]", "K": "[[[[1,1],[1,1]],[[1,1],[1,1]]]]"},
        "conv.by-hand: K is 1×2×2×2 (C_out×C_in×kh×kw) but X has 3 channels; K must be 1×3×2×2",
        "X 有 3 个通道",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,5,in=3)"},
        "cnn.summary: layers: layer 1 'conv(6,5,in=3)' (column 1): in=3 but the layer before gives 1 channel"
        " (input 1×28×28)",
        "前一层给出 1 个通道",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,5,in=3)", "input": "2x28x28"},
        "cnn.summary: layers: layer 1 'conv(6,5,in=3)' (column 1): in=3 but the layer before gives 2 channels"
        " (input 2×28×28)",
        "前一层给出 2 个通道",
    ),
    (
        "cnn.summary",
        {"layers": "dense(10)", "input": "1x1x1"},
        "cnn.summary: layers: layer 1 'dense(10)' (column 1): needs a flat input, but the input here is 1×1×1;"
        " put flatten before it (it would give 1 input)",
        "会得到 1 个输入",
    ),
    (
        "cnn.summary",
        {"layers": "dense(10)", "input": "2x1x1"},
        "cnn.summary: layers: layer 1 'dense(10)' (column 1): needs a flat input, but the input here is 2×1×1;"
        " put flatten before it (it would give 2 inputs)",
        "会得到 2 个输入",
    ),
    (
        "opt.sgd",
        {"grads": "1;2", "w0": "1,2"},
        "opt.sgd: parameter grads: each step's gradient has 1 entry but w0 has 2;"
        " grads needs one row per step with 2 entries (one per weight)",
        "梯度有 1 个元素",
    ),
    (
        "opt.sgd",
        {"grads": "1,2;3,4", "w0": "1,2,3"},
        "opt.sgd: parameter grads: each step's gradient has 2 entries but w0 has 3;"
        " grads needs one row per step with 3 entries (one per weight)",
        "梯度有 2 个元素",
    ),
    (
        "reg.dropout",
        {"mask": "1", "a": "1,2"},
        "reg.dropout: parameter mask has 1 entry but a has 2",
        "mask 有 1 个元素",
    ),
    (
        "reg.dropout",
        {"mask": "1,0", "a": "1,2,3"},
        "reg.dropout: parameter mask has 2 entries but a has 3",
        "mask 有 2 个元素",
    ),
    (
        "loss.entropy",
        {"p": "0.5,0.5", "q": "1"},
        "loss.entropy: q has 1 entry but p has 2; give one per outcome",
        "q 有 1 个元素",
    ),
    (
        "loss.entropy",
        {"p": "0.2,0.3,0.5", "q": "0.5,0.5"},
        "loss.entropy: q has 2 entries but p has 3; give one per outcome",
        "q 有 2 个元素",
    ),
]


@pytest.mark.parametrize(
    ("kind", "params", "english", "zh_count"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_error_counts_agree_with_their_number(kind: str, params: dict[str, Any], english: str, zh_count: str) -> None:
    with pytest.raises(ParamError) as info:
        generate_example(kind, params)
    exc = info.value
    assert isinstance(exc.args[0], Lazy)
    assert str(exc) == english
    assert localized(exc, "en") == english
    zh = localized(exc, "zh")
    assert zh.startswith(f"{kind}：")
    assert zh_count in zh, zh
    assert not _COUNT_WORDS.search(zh), zh
    assert not _ENGLISH.search(zh), zh


_ONE = re.compile(r"\b1 (entry|row|number|channel|output channel|input)\b")
_SEVERAL = re.compile(r"\b([02-9]|\d{2,}) (entries|rows|numbers|channels|output channels|inputs)\b")


def test_the_table_says_each_message_with_one_and_with_several() -> None:
    # cases of one message differ only in their numbers and the number of their nouns
    said: dict[str, list[str]] = {}
    for _, _, english, _ in CASES:
        said.setdefault(_COUNT_WORDS.sub("N", re.sub(r"\d+", "#", english)), []).append(english)
    assert len(said) >= 6
    for messages in said.values():
        assert any(_ONE.search(m) for m in messages), messages
        assert any(_SEVERAL.search(m) for m in messages), messages


@pytest.mark.parametrize(
    ("heads", "english", "zh"),
    [
        (1, "h = 1 head of d_k = 64, d_v = 64;", "h = 1 个头，d_k = 64"),
        (2, "h = 2 heads of d_k = 32,", "h = 2 个头，d_k = 32"),
    ],
)
def test_attention_parameters_say_head_or_heads(heads: int, english: str, zh: str) -> None:
    example = generate_example("attn.params", {"heads": heads, "d_model": 64})
    assert prose(example.convention, "en").startswith(english)
    shown = prose(example.convention, "zh")
    assert shown.startswith(zh), shown
    assert not _COUNT_WORDS.search(shown), shown


@pytest.mark.parametrize("thing", get_args(Counted))
def test_count_of_each_thing(thing: Counted) -> None:
    one, two = count_of(1, thing), count_of(2, thing)
    assert str(one).startswith("1 ") and str(two).startswith("2 ")
    assert str(two) != "2" + str(one)[1:]  # the plural differs from the singular in English ...
    assert re.sub(r"\d", "#", one.text("zh")) == re.sub(r"\d", "#", two.text("zh"))  # ... and not in Chinese
    assert _CJK.search(one.text("zh")) and not re.search(r"[A-Za-z]", one.text("zh"))


@pytest.mark.parametrize(
    ("message", "zh"),
    [
        (
            "W: row 1 has 1 entry but row 2 has 2 (every row needs the same length)",
            "W：第 1 行有 1 个数，第 2 行却有 2 个（每行的个数必须相同）",
        ),
        (
            "W: row 1 has 2 entries but row 3 has 1 (every row needs the same length)",
            "W：第 1 行有 2 个数，第 3 行却有 1 个（每行的个数必须相同）",
        ),
    ],
)
def test_the_value_readers_row_message_as_plain_text_is_still_said_in_chinese(message: str, zh: str) -> None:
    # a grader shows str(exc) of the value reader's error through message_zh's templates
    assert message_zh(message) == zh

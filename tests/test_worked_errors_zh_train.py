"""The bad-input errors of the optimiser, regularisation, metric, loss, hinge, linear and softmax examples are
catalog messages: `str(exc)` is the English it always was, `localized(exc, "zh")` is Chinese (whole templates,
with the parameter names, numbers and quoted input kept), and `dlquiz example --lang zh` shows the Chinese."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from click.testing import CliRunner

from dlquiz.cli import cli
from dlquiz.errors import ParamError
from dlquiz.i18n import Lazy, localized
from dlquiz.worked import generate_example

# (kind, parameters, the English message, byte for byte as the generators have always written it)
CASES: list[tuple[str, dict[str, Any], str]] = [
    # optim.py
    (
        "opt.sgd",
        {"grads": "1,2; 0.5,1", "w0": "0,0,0"},
        "opt.sgd: parameter grads: each step's gradient has 2 entries but w0 has 3; "
        "grads needs one row per step with 3 entries (one per weight)",
    ),
    ("opt.sgd", {"grads": ",".join(["1"] * 101)}, "opt.sgd: parameter grads: 101 steps; at most 100"),
    ("opt.sgd", {"f": "w^2", "w0": "1,2"}, "opt.sgd: parameter w0: f has one variable w but w0 has 2 values"),
    ("opt.sgd", {"f": "exp(1)"}, "opt.sgd: parameter f: 'exp(1)' has no variable to optimise"),
    (
        "opt.sgd",
        {"f": "(w1-3)^2 + w2^2", "w0": "0,0,0"},
        "opt.sgd: parameter w0: f has 2 variables (w₁, w₂) but w0 has 3 values",
    ),
    (
        "opt.momentum",
        {"f": "(w1-3)^2 + w2^2", "w0": "0,0", "v0": "1,2,3"},
        "opt.momentum: parameter v0: 3 values but there are 2 weights",
    ),
    (
        "opt.lr-decay",
        {"schedule": "sqrt", "epoch": 0},
        "opt.lr-decay: parameter epoch: 0 must be ≥ 1 for the k/√t schedule",
    ),
    (
        "gradcheck",
        {"f": "cube", "at": "x=1"},
        "gradcheck: parameter at: the preset cube is a function of θ; give the point as theta",
    ),
    (
        "gradcheck",
        {"f": "cube", "theta": "1,2"},
        "gradcheck: parameter theta: cube is a function of one θ, got 2 values",
    ),
    ("gradcheck", {"f": "exp(1)"}, "gradcheck: parameter f: 'exp(1)' has no variable"),
    (
        "gradcheck",
        {"f": "x^2*y", "theta": "1,2,3"},
        "gradcheck: parameter theta: f has 2 variables (x, y) but theta has 3 values",
    ),
    # regnorm.py
    (
        "norm.batch",
        {"running_mean": 2},
        "norm.batch: running_mean given but running_var missing; test time needs both running statistics",
    ),
    ("reg.dropout", {"a": "1,2,3", "mask": "1,0"}, "reg.dropout: parameter mask has 2 entries but a has 3"),
    # metrics.py
    (
        "eval.metrics",
        {"cm": "1,2,3;4,5,6"},
        "eval.metrics: cm is 2×3; a confusion matrix is k×k with k ≥ 2 (row = true class, column = predicted class)",
    ),
    ("eval.metrics", {"cm": "1,-1;2,3"}, "eval.metrics: cm holds counts: whole numbers ≥ 0, got [[1, -1], [2, 3]]"),
    ("eval.metrics", {"cm": "0,0;0,0"}, "eval.metrics: cm counts no sample"),
    (
        "eval.metrics",
        {"y_true": "0,1,1", "y_pred": "0,1"},
        "eval.metrics: y_true has 3 labels but y_pred has 2; give one prediction per label",
    ),
    (
        "eval.metrics",
        {"y_true": "0,1,2", "scores": "0.1,0.2,0.3"},
        "eval.metrics: scores are for two classes: y_true must hold 0 and 1",
    ),
    (
        "eval.metrics",
        {"y_true": "0,-1", "y_pred": "0,1"},
        "eval.metrics: class labels are 0, 1, 2, … (0-based indices)",
    ),
    (
        "eval.metrics",
        {"TP": 1, "FP": 2},
        "eval.metrics: TP, FP given but FN, TN missing; give all four TP, FP, FN, TN (or a confusion matrix cm)",
    ),
    (
        "eval.metrics",
        {"TP": 1, "FP": 2, "FN": 3, "TN": 4, "cm": "1,2;3,4"},
        "eval.metrics: give either cm or the counts TP, FP, FN, TN, not both",
    ),
    (
        "eval.metrics",
        {"TP": 1, "FP": 2, "FN": 3, "TN": 4, "positive": 0},
        "eval.metrics: with TP, FP, FN, TN the positive class is 1; leave out positive",
    ),
    (
        "eval.metrics",
        {"y_true": "0,1,2", "y_pred": "0,1,2", "classes": 2},
        "eval.metrics: classes = 2 but a label is 2; classes must be ≥ 3",
    ),
    (
        "eval.metrics",
        {"y_true": "0,1", "y_pred": "0,1", "positive": 2},
        "eval.metrics: parameter positive: class 2 does not exist (allowed: 0 or 1)",
    ),
    # losses.py
    ("loss.entropy", {"p": "0.5,0.6"}, "loss.entropy: parameter p: the probabilities [0.5, 0.6] sum to 1.1, not 1"),
    (
        "loss.entropy",
        {"p": "1.5,-0.5"},
        "loss.entropy: parameter p: every probability must be in [0, 1], got [1.5, -0.5]",
    ),
    ("loss.ce", {"p": "0,1", "y": 1}, "loss.ce: parameter p: every probability must be in (0, 1], got [0, 1]"),
    (  # the parameter named by a template of its own ("p row 2")
        "loss.ce",
        {"p": "0.5,0.5; 0.2,0.9", "y": "0,1"},
        "loss.ce: parameter p row 2: the probabilities [0.2, 0.9] sum to 1.1, not 1",
    ),
    ("loss.ce", {"p": "0.5,0.5", "y": 0.5}, "loss.ce: parameter y: a class index is a whole number, got 0.5"),
    ("loss.ce", {"p": "0.5,0.5", "y": 3}, "loss.ce: parameter y: class 3 does not exist (allowed: 0 … 1, 0-based)"),
    (
        "loss.ce",
        {"p": "0.5,0.5;0.5,0.5", "y": "0"},
        "loss.ce: parameter y has 1 class indices but there are 2 samples; give one per sample",
    ),
    (
        "loss.ce",
        {"p": "0.5,0.5", "target": "1,0,0"},
        "loss.ce: target is 1×3 but p is 1×2; target must have the shape of p (one probability per class and sample)",
    ),
    ("loss.ce", {"p": "0,1", "target": "1,0"}, "loss.ce: a class with target > 0 has ŷ = 0: the loss is infinite"),
    ("loss.bce", {"p": 1, "y": 1}, "loss.bce: parameter p: 1 must lie strictly between 0 and 1"),
    (
        "loss.bce",
        {"p": 0.5, "y": 2},
        "loss.bce: parameter y: a label is 0 or 1 (or a soft label in [0, 1]), got 2",
    ),
    (
        "loss.bce",
        {"p": "0.5,0.6", "y": "1"},
        "loss.bce: y has 1 labels but p has 2 probabilities; give one label per p",
    ),
    (
        "loss.mse",
        {"a": "1,2", "y": "1,2,3"},
        "loss.mse: a is 2 but y is 3; y must have the shape of a (one target per output)",
    ),
    (
        "loss.mse",
        {"a": 1, "y": "1,2"},
        "loss.mse: a is a scalar but y is 2; y must have the shape of a (one target per output)",
    ),
    ("loss.entropy", {"p": "0.5,0.5", "q": "1"}, "loss.entropy: q has 1 entry but p has 2; give one per outcome"),
    (
        "loss.entropy",
        {"p": "0.5,0.5", "q": "1,0"},
        "loss.entropy: q is 0 where p is not: the cross-entropy and KL divergence are infinite",
    ),
    # hinge.py
    (
        "loss.hinge",
        {"mode": "binary", "s": "1,2", "y": "1,0"},
        "loss.hinge: parameter y: binary labels are +1 or −1, got [1, 0]",
    ),
    (
        "loss.hinge",
        {"mode": "binary", "s": "1,2", "y": "1"},
        "loss.hinge: s has 2 scores but y has 1 labels; give one label per score",
    ),
    (
        "loss.hinge",
        {"s": 3, "y": 0},
        "loss.hinge: multiclass: parameter s is the score vector of one sample (3.2,5.1,-1.7) "
        "or a matrix with one row of scores per sample",
    ),
    ("loss.hinge", {"s": "1,2,3", "y": 5}, "loss.hinge: parameter y: class 5 does not exist (allowed: 0 … 2, 0-based)"),
    # linear.py (the reason inside the shape message is a template of its own)
    (
        "logreg.step",
        {"x": "1,2", "w": "1,2,3"},
        "logreg.step: w is a vector of 3 but x has 2 features; w must be a vector of 2",
    ),
    (
        "logreg.step",
        {"x": "1,2;3,4", "w": "1,2,3", "y": "1,0"},
        "logreg.step: w is a vector of 3 but X has 2 rows (features; one column per sample); w must be a vector of 2",
    ),
    (
        "logreg.step",
        {"x": "1,2;3,4", "w": "1,2", "y": "1"},
        "logreg.step: y has 1 labels but X has 2 samples (columns); give one label per sample",
    ),
    ("logreg.step", {"x": "1,2", "w": "1,2", "y": 2}, "logreg.step: parameter y: labels are 0 or 1, got 2"),
    ("ml.fit-feature", {"xs": "1,1"}, "ml.fit-feature: parameter xs needs at least two different x values"),
    # softmax.py
    (
        "softmax",
        {"o": "1,2,3", "target": "1,0"},
        "softmax: target is 2 but o is 3; target must have the shape of o (one probability per class and sample)",
    ),
    (
        "softmax",
        {"o": "1,2,3", "target": "0.5,0.6,0"},
        "softmax: parameter target: the probabilities [0.5, 0.6, 0] sum to 1.1, not 1",
    ),
    ("softmax", {"o": "1,2,3", "y": 3}, "softmax: parameter y: class 3 does not exist (allowed: 0 … 2, 0-based)"),
]

# two English words in a row: a sentence left untranslated (parameter names, numbers and symbols stand alone)
ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}(?![\w.])")


def _cjk(text: str) -> int:
    return sum(unicodedata.east_asian_width(c) == "W" and unicodedata.category(c) == "Lo" for c in text)


def _raise(kind: str, params: dict[str, Any]) -> ParamError:
    with pytest.raises(ParamError) as err:
        generate_example(kind, params)
    return err.value


@pytest.mark.parametrize(("kind", "params", "english"), CASES, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(CASES)])
def test_bad_input_is_said_in_chinese_and_the_english_is_unchanged(
    kind: str, params: dict[str, Any], english: str
) -> None:
    exc = _raise(kind, params)
    assert str(exc) == english
    assert isinstance(exc.args[0], Lazy)  # one catalog template, not English glued from pieces
    assert localized(exc, "en") == english
    zh = localized(exc, "zh")
    assert zh.startswith(kind + "：")  # the example is still named, the colon is the Chinese one
    assert _cjk(zh) >= 4, zh
    assert not ENGLISH_WORDS.search(zh.replace("TP, FP", "").replace("FN, TN", "")), zh
    # the numbers and names of the English message all survive in the Chinese
    for token in re.findall(r"\d+(?:\.\d+)?|\b[a-z]\w*(?:_\w+)\b|θ|ŷ", english):
        assert token in zh, (token, zh)


def test_each_kind_of_the_table_computes_with_its_defaults() -> None:
    # so that each error above comes from the bad parameters the table gives, not from the kind itself
    for kind in sorted({k for k, _, _ in CASES}):
        assert generate_example(kind).kind == kind


@pytest.mark.parametrize(
    ("kind", "params", "frame", "english"),
    [
        ("opt.sgd", {"f": "ln(w)", "w0": "-1"}, "opt.sgd：第 1 步：", "opt.sgd: step 1: "),
        ("gradcheck", {"f": "ln(x)", "theta": "-1"}, "gradcheck：", "gradcheck: "),
    ],
)
def test_a_domain_error_of_the_formula_keeps_its_message_inside_the_chinese_frame(
    kind: str, params: dict[str, Any], frame: str, english: str
) -> None:
    # the formula's own message comes from graph.py; it is passed on as it was raised (translated where it is a
    # catalog message) inside this module's template
    exc = _raise(kind, params)
    formula = params["f"]
    assert str(exc) == f"{english}ln needs a positive argument, got -1 in {formula}"
    zh = localized(exc, "zh")
    assert zh.startswith(frame)
    assert "-1" in zh and formula in zh


@pytest.mark.parametrize(
    ("args", "chinese", "english"),
    [
        (
            ["example", "eval.metrics", "--set", "cm=0,0;0,0", "--lang", "zh"],
            "eval.metrics：cm 中没有统计到任何样本",
            "cm counts no sample",
        ),
        (
            ["example", "loss.ce", "--set", "p=0.5,0.5; 0.2,0.9", "--set", "y=0,1", "--lang", "zh"],
            "loss.ce：参数 p 第 2 行：概率 [0.2, 0.9] 之和为 1.1，不是 1",
            "sum to",
        ),
    ],
)
def test_cli_shows_the_error_in_chinese(args: list[str], chinese: str, english: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert chinese in result.stderr
    assert english not in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)

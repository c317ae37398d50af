"""The optimiser, loss, metric, regularisation and activation examples speak through the catalog: every text
with words in it is a catalog message (a Lazy template or an entry), so its Chinese comes from
``dlquiz/i18n/zh-worked*.toml`` and not from patterns applied to the English afterwards."""

from __future__ import annotations

import re

import pytest
from test_worked_zh import ALLOWED

from dlquiz.i18n import Lazy, chinese
from dlquiz.worked import generate_example
from dlquiz.worked._core import WorkedExample, describe_generator, generator_info

# the generators of optim, regnorm, metrics, losses, hinge, linear, activations and softmax.py
GENERATORS = [
    "opt.ewma",
    "opt.sgd",
    "opt.momentum",
    "opt.nesterov",
    "opt.adagrad",
    "opt.rmsprop",
    "opt.adam",
    "opt.lr-decay",
    "opt.minibatch",
    "gradcheck",
    "norm.batch",
    "reg.dropout",
    "init.variance",
    "eval.metrics",
    "loss.bce",
    "loss.ce",
    "loss.mse",
    "loss.entropy",
    "loss.hinge",
    "logreg.step",
    "ml.fit-feature",
    "act.eval",
    "softmax",
]

# settings that reach the texts the defaults and seeds do not (modes, conventions, log bases, layouts)
SETTINGS: list[tuple[str, dict[str, object]]] = [
    ("opt.sgd", {"weight_decay": 0.1, "grads": "1,2; 0.5,1", "w0": "0,0"}),
    ("opt.nesterov", {"convention": "cs231n", "f": "(w1 - 3)^2 + 10*w2^2", "w0": "0,0"}),
    ("opt.adam", {"t0": 5, "m0": 0.1, "v0": 0.2}),
    ("opt.adam", {"bias_correction": False, "eps_inside": True}),
    ("opt.lr-decay", {"schedule": "sqrt", "t": 10}),
    ("opt.minibatch", {"m": 1001, "batch": 100}),
    ("gradcheck", {"f": "x^2*y + exp(y)", "at": "x=1, y=2", "sided": "one"}),
    ("norm.batch", {"running_mean": 2, "running_var": 4}),
    ("eval.metrics", {"y_true": "1,0,1,1", "scores": "0.9,0.2,0.4,0.7"}),
    ("eval.metrics", {"y_true": "0,1,2,0", "y_pred": "0,1,1,0"}),
    ("loss.bce", {"y": "1,0,1", "p": "0.9,0.2,0.6", "reduction": "sum", "log_base": "2"}),
    ("loss.ce", {"p": "0.7,0.2,0.1; 0.1,0.8,0.1", "target": "1,0,0; 0,0.5,0.5", "log_base": "10"}),
    ("loss.mse", {"a": "0.5,0.8; 0.1,0.2", "y": "1,0; 0,1", "half": False}),
    ("loss.entropy", {"q": "0.25,0.5,0.25", "log_base": "10"}),
    ("loss.hinge", {"mode": "binary", "s": "0.5,2,-1", "y": "1,1,-1"}),
    ("loss.hinge", {"s": "1,2,3; 3,2,1", "y": "0,2"}),
    ("logreg.step", {"x": "1,2; 3,4", "y": "1,0", "l2": 0.1}),
    ("act.eval", {"fn": "leaky_relu", "x": "-1,2"}),
    ("act.eval", {"fn": "gelu", "gelu": "tanh"}),
    ("softmax", {"o": "1,2; 3,2; 0,0", "y": "0,2", "samples": "columns", "log_base": "2"}),
    ("softmax", {"o": "0,1000", "y": 0, "log_base": "10"}),
    ("softmax", {"o": "1,2,3", "target": "0.2,0.3,0.5", "log_base": "2"}),
]


def _examples(kind: str) -> list[WorkedExample]:
    runs = [generate_example(kind)] + [generate_example(kind, seed=s) for s in range(1, 11)]
    return runs + [generate_example(k, p) for k, p in SETTINGS if k == kind]


SYMBOLS = ALLOWED | {"ij"}  # s_ij, a subscript


def _prose(text: str) -> bool:
    """Whether a text has words beyond the symbols and names that stay as they are in Chinese."""
    return any(w not in SYMBOLS for w in re.findall(r"[A-Za-z][A-Za-z\-]+", text))


@pytest.mark.parametrize("kind", GENERATORS)
def test_texts_with_words_are_catalog_messages(kind: str) -> None:
    left = []
    for ex in _examples(kind):
        texts = [ex.convention, *ex.warnings]
        for s in ex.steps:
            texts += [s.name, s.formula, s.note]
        for text in texts:
            if text and _prose(text) and not isinstance(text, Lazy) and chinese(text) is None:
                left.append(text)
    assert not left, f"{kind}: English texts with no catalog message: {sorted(set(left))}"


@pytest.mark.parametrize("kind", GENERATORS)
def test_every_parameter_has_its_chinese_help(kind: str) -> None:
    for p in describe_generator(kind)["params"]:
        zh = p["help_zh"]
        assert zh, f"{kind}: parameter {p['name']} has no Chinese help"
        assert zh != p["help"] or not _prose(p["help"]), f"{kind}: {p['name']}: the Chinese help is the English"


def test_help_texts_name_what_the_code_uses() -> None:
    # the help texts are catalog messages, so they are written out: they must keep agreeing with the code
    from dlquiz.worked.optim import GRADCHECK_FNS, MAX_STEPS

    for kind in ("opt.sgd", "opt.adam", "opt.rmsprop"):
        (k,) = [p for p in generator_info(kind).params if p.name == "k"]
        assert f"1…{MAX_STEPS}" in k.help and k.max == MAX_STEPS
    (f,) = [p for p in generator_info("gradcheck").params if p.name == "f"]
    for name, (label, _, _) in GRADCHECK_FNS.items():
        assert f"{name} ({label})" in f.help


def test_one_english_help_means_one_thing() -> None:
    # ε is added to a denominator (optimisers), to the variance (batch norm), or is the step of the differences
    helps = {
        kind: next(p.help for p in generator_info(kind).params if p.name == "eps")
        for kind in ("opt.adam", "norm.batch", "gradcheck")
    }
    assert len(set(helps.values())) == 3
    assert {chinese(h) for h in helps.values()} == {
        "ε（加在分母上，防止除以 0）",
        "ε（加在方差上，防止除以 0）",
        "ε（差分的步长）",
    }

"""Losses, softmax, activations, logistic regression and metrics against independent computations:
plain loops, hand formulas, textbook values and finite differences."""

from __future__ import annotations

import math
from typing import Any

import pytest

from dlquiz.errors import ParamError
from dlquiz.worked import generate_example

LOGS = {"e": math.log, "ln": math.log, "2": math.log2, "10": math.log10, "lg": math.log10}


def _softmax_loop(o: list[float]) -> list[float]:
    c = max(o)
    e = [math.exp(v - c) for v in o]
    s = math.fsum(e)
    return [v / s for v in e]


def _ce_loop(o: list[float], t: list[float], base: str) -> float:
    """−Σ tᵢ log_b softmax(o)ᵢ via log-softmax (finite for any logits)."""
    c = max(o)
    lse = c + math.log(math.fsum(math.exp(v - c) for v in o))
    ln_b = math.log({"e": math.e, "ln": math.e, "2": 2, "10": 10, "lg": 10}[base])
    return -math.fsum(ti * (oi - lse) for ti, oi in zip(t, o, strict=True)) / ln_b


def _num_grad(f: Any, x: list[float], h: float = 1e-6) -> list[float]:
    out = []
    for i in range(len(x)):
        up = list(x)
        dn = list(x)
        up[i] += h
        dn[i] -= h
        out.append((f(up) - f(dn)) / (2 * h))
    return out


# --------------------------------------------------------------------------- softmax


@pytest.mark.parametrize("base", ["e", "2", "10", "lg"])
@pytest.mark.parametrize(
    ("o", "y"),
    [([1, 2, 3], 0), ([0.5], 0), ([2, -1], 1), ([3, 3, 3, 3], 2), ([-7.5, 0, 12.25, 4, 1], 4)],
)
def test_softmax_index_labels(o: list[float], y: int, base: str) -> None:
    ex = generate_example("softmax", {"o": o, "y": y, "log_base": base})
    onehot = [1.0 if i == y else 0.0 for i in range(len(o))]
    assert ex.values["probs"] == pytest.approx(_softmax_loop(o), abs=1e-11)
    assert ex.answer == ex.values["loss"] == pytest.approx(_ce_loop(o, onehot, base), rel=1e-10, abs=1e-12)
    grad = _num_grad(lambda v: _ce_loop(v, onehot, base), [float(x) for x in o])
    assert ex.values["grad"] == pytest.approx(grad, abs=1e-6)
    assert ex.values["grad_y"] == pytest.approx(grad[y], abs=1e-6)


def test_softmax_soft_labels_and_their_gradient() -> None:
    o, t = [0.5, -1.0, 2.0], [0.2, 0.3, 0.5]
    ex = generate_example("softmax", {"o": o, "target": t})
    assert ex.answer == pytest.approx(_ce_loop(o, t, "e"), rel=1e-10)
    assert ex.values["grad"] == pytest.approx(_num_grad(lambda v: _ce_loop(v, t, "e"), o), abs=1e-6)
    assert "p_y" not in ex.values


@pytest.mark.parametrize(("o", "y", "loss"), [([1000, 0], 1, 1000.0), ([-500, 500, 0], 0, 1000.0), ([60, 0], 0, 0.0)])
def test_softmax_large_logits_stay_finite(o: list[float], y: int, loss: float) -> None:
    # −log softmax = log Σ exp(o) − o_y ≈ max(o) − o_y when one logit dominates
    ex = generate_example("softmax", {"o": o, "y": y})
    assert ex.answer == pytest.approx(loss, abs=1e-9)


@pytest.mark.parametrize("samples", ["rows", "columns"])
def test_softmax_matrix_of_samples(samples: str) -> None:
    rows = [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]  # two samples, three classes
    ys = [2, 0]
    o = rows if samples == "rows" else [list(c) for c in zip(*rows, strict=True)]
    ex = generate_example("softmax", {"o": o, "y": ys, "samples": samples})
    losses = [_ce_loop(r, [1.0 if i == y else 0.0 for i in range(3)], "e") for r, y in zip(rows, ys, strict=True)]
    assert ex.values["losses"] == pytest.approx(losses, rel=1e-10)
    assert ex.answer == pytest.approx(sum(losses) / 2, rel=1e-10)
    probs = [_softmax_loop(r) for r in rows]
    got = ex.values["probs"] if samples == "rows" else [list(c) for c in zip(*ex.values["probs"], strict=True)]
    assert [v for row in got for v in row] == pytest.approx([v for row in probs for v in row], abs=1e-11)
    grad_mean = (
        ex.values["grad_mean"] if samples == "rows" else [list(c) for c in zip(*ex.values["grad_mean"], strict=True)]
    )

    def mean_loss(flat: list[float]) -> float:
        r = [flat[:3], flat[3:]]
        return sum(_ce_loop(r[k], [1.0 if i == ys[k] else 0.0 for i in range(3)], "e") for k in range(2)) / 2

    num = _num_grad(mean_loss, rows[0] + rows[1])
    assert [g for row in grad_mean for g in row] == pytest.approx(num, abs=1e-6)


def test_softmax_one_by_one_matrix() -> None:
    ex = generate_example("softmax", {"o": [[4.0]], "y": [0]})
    assert ex.values["probs"] == [[1.0]] and ex.answer == 0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"o": "1,2", "y": 2}, "class 2 does not exist"),
        ({"o": "1,2;3,4", "y": 0}, "has 1 class indices but there are 2 samples"),
        ({"o": "1,2,3", "target": "0.5,0.6,0"}, "sum to 1.1, not 1"),
        ({"o": "1,2,3", "target": "0.5,0.5"}, "target is 2 but o is 3"),
        ({"o": "1,2,3", "y": 0.5}, "a class index is a whole number"),
    ],
)
def test_softmax_bad_input(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ParamError, match=message):
        generate_example("softmax", params)


# --------------------------------------------------------------------------- cross-entropy and BCE


@pytest.mark.parametrize("base", ["e", "2", "10"])
def test_bce_single_and_soft(base: str) -> None:
    log = LOGS[base]
    assert generate_example("loss.bce", {"y": 1, "p": 0.8, "log_base": base}).answer == pytest.approx(-log(0.8))
    assert generate_example("loss.bce", {"y": 0, "p": 0.8, "log_base": base}).answer == pytest.approx(-log(0.2))
    soft = generate_example("loss.bce", {"y": 0.3, "p": 0.8, "log_base": base}).answer
    assert soft == pytest.approx(-(0.3 * log(0.8) + 0.7 * log(0.2)))


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_bce_batch_against_a_loop_and_differences(reduction: str) -> None:
    ys, ps = [1, 0, 1, 0.25], [0.9, 0.2, 0.35, 0.6]

    def total(q: list[float]) -> float:
        s = math.fsum(-(y * math.log(p) + (1 - y) * math.log(1 - p)) for y, p in zip(ys, q, strict=True))
        return s / len(q) if reduction == "mean" else s

    ex = generate_example("loss.bce", {"y": ys, "p": ps, "reduction": reduction})
    assert ex.answer == pytest.approx(total(ps), rel=1e-10)
    assert ex.values["grad"] == pytest.approx(_num_grad(total, ps), abs=1e-6)


def test_ce_of_probabilities_in_bits() -> None:
    ex = generate_example("loss.ce", {"p": "0.5,0.25,0.25", "y": 1, "log_base": "2"})
    assert ex.answer == pytest.approx(2.0)  # −log₂ ¼ = 2 bits
    soft = generate_example("loss.ce", {"p": "0.5,0.25,0.25", "target": "0.5,0.5,0", "log_base": "2"})
    assert soft.answer == pytest.approx(0.5 * 1 + 0.5 * 2)


# --------------------------------------------------------------------------- squared error


@pytest.mark.parametrize(
    ("half", "reduction", "factor"),
    [(True, "mean", "1/(2m)"), (True, "sum", "1/2"), (False, "mean", "1/m"), (False, "sum", "1")],
)
@pytest.mark.parametrize(
    ("a", "y", "m"),
    [
        ([0.5, 0.8], [1, 0], 2),
        ([0.75], [1], 1),
        (0.3, 1, 1),
        ([[0.1, 0.2, 0.3], [0.9, 0.8, 0.7]], [[0, 0, 1], [1, 1, 0]], 3),
    ],
)
def test_squared_error_conventions(half: bool, reduction: str, factor: str, a: Any, y: Any, m: int) -> None:
    flat_a = (
        [v for row in a for v in row]
        if isinstance(a, list) and isinstance(a[0], list)
        else (a if isinstance(a, list) else [a])
    )
    flat_y = (
        [v for row in y for v in row]
        if isinstance(y, list) and isinstance(y[0], list)
        else (y if isinstance(y, list) else [y])
    )
    c = {"1/(2m)": 1 / (2 * m), "1/2": 0.5, "1/m": 1 / m, "1": 1.0}[factor]

    def loss(v: list[float]) -> float:
        return c * math.fsum((ai - yi) ** 2 for ai, yi in zip(v, flat_y, strict=True))

    ex = generate_example("loss.mse", {"a": a, "y": y, "half": half, "reduction": reduction})
    assert ex.answer == pytest.approx(loss(flat_a), rel=1e-12)
    g = ex.values["grad"]
    flat_g = (
        [v for row in g for v in row]
        if isinstance(g, list) and g and isinstance(g[0], list)
        else (g if isinstance(g, list) else [g])
    )
    assert flat_g == pytest.approx(_num_grad(loss, [float(v) for v in flat_a]), abs=1e-6)


def test_classic_backprop_error_e_half_sum() -> None:
    # Mazur's worked example: outputs 0.75136507, 0.772928465, targets 0.01, 0.99 → E_total = 0.298371109
    ex = generate_example("loss.mse", {"a": "0.75136507,0.772928465", "y": "0.01,0.99", "reduction": "sum"})
    assert ex.answer == pytest.approx(0.298371109, abs=1e-9)


# --------------------------------------------------------------------------- hinge and entropy


def test_multiclass_svm_textbook_example() -> None:
    # CS231n: scores 3.2, 5.1, −1.7 for the true class 0 (cat) give max(0, 2.9) + max(0, −3.9) = 2.9
    ex = generate_example("loss.hinge")
    assert ex.answer == pytest.approx(2.9)
    assert ex.values["grad"] == [-1, 1, 0]


@pytest.mark.parametrize(
    ("s", "y", "margin"), [([3.2, 5.1, -1.7], 0, 1.0), ([1.3, 4.9, 2.0], 1, 1.0), ([2.2, 2.5, -3.1, 0.4], 3, 2.0)]
)
def test_multiclass_hinge_against_a_loop_and_differences(s: list[float], y: int, margin: float) -> None:
    def loss(v: list[float]) -> float:
        return math.fsum(max(0.0, v[j] - v[y] + margin) for j in range(len(v)) if j != y)

    ex = generate_example("loss.hinge", {"s": s, "y": y, "margin": margin})
    assert ex.answer == pytest.approx(loss(s))
    assert ex.values["grad"] == pytest.approx(_num_grad(loss, s), abs=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_binary_hinge(reduction: str) -> None:
    s, y = [0.5, -2.0, 3.0, 1.5], [1, 1, -1, 1]

    def loss(v: list[float]) -> float:
        t = math.fsum(max(0.0, 1 - yi * vi) for yi, vi in zip(y, v, strict=True))
        return t / len(v) if reduction == "mean" else t

    ex = generate_example("loss.hinge", {"mode": "binary", "s": s, "y": y, "reduction": reduction})
    assert ex.answer == pytest.approx(loss(s))
    assert ex.values["grad"] == pytest.approx(_num_grad(loss, s), abs=1e-6)
    with pytest.raises(ParamError, match="binary labels are \\+1 or −1"):
        generate_example("loss.hinge", {"mode": "binary", "s": [1, 2], "y": [1, 0]})


def test_entropy_textbook_values() -> None:
    assert generate_example("loss.entropy", {"p": "0.5,0.5"}).answer == pytest.approx(1.0)  # a fair coin: 1 bit
    assert generate_example("loss.entropy").answer == pytest.approx(1.5)
    assert generate_example("loss.entropy", {"p": "1,0"}).answer == 0
    ex = generate_example("loss.entropy", {"p": "0.5,0.25,0.25", "q": "0.25,0.5,0.25"})
    ce = -(0.5 * math.log2(0.25) + 0.25 * math.log2(0.5) + 0.25 * math.log2(0.25))
    assert ex.values["cross_entropy"] == pytest.approx(ce)
    assert ex.values["kl"] == pytest.approx(ce - 1.5)
    nats = generate_example("loss.entropy", {"p": "0.5,0.5", "log_base": "e"}).answer
    assert nats == pytest.approx(math.log(2))


# --------------------------------------------------------------------------- activations


def _act(name: str, x: float, gamma: float = 0.01, beta: float = 1.0) -> float:
    """Each activation written out independently of the generator."""
    sig = 1 / (1 + math.exp(-x)) if x > -700 else 0.0
    return {
        "sigmoid": sig,
        "tanh": (math.exp(x) - math.exp(-x)) / (math.exp(x) + math.exp(-x)) if abs(x) < 300 else math.copysign(1, x),
        "relu": x if x > 0 else 0.0,
        "leaky_relu": x if x > 0 else gamma * x,
        "prelu": x if x > 0 else gamma * x,
        "elu": x if x > 0 else gamma * (math.exp(x) - 1),
        "swish": x / (1 + math.exp(-beta * x)),
        "gelu": 0.5 * x * (1 + math.erf(x / math.sqrt(2))),
        "gelu_tanh": 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
        "gelu_sigmoid": x / (1 + math.exp(-1.702 * x)),
        "softplus": math.log(1 + math.exp(x)),
        "identity": x,
    }[name]


@pytest.mark.parametrize(
    ("fn", "form", "gamma"),
    [
        ("sigmoid", None, None),
        ("tanh", None, None),
        ("relu", None, None),
        ("leaky_relu", None, 0.01),
        ("prelu", None, 0.25),
        ("elu", None, 1.0),
        ("swish", None, None),
        ("gelu", "exact", None),
        ("gelu", "tanh", None),
        ("gelu", "sigmoid", None),
        ("softplus", None, None),
        ("identity", None, None),
    ],
)
@pytest.mark.parametrize("x", [-2.5, -0.3, 0.7, 1.9])
def test_activations_and_their_derivatives(fn: str, form: str | None, gamma: float | None, x: float) -> None:
    params: dict[str, Any] = {"fn": fn, "x": x}
    if form is not None:
        params["gelu"] = form
    ex = generate_example("act.eval", params)
    name = fn if fn != "gelu" or form == "exact" else f"gelu_{form}"
    g = gamma if gamma is not None else 0.01

    def f(v: float) -> float:
        return _act(name, v, g)

    assert ex.answer == pytest.approx(f(x), rel=1e-10, abs=1e-12)
    assert ex.values["derivative"] == pytest.approx((f(x + 1e-6) - f(x - 1e-6)) / 2e-6, rel=1e-6, abs=1e-8)


def test_gelu_tanh_textbook_value() -> None:
    # GELU(1) ≈ 0.841345 exactly, ≈ 0.841192 with the tanh approximation (Hendrycks & Gimpel)
    assert generate_example("act.eval", {"fn": "gelu", "x": 1}).answer == pytest.approx(0.8413447, abs=1e-7)
    assert generate_example("act.eval", {"fn": "gelu", "gelu": "tanh", "x": 1}).answer == pytest.approx(
        0.8411920, abs=1e-7
    )


@pytest.mark.parametrize("x", ["1,-2,0.5", "1,-2;0,3", "[[0.5]]", "-1"])
def test_activation_on_a_tensor_is_elementwise(x: str) -> None:
    ex = generate_example("act.eval", {"fn": "tanh", "x": x})

    def flat(v: Any) -> list[float]:
        return [w for item in v for w in flat(item)] if isinstance(v, list) else [v]

    for xi, yi, di in zip(flat(ex.params["x"]), flat(ex.values["value"]), flat(ex.values["derivative"]), strict=True):
        assert yi == pytest.approx(math.tanh(xi), rel=1e-12)
        assert di == pytest.approx(1 - math.tanh(xi) ** 2, rel=1e-10)


def test_saturated_derivatives_keep_their_tails() -> None:
    assert generate_example("act.eval", {"x": 40}).values["derivative"] == pytest.approx(math.exp(-40), rel=1e-9)
    tail = generate_example("act.eval", {"fn": "tanh", "x": 30}).values["derivative"]
    assert tail == pytest.approx(4 * math.exp(-60), rel=1e-9)


# --------------------------------------------------------------------------- logistic regression on a batch


@pytest.mark.parametrize(
    ("x", "y", "w", "b"),
    [
        ([[1.0, 2.0, 0.0], [0.0, 1.0, 1.0]], [1, 0, 1], [0.5, -0.25], 0.1),  # 2 features, 3 samples
        ([[2.0]], [0], [0.3], -1.0),  # 1×1: one feature, one sample
        ([[1.0, -1.0, 0.5, 2.0]], [1, 0, 0, 1], [1.5], 0.0),  # one feature, four samples
    ],
)
def test_logreg_batch_gradients_match_differences(x: list[list[float]], y: list[int], w: list[float], b: float) -> None:
    m = len(x[0])

    def cost(wb: list[float]) -> float:
        ww, bb = wb[:-1], wb[-1]
        total = 0.0
        for j in range(m):
            z = sum(ww[i] * x[i][j] for i in range(len(ww))) + bb
            a = 1 / (1 + math.exp(-z))
            total += -(y[j] * math.log(a) + (1 - y[j]) * math.log(1 - a))
        return total / m

    ex = generate_example("logreg.step", {"x": x, "y": y, "w": w, "b": b, "lr": 0.5})
    num = _num_grad(cost, [*w, b])
    assert ex.values["loss"] == pytest.approx(cost([*w, b]), rel=1e-10)
    assert ex.answer == ex.values["dw"] == pytest.approx(num[:-1], abs=1e-6)
    assert ex.values["db"] == pytest.approx(num[-1], abs=1e-6)
    assert ex.values["w_new"] == pytest.approx([wi - 0.5 * gi for wi, gi in zip(w, num, strict=False)], abs=1e-6)


def test_logreg_shape_errors() -> None:
    with pytest.raises(ParamError, match="w is a vector of 2 but X has 3 rows .*; w must be a vector of 3"):
        generate_example("logreg.step", {"x": "1,2;3,4;5,6", "y": "1,0"})
    with pytest.raises(ParamError, match="y has 1 labels but X has 2 samples"):
        generate_example("logreg.step", {"x": "1,2;3,4", "y": 1})


# --------------------------------------------------------------------------- classification metrics


def _metrics_loop(t: list[int], p: list[int], k: int) -> dict[str, Any]:
    out: dict[str, Any] = {"precision": [], "recall": [], "f1": []}
    for c in range(k):
        tp = sum(1 for a, b in zip(t, p, strict=True) if a == c and b == c)
        fp = sum(1 for a, b in zip(t, p, strict=True) if a != c and b == c)
        fn = sum(1 for a, b in zip(t, p, strict=True) if a == c and b != c)
        pr = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        out["precision"].append(pr)
        out["recall"].append(rc)
        out["f1"].append(2 * pr * rc / (pr + rc) if pr + rc else 0.0)
    out["accuracy"] = sum(a == b for a, b in zip(t, p, strict=True)) / len(t)
    return out


@pytest.mark.parametrize(
    ("t", "p"),
    [
        ([1, 0, 1, 1, 0, 1, 0, 0, 1, 1], [1, 0, 0, 1, 1, 1, 0, 0, 1, 0]),
        ([0, 1, 2, 2, 1, 0, 2, 1], [0, 2, 2, 1, 1, 0, 2, 0]),
        ([0, 0, 1, 3, 3, 2], [0, 1, 1, 3, 0, 2]),
        ([1], [1]),
    ],
)
def test_metrics_against_loops(t: list[int], p: list[int]) -> None:
    k = max(max(t), max(p), 1) + 1
    params: dict[str, Any] = {"y_true": t, "y_pred": p}
    if k > max(*t, *p) + 1:
        params["classes"] = k
    ex = generate_example("eval.metrics", params)
    ref = _metrics_loop(t, p, k)
    v = ex.values
    assert v["accuracy"] == pytest.approx(ref["accuracy"])
    assert v["precision_per_class"] == pytest.approx(ref["precision"])
    assert v["recall_per_class"] == pytest.approx(ref["recall"])
    assert v["f1_per_class"] == pytest.approx(ref["f1"])
    assert v["macro_f1"] == pytest.approx(sum(ref["f1"]) / k)
    assert v["macro_precision"] == pytest.approx(sum(ref["precision"]) / k)
    assert v["micro_f1"] == v["micro_precision"] == v["micro_recall"] == pytest.approx(ref["accuracy"])
    assert sum(map(sum, v["cm"])) == len(t)
    if k == 2:
        assert ex.asked == "f1" and v["precision"] == pytest.approx(ref["precision"][1])
        assert v["recall"] == pytest.approx(ref["recall"][1]) and v["f1"] == pytest.approx(ref["f1"][1])
    else:
        assert ex.asked == "macro_f1"


def test_metrics_from_a_confusion_matrix() -> None:
    # the textbook binary case: TP = 40, FN = 10, FP = 20, TN = 30 with class 1 positive
    ex = generate_example("eval.metrics", {"cm": "30,20;10,40"})
    assert ex.values["precision"] == pytest.approx(40 / 60)
    assert ex.values["recall"] == pytest.approx(40 / 50)
    assert ex.values["f1"] == pytest.approx(2 * 40 / (2 * 40 + 20 + 10))
    assert ex.values["specificity"] == pytest.approx(30 / 50)
    neg = generate_example("eval.metrics", {"cm": "30,20;10,40", "positive": 0})
    assert neg.values["precision"] == pytest.approx(30 / 40)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"cm": "1,2,3;4,5,6"}, "cm is 2×3; a confusion matrix is k×k"),
        ({"cm": "1,0.5;0,1"}, "whole numbers"),
        ({"y_true": "0,1,1", "y_pred": "0,1"}, "y_true has 3 labels but y_pred has 2"),
        ({"y_true": "0,1", "y_pred": "0,1", "classes": 2, "positive": 2}, "class 2 does not exist"),
        ({"y_true": "0,3", "y_pred": "0,1", "classes": 2}, "classes must be ≥ 4"),
    ],
)
def test_metrics_bad_input(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ParamError, match=message):
        generate_example("eval.metrics", params)


# --------------------------------------------------------------------------- random variants


MINE = [
    "softmax",
    "loss.bce",
    "loss.ce",
    "loss.mse",
    "loss.hinge",
    "loss.entropy",
    "act.eval",
    "logreg.step",
    "eval.metrics",
]


@pytest.mark.parametrize("kind", MINE)
def test_random_variants_vary_and_reproduce(kind: str) -> None:
    import json

    answers = set()
    for seed in range(1, 31):
        a = generate_example(kind, seed=seed)
        assert a.to_dict() == generate_example(kind, seed=seed).to_dict()
        answers.add(json.dumps(a.answer))
    assert len(answers) > 2


# --------------------------------------------------------------------------- box formats


@pytest.mark.parametrize(
    ("fmt", "box1", "box2"),
    [
        ("corners", [0, 0, 4, 4], [1, 1, 5, 5]),
        ("xywh", [0, 0, 4, 4], [1, 1, 4, 4]),
        ("center", [2, 2, 4, 4], [3, 3, 4, 4]),
    ],
)
def test_iou_in_every_box_format(fmt: str, box1: list[float], box2: list[float]) -> None:
    # the same two 4×4 squares, offset by 1: intersection 3·3 = 9, union 16 + 16 − 9 = 23
    ex = generate_example("det.iou", {"box1": box1, "box2": box2, "format": fmt})
    assert ex.answer == pytest.approx(9 / 23)
    if fmt != "corners":
        assert ex.values["box1_corners"] == [0, 0, 4, 4] and ex.values["box2_corners"] == [1, 1, 5, 5]


def test_nms_in_xywh_keeps_what_corners_keep() -> None:
    corners = {"boxes": "0,0,4,4;1,1,5,5;6,6,9,9", "scores": "0.9,0.8,0.7"}
    xywh = {"boxes": "0,0,4,4;1,1,4,4;6,6,3,3", "scores": "0.9,0.8,0.7", "format": "xywh"}
    assert generate_example("det.nms", corners).values["kept"] == generate_example("det.nms", xywh).values["kept"]
    with pytest.raises(ParamError, match="needs a width w > 0"):
        generate_example("det.iou", {"box1": "0,0,-1,2", "format": "xywh"})


@pytest.mark.parametrize("x", [[1.0, 2.0], [[1.0, 2.0, 0.0], [0.0, 1.0, 1.0]]])
def test_logreg_l2_regularisation_matches_differences(x: Any) -> None:
    lam, w, b = 0.7, [0.5, -0.25], 0.1
    cols = [list(c) for c in zip(*x, strict=True)] if isinstance(x[0], list) else [x]
    ys = [1, 0, 1][: len(cols)]
    m = len(cols)

    def cost(wb: list[float]) -> float:
        ww, bb = wb[:-1], wb[-1]
        total = 0.0
        for xs, y in zip(cols, ys, strict=True):
            a = 1 / (1 + math.exp(-(sum(wi * xi for wi, xi in zip(ww, xs, strict=True)) + bb)))
            total += -(y * math.log(a) + (1 - y) * math.log(1 - a))
        return total / m + lam / (2 * m) * sum(wi * wi for wi in ww)

    ex = generate_example("logreg.step", {"x": x, "y": ys if m > 1 else 1, "w": w, "b": b, "l2": lam})
    num = _num_grad(cost, [*w, b])
    assert ex.values["loss"] == pytest.approx(cost([*w, b]), rel=1e-10)
    assert ex.answer == pytest.approx(num[:-1], abs=1e-6)
    assert ex.values["db"] == pytest.approx(num[-1], abs=1e-6)


def test_metrics_from_scores_and_a_threshold() -> None:
    t, scores = [1, 0, 1, 1, 0, 0], [0.9, 0.4, 0.45, 0.8, 0.6, 0.1]
    for th in (0.3, 0.5, 0.85):
        pred = [1 if s >= th else 0 for s in scores]
        ex = generate_example("eval.metrics", {"y_true": t, "scores": scores, "threshold": th})
        assert ex.values["y_pred"] == pred
        ref = _metrics_loop(t, pred, 2)
        assert ex.values["f1"] == pytest.approx(ref["f1"][1]) and ex.values["accuracy"] == pytest.approx(
            ref["accuracy"]
        )
    with pytest.raises(ParamError, match="parameter y_pred has no effect"):
        generate_example("eval.metrics", {"y_true": t, "scores": scores, "y_pred": [1, 0, 1, 1, 0, 0]})
    with pytest.raises(ParamError, match="parameter threshold has no effect"):
        generate_example("eval.metrics", {"threshold": 0.7})


@pytest.mark.parametrize("base", ["e", "2"])
def test_ce_of_a_batch_of_probabilities(base: str) -> None:
    p = [[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.25, 0.25, 0.5]]
    ys = [0, 2, 2]
    log = LOGS[base]
    ex = generate_example("loss.ce", {"p": p, "y": ys, "log_base": base})
    losses = [-log(row[y]) for row, y in zip(p, ys, strict=True)]
    assert ex.values["losses"] == pytest.approx(losses)
    assert ex.answer == pytest.approx(sum(losses) / 3)
    soft = generate_example("loss.ce", {"p": p[:2], "target": [[0.5, 0.5, 0], [0, 0, 1]]})
    assert soft.answer == pytest.approx((-(0.5 * math.log(0.7) + 0.5 * math.log(0.2)) - math.log(0.3)) / 2)
    with pytest.raises(ParamError, match="has 1 class indices but there are 3 samples"):
        generate_example("loss.ce", {"p": p, "y": 0})
    with pytest.raises(ParamError, match="p row 2: the probabilities .* sum to 0.9, not 1"):
        generate_example("loss.ce", {"p": "0.5,0.5;0.4,0.5", "y": "0,1"})


def test_multiclass_svm_over_samples_cs231n() -> None:
    # CS231n's three images (cat, car, frog): losses 2.9, 0 and 12.9, mean 5.27
    s = [[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]
    ex = generate_example("loss.hinge", {"s": s, "y": [0, 1, 2]})
    assert ex.values["losses"] == pytest.approx([2.9, 0.0, 12.9])
    assert ex.answer == pytest.approx(15.8 / 3)

    def mean_loss(flat: list[float]) -> float:
        rows = [flat[0:3], flat[3:6], flat[6:9]]
        return (
            sum(max(0.0, r[j] - r[y] + 1) for r, y in zip(rows, [0, 1, 2], strict=True) for j in range(3) if j != y) / 3
        )

    num = _num_grad(mean_loss, [v for r in s for v in r])
    assert [g for r in ex.values["grad"] for g in r] == pytest.approx(num, abs=1e-6)

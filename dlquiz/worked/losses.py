"""The losses: cross-entropy of given probabilities (binary, one-hot, soft labels, any log base),
squared error in its four conventions and entropy; the helpers for log bases and labels that
`softmax.py` and `hinge.py` share.
"""

from __future__ import annotations

import math

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, Lazy, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, count_of, fv, register

LOG_BASES = ("e", "2", "10", "ln", "lg", "log2", "log10")  # lg is base 10, as in Chinese textbooks
_LOG_NAME = {"e": "ln", "ln": "ln", "2": "log₂", "log2": "log₂", "10": "lg", "lg": "lg", "log10": "lg"}


def softmax(o: np.ndarray) -> np.ndarray:
    """exp(o − max) / Σ exp(o − max): the shift leaves the result unchanged and avoids overflow."""
    e = np.exp(o - o.max())
    return e / e.sum()  # type: ignore[no-any-return]


def log_factor(base: str) -> float:
    """1/ln b: log_b x = ln x · (1/ln b)."""
    return 1.0 / math.log({"ln": math.e, "log₂": 2.0, "lg": 10.0}[_LOG_NAME[base]])


def _base_note(base: str) -> Lazy:
    """The log base as a convention (a message: conventions built on it take it as a field)."""
    name = _LOG_NAME[base]
    if name == "ln":
        return lazy("natural log")
    return lazy("log₂: log base 2") if name == "log₂" else lazy("lg: log base 10")


def _log_param(default: str = "e") -> ParamSpec:
    return ParamSpec(
        "log_base",
        "base of the logarithm: e (ln), 2 (log₂, log2, bits) or 10 (lg, log10)",
        default,
        "choice",
        choices=LOG_BASES,
    )


def _probabilities(kind: str, name: str, v: list[float], *, strict: bool) -> None:
    """A probability vector: entries in [0, 1] ((0, 1] when `strict`) summing to 1."""
    if any((q <= 0 if strict else q < 0) or q > 1 for q in v):
        rng = "(0, 1]" if strict else "[0, 1]"
        raise ParamError(
            lazy(
                "{kind}: parameter {name}: every probability must be in {range}, got {values}",
                kind=kind,
                name=name,
                range=rng,
                values=fv(v),
            )
        )
    if abs(sum(v) - 1) > 1e-6:
        raise ParamError(
            lazy(
                "{kind}: parameter {name}: the probabilities {values} sum to {total}, not 1",
                kind=kind,
                name=name,
                values=fv(v),
                total=fv(sum(v)),
            )
        )


def _index_list(kind: str, name: str, y: object, k: int, m: int) -> list[int]:
    """Class indices (one per sample), each 0 … k − 1."""
    ys = y if isinstance(y, list) else [y]
    out = []
    for v in ys:
        if not isinstance(v, int) and not (isinstance(v, float) and v.is_integer()):
            raise ParamError(
                lazy(
                    "{kind}: parameter {name}: a class index is a whole number, got {value}",
                    kind=kind,
                    name=name,
                    value=fv(v),
                )
            )
        if not 0 <= int(v) < k:
            raise ParamError(
                lazy(
                    "{kind}: parameter {name}: class {value} does not exist (allowed: 0 … {last}, 0-based)",
                    kind=kind,
                    name=name,
                    value=fv(v),
                    last=k - 1,
                )
            )
        out.append(int(v))
    if len(out) != m:
        raise ParamError(
            lazy(
                "{kind}: parameter {name} has {n} class indices but there are {m} samples; give one per sample",
                kind=kind,
                name=name,
                n=len(out),
                m=m,
            )
        )
    return out


# --------------------------------------------------------------------------- binary cross-entropy


def _check_bce(p: Params) -> None:
    q = np.atleast_1d(np.array(p["p"], dtype=float))
    y = np.atleast_1d(np.array(p["y"], dtype=float))
    if np.any((q <= 0) | (q >= 1)):
        raise ParamError(lazy("loss.bce: parameter p: {p} must lie strictly between 0 and 1", p=fv(p["p"])))
    if np.any((y < 0) | (y > 1)):
        raise ParamError(
            lazy("loss.bce: parameter y: a label is 0 or 1 (or a soft label in [0, 1]), got {y}", y=fv(p["y"]))
        )
    if q.shape != y.shape:
        raise ParamError(
            lazy("loss.bce: y has {n} labels but p has {m} probabilities; give one label per p", n=y.size, m=q.size)
        )


@register(
    "loss.bce",
    "loss.bce",
    "Binary cross-entropy",
    [
        ParamSpec(
            "y",
            "label 0 or 1 (or a soft label in [0, 1]); a vector for several samples",
            1,
            "tensor",
            rank=(0, 1),
        ),
        ParamSpec(
            "p",
            "predicted probability ŷ of class 1 (a vector for several samples)",
            0.8,
            "tensor",
            rank=(0, 1),
        ),
        _log_param(),
        ParamSpec(
            "reduction",
            "several samples: mean or sum of the losses",
            "mean",
            "choice",
            choices=("mean", "sum"),
            applies="when p is a vector",
        ),
    ],
    [],
    draw=lambda d: {"y": d.int("y", 0, 1), "p": d.pick("p", [0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.75, 0.8, 0.9])},
    check=_check_bce,
)
def _bce(p: Params) -> Out:
    base = p["log_base"]
    ln, f = _LOG_NAME[base], log_factor(base)
    conv = _base_note(base)
    if not isinstance(p["p"], list):
        y, q = p["y"], float(p["p"])
        loss = -(y * math.log(q) + (1 - y) * math.log(1 - q)) * f
        if y == 1:
            term = f"−{ln} {fv(q)}"
        elif y == 0:
            term = f"−{ln}(1 − {fv(q)})"
        else:
            term = f"−[{fv(y)}·{ln} {fv(q)} + {fv(1 - y)}·{ln} {fv(1 - q)}]"
        steps = [
            Step(
                "Loss",
                f"−[y {ln} ŷ + (1 − y) {ln}(1 − ŷ)] = −[{fv(y)}·{ln} {fv(q)} + {fv(1 - y)}·{ln}(1 − {fv(q)})] = "
                f"{term} = {fv(loss)}",
                loss,
                "for y = 1 only −log ŷ remains; for y = 0 only −log(1 − ŷ)",
                key="loss",
            ),
        ]
        grad = (q - y) / (q * (1 - q)) * f
        steps.append(Step("Gradient", f"∂l/∂ŷ = (ŷ − y)/(ŷ(1 − ŷ)) = {fv(grad)}", grad, key="grad"))
        return Out(steps, None, {}, conv, asked="loss")
    ys = np.array(p["y"], dtype=float)
    qs = np.array(p["p"], dtype=float)
    losses = -(ys * np.log(qs) + (1 - ys) * np.log(1 - qs)) * f
    m = len(qs)
    red = p["reduction"]
    loss = float(losses.mean() if red == "mean" else losses.sum())
    grad = (qs - ys) / (qs * (1 - qs)) * f / (m if red == "mean" else 1)
    steps = [
        Step(
            "Loss per sample",
            f"lᵢ = −[yᵢ {ln} ŷᵢ + (1 − yᵢ) {ln}(1 − ŷᵢ)] = {fv(losses.tolist())}",
            losses.tolist(),
            key="losses",
        ),
        Step(
            N_("Mean loss") if red == "mean" else N_("Total loss"),
            (f"L = (1/{m})·Σ lᵢ = {fv(loss)}" if red == "mean" else f"L = Σ lᵢ = {fv(loss)}"),
            loss,
            key="loss",
        ),
        Step(
            "Gradient",
            "∂L/∂ŷᵢ = (ŷᵢ − yᵢ)/(ŷᵢ(1 − ŷᵢ))" + (f"/{m}" if red == "mean" else "") + f" = {fv(grad.tolist())}",
            grad.tolist(),
            key="grad",
        ),
    ]
    conv = (
        lazy("{base}; mean over {m} samples", base=conv, m=m)
        if red == "mean"
        else lazy("{base}; sum over {m} samples", base=conv, m=m)
    )
    return Out(steps, None, {}, conv, asked="loss")


# --------------------------------------------------------------------------- cross-entropy of given probabilities


def _draw_ce(d: Draw) -> Params:
    def make() -> list[float]:
        k = int(d.rng.integers(3, 5))
        cuts = np.sort(d.rng.choice(np.arange(1, 20), size=k - 1, replace=False))
        parts = np.diff(np.concatenate([[0], cuts, [20]])) / 20
        return [round(float(v), 2) for v in parts]

    probs = d.value("p", make)
    return {"p": probs, "y": d.int("y", 0, len(probs) - 1)}


def _rows(v: object) -> list[list[float]]:
    """A vector as one row, a matrix as its rows."""
    assert isinstance(v, list)
    return [list(r) for r in v] if v and isinstance(v[0], list) else [list(v)]


def _check_ce(p: Params) -> None:
    rows = _rows(p["p"])
    k = len(rows[0])
    for i, r in enumerate(rows):
        name = "p" if len(rows) == 1 else lazy("{where} row {i}", where="p", i=i + 1)
        _probabilities("loss.ce", name, r, strict=p["target"] is None)
    if p["target"] is not None:
        ts = _rows(p["target"])
        if len(ts) != len(rows) or len(ts[0]) != k:
            raise ParamError(
                lazy(
                    "loss.ce: target is {t_rows}×{t_cols} but p is {rows}×{k}; "
                    "target must have the shape of p (one probability per class and sample)",
                    t_rows=len(ts),
                    t_cols=len(ts[0]),
                    rows=len(rows),
                    k=k,
                )
            )
        for t, r in zip(ts, rows, strict=True):
            _probabilities("loss.ce", "target", t, strict=False)
            if any(ti > 0 and pi == 0 for ti, pi in zip(t, r, strict=True)):
                raise ParamError(lazy("loss.ce: a class with target > 0 has ŷ = 0: the loss is infinite"))
    else:
        _index_list("loss.ce", "y", p["y"], k, len(rows))


@register(
    "loss.ce",
    "loss.ce",
    "Cross-entropy of given probabilities",
    [
        ParamSpec(
            "p",
            "predicted probabilities ŷ (sum 1); a matrix with one row per sample",
            [0.7, 0.2, 0.1],
            "tensor",
            rank=(1, 2),
        ),
        ParamSpec(
            "y",
            "index of the true class (0-based; one per sample)",
            0,
            "tensor",
            rank=(0, 1),
            applies="when no target is given",
        ),
        ParamSpec(
            "target",
            "soft labels t (a probability vector, or one per row) instead of y",
            None,
            "tensor",
            rank=(1, 2),
        ),
        _log_param(),
    ],
    [],
    draw=_draw_ce,
    check=_check_ce,
)
def _ce(p: Params) -> Out:
    rows = _rows(p["p"])
    if len(rows) > 1 or isinstance(p["p"][0], list):
        return _ce_batch(p, rows)
    probs = rows[0]
    base = p["log_base"]
    ln, f = _LOG_NAME[base], log_factor(base)
    if p["target"] is not None:
        t = p["target"]
        loss = -sum(ti * math.log(pi) for ti, pi in zip(t, probs, strict=True) if ti != 0) * f
        terms = " + ".join(f"{fv(ti)}·{ln} {fv(pi)}" for ti, pi in zip(t, probs, strict=True) if ti != 0)
        steps = [
            Step("Soft label", f"t = {fv(t)}", list(t), key="target"),
            Step(
                "Loss",
                f"l = −Σ tᵢ {ln} ŷᵢ = −({terms}) = {fv(loss)}",
                loss,
                "every class contributes in proportion to its label tᵢ",
                key="loss",
            ),
        ]
        return Out(steps, None, {}, lazy("{base}; soft labels", base=_base_note(base)), asked="loss")
    y = _index_list("loss.ce", "y", p["y"], len(probs), 1)[0]
    onehot = [1 if i == y else 0 for i in range(len(probs))]
    loss = -math.log(probs[y]) * f
    steps = [
        Step("One-hot label", f"y = {fv(onehot)}", onehot, key="onehot"),
        Step(
            "Loss",
            f"l = −Σ yᵢ {ln} ŷᵢ = −{ln} ŷ_{y} = −{ln} {fv(probs[y])} = {fv(loss)}",
            loss,
            "only the true class contributes",
            key="loss",
        ),
    ]
    return Out(steps, None, {}, lazy("{base}; y is a 0-based class index", base=_base_note(base)), asked="loss")


def _ce_batch(p: Params, rows: list[list[float]]) -> Out:
    base = p["log_base"]
    ln, f = _LOG_NAME[base], log_factor(base)
    m, k = len(rows), len(rows[0])
    if p["target"] is not None:
        ts = _rows(p["target"])
        conv = lazy("{base}; one sample per row; soft labels", base=_base_note(base))
        formula = f"lᵢ = −Σⱼ tᵢⱼ {ln} ŷᵢⱼ"
    else:
        ys = _index_list("loss.ce", "y", p["y"], k, m)
        ts = [[1.0 if j == y else 0.0 for j in range(k)] for y in ys]
        conv = lazy("{base}; one sample per row; one 0-based class index y per sample", base=_base_note(base))
        formula = f"lᵢ = −{ln} ŷ_(i, yᵢ)"
    losses = [
        -sum(t * math.log(q) for t, q in zip(tr, r, strict=True) if t != 0) * f for tr, r in zip(ts, rows, strict=True)
    ]
    loss = sum(losses) / m
    steps = [
        Step("Labels", lazy("one row per sample: {t}", t=fv(ts)), ts, key="target"),
        Step("Loss per sample", f"{formula} = {fv(losses)}", losses, key="losses"),
        Step("Mean loss", f"L = (1/{m})·Σ lᵢ = {fv(loss)}", loss, key="loss"),
    ]
    return Out(steps, None, {}, conv, asked="loss")


# --------------------------------------------------------------------------- squared error


def _draw_mse(d: Draw) -> Params:
    m = len(d.fixed["a"]) if "a" in d.fixed else (len(d.fixed["y"]) if "y" in d.fixed else int(d.rng.integers(2, 5)))
    a = d.value("a", lambda: d.decimals(m, 0, 1))
    y = d.value("y", lambda: [int(v) for v in d.rng.integers(0, 2, size=len(a))])
    return {"a": a, "y": y}


def _shape_words(shape: tuple[int, ...]) -> str:
    """A shape as 2×3, or the words "a scalar"."""
    return "×".join(map(str, shape)) or lazy("a scalar")


def _check_mse(p: Params) -> None:
    sa, sy = np.shape(p["a"]), np.shape(p["y"])
    if sa != sy:
        raise ParamError(
            lazy(
                "loss.mse: a is {a} but y is {y}; y must have the shape of a (one target per output)",
                a=_shape_words(sa),
                y=_shape_words(sy),
            )
        )


_MSE_FORM = {  # (the loss as a formula, the convention: a message)
    (True, "mean"): ("J = 1/(2m) Σ (a − y)²", lazy("J = 1/(2m) Σ (a − y)² (course notes)")),
    (True, "sum"): ("E = Σ ½(y − a)²", lazy("E = Σ ½(target − out)² (classic backprop examples)")),
    (False, "mean"): ("MSE = 1/m Σ (a − y)²", lazy("MSE = 1/m Σ (a − y)²")),
    (False, "sum"): ("SSE = Σ (a − y)²", lazy("sum of squared errors Σ (a − y)²")),
}


@register(
    "loss.mse",
    "loss.mse",
    "Squared error: J = 1/(2m)Σ, E = ½Σ, mean or sum",
    [
        ParamSpec(
            "a",
            "predictions (outputs) a: a number, a vector, or a matrix with one column per sample",
            [0.5, 0.8],
            "tensor",
            rank=(0, 1, 2),
        ),
        ParamSpec("y", "targets y, the shape of a", [1, 0], "tensor", rank=(0, 1, 2)),
        ParamSpec(
            "half",
            "multiply by ½ (it cancels the 2 of the derivative)",
            True,
            "bool",
        ),
        ParamSpec(
            "reduction",
            "mean over the m samples, or sum",
            "mean",
            "choice",
            choices=("mean", "sum"),
        ),
    ],
    ["sum_sq", "m", "grad"],
    draw=_draw_mse,
    check=_check_mse,
)
def _mse(p: Params) -> Out:
    a = np.array(p["a"], dtype=float)
    y = np.array(p["y"], dtype=float)
    half, red = bool(p["half"]), p["reduction"]
    m = 1 if a.ndim == 0 else (a.shape[-1] if a.ndim == 2 else a.shape[0])
    diff = a - y
    sq = diff**2
    total = float(sq.sum())
    c = (0.5 if half else 1.0) / (m if red == "mean" else 1)
    loss = c * total
    grad = 2 * c * diff
    name, conv = _MSE_FORM[(half, red)]
    factor = {(True, "mean"): f"1/(2·{m})", (True, "sum"): "½", (False, "mean"): f"1/{m}", (False, "sum"): "1"}
    steps = [
        Step("Errors", f"a − y = {fv(diff.tolist())}", diff.tolist(), key="diff"),
        Step("Squares", f"(a − y)² = {fv(sq.tolist())}", sq.tolist(), key="sq"),
        Step("Sum of squares", f"Σ (a − y)² = {fv(total)}", total, key="sum_sq"),
        Step(
            "Loss",
            f"{name} = {factor[(half, red)]} · {fv(total)} = {fv(loss)}",
            loss,
            N_("the ½ cancels the 2 of the derivative") if half else "",
            key="loss",
        ),
        Step("Gradient", f"∂/∂a = {fv(2 * c)}·(a − y) = {fv(grad.tolist())}", grad.tolist(), key="grad"),
    ]
    if a.ndim == 2:
        conv = lazy("{form}; one column per sample", form=conv)
    return Out(steps, None, {"m": m}, conv, asked="loss")


# --------------------------------------------------------------------------- entropy


_DISTRIBUTIONS = [
    [0.5, 0.5],
    [0.25, 0.75],
    [0.5, 0.25, 0.25],
    [0.125, 0.125, 0.25, 0.5],
    [0.1, 0.2, 0.7],
    [0.25, 0.25, 0.25, 0.25],
]


def _check_entropy(p: Params) -> None:
    _probabilities("loss.entropy", "p", p["p"], strict=False)
    if p["q"] is not None:
        if len(p["q"]) != len(p["p"]):
            raise ParamError(
                lazy(
                    "loss.entropy: q has {count} but p has {m}; give one per outcome",
                    count=count_of(len(p["q"]), "entry"),
                    m=len(p["p"]),
                )
            )
        _probabilities("loss.entropy", "q", p["q"], strict=False)
        if any(pi > 0 and qi == 0 for pi, qi in zip(p["p"], p["q"], strict=True)):
            raise ParamError(
                lazy("loss.entropy: q is 0 where p is not: the cross-entropy and KL divergence are infinite")
            )


@register(
    "loss.entropy",
    "loss.ce",
    "Entropy, cross-entropy and KL divergence",
    [
        ParamSpec("p", "a probability distribution p (sum 1)", [0.5, 0.25, 0.25], "floatlist"),
        ParamSpec("q", "a second distribution q (optional)", None, "floatlist"),
        _log_param("2"),
    ],
    ["entropy"],
    draw=lambda d: {
        "p": d.value("p", lambda: d.pick("dist", _DISTRIBUTIONS)),
        "log_base": d.pick("log_base", ["2", "2", "e"]),
    },
    check=_check_entropy,
)
def _entropy(p: Params) -> Out:
    ps = p["p"]
    base = p["log_base"]
    ln, f = _LOG_NAME[base], log_factor(base)
    terms = [-(pi * math.log(pi)) * f if pi > 0 else 0.0 for pi in ps]
    h = float(sum(terms))
    steps = [
        Step("Terms", f"−pᵢ {ln} pᵢ = {fv(terms)}", terms, "0·log 0 is taken as 0", key="terms"),
        Step("Entropy", f"H(p) = −Σ pᵢ {ln} pᵢ = {fv(h)}", h, key="entropy"),
    ]
    if p["q"] is not None:
        qs = p["q"]
        ce = float(-sum(pi * math.log(qi) for pi, qi in zip(ps, qs, strict=True) if pi > 0) * f)
        steps.append(Step("Cross-entropy", f"H(p, q) = −Σ pᵢ {ln} qᵢ = {fv(ce)}", ce, key="cross_entropy"))
        steps.append(
            Step(
                "KL divergence",
                f"KL(p‖q) = H(p, q) − H(p) = {fv(ce)} − {fv(h)} = {fv(ce - h)}",
                ce - h,
                "never negative; 0 only when q = p",
                key="kl",
            )
        )
    note = _base_note(base)
    conv = {
        "log₂": lazy("{base}; unit: bits", base=note),
        "ln": lazy("{base}; unit: nats", base=note),
        "lg": lazy("{base}; unit: bans (base 10)", base=note),
    }[ln]
    return Out(steps, None, {}, conv, asked="entropy")

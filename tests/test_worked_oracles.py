"""Every generator against an independent oracle: textbook numbers, SymPy, direct loops, finite differences."""

from __future__ import annotations

import math
from typing import Any

import pytest

from dlquiz.worked import generate_example

SEEDS = range(30)

# SymPy oracles run under a hard per-test limit
pytestmark = pytest.mark.timeout(60)


def _sympy_guard() -> Any:
    """SymPy imported lazily, each test under pytest-timeout's hard limit."""
    return pytest.importorskip("sympy")


# --------------------------------------------------------------------------- convolution sizes


def _positions(n: int, k: int, p: int, s: int) -> int:
    # count the kernel placements by sliding it: an oracle independent of the floor formula
    return sum(1 for start in range(0, n + 2 * p) if start % s == 0 and start + k <= n + 2 * p)


@pytest.mark.parametrize(
    ("n", "f", "p", "s", "d", "expected"),
    [
        (32, 5, 0, 1, 1, 28),  # LeNet-style valid convolution
        (227, 11, 0, 4, 1, 55),  # AlexNet conv1
        (6, 3, 1, 1, 1, 6),  # same
        (7, 3, 0, 2, 1, 3),
        (8, 3, 0, 1, 2, 4),  # dilated: k_eff = 5
        (5, 3, 2, 1, 1, 7),  # wide: M + K − 1
    ],
)
def test_output_size_textbook(n: int, f: int, p: int, s: int, d: int, expected: int) -> None:
    assert generate_example("conv.output-size", {"n": n, "f": f, "p": p, "s": s, "d": d}).answer == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_output_size_matches_sliding(seed: int) -> None:
    ex = generate_example("conv.output-size", seed=seed)
    p = ex.params
    k_eff = p["f"] + (p["f"] - 1) * (p["d"] - 1)
    assert ex.values["k_eff"] == k_eff
    assert ex.answer == _positions(p["n"], k_eff, p["p"], p["s"])


def test_same_padding_keeps_size() -> None:
    for f in (1, 3, 5, 7, 9):
        pad = generate_example("conv.same-padding", {"f": f}).answer
        assert _positions(10, f, pad, 1) == 10


def test_conv_params_counts_tensor_entries() -> None:
    np = pytest.importorskip("numpy")
    for seed in SEEDS:
        ex = generate_example("conv.params", seed=seed)
        p = ex.params
        w = np.zeros((p["c_out"], p["c_in"], p["f"], p["f"])).size
        assert ex.values["weights"] == w
        assert ex.answer == w + p["bias"] * p["c_out"]
    assert generate_example("conv.params").answer == (3 * 3 * 3 + 1) * 16 == 448


@pytest.mark.parametrize("seed", SEEDS)
def test_output_shape(seed: int) -> None:
    ex = generate_example("conv.output-shape", seed=seed)
    p = ex.params
    o = _positions(p["n"], p["f"], p["p"], p["s"])
    assert ex.values["out_size"] == o
    assert ex.answer == [o, o, p["c_out"]]  # the shape is boxed, height × width × channels
    assert ex.values["out_values"] == o * o * p["c_out"]
    assert ex.values["params"] == (p["f"] ** 2 * p["c_in"] + 1) * p["c_out"]


def test_dilated_span() -> None:
    for k in (2, 3, 5):
        for d in (1, 2, 3, 4):
            taps = [i * d for i in range(k)]  # positions of the kernel's taps after inserting holes
            assert generate_example("conv.dilated", {"k": k, "d": d}).answer == taps[-1] - taps[0] + 1
    assert generate_example("conv.dilated").answer == 5


def _rf_oracle(kernels: list[int], strides: list[int]) -> int:
    lo, hi = 0, 0  # input indices seen by output unit 0, walked back layer by layer
    for k, s in reversed(list(zip(kernels, strides, strict=True))):
        lo, hi = lo * s, hi * s + k - 1
    return hi - lo + 1


@pytest.mark.parametrize("seed", SEEDS)
def test_receptive_field(seed: int) -> None:
    ex = generate_example("conv.receptive-field", seed=seed)
    assert ex.answer == _rf_oracle(ex.params["kernels"], ex.params["strides"])


def test_receptive_field_textbook() -> None:
    assert generate_example("conv.receptive-field").answer == 7  # three 3×3 = one 7×7
    assert generate_example("conv.receptive-field", {"kernels": "3,3", "strides": "2,1"}).answer == 7


# --------------------------------------------------------------------------- cross-correlation and pooling


def _xcorr_loops(x: list[list[float]], k: list[list[float]], p: int, s: int) -> list[list[float]]:
    n, m = len(x), len(x[0])
    xp = [[0.0] * (m + 2 * p) for _ in range(n + 2 * p)]
    for i in range(n):
        for j in range(m):
            xp[i + p][j + p] = x[i][j]
    kh, kw = len(k), len(k[0])
    out = []
    for i in range(0, len(xp) - kh + 1, s):
        row = []
        for j in range(0, len(xp[0]) - kw + 1, s):
            row.append(sum(xp[i + a][j + b] * k[a][b] for a in range(kh) for b in range(kw)))
        out.append(row)
    return out


def test_xcorr_d2l_example() -> None:
    ex = generate_example("conv.xcorr", {"X": "0,1,2;3,4,5;6,7,8", "K": "0,1;2,3"})
    assert ex.answer == [[19, 25], [37, 43]]
    assert ex.values["top_left"] == 19
    assert ex.values["sum"] == 124


def test_notes_kernels() -> None:
    from dlquiz.worked.conv import KERNELS

    assert KERNELS["edge"] == [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]
    assert KERNELS["sharpen"] == [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
    assert sum(map(sum, KERNELS["blur"])) == pytest.approx(1.0)
    flat = generate_example("conv.xcorr", {"X": [[7] * 4] * 4, "K": "edge"})
    assert flat.answer == [[0, 0], [0, 0]]  # an edge detector sees nothing in a flat image
    blur = generate_example("conv.xcorr", {"X": [[7] * 4] * 4, "K": "blur"})
    assert blur.answer == [[7, 7], [7, 7]]


@pytest.mark.parametrize("seed", SEEDS)
def test_xcorr_matches_loops(seed: int) -> None:
    from dlquiz.worked.conv import KERNELS

    ex = generate_example("conv.xcorr", seed=seed)
    p = ex.params
    k = KERNELS[p["K"]] if isinstance(p["K"], str) else p["K"]
    expected = _xcorr_loops(p["X"], k, p["p"], p["s"])
    got = ex.answer
    assert len(got) == len(expected) and len(got[0]) == len(expected[0])
    for r1, r2 in zip(got, expected, strict=True):
        assert r1 == pytest.approx(r2, abs=1e-9)
    assert ex.values["out_size"] == len(expected)
    assert ex.values["sum"] == pytest.approx(sum(map(sum, expected)), abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_pool_matches_loops(seed: int) -> None:
    ex = generate_example("pool", seed=seed)
    x, f, s, mode = ex.params["X"], ex.params["f"], ex.params["s"], ex.params["mode"]
    out = []
    for i in range(0, len(x) - f + 1, s):
        row = []
        for j in range(0, len(x[0]) - f + 1, s):
            win = [x[i + a][j + b] for a in range(f) for b in range(f)]
            row.append(max(win) if mode == "max" else sum(win) / len(win))
        out.append(row)
    assert ex.answer == [pytest.approx(r) for r in out]
    assert ex.values["params"] == 0


def test_pool_default() -> None:
    assert generate_example("pool").answer == [[6, 5], [3, 4]]
    assert generate_example("pool", {"mode": "avg"}).answer == [[3.5, 2], [1.5, 2.5]]


# --------------------------------------------------------------------------- classic networks


def test_lenet_published_total() -> None:
    ex = generate_example("cnn.lenet")
    assert ex.answer == 61706  # LeNet-5 as in d2l (published count)
    assert ex.values["conv1_out"] == 28 and ex.values["pool2_out"] == 5 and ex.values["flatten"] == 400
    assert generate_example("cnn.lenet", {"n": 32}).answer == 61706


def test_alexnet_published_total() -> None:
    ex = generate_example("cnn.alexnet")
    assert ex.answer == 62378344  # the well-known 62.3 M
    assert ex.values["conv1_out"] == 55
    assert ex.values["pool3_out"] == 6
    assert ex.values["fc6_params"] == 6 * 6 * 256 * 4096 + 4096


def test_dense_image_notes_example() -> None:
    ex = generate_example("cnn.dense-image")
    assert ex.values["inputs"] == 36_000_000
    assert ex.answer == 3_600_000_000  # note 001: 3.6 B


def test_mlp_params() -> None:
    ex = generate_example("mlp.params")
    assert ex.values["weights"] == 784 * 128 + 128 * 10
    assert ex.answer == 101770


# --------------------------------------------------------------------------- losses and softmax


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_against_sympy(seed: int) -> None:
    sp = _sympy_guard()
    ex = generate_example("softmax", seed=seed)
    o, y = ex.params["o"], ex.params["y"]
    syms = sp.symbols(f"o0:{len(o)}")
    denom = sum(sp.exp(s) for s in syms)
    loss = -sp.log(sp.exp(syms[y]) / denom)
    subs = dict(zip(syms, o, strict=True))
    probs = [float((sp.exp(s) / denom).subs(subs)) for s in syms]
    grad = [float(sp.diff(loss, s).subs(subs)) for s in syms]
    assert ex.values["probs"] == pytest.approx(probs, abs=1e-9)
    assert ex.answer == ex.values["loss"] == pytest.approx(float(loss.subs(subs)), abs=1e-9)
    assert ex.values["grad"] == pytest.approx(grad, abs=1e-9)
    assert ex.values["grad_y"] == pytest.approx(grad[y], abs=1e-9)
    assert ex.values["p_max"] == pytest.approx(max(probs))


def test_softmax_default() -> None:
    ex = generate_example("softmax")
    assert ex.values["probs"] == pytest.approx([0.09003057, 0.24472847, 0.66524096], abs=1e-8)
    assert ex.asked == "loss" and ex.answer == pytest.approx(2.40760596, abs=1e-8)
    assert generate_example("softmax", ask="probs").answer == ex.values["probs"]


@pytest.mark.parametrize("seed", SEEDS)
def test_bce_against_sympy(seed: int) -> None:
    sp = _sympy_guard()
    ex = generate_example("loss.bce", seed=seed)
    y, p = sp.symbols("y p")
    expr = -(y * sp.log(p) + (1 - y) * sp.log(1 - p))
    assert ex.answer == pytest.approx(float(expr.subs({y: ex.params["y"], p: sp.nsimplify(ex.params["p"])})), rel=1e-10)


def test_losses_textbook() -> None:
    assert generate_example("loss.bce").answer == pytest.approx(-math.log(0.8))
    assert generate_example("loss.bce", {"y": 0, "p": 0.8}).answer == pytest.approx(-math.log(0.2))
    assert generate_example("loss.ce").answer == pytest.approx(-math.log(0.7))
    ex = generate_example("loss.mse")
    assert ex.values["sum_sq"] == pytest.approx(0.25 + 0.64)
    assert ex.answer == pytest.approx(0.89 / 4)


@pytest.mark.parametrize("seed", SEEDS)
def test_ce_and_mse_random(seed: int) -> None:
    ce = generate_example("loss.ce", seed=seed)
    assert sum(ce.params["p"]) == pytest.approx(1)
    assert ce.answer == pytest.approx(-math.log(ce.params["p"][ce.params["y"]]))
    mse = generate_example("loss.mse", seed=seed)
    a, y = mse.params["a"], mse.params["y"]
    assert mse.answer == pytest.approx(sum((ai - yi) ** 2 for ai, yi in zip(a, y, strict=True)) / (2 * len(a)))


# --------------------------------------------------------------------------- activations


def _sympy_activation(name: str, gamma: float, beta: float) -> Any:
    sp = _sympy_guard()
    x = sp.Symbol("x", real=True)
    sig = 1 / (1 + sp.exp(-x))
    exprs = {
        "sigmoid": sig,
        "tanh": (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x)),
        "relu": sp.Piecewise((x, x > 0), (0, True)),
        "leaky_relu": sp.Piecewise((x, x > 0), (gamma * x, True)),
        "elu": sp.Piecewise((x, x > 0), (gamma * (sp.exp(x) - 1), True)),
        "swish": x / (1 + sp.exp(-beta * x)),
        "gelu": x * (1 + sp.erf(x / sp.sqrt(2))) / 2,
        "softplus": sp.log(1 + sp.exp(x)),
    }
    return x, exprs[name]


@pytest.mark.parametrize("fn", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "gelu", "softplus"])
@pytest.mark.parametrize("x", [-2, -0.5, 0.5, 1.5, 3])
def test_activation_against_sympy(fn: str, x: float) -> None:
    ex = generate_example("act.eval", {"fn": fn, "x": x})
    sym, expr = _sympy_activation(fn, ex.params["gamma"], ex.params["beta"])
    # values are rounded to 12 significant digits
    assert ex.answer == ex.values["value"] == pytest.approx(float(expr.subs(sym, x)), rel=1e-10, abs=1e-12)
    assert ex.values["derivative"] == pytest.approx(float(expr.diff(sym).subs(sym, x)), rel=1e-10, abs=1e-12)


def test_activation_defaults_follow_the_notes() -> None:
    assert generate_example("act.eval", {"fn": "leaky_relu"}).params["gamma"] == 0.01
    assert generate_example("act.eval", {"fn": "elu"}).params["gamma"] == 1.0
    assert generate_example("act.eval", {"fn": "sigmoid", "x": 0}).values["derivative"] == 0.25


# --------------------------------------------------------------------------- optimisers


def test_gradcheck_notes_numbers() -> None:
    ex = generate_example("gradcheck")
    assert ex.values["one_sided"] == pytest.approx(3.0301, abs=1e-9)
    assert ex.values["two_sided"] == pytest.approx(3.0001, abs=1e-9)
    assert ex.values["exact"] == 3
    assert ex.values["err_one"] == pytest.approx(0.0301, abs=1e-9)
    assert ex.values["err_two"] == pytest.approx(0.0001, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_gradcheck_exact_against_sympy(seed: int) -> None:
    sp = _sympy_guard()
    ex = generate_example("gradcheck", seed=seed)
    t = sp.Symbol("t")
    f = {"cube": t**3, "square": t**2, "exp": sp.exp(t), "sin": sp.sin(t), "sigmoid": 1 / (1 + sp.exp(-t))}[
        ex.params["f"]
    ]
    th, eps = ex.params["theta"], ex.params["eps"]
    assert ex.values["exact"] == pytest.approx(float(f.diff(t).subs(t, th)), rel=1e-10)
    two = float((f.subs(t, th + eps) - f.subs(t, th - eps)) / (2 * eps))
    assert ex.answer == pytest.approx(two, rel=1e-9)
    assert ex.values["err_two"] <= ex.values["err_one"] + 1e-12


def test_ewma_closed_form() -> None:
    ex = generate_example("opt.ewma")
    assert ex.values["vs"] == pytest.approx([1.0, 2.1, 2.99])
    assert ex.answer == pytest.approx(2.99 / (1 - 0.9**3))
    for seed in SEEDS:
        e = generate_example("opt.ewma", seed=seed)
        th, b = e.params["thetas"], e.params["beta"]
        t = len(th)
        closed = (1 - b) * sum(b ** (t - i) * th[i - 1] for i in range(1, t + 1))
        assert e.values["v_k"] == pytest.approx(closed)
        assert e.answer == pytest.approx(closed / (1 - b**t) if e.params["bias_correction"] else closed)


def _grad_fn(ex_params: dict[str, Any]) -> Any:
    sp = _sympy_guard()
    w = sp.Symbol("w")
    from dlquiz.worked._core import parse_poly

    poly = sum(c * w**k for k, c in parse_poly(ex_params["f"]).items())
    return sp.lambdify(w, sp.diff(poly, w))


def test_momentum_by_hand() -> None:
    ex = generate_example("opt.momentum", {"k": 1})
    assert ex.values["v_k"] == pytest.approx(-1.0)  # 0.1·(−10)
    assert ex.answer == pytest.approx(0.1)
    fw = generate_example("opt.momentum", {"k": 1, "convention": "framework"})
    assert fw.values["v_k"] == pytest.approx(-10.0)
    assert fw.answer == pytest.approx(1.0)
    assert "course notes" in ex.convention and "framework" in fw.convention


@pytest.mark.parametrize("seed", SEEDS)
def test_optimisers_against_reference_loops(seed: int) -> None:
    for kind in ("opt.momentum", "opt.rmsprop", "opt.adam"):
        ex = generate_example(kind, seed=seed)
        p = ex.params
        dfdw = None if p["grads"] else _grad_fn(p)
        w, m, v = float(p["w0"]), 0.0, 0.0
        for t in range(1, p["k"] + 1):
            g = p["grads"][t - 1] if dfdw is None else float(dfdw(w))
            if kind == "opt.momentum":
                m = p["beta"] * m + ((1 - p["beta"]) * g if p["convention"] == "notes" else g)
                w -= p["lr"] * m
            elif kind == "opt.rmsprop":
                v = p["beta"] * v + (1 - p["beta"]) * g**2
                w -= p["lr"] * g / ((v + p["eps"]) ** 0.5 if p["eps_inside"] else v**0.5 + p["eps"])
            else:
                m = p["beta1"] * m + (1 - p["beta1"]) * g
                v = p["beta2"] * v + (1 - p["beta2"]) * g**2
                mh, vh = m / (1 - p["beta1"] ** t), v / (1 - p["beta2"] ** t)
                w -= p["lr"] * mh / ((vh + p["eps"]) ** 0.5 if p["eps_inside"] else vh**0.5 + p["eps"])
        assert ex.answer == pytest.approx(w, rel=1e-9, abs=1e-12), (kind, p)
        assert ex.values["w_k"] == ex.answer


def test_rmsprop_and_adam_first_step() -> None:
    r = generate_example("opt.rmsprop", {"k": 1})
    assert r.values["s_k"] == pytest.approx(0.1)
    assert r.answer == pytest.approx(0.1 * 10 / math.sqrt(0.1), rel=1e-6)
    a = generate_example("opt.adam")
    # bias correction makes the first Adam step α·sign(−g)
    assert a.values["m_hat"] == pytest.approx(-10) and a.values["v_hat"] == pytest.approx(100)
    assert a.answer == pytest.approx(0.1, rel=1e-6)


def test_lr_decay_notes_numbers() -> None:
    ex = generate_example("opt.lr-decay")
    assert ex.values["alphas"] == pytest.approx([0.2, 0.1, 0.2 / 3, 0.05, 0.04])
    assert ex.answer == pytest.approx(0.04)
    assert generate_example("opt.lr-decay", {"schedule": "exponential", "epoch": 3}).answer == pytest.approx(
        0.95**3 * 0.2
    )
    assert generate_example("opt.lr-decay", {"schedule": "sqrt", "t": 4}).answer == pytest.approx(0.1)
    assert generate_example("opt.lr-decay", {"schedule": "sqrt-epoch", "epoch": 4, "k": 2}).answer == pytest.approx(0.2)
    assert generate_example("opt.lr-decay", {"schedule": "step", "epoch": 4}).answer == pytest.approx(0.05)


def test_minibatch() -> None:
    assert generate_example("opt.minibatch").answer == 500
    ex = generate_example("opt.minibatch", {"m": 1000, "batch": 64})
    assert ex.answer == 16 and ex.values["last_batch"] == 1000 - 15 * 64


# --------------------------------------------------------------------------- normalisation, dropout, init


@pytest.mark.parametrize("seed", SEEDS)
def test_batch_norm_statistics(seed: int) -> None:
    ex = generate_example("norm.batch", {"gamma": 1, "beta": 0}, seed=seed)
    x = ex.params["x"]
    mu = sum(x) / len(x)
    var = sum((v - mu) ** 2 for v in x) / len(x)
    assert ex.values["mean"] == pytest.approx(mu) and ex.values["var"] == pytest.approx(var)
    y = ex.answer
    assert sum(y) / len(y) == pytest.approx(0, abs=1e-9)
    if var > 0:
        assert sum(v * v for v in y) / len(y) == pytest.approx(1, abs=1e-6)


def test_batch_norm_default() -> None:
    ex = generate_example("norm.batch", {"gamma": 2, "beta": 1})
    assert ex.values["mean"] == 3 and ex.values["var"] == 3.5
    assert ex.values["y0"] == pytest.approx(2 * (1 - 3) / math.sqrt(3.5 + 1e-8) + 1)


def test_dropout() -> None:
    ex = generate_example("reg.dropout", {"mask": "1,0,1,1,0"})
    assert ex.answer == pytest.approx([1.25, 0, 3.75, 5, 0])
    assert ex.values["scale"] == pytest.approx(1.25)
    kept = 0
    total = 0
    for seed in range(200):
        e = generate_example("reg.dropout", {"seed": seed, "keep_prob": 0.8})
        assert set(e.values["mask"]) <= {0, 1}
        assert e.answer == pytest.approx([a * m / 0.8 for a, m in zip(e.params["a"], e.values["mask"], strict=True)])
        kept += sum(e.values["mask"])
        total += len(e.values["mask"])
    assert 0.74 < kept / total < 0.86  # about keep_prob of the units survive


def test_init_variance() -> None:
    assert generate_example("init.variance").answer == pytest.approx(1 / 256)
    assert generate_example("init.variance", {"scheme": "he"}).answer == pytest.approx(2 / 256)
    x = generate_example("init.variance", {"scheme": "xavier"})
    assert x.answer == pytest.approx(2 / 384) and x.values["std"] == pytest.approx(math.sqrt(2 / 384))


# --------------------------------------------------------------------------- detection


def _raster_iou(a: list[float], b: list[float]) -> float:
    # count unit cells of integer boxes
    cells_a = {(x, y) for x in range(int(a[0]), int(a[2])) for y in range(int(a[1]), int(a[3]))}
    cells_b = {(x, y) for x in range(int(b[0]), int(b[2])) for y in range(int(b[1]), int(b[3]))}
    return len(cells_a & cells_b) / len(cells_a | cells_b)


def test_iou_default_and_random() -> None:
    ex = generate_example("det.iou")
    assert ex.values["inter"] == 1 and ex.values["union"] == 7
    assert ex.answer == pytest.approx(1 / 7)
    for seed in SEEDS:
        e = generate_example("det.iou", seed=seed)
        assert e.answer == pytest.approx(_raster_iou(e.params["box1"], e.params["box2"]))


def test_nms_by_hand() -> None:
    ex = generate_example("det.nms")
    # box 4 (0.5) is below 0.6; box 0 suppresses box 2 (IoU 12/20 = 0.6 > 0.5) but not box 1 (9/23)
    assert ex.values["kept"] == [0, 1, 3]
    assert ex.answer == 3


@pytest.mark.parametrize("seed", SEEDS)
def test_nms_kept_boxes_do_not_overlap(seed: int) -> None:
    ex = generate_example("det.nms", seed=seed)
    boxes, scores = ex.params["boxes"], ex.params["scores"]
    kept = ex.values["kept"]
    assert all(scores[i] > ex.params["score_threshold"] for i in kept)
    for i in kept:
        for j in kept:
            if i < j:
                assert _raster_iou(boxes[i], boxes[j]) <= ex.params["iou_threshold"]
    # every dropped box above the score threshold overlaps a better kept box
    for i in range(len(boxes)):
        if i not in kept and scores[i] > ex.params["score_threshold"]:
            assert any(
                scores[k] >= scores[i] and _raster_iou(boxes[k], boxes[i]) > ex.params["iou_threshold"] for k in kept
            )


# --------------------------------------------------------------------------- networks by hand


# mlp.forward-backward: tests/test_worked_nets.py (loops, finite differences, given networks)


def test_perceptron_textbook() -> None:
    # the classic example: x1 = (3,3), x2 = (4,3) positive, x3 = (1,1) negative
    ex = generate_example("perceptron.trace")
    assert ex.answer == 7
    assert ex.values["w"] == [1, 1] and ex.values["b"] == -3
    assert ex.values["converged"] == 1


@pytest.mark.parametrize("seed", SEEDS)
def test_perceptron_random_separates(seed: int) -> None:
    ex = generate_example("perceptron.trace", seed=seed)
    w, b = ex.values["w"], ex.values["b"]
    assert ex.values["converged"] == 1
    for row in ex.params["data"]:
        *x, y = row
        assert y * (sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b) > 0


def test_xor() -> None:
    for act in ("relu", "step"):
        ex = generate_example("mlp.xor", {"activation": act})
        assert ex.answer == [0, 1, 1, 0] and ex.values["solves_xor"] == 1
    # other weights: the outputs follow y = wᵀReLU(Wx + c) + b computed by hand
    ex = generate_example("mlp.xor", {"W": "1,0;0,1", "c": "0,0", "w": "1,1", "b": -1})
    assert ex.answer == [-1, 0, 0, 1] and ex.values["solves_xor"] == 0


def _rnn_loss(p: dict[str, Any], w: float) -> float:
    f = math.tanh if p["activation"] == "tanh" else (lambda s: 1 / (1 + math.exp(-s)))
    h, total = 0.0, 0.0
    for x, y in zip(p["x"], p["y"], strict=True):
        h = f(p["U"] * x + w * h)
        o = 1 / (1 + math.exp(-p["V"] * h))
        total += -(y * math.log(o) + (1 - y) * math.log(1 - o))
    return total


@pytest.mark.parametrize("seed", SEEDS)
def test_bptt_against_finite_differences(seed: int) -> None:
    ex = generate_example("rnn.bptt", {"hidden": 1}, seed=seed)
    p = ex.params
    h = 1e-6
    assert ex.values["loss"] == pytest.approx(_rnn_loss(p, p["W"]), abs=1e-9)
    numeric = (_rnn_loss(p, p["W"] + h) - _rnn_loss(p, p["W"] - h)) / (2 * h)
    assert ex.answer == pytest.approx(numeric, abs=1e-6)
    assert ex.values["h3"] == ex.values["h_T"]


@pytest.mark.parametrize("seed", [None, *range(8)])
def test_bptt_two_dimensional_against_finite_differences(seed: int | None) -> None:
    np = pytest.importorskip("numpy")
    from dlquiz.worked.rnn import rnn_loss

    ex = generate_example("rnn.bptt", {"hidden": 2}, seed=seed)
    p = ex.params
    w, u, v = np.array(p["W"]), np.array(p["U"]), np.array(p["V"])
    xs, ys, act = p["x"], p["y"], p["activation"]
    h0 = np.zeros((2, 1))
    assert ex.values["loss"] == pytest.approx(rnn_loss(w, u, v, xs, ys, act, h0), abs=1e-9)
    for i in range(2):
        for j in range(2):
            wp, wm = w.copy(), w.copy()
            wp[i, j] += 1e-6
            wm[i, j] -= 1e-6
            num = (rnn_loss(wp, u, v, xs, ys, act, h0) - rnn_loss(wm, u, v, xs, ys, act, h0)) / 2e-6
            assert ex.answer[i][j] == pytest.approx(num, abs=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_step(seed: int) -> None:
    ex = generate_example("lstm.step", {"dh": 1, "dc": 0}, seed=seed)
    p = ex.params
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731

    def h_of(c_prev: float) -> float:
        pre = [w * p["h_prev"] + u * p["x"] + b for w, u, b in p["weights"]]
        f, i, ct, o = sig(pre[0]), sig(pre[1]), math.tanh(pre[2]), sig(pre[3])
        return o * math.tanh(f * c_prev + i * ct)

    assert ex.answer == pytest.approx(h_of(p["c_prev"]), rel=1e-10, abs=1e-12)
    num = (h_of(p["c_prev"] + 1e-6) - h_of(p["c_prev"] - 1e-6)) / 2e-6
    assert ex.values["dc_prev"] == pytest.approx(num, abs=1e-7)
    assert ex.values["c"] == pytest.approx(ex.values["f"] * p["c_prev"] + ex.values["i"] * ex.values["c_tilde"])


def test_discrete_is_the_step_schedule() -> None:
    a = generate_example("opt.lr-decay", {"schedule": "discrete", "epoch": 5})
    assert a.params["schedule"] == "step"
    assert a.answer == pytest.approx(0.2 * 0.5**2)

"""Convolution and pooling: sizes, parameter counts, cross-correlation by hand, LeNet, AlexNet."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, fp, fv, register

# the notes' kernels (note 001): edge detection, sharpen, Gaussian blur (1/16 · …)
KERNELS: dict[str, list[list[float]]] = {
    "edge": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "blur": [[1 / 16, 2 / 16, 1 / 16], [2 / 16, 4 / 16, 2 / 16], [1 / 16, 2 / 16, 1 / 16]],
}


def out_size(n: int, f: int, p: int, s: int) -> int:
    """⌊(n + 2p − f)/s⌋ + 1."""
    return (n + 2 * p - f) // s + 1


# --------------------------------------------------------------------------- output size


def _draw_size(d: Draw) -> Params:
    n = d.int("n", 5, 64)
    f = d.pick("f", [1, 3, 3, 5, 5, 7, 11])
    dil = d.pick("d", [1, 1, 1, 2])
    k_eff = f + (f - 1) * (dil - 1)
    p = d.pick("p", [0, 0, (f - 1) // 2, 1, 2])
    s = d.pick("s", [1, 1, 2, 2, 3, 4])
    if n < k_eff + 2:
        n = d.value("n", lambda: k_eff + int(d.rng.integers(2, 30)))
    return {"n": n, "f": f, "p": p, "s": s, "d": dil}


def _check_size(p: Params) -> None:
    k_eff = p["f"] + (p["f"] - 1) * (p["d"] - 1)
    if p["n"] + 2 * p["p"] < k_eff:
        raise ParamError(
            f"conv.output-size: the kernel (effective size {k_eff}) is larger than the padded input "
            f"n + 2p = {p['n'] + 2 * p['p']}; choose a larger n or p"
        )


@register(
    "conv.output-size",
    "conv.size",
    "Output size of a convolution",
    "卷积输出大小",
    [
        ParamSpec("n", "input height/width", 32, "int", min=1, max=4096),
        ParamSpec("f", "kernel size", 5, "int", min=1, max=64),
        ParamSpec("p", "padding on each side", 0, "int", min=0, max=64),
        ParamSpec("s", "stride", 1, "int", min=1, max=64),
        ParamSpec("d", "dilation rate (1 = ordinary kernel)", 1, "int", min=1, max=16),
    ],
    ["k_eff"],
    draw=_draw_size,
    check=_check_size,
)
def _output_size(p: Params) -> Out:
    n, f, pad, s, d = p["n"], p["f"], p["p"], p["s"], p["d"]
    k_eff = f + (f - 1) * (d - 1)
    ans = out_size(n, k_eff, pad, s)
    steps = [
        Step("Effective kernel size", f"k_eff = f + (f − 1)(d − 1) = {f} + {f - 1}·{d - 1} = {k_eff}", k_eff),
        Step(
            "Output size",
            f"⌊(n + 2p − k_eff)/s⌋ + 1 = ⌊({n} + {2 * pad} − {k_eff})/{s}⌋ + 1"
            f" = {(n + 2 * pad - k_eff) // s} + 1 = {ans}",
            ans,
        ),
    ]
    return Out(steps, ans, {"k_eff": k_eff})


@register(
    "conv.same-padding",
    "conv.size",
    "Padding for a 'same' convolution",
    "等宽卷积的填充",
    [ParamSpec("f", "kernel size (odd)", 3, "int", min=1, max=63)],
    [],
    draw=lambda d: {"f": d.pick("f", [1, 3, 5, 7, 9, 11])},
    check=lambda p: (
        None
        if p["f"] % 2 == 1
        else _raise(f"conv.same-padding: parameter f: {p['f']} is even; 'same' padding (f − 1)/2 needs an odd kernel")
    ),
)
def _same_padding(p: Params) -> Out:
    f = p["f"]
    ans = (f - 1) // 2
    return Out(
        [Step("Same padding", f"p = (f − 1)/2 = ({f} − 1)/2 = {ans}", ans, "with stride 1 the output size equals n")],
        ans,
    )


def _raise(msg: str) -> None:
    raise ParamError(msg)


@register(
    "conv.params",
    "conv.channels",
    "Parameters of a convolutional layer",
    "卷积层的参数个数",
    [
        ParamSpec("f", "kernel size", 3, "int", min=1, max=64),
        ParamSpec("c_in", "input channels", 3, "int", min=1, max=4096),
        ParamSpec("c_out", "output channels (number of kernels)", 16, "int", min=1, max=4096),
        ParamSpec("bias", "1 with a bias per kernel, 0 without", 1, "int", min=0, max=1),
    ],
    ["weights", "biases"],
    draw=lambda d: {
        "f": d.pick("f", [1, 3, 3, 5, 5, 7]),
        "c_in": d.pick("c_in", [1, 3, 3, 6, 16, 32, 64]),
        "c_out": d.pick("c_out", [6, 8, 10, 16, 32, 64, 128]),
        "bias": d.pick("bias", [1, 1, 1, 0]),
    },
)
def _conv_params(p: Params) -> Out:
    f, ci, co, b = p["f"], p["c_in"], p["c_out"], p["bias"]
    w = f * f * ci * co
    ans = (f * f * ci + b) * co
    steps = [
        Step("Weights", f"f·f·c_in·c_out = {f}·{f}·{ci}·{co} = {w}", w),
        Step("Biases", f"one per kernel: 1·c_out = {co}" if b else "no biases: 0", b * co),
        Step(
            "Parameters",
            f"(f·f·c_in + {b})·c_out = ({f * f * ci} + {b})·{co} = {ans}",
            ans,
            "independent of the image size",
        ),
    ]
    return Out(steps, ans, {"weights": w, "biases": b * co})


def _draw_shape(d: Draw) -> Params:
    out = _draw_size(d)
    out.pop("d")
    out["c_in"] = d.pick("c_in", [1, 3, 3, 6, 16])
    out["c_out"] = d.pick("c_out", [4, 6, 8, 16, 32])
    return out


@register(
    "conv.output-shape",
    "conv.channels",
    "Output shape of a convolutional layer",
    "卷积层的输出形状",
    [
        ParamSpec("n", "input height/width", 32, "int", min=1, max=4096),
        ParamSpec("f", "kernel size", 5, "int", min=1, max=64),
        ParamSpec("p", "padding", 0, "int", min=0, max=64),
        ParamSpec("s", "stride", 1, "int", min=1, max=64),
        ParamSpec("c_in", "input channels", 3, "int", min=1, max=4096),
        ParamSpec("c_out", "output channels", 8, "int", min=1, max=4096),
    ],
    ["out_size", "params"],
    draw=_draw_shape,
    check=lambda p: _check_size({**p, "d": 1}),
)
def _output_shape(p: Params) -> Out:
    n, f, pad, s, ci, co = p["n"], p["f"], p["p"], p["s"], p["c_in"], p["c_out"]
    o = out_size(n, f, pad, s)
    params = (f * f * ci + 1) * co
    ans = o * o * co
    steps = [
        Step("Output size", f"⌊({n} + 2·{pad} − {f})/{s}⌋ + 1 = {o}", o),
        Step(
            "Output shape",
            f"{o} × {o} × c_out = {o} × {o} × {co}",
            [o, o, co],
            "each kernel spans all c_in input channels and gives one output channel",
        ),
        Step("Output values", f"{o}·{o}·{co} = {ans}", ans),
        Step("Parameters", f"(f·f·c_in + 1)·c_out = ({f}·{f}·{ci} + 1)·{co} = {params}", params),
    ]
    return Out(steps, ans, {"out_size": o, "params": params})


@register(
    "conv.dilated",
    "conv.dilated",
    "Effective size of a dilated kernel",
    "空洞卷积的有效核大小",
    [
        ParamSpec("k", "kernel size", 3, "int", min=1, max=31),
        ParamSpec("d", "dilation rate", 2, "int", min=1, max=16),
    ],
    [],
    draw=lambda d: {"k": d.pick("k", [2, 3, 3, 5, 7]), "d": d.int("d", 1, 4)},
)
def _dilated(p: Params) -> Out:
    k, d = p["k"], p["d"]
    ans = k + (k - 1) * (d - 1)
    return Out(
        [
            Step(
                "Effective kernel size",
                f"K′ = K + (K − 1)(D − 1) = {k} + {k - 1}·{d - 1} = {ans}",
                ans,
                f"{d - 1} hole(s) between neighbouring kernel elements",
            )
        ],
        ans,
    )


def _draw_rf(d: Draw) -> Params:
    layers = d.int("layers", 2, 4) if "kernels" not in d.fixed else len(d.fixed["kernels"])
    kernels = d.value("kernels", lambda: [int(d.rng.choice([1, 2, 3, 3, 5])) for _ in range(layers)])
    strides = d.value("strides", lambda: [int(d.rng.choice([1, 1, 2])) for _ in range(len(kernels))])
    return {"kernels": kernels, "strides": strides}


def _check_rf(p: Params) -> None:
    if len(p["kernels"]) != len(p["strides"]):
        raise ParamError(
            f"conv.receptive-field: kernels has {len(p['kernels'])} layers but strides has "
            f"{len(p['strides'])}; give one stride per kernel"
        )


@register(
    "conv.receptive-field",
    "conv.dilated",
    "Receptive field of stacked convolutions",
    "堆叠卷积的感受野",
    [
        ParamSpec("kernels", "kernel size of each layer", [3, 3, 3], "intlist", min=1, max=64),
        ParamSpec("strides", "stride of each layer", [1, 1, 1], "intlist", min=1, max=16),
    ],
    ["jumps"],
    draw=_draw_rf,
    check=_check_rf,
)
def _receptive_field(p: Params) -> Out:
    r, j = 1, 1
    steps: list[Step] = []
    jumps = []
    for i, (k, s) in enumerate(zip(p["kernels"], p["strides"], strict=True), 1):
        new_r = r + (k - 1) * j
        steps.append(
            Step(
                f"Layer {i}",
                f"r = {r} + (k − 1)·jump = {r} + {k - 1}·{j} = {new_r}",
                new_r,
                f"jump (input pixels between neighbouring outputs) becomes {j}·{s} = {j * s}",
            )
        )
        r, j = new_r, j * s
        jumps.append(j)
    return Out(steps, r, {"jumps": jumps}, "r_l = r_(l−1) + (k_l − 1)·∏ strides of the earlier layers; r_0 = 1")


# --------------------------------------------------------------------------- cross-correlation


def xcorr2d(x: np.ndarray, k: np.ndarray, p: int = 0, s: int = 1) -> np.ndarray:
    """2-D cross-correlation (what deep-learning 'convolution' computes), zero padding p, stride s."""
    xp = np.pad(x, p)
    kh, kw = k.shape
    oh = (xp.shape[0] - kh) // s + 1
    ow = (xp.shape[1] - kw) // s + 1
    y = np.empty((oh, ow), dtype=float)
    for i in range(oh):
        for j in range(ow):
            y[i, j] = float(np.sum(xp[i * s : i * s + kh, j * s : j * s + kw] * k))
    return y


def _kernel(k: Any) -> np.ndarray:
    return np.array(KERNELS[k] if isinstance(k, str) else k, dtype=float)


def _num(x: float) -> int | float:
    return int(round(x)) if abs(x - round(x)) < 1e-9 else float(x)


def _nums(a: np.ndarray) -> list[Any]:
    return [[_num(v) for v in row] for row in a.tolist()]


def _draw_xcorr(d: Draw) -> Params:
    n = d.pick("X", [4, 4, 5]) if "X" not in d.fixed else len(d.fixed["X"])
    x = d.value("X", lambda: d.ints((n, n), 0, 5))
    kern = d.value("K", lambda: d.pick("K", ["edge", "sharpen", "blur", "2x2", "2x2", "3x3"]))
    if kern == "2x2":
        kern = d.ints((2, 2), -1, 2)
    elif kern == "3x3":
        kern = d.ints((3, 3), -1, 1)
    kh = len(_kernel(kern))
    # at most a 4×4 output: a padded 4×4 input with a 2×2 kernel would mean 25 sums by hand
    pad = d.pick("p", [v for v in (0, 0, 0, 1) if len(x) + 2 * v - kh + 1 <= 4] or [0])
    options = [s for s in (1, 1, 1, 2) if (len(x) + 2 * pad - kh) % s == 0 and len(x) + 2 * pad >= kh]
    s = d.pick("s", options or [1])
    return {"X": x, "K": kern, "p": pad, "s": s}


def _check_small(kind: str, name: str, m: list[list[Any]], limit: int = 12) -> None:
    if len(m) > limit or len(m[0]) > limit:
        raise ParamError(
            f"{kind}: parameter {name}: {len(m)}×{len(m[0])} is too large to work by hand (at most {limit}×{limit})"
        )


def _check_xcorr(p: Params) -> None:
    _check_small("conv.xcorr", "X", p["X"])
    if not isinstance(p["K"], str):
        _check_small("conv.xcorr", "K", p["K"], 7)
    x, k = np.array(p["X"]), _kernel(p["K"])
    xp = x.shape[0] + 2 * p["p"], x.shape[1] + 2 * p["p"]
    if xp[0] < k.shape[0] or xp[1] < k.shape[1]:
        raise ParamError(
            f"conv.xcorr: parameter K: the {k.shape[0]}×{k.shape[1]} kernel does not fit the padded "
            f"{xp[0]}×{xp[1]} input"
        )


_KERNEL_CHOICES = tuple(KERNELS)


@register(
    "conv.xcorr",
    "conv.xcorr",
    "2-D cross-correlation by hand",
    "手算二维互相关",
    [
        ParamSpec("X", "input matrix", [[1, 2, 0, 1], [0, 1, 3, 2], [2, 1, 0, 1], [1, 0, 2, 3]], "matrix"),
        ParamSpec("K", "kernel: edge, sharpen, blur or a matrix", [[1, 0], [0, -1]], "kernel", choices=_KERNEL_CHOICES),
        ParamSpec("p", "zero padding", 0, "int", min=0, max=3),
        ParamSpec("s", "stride", 1, "int", min=1, max=4),
    ],
    ["top_left", "out_size", "sum", "out_shape"],
    draw=_draw_xcorr,
    check=_check_xcorr,
)
def _xcorr(p: Params) -> Out:
    x = np.array(p["X"], dtype=float)
    k = _kernel(p["K"])
    pad, s = p["p"], p["s"]
    y = xcorr2d(x, k, pad, s)
    xp = np.pad(x, pad)
    kh, kw = k.shape
    steps: list[Step] = []
    if pad:
        steps.append(Step("Padded input", f"add {pad} ring(s) of zeros", _nums(xp)))
    kname = f"{p['K']} kernel (note 001)" if isinstance(p["K"], str) else "given kernel"
    steps.append(Step("Kernel", kname, _nums(k)))
    oh, ow = y.shape
    steps.append(
        Step(
            "Output size", f"⌊({x.shape[0]} + 2·{pad} − {kh})/{s}⌋ + 1 = {oh}" + (f" (× {ow})" if ow != oh else ""), oh
        )
    )
    shown = 0
    for i in range(oh):
        for j in range(ow):
            if shown >= 6:
                break
            patch = xp[i * s : i * s + kh, j * s : j * s + kw]
            terms = " + ".join(f"{fp(_num(a))}·{fp(_num(b))}" for a, b in zip(patch.ravel(), k.ravel(), strict=True))
            steps.append(Step(f"Y[{i}][{j}]", f"{terms} = {fv(_num(y[i, j]))}", _num(y[i, j])))
            shown += 1
    y_out = _nums(y)
    steps.append(Step("Output", "Y = X ⋆ K (slide the kernel, multiply element-wise, add)", y_out))
    total = _num(float(y.sum()))
    steps.append(Step("Sum of outputs", "Σ Y", total))
    return Out(
        steps,
        y_out,
        {"top_left": y_out[0][0], "out_size": oh, "sum": total, "out_shape": [oh, ow]},
        "cross-correlation: the kernel is not flipped (what CNN layers compute)",
    )


def _draw_pool(d: Draw) -> Params:
    # exam-like: s ≤ f and the windows cover every pixel; usually f = s = 2, sometimes a 3×3
    # window with stride 2, or stride 1 on a small input (at most 3×3 outputs)
    layouts: tuple[tuple[int, int], ...] = _POOL_LAYOUTS
    if "X" in d.fixed:  # a given input: prefer a window and stride that cover it exactly
        n_x = len(d.fixed["X"])
        layouts = tuple(fs for fs in _POOL_LAYOUTS if fs[0] <= n_x and (n_x - fs[0]) % fs[1] == 0) or ((1, 1),)
    f_draw, s_draw = layouts[int(d.rng.integers(0, len(layouts)))]
    if "f" in d.fixed and "s" not in d.fixed:
        f = int(d.fixed["f"])
        s = d.pick("s", [v for v in (f, 2, 1) if v <= f])
    elif "s" in d.fixed and "f" not in d.fixed:
        s = int(d.fixed["s"])
        f = d.pick("f", [max(s, 2), max(s, 2), max(s, 3)])
    else:
        f, s = d.int("f", f_draw, f_draw), d.int("s", s_draw, s_draw)
    if "X" in d.fixed:
        x = d.fixed["X"]
    else:
        sizes = [n for n in range(f, 9) if (n - f) % s == 0 and 2 <= (n - f) // s + 1 <= 3]
        n = int(d.rng.choice(sizes)) if sizes else f + s
        x = d.ints((n, n), 0, 9)
    return {"X": x, "f": f, "s": s, "mode": d.pick("mode", ["max", "max", "avg"])}


_POOL_LAYOUTS = ((2, 2), (2, 2), (2, 2), (3, 2), (2, 1), (3, 1))  # (f, s)


def _check_pool(p: Params) -> None:
    _check_small("pool", "X", p["X"])
    x = np.array(p["X"])
    if x.shape[0] < p["f"] or x.shape[1] < p["f"]:
        raise ParamError(
            f"pool: parameter f: the {p['f']}×{p['f']} window does not fit the {x.shape[0]}×{x.shape[1]} input"
        )


@register(
    "pool",
    "pool",
    "Max / average pooling by hand",
    "手算最大/平均池化",
    [
        ParamSpec("X", "input matrix", [[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [0, 2, 4, 3]], "matrix"),
        ParamSpec("f", "window size", 2, "int", min=1, max=8),
        ParamSpec("s", "stride", 2, "int", min=1, max=8),
        ParamSpec("mode", "max or avg", "max", "choice", choices=("max", "avg")),
    ],
    ["top_left", "out_size", "sum", "params"],
    draw=_draw_pool,
    check=_check_pool,
)
def _pool(p: Params) -> Out:
    x = np.array(p["X"], dtype=float)
    f, s, mode = p["f"], p["s"], p["mode"]
    oh = (x.shape[0] - f) // s + 1
    ow = (x.shape[1] - f) // s + 1
    y = np.empty((oh, ow))
    steps = [Step("Output size", f"⌊({x.shape[0]} − {f})/{s}⌋ + 1 = {oh}", oh)]
    for i in range(oh):
        for j in range(ow):
            win = x[i * s : i * s + f, j * s : j * s + f]
            y[i, j] = win.max() if mode == "max" else win.mean()
            cells = ", ".join(fv(_num(v)) for v in win.ravel())
            if i * ow + j < 9:
                steps.append(Step(f"Y[{i}][{j}]", f"{mode}({cells}) = {fv(_num(y[i, j]))}", _num(y[i, j])))
    y_out = _nums(y)
    steps.append(Step("Output", f"{mode} pooling {f}×{f}, stride {s}", y_out, "pooling has no learnable parameters"))
    total = _num(float(y.sum()))
    steps.append(Step("Sum of outputs", "Σ Y", total))
    return Out(steps, y_out, {"top_left": y_out[0][0], "out_size": oh, "sum": total, "params": 0})


# --------------------------------------------------------------------------- classic networks


def _conv_layer(name: str, n: int, c_in: int, f: int, c_out: int, p: int, s: int) -> tuple[Step, int, int]:
    o = out_size(n, f, p, s)
    params = (f * f * c_in + 1) * c_out
    st = Step(
        name,
        f"{f}×{f} conv, {c_out} kernels, pad {p}, stride {s}: ⌊({n} + {2 * p} − {f})/{s}⌋ + 1 = {o}; "
        f"params ({f}·{f}·{c_in} + 1)·{c_out} = {params}",
        [o, o, c_out],
    )
    return st, o, params


def _pool_layer(name: str, n: int, c: int, f: int, s: int, mode: str) -> tuple[Step, int]:
    o = out_size(n, f, 0, s)
    return Step(name, f"{f}×{f} {mode} pool, stride {s}: ⌊({n} − {f})/{s}⌋ + 1 = {o}; no parameters", [o, o, c]), o


def _dense_layer(name: str, n_in: int, n_out: int) -> tuple[Step, int]:
    params = n_in * n_out + n_out
    return Step(name, f"dense {n_in} → {n_out}: {n_in}·{n_out} + {n_out} = {params}", params), params


@register(
    "cnn.lenet",
    "cnn.lenet",
    "LeNet-5: layer shapes and parameters",
    "LeNet-5 的各层形状与参数",
    [
        ParamSpec("n", "input size (28 with padding 2, or 32 without)", 28, "int", min=28, max=64),
        ParamSpec("classes", "number of classes", 10, "int", min=2, max=1000),
    ],
    [
        "conv1_out",
        "pool1_out",
        "conv2_out",
        "pool2_out",
        "flatten",
        "conv1_params",
        "conv2_params",
        "fc1_params",
        "fc2_params",
        "fc3_params",
        "total_params",
    ],
    draw=lambda d: {"n": d.pick("n", [28, 32]), "classes": d.pick("classes", [10, 10, 26])},
)
def _lenet(p: Params) -> Out:
    n, classes = p["n"], p["classes"]
    pad = 2 if n == 28 else 0
    s1, o1, p1 = _conv_layer("conv1", n, 1, 5, 6, pad, 1)
    s2, q1 = _pool_layer("pool1", o1, 6, 2, 2, "avg")
    s3, o2, p2 = _conv_layer("conv2", q1, 6, 5, 16, 0, 1)
    s4, q2 = _pool_layer("pool2", o2, 16, 2, 2, "avg")
    flat = q2 * q2 * 16
    s5 = Step("flatten", f"{q2}·{q2}·16 = {flat}", flat)
    s6, d1 = _dense_layer("fc1", flat, 120)
    s7, d2 = _dense_layer("fc2", 120, 84)
    s8, d3 = _dense_layer("fc3", 84, classes)
    total = p1 + p2 + d1 + d2 + d3
    s9 = Step("Total", f"{p1} + {p2} + {d1} + {d2} + {d3} = {total}", total)
    values = {
        "conv1_out": o1,
        "pool1_out": q1,
        "conv2_out": o2,
        "pool2_out": q2,
        "flatten": flat,
        "conv1_params": p1,
        "conv2_params": p2,
        "fc1_params": d1,
        "fc2_params": d2,
        "fc3_params": d3,
        "total_params": total,
    }
    return Out(
        [s1, s2, s3, s4, s5, s6, s7, s8, s9],
        total,
        values,
        "d2l's LeNet-5: sigmoid, average pooling, one grey input channel, biases counted",
    )


@register(
    "cnn.alexnet",
    "cnn.alexnet",
    "AlexNet: layer shapes and parameters",
    "AlexNet 的各层形状与参数",
    [
        ParamSpec("n", "input size (227 gives the 55×55 first layer)", 227, "int", min=67, max=512),
        ParamSpec("classes", "number of classes", 1000, "int", min=2, max=100000),
    ],
    [
        "conv1_out",
        "pool1_out",
        "conv2_out",
        "pool2_out",
        "conv3_out",
        "conv5_out",
        "pool3_out",
        "flatten",
        "conv1_params",
        "conv2_params",
        "conv3_params",
        "conv4_params",
        "conv5_params",
        "fc6_params",
        "fc7_params",
        "fc8_params",
        "conv_params",
        "fc_params",
        "total_params",
    ],
    draw=lambda d: {"n": 227, "classes": d.pick("classes", [1000, 1000, 10, 100])},
)
def _alexnet(p: Params) -> Out:
    n, classes = p["n"], p["classes"]
    st: list[Step] = []
    s, o1, c1 = _conv_layer("conv1", n, 3, 11, 96, 0, 4)
    st.append(s)
    s, q1 = _pool_layer("pool1", o1, 96, 3, 2, "max")
    st.append(s)
    s, o2, c2 = _conv_layer("conv2", q1, 96, 5, 256, 2, 1)
    st.append(s)
    s, q2 = _pool_layer("pool2", o2, 256, 3, 2, "max")
    st.append(s)
    s, o3, c3 = _conv_layer("conv3", q2, 256, 3, 384, 1, 1)
    st.append(s)
    s, o4, c4 = _conv_layer("conv4", o3, 384, 3, 384, 1, 1)
    st.append(s)
    s, o5, c5 = _conv_layer("conv5", o4, 384, 3, 256, 1, 1)
    st.append(s)
    s, q3 = _pool_layer("pool3", o5, 256, 3, 2, "max")
    st.append(s)
    flat = q3 * q3 * 256
    st.append(Step("flatten", f"{q3}·{q3}·256 = {flat}", flat))
    s, f6 = _dense_layer("fc6", flat, 4096)
    st.append(s)
    s, f7 = _dense_layer("fc7", 4096, 4096)
    st.append(s)
    s, f8 = _dense_layer("fc8", 4096, classes)
    st.append(s)
    conv = c1 + c2 + c3 + c4 + c5
    fc = f6 + f7 + f8
    total = conv + fc
    st.append(Step("Total", f"conv {conv} + dense {fc} = {total}", total, "most parameters sit in the dense layers"))
    values = {
        "conv1_out": o1,
        "pool1_out": q1,
        "conv2_out": o2,
        "pool2_out": q2,
        "conv3_out": o3,
        "conv5_out": o5,
        "pool3_out": q3,
        "flatten": flat,
        "conv1_params": c1,
        "conv2_params": c2,
        "conv3_params": c3,
        "conv4_params": c4,
        "conv5_params": c5,
        "fc6_params": f6,
        "fc7_params": f7,
        "fc8_params": f8,
        "conv_params": conv,
        "fc_params": fc,
        "total_params": total,
    }
    return Out(
        st,
        total,
        values,
        "single-tower AlexNet, 3 input channels; the 3×3 convolutions have 384, 384, 256 "
        "kernels (note 001 lists 384 three times: an erratum)",
    )


@register(
    "cnn.dense-image",
    "cnn.motivation",
    "A dense layer on a whole photo",
    "全连接层直接处理整张照片",
    [
        ParamSpec("megapixels", "pixels in millions", 12, "float", min=0.001, max=1000),
        ParamSpec("channels", "colour channels", 3, "int", min=1, max=16),
        ParamSpec("hidden", "hidden units", 100, "int", min=1, max=100000),
    ],
    ["inputs", "with_bias"],
    draw=lambda d: {
        "megapixels": d.pick("megapixels", [1, 2, 4, 8, 12, 24]),
        "channels": d.pick("channels", [1, 3, 3]),
        "hidden": d.pick("hidden", [10, 100, 100, 1000]),
    },
)
def _dense_image(p: Params) -> Out:
    mp, c, h = p["megapixels"], p["channels"], p["hidden"]
    inputs = _num(mp * 1_000_000 * c)
    ans = _num(inputs * h)
    steps = [
        Step("Inputs", f"{fv(mp)}·10⁶ pixels × {c} channels = {fv(inputs)}", inputs),
        Step(
            "Weights",
            f"{fv(inputs)} inputs × {h} hidden units = {fv(ans)}",
            ans,
            "every hidden unit connects to every input",
        ),
    ]
    return Out(
        steps,
        ans,
        {"inputs": inputs, "with_bias": _num(ans + h)},
        "weights only, as in note 001's 12-megapixel example (3.6 B); biases add one per hidden unit",
    )

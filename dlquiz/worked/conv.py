"""Convolution sizes (rectangular, padding modes, dilation), parameter counts, receptive fields, LeNet, AlexNet.

Convolution and pooling by hand are in `convolve.py`, network summaries in `arch.py`.

Size: the size formulas and the fixed architectures share the output-size helper and its
uneven-size warning.
"""

from __future__ import annotations

from typing import Any

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, fv, register
from dlquiz.worked.cnnsize import PAD_MODES, Axis, axis_word, read_pair, resolve_padding, uneven_warning

# the d2l notes' kernels: edge detection, sharpen, Gaussian blur (1/16 · …)
KERNELS: dict[str, list[list[float]]] = {
    "edge": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "blur": [[1 / 16, 2 / 16, 1 / 16], [2 / 16, 4 / 16, 2 / 16], [1 / 16, 2 / 16, 1 / 16]],
}


def out_size(n: int, f: int, p: int, s: int) -> int:
    """⌊(n + 2p − f)/s⌋ + 1."""
    return (n + 2 * p - f) // s + 1


def _num(x: float) -> int | float:
    return int(round(x)) if abs(x - round(x)) < 1e-9 else float(x)


# --------------------------------------------------------------------------- output size


def _canon(v: tuple[int | str, int | str]) -> int | str | list[int | str]:
    """(5, 5) → 5; (3, 5) → [3, 5]: square sizes stay plain numbers in params and JSON."""
    return v[0] if v[0] == v[1] else [v[0], v[1]]


def _pairs(kind: str, p: Params, names: tuple[str, ...]) -> Params:
    """Read the size parameters (a number, h×w, or a padding mode for p) into canonical values."""
    out = dict(p)
    limits = {"n": (1, 4096), "f": (1, 64), "s": (1, 64), "d": (1, 16), "p": (0, 64)}
    for name in names:
        lo, hi = limits[name]
        modes = PAD_MODES if name == "p" else ()
        where = lazy("{kind}: parameter {name}", kind=kind, name=name)
        out[name] = _canon(read_pair(p[name], where, lo=lo, hi=hi, modes=modes))
    return out


def _hw(v: Any) -> tuple[Any, Any]:
    return (v[0], v[1]) if isinstance(v, list) else (v, v)


def _axes(kind: str, p: Params) -> tuple[Axis, Axis]:
    """The two axes of a size problem; ParamError when the kernel does not fit."""
    (nh, nw), (fh, fw), (sh, sw) = _hw(p["n"]), _hw(p["f"]), _hw(p["s"])
    dh, dw = _hw(p.get("d", 1))
    ph, pw = _hw(p["p"])
    out = []
    for n, f, s, d, pad in ((nh, fh, sh, dh, ph), (nw, fw, sw, dw, pw)):
        k_eff = f + (f - 1) * (d - 1)
        lo, hi = resolve_padding(pad, n, k_eff, s)
        out.append(Axis(n, f, s, d, lo, hi))
    ah, aw = out
    for name, ax in (("height", ah), ("width", aw)):
        if ax.span < 0:
            raise ParamError(
                lazy(
                    "{kind}: the kernel ({axis}: effective size {k_eff}) is larger than the padded input "
                    "n + 2p = {fit}; choose a larger n or p (at most f = {fit} fits)",
                    kind=kind,
                    axis=axis_word(name),
                    k_eff=ax.k_eff,
                    fit=ax.n + ax.lo + ax.hi,
                )
            )
    return ah, aw


def _uneven(ah: Axis, aw: Axis) -> list[str]:
    bad = [(name, ax) for name, ax in (("height", ah), ("width", aw)) if not ax.even]
    if len(bad) == 2 and ah == aw:
        bad = [("height and width", ah)]
    return [uneven_warning(ax, name) for name, ax in bad]


def _draw_size(d: Draw) -> Params:
    fixed = {
        k: max(_hw(_canon(read_pair(v, lazy("parameter {name}", name=k), lo=0, modes=PAD_MODES))))
        for k, v in d.fixed.items()
        if k in ("n", "f", "d")
    }
    f = d.pick("f", [1, 3, 3, 5, 5, 7, 11])
    dil = d.pick("d", [1, 1, 1, 2])
    fi, di = fixed.get("f", f), fixed.get("d", dil)
    k_eff = fi + (fi - 1) * (di - 1)
    n = d.int("n", 5, 64) if "n" not in d.fixed else d.fixed["n"]
    p = d.pick("p", [0, 0, (fi - 1) // 2, 1, 2])
    s = d.pick("s", [1, 1, 2, 2, 3, 4])
    if "n" not in d.fixed and n < k_eff + 2:
        n = k_eff + int(d.rng.integers(2, 30))
    return {"n": n, "f": f, "p": p, "s": s, "d": dil}


def _prepare_size(p: Params) -> Params:
    return _pairs("conv.output-size", p, ("n", "f", "p", "s", "d"))


def _size_params(with_d: bool) -> list[ParamSpec]:
    out = [
        ParamSpec("n", "input height×width: a number or h×w (e.g. 32 or 32x24)", 32, "str", shape="h×w"),
        ParamSpec("f", "kernel size: a number or h×w (e.g. 32 or 32x24)", 5, "str", shape="h×w"),
        ParamSpec(
            "p",
            "zeros added on each side: a number, h×w, or same / valid / full",
            0,
            "str",
        ),
        ParamSpec("s", "stride: a number or h×w (e.g. 32 or 32x24)", 1, "str", shape="h×w"),
    ]
    if with_d:
        out.append(
            ParamSpec(
                "d", "dilation rate (1 = ordinary kernel): a number or h×w (e.g. 32 or 32x24)", 1, "str", shape="h×w"
            )
        )
    return out


def _size_steps(ah: Axis, aw: Axis, p: Params) -> list[Step]:
    """Padding resolved from a mode, the effective kernel, then the output size of each axis."""
    steps: list[Step] = []
    modes = _hw(p["p"])
    axes = (
        [("", ah, modes[0])]
        if ah == aw and modes[0] == modes[1]
        else [("height", ah, modes[0]), ("width", aw, modes[1])]
    )
    for name, ax, mode in axes:
        if isinstance(mode, str):
            steps.append(
                Step(_PADDING[name], _pad_how(mode, ax), [ax.lo, ax.hi], key="pad_w" if name == "width" else "pad_h")
            )
    for name, ax, _ in axes:
        steps.append(
            Step(
                _K_EFF[name],
                f"k_eff = f + (f − 1)(d − 1) = {ax.k} + {ax.k - 1}·{ax.d - 1} = {ax.k_eff}",
                ax.k_eff,
                key="k_eff_w" if name == "width" else "k_eff",
            )
        )
    for name, ax, _ in axes:
        formula = "⌊(n + 2p − k_eff)/s⌋ + 1 = " + ax.formula()
        steps.append(Step(_OUT_SIZE[name], formula, ax.out, key="out_w" if name == "width" else "out_h"))
    return steps


# step names per axis ("" when both axes are the same)
_PADDING = {"": N_("Padding"), "height": N_("Padding (height)"), "width": N_("Padding (width)")}
_K_EFF = {
    "": N_("Effective kernel size"),
    "height": N_("Effective kernel size (height)"),
    "width": N_("Effective kernel size (width)"),
}
_OUT_SIZE = {"": N_("Output size"), "height": N_("Output size (height)"), "width": N_("Output size (width)")}


def _pad_how(mode: str, ax: Axis) -> str:
    """How a padding mode resolves on one axis."""
    if mode == "valid":
        return N_("valid: no padding")
    if mode == "full":
        return lazy("full: k_eff − 1 = {n} zeros on each side", n=ax.k_eff - 1)
    if ax.s > 1:
        return lazy(
            "same: {total} zeros in all, {lo} before and {hi} after (out = ⌈n/s⌉ = ⌈{n}/{s}⌉, as TensorFlow pads)",
            total=ax.lo + ax.hi,
            lo=ax.lo,
            hi=ax.hi,
            n=ax.n,
            s=ax.s,
        )
    return lazy("same: {total} zeros in all, {lo} before and {hi} after", total=ax.lo + ax.hi, lo=ax.lo, hi=ax.hi)


@register(
    "conv.output-size",
    "conv.size",
    "Output size of a convolution",
    _size_params(True),
    ["k_eff", "out_h", "out_w", "out_size"],
    draw=_draw_size,
    prepare=_prepare_size,
)
def _output_size(p: Params) -> Out:
    ah, aw = _axes("conv.output-size", p)
    steps = _size_steps(ah, aw, p)
    square = ah == aw
    ans: Any = ah.out if square else [ah.out, aw.out]
    values = {"k_eff": ah.k_eff, "k_eff_w": aw.k_eff, "out_h": ah.out, "out_w": aw.out, "out_size": ans}
    conv = N_("out = ⌊(n + 2p − k_eff)/s⌋ + 1 per axis; a stride that does not divide n + 2p − k_eff is flagged")
    return Out(steps, ans, values, conv, warnings=_uneven(ah, aw))


@register(
    "conv.same-padding",
    "conv.size",
    "Padding for a 'same' convolution",
    [ParamSpec("f", "kernel size (odd)", 3, "int", min=1, max=63)],
    [],
    draw=lambda d: {"f": d.pick("f", [1, 3, 5, 7, 9, 11])},
    check=lambda p: _check_odd("conv.same-padding", p["f"]),
)
def _same_padding(p: Params) -> Out:
    f = p["f"]
    ans = (f - 1) // 2
    return Out(
        [Step("Same padding", f"p = (f − 1)/2 = ({f} − 1)/2 = {ans}", ans, "with stride 1 the output size equals n")],
        ans,
    )


def _check_odd(kind: str, f: int) -> None:
    if f % 2 == 0:
        raise ParamError(
            lazy(
                "{where}: {f} is even; 'same' padding (f − 1)/2 needs an odd kernel",
                where=lazy("{kind}: parameter {name}", kind=kind, name="f"),
                f=f,
            )
        )


def _prepare_params(p: Params) -> Params:
    return _pairs("conv.params", p, ("f",))


@register(
    "conv.params",
    "conv.channels",
    "Parameters of a convolutional layer",
    [
        ParamSpec("f", "kernel size: a number or h×w (e.g. 32 or 32x24)", 3, "str", shape="h×w"),
        ParamSpec("c_in", "input channels", 3, "int", min=1, max=4096),
        ParamSpec("c_out", "output channels (number of kernels)", 16, "int", min=1, max=4096),
        ParamSpec("bias", "1 with a bias per kernel, 0 without", 1, "int", min=0, max=1),
        ParamSpec("groups", "groups (c_in and c_out split into this many groups)", 1, "int", min=1, max=4096),
    ],
    ["weights", "biases"],
    draw=lambda d: {
        "f": d.pick("f", [1, 3, 3, 5, 5, 7]),
        "c_in": d.pick("c_in", [1, 3, 3, 6, 16, 32, 64]),
        "c_out": d.pick("c_out", [6, 8, 10, 16, 32, 64, 128]),
        "bias": d.pick("bias", [1, 1, 1, 0]),
    },
    prepare=_prepare_params,
)
def _conv_params(p: Params) -> Out:
    (fh, fw), ci, co, b, g = _hw(p["f"]), p["c_in"], p["c_out"], p["bias"], p["groups"]
    if ci % g or co % g:
        raise ParamError(
            lazy(
                "{where}: {g} must divide c_in = {c_in} and c_out = {c_out}",
                where=lazy("{kind}: parameter {name}", kind="conv.params", name="groups"),
                g=g,
                c_in=ci,
                c_out=co,
            )
        )
    cg = ci // g
    w = fh * fw * cg * co
    ans = (fh * fw * cg + b) * co
    depth = f"{fh}·{fw}·{ci}" if g == 1 else f"{fh}·{fw}·({ci}/{g})"
    steps = [
        Step(
            "Weights",
            f"f·f·c_in·c_out = {depth}·{co} = {w}" if g == 1 else f"f·f·(c_in/g)·c_out = {depth}·{co} = {w}",
            w,
        ),
        Step("Biases", lazy("one per kernel: 1·c_out = {n}", n=co) if b else N_("no biases: 0"), b * co),
        Step(
            "Parameters",
            f"(f·f·c_in + {b})·c_out = ({fh * fw * cg} + {b})·{co} = {ans}",
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


def _prepare_shape(p: Params) -> Params:
    return _pairs("conv.output-shape", p, ("n", "f", "p", "s"))


@register(
    "conv.output-shape",
    "conv.channels",
    "Output shape of a convolutional layer",
    [
        *_size_params(False),
        ParamSpec("c_in", "input channels", 3, "int", min=1, max=4096),
        ParamSpec("c_out", "output channels", 8, "int", min=1, max=4096),
    ],
    ["out_shape", "out_h", "out_w", "out_size", "out_values", "params", "macs"],
    draw=_draw_shape,
    prepare=_prepare_shape,
)
def _output_shape(p: Params) -> Out:
    ci, co = p["c_in"], p["c_out"]
    ah, aw = _axes("conv.output-shape", p)
    steps = _size_steps(ah, aw, p)
    oh, ow = ah.out, aw.out
    params = (ah.k * aw.k * ci + 1) * co
    count = oh * ow * co
    macs = oh * ow * co * ah.k * aw.k * ci
    steps += [
        Step(
            "Output shape",
            f"{oh} × {ow} × c_out = {oh} × {ow} × {co}",
            [oh, ow, co],
            "each kernel spans all c_in input channels and gives one output channel",
            key="out_shape",
        ),
        Step("Output values", f"{oh}·{ow}·{co} = {count}", count, key="out_values"),
        Step(
            "Parameters",
            f"(f·f·c_in + 1)·c_out = ({ah.k}·{aw.k}·{ci} + 1)·{co} = {params}",
            params,
            key="params",
        ),
        Step("MACs", f"out_h·out_w·c_out·f·f·c_in = {oh}·{ow}·{co}·{ah.k}·{aw.k}·{ci} = {macs}", macs, key="macs"),
    ]
    values = {"k_eff": ah.k_eff, "out_h": oh, "out_w": ow, "out_size": oh if ah == aw else [oh, ow]}
    return Out(
        steps,
        [oh, ow, co],
        values,
        N_("shape height × width × channels, as in the notes"),
        warnings=_uneven(ah, aw),
    )


@register(
    "conv.dilated",
    "conv.dilated",
    "Effective size of a dilated kernel",
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
                lazy("{n} hole(s) between neighbouring kernel elements", n=d - 1),
            )
        ],
        ans,
    )


def _draw_rf(d: Draw) -> Params:
    layers = d.int("layers", 2, 4) if "kernels" not in d.fixed else len(d.fixed["kernels"])
    kernels = d.value("kernels", lambda: [int(d.rng.choice([1, 2, 3, 3, 5])) for _ in range(layers)])
    strides = d.value("strides", lambda: [int(d.rng.choice([1, 1, 2])) for _ in range(len(kernels))])
    return {"kernels": kernels, "strides": strides}


def _prepare_rf(p: Params) -> Params:
    out = dict(p)
    if out["strides"] is None:
        out["strides"] = [1] * len(out["kernels"])
    return out


def _check_rf(p: Params) -> None:
    if len(p["kernels"]) != len(p["strides"]):
        raise ParamError(
            lazy(
                "{kind}: kernels has {n} layers but strides has {m}; give one stride per kernel",
                kind="conv.receptive-field",
                n=len(p["kernels"]),
                m=len(p["strides"]),
            )
        )


@register(
    "conv.receptive-field",
    "conv.dilated",
    "Receptive field of stacked convolutions",
    [
        ParamSpec(
            "kernels",
            "kernel size of each layer, e.g. 3,3 for two stacked 3×3 convolutions",
            [3, 3, 3],
            "intlist",
            min=1,
            max=64,
        ),
        ParamSpec(
            "strides",
            "stride of each layer (default 1 for every layer)",
            None,
            "intlist",
            min=1,
            max=16,
        ),
    ],
    ["jumps"],
    draw=_draw_rf,
    check=_check_rf,
    prepare=_prepare_rf,
)
def _receptive_field(p: Params) -> Out:
    r, j = 1, 1
    steps: list[Step] = []
    jumps = []
    for i, (k, s) in enumerate(zip(p["kernels"], p["strides"], strict=True), 1):
        new_r = r + (k - 1) * j
        steps.append(
            Step(
                lazy("Layer {n}", n=i),
                lazy("r = {r} + (k − 1)·jump = {r} + {k1}·{j} = {new}", r=r, k1=k - 1, j=j, new=new_r),
                new_r,
                lazy("jump (input pixels between neighbouring outputs) becomes {j}·{s} = {js}", j=j, s=s, js=j * s),
            )
        )
        r, j = new_r, j * s
        jumps.append(j)
    return Out(steps, r, {"jumps": jumps}, N_("r_l = r_(l−1) + (k_l − 1)·∏ strides of the earlier layers; r_0 = 1"))


# --------------------------------------------------------------------------- classic networks


def _conv_layer(name: str, n: int, c_in: int, f: int, c_out: int, p: int, s: int) -> tuple[Step, int, int]:
    o = out_size(n, f, p, s)
    params = (f * f * c_in + 1) * c_out
    st = Step(
        name,
        lazy(
            "{f}×{f} conv, {c_out} kernels, pad {p}, stride {s}: {size}; params {count}",
            f=f,
            c_out=c_out,
            p=p,
            s=s,
            size=f"⌊({n} + {2 * p} − {f})/{s}⌋ + 1 = {o}",
            count=f"({f}·{f}·{c_in} + 1)·{c_out} = {params}",
        ),
        [o, o, c_out],
    )
    return st, o, params


def _pool_layer(name: str, n: int, c: int, f: int, s: int, mode: str) -> tuple[Step, int]:
    o = out_size(n, f, 0, s)
    template = (
        N_("{f}×{f} max pool, stride {s}: {size}; no parameters")
        if mode == "max"
        else N_("{f}×{f} avg pool, stride {s}: {size}; no parameters")
    )
    return Step(name, lazy(template, f=f, s=s, size=f"⌊({n} − {f})/{s}⌋ + 1 = {o}"), [o, o, c]), o


def _dense_layer(name: str, n_in: int, n_out: int) -> tuple[Step, int]:
    params = n_in * n_out + n_out
    count = f"{n_in}·{n_out} + {n_out} = {params}"
    return Step(name, lazy("dense {n_in} → {n_out}: {count}", n_in=n_in, n_out=n_out, count=count), params), params


@register(
    "cnn.lenet",
    "cnn.lenet",
    "LeNet-5: layer shapes and parameters",
    [
        ParamSpec("n", "input size (28 with padding 2, or 32 without)", 28, "int", min=28, max=64),
        ParamSpec("classes", "number of classes", 10, "int", min=2, max=1000),
        ParamSpec("c_in", "input channels (1 for grey images)", 1, "int", min=1, max=64),
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
    s1, o1, p1 = _conv_layer("conv1", n, p["c_in"], 5, 6, pad, 1)
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
        N_("d2l's LeNet-5: sigmoid, average pooling, one grey input channel, biases counted")
        if p["c_in"] == 1
        else lazy("d2l's LeNet-5: sigmoid, average pooling, biases counted; {c} input channels", c=p["c_in"]),
    )


@register(
    "cnn.alexnet",
    "cnn.alexnet",
    "AlexNet: layer shapes and parameters",
    [
        ParamSpec("n", "input size (227 gives the 55×55 first layer)", 227, "int", min=67, max=512),
        ParamSpec("classes", "number of classes", 1000, "int", min=2, max=100000),
        ParamSpec("c_in", "input channels", 3, "int", min=1, max=64),
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
    s, o1, c1 = _conv_layer("conv1", n, p["c_in"], 11, 96, 0, 4)
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
    st.append(
        Step(
            "Total",
            lazy("conv {conv} + dense {fc} = {total}", conv=conv, fc=fc, total=total),
            total,
            "most parameters sit in the dense layers",
        )
    )
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
        lazy(
            "single-tower AlexNet, {c} input channels; the 3×3 convolutions have 384, 384, 256 kernels "
            "(the d2l notes list 384 three times: an erratum)",
            c=p["c_in"],
        ),
    )


@register(
    "cnn.dense-image",
    "cnn.motivation",
    "A dense layer on a whole photo",
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
        Step(
            "Number of inputs",
            lazy("{mp}·10⁶ pixels × {c} channels = {inputs}", mp=fv(mp), c=c, inputs=fv(inputs)),
            inputs,
        ),
        Step(
            "Weights",
            lazy("{inputs} inputs × {h} hidden units = {n}", inputs=fv(inputs), h=h, n=fv(ans)),
            ans,
            "every hidden unit connects to every input",
        ),
    ]
    return Out(
        steps,
        ans,
        {"inputs": inputs, "with_bias": _num(ans + h)},
        N_("weights only, as in the d2l notes' 12-megapixel example (3.6 B); biases add one per hidden unit"),
    )

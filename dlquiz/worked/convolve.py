"""Convolution and pooling by hand: every output entry as its sum of products (or window).

`conv.xcorr` is the notes' 2-D single-channel cross-correlation; `conv.by-hand` is the general
case (1-D or 2-D, channels in and out, bias, true convolution or cross-correlation,
full/same/valid or any padding, stride, dilation); `pool` is max/average pooling with channels
and padding.

Size: three generators that share the padding, dilation and kernel-flip helpers and the writer of
sums of products.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, count_of, fp, fv, register
from dlquiz.worked.cnnsize import PAD_MODES, Axis, axis_word, read_pair, resolve_padding, uneven_warning
from dlquiz.worked.conv import KERNELS, _num

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
            lazy(
                "{where}: {h}×{w} is too large to work by hand (at most {limit}×{limit})",
                where=lazy("{kind}: parameter {name}", kind=kind, name=name),
                h=len(m),
                w=len(m[0]),
                limit=limit,
            )
        )


def _check_xcorr(p: Params) -> None:
    _check_small("conv.xcorr", "X", p["X"])
    if not isinstance(p["K"], str):
        _check_small("conv.xcorr", "K", p["K"], 7)
    x, k = np.array(p["X"]), _kernel(p["K"])
    xp = x.shape[0] + 2 * p["p"], x.shape[1] + 2 * p["p"]
    if xp[0] < k.shape[0] or xp[1] < k.shape[1]:
        raise ParamError(
            lazy(
                "{where}: the {kh}×{kw} kernel does not fit the padded {h}×{w} input",
                where=lazy("{kind}: parameter {name}", kind="conv.xcorr", name="K"),
                kh=k.shape[0],
                kw=k.shape[1],
                h=xp[0],
                w=xp[1],
            )
        )


_KERNEL_CHOICES = tuple(KERNELS)


@register(
    "conv.xcorr",
    "conv.xcorr",
    "2-D cross-correlation by hand",
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
        steps.append(Step("Padded input", lazy("add {n} ring(s) of zeros", n=pad), _nums(xp)))
    kname = _KERNEL_NAMES[p["K"]] if isinstance(p["K"], str) else N_("given kernel")
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
    steps.append(Step("Output", _RULES[False, False], y_out))
    total = _num(float(y.sum()))
    steps.append(Step("Sum of outputs", "Σ Y", total))
    return Out(
        steps,
        y_out,
        {"top_left": y_out[0][0], "out_size": oh, "sum": total, "out_shape": [oh, ow]},
        _CONVENTIONS[False, False],
    )


# the d2l notes' kernels, by name
_KERNEL_NAMES = {
    "edge": N_("edge kernel (the d2l notes)"),
    "sharpen": N_("sharpen kernel (the d2l notes)"),
    "blur": N_("blur kernel (the d2l notes)"),
}
# the output's rule: (true convolution, with a bias)
_RULES = {
    (False, False): N_("Y = X ⋆ K (slide the kernel, multiply element-wise, add)"),
    (False, True): N_("Y = X ⋆ K (slide the kernel, multiply element-wise, add) + b"),
    (True, False): N_("Y = X * K (flipped kernel)"),
    (True, True): N_("Y = X * K (flipped kernel) + b"),
}
# the convention: (true convolution, several input channels)
_CONVENTIONS = {
    (False, False): N_("cross-correlation: the kernel is not flipped (what CNN layers compute)"),
    (False, True): N_(
        "cross-correlation: the kernel is not flipped (what CNN layers compute); "
        "each output channel sums over all input channels"
    ),
    (True, False): N_("true convolution: the kernel is flipped (Y[i] = Σ X[i + m]·K[k − 1 − m])"),
    (True, True): N_(
        "true convolution: the kernel is flipped (Y[i] = Σ X[i + m]·K[k − 1 − m]); "
        "each output channel sums over all input channels"
    ),
}


# --------------------------------------------------------------------------- convolution in general

BY_HAND = "conv.by-hand"
_MAX_SIDE = 12  # input side worked by hand
_MAX_SHOWN = 36  # output entries written out as sums of products


def _hw(v: Any) -> tuple[Any, Any]:
    return (v[0], v[1]) if isinstance(v, list) else (v, v)


def _canon(v: tuple[int | str, int | str]) -> Any:
    return v[0] if v[0] == v[1] else [v[0], v[1]]


def _prepare_by_hand(p: Params) -> Params:
    out = dict(p)
    for name, lo, hi, modes in (("p", 0, 12, PAD_MODES), ("s", 1, 12, ()), ("d", 1, 6, ())):
        where = lazy("{kind}: parameter {name}", kind=BY_HAND, name=name)
        out[name] = _canon(read_pair(p[name], where, lo=lo, hi=hi, modes=modes))
    return out


def _shape(v: Any) -> tuple[int, ...]:
    return tuple(np.asarray(v, dtype=float).shape)


def _dims(p: Params) -> tuple[int, np.ndarray, np.ndarray, np.ndarray | None]:
    """(spatial dims, X as C_in×…, K as C_out×C_in×…, bias or None), or a ParamError naming the shapes."""
    x = np.asarray(p["X"], dtype=float)
    k = np.asarray(p["K"], dtype=float)
    dim = p["dim"]
    if dim == "auto":
        nd = 1 if x.ndim == 1 else 2
    else:
        nd = int(dim)
    if x.ndim not in (nd, nd + 1):
        want = lazy("L or C_in×L") if nd == 1 else lazy("H×W or C_in×H×W")
        raise ParamError(
            lazy(
                "{kind}: X is {shape} but a {nd}-D convolution takes X as {want}",
                kind=BY_HAND,
                shape=_st(x.shape),
                nd=nd,
                want=want,
            )
        )
    xs = x if x.ndim == nd + 1 else x[np.newaxis]
    c_in = xs.shape[0]
    sp = "k" if nd == 1 else "kh×kw"
    if k.ndim == nd:
        if c_in != 1:
            raise ParamError(_k_channels(_st(k.shape), c_in, _st(k.shape)))
        ks = k[np.newaxis, np.newaxis]
    elif k.ndim == nd + 1:
        if k.shape[0] == c_in:
            ks = k[np.newaxis]
        elif c_in == 1:
            ks = k[:, np.newaxis]
        else:
            raise ParamError(_k_channels(_st(k.shape), c_in, sp))
    elif k.ndim == nd + 2:
        if k.shape[1] != c_in:
            raise ParamError(
                lazy(
                    "{kind}: K is {shape} (C_out×C_in×{sp}) but X has {count}; K must be {o}×{c}×{sides}",
                    kind=BY_HAND,
                    shape=_st(k.shape),
                    sp=sp,
                    count=count_of(c_in, "channel"),
                    c=c_in,
                    o=k.shape[0],
                    sides=_st(k.shape[2:]),
                )
            )
        ks = k
    else:
        raise ParamError(
            lazy(
                "{kind}: K is {shape}; a {nd}-D kernel is {sp}, C_in×{sp} or C_out×C_in×{sp}",
                kind=BY_HAND,
                shape=_st(k.shape),
                nd=nd,
                sp=sp,
            )
        )
    for name, arr, lim in (("X", xs, _MAX_SIDE), ("K", ks, 7)):
        if max(arr.shape[-nd:]) > lim:
            raise ParamError(
                lazy(
                    "{kind}: {name} is {shape}: too large to work by hand (sides up to {limit})",
                    kind=BY_HAND,
                    name=name,
                    shape=_st(np.asarray(p[name]).shape),
                    limit=lim,
                )
            )
    if c_in > 4 or ks.shape[0] > 4:
        raise ParamError(
            lazy(
                "{kind}: at most 4 input and 4 output channels by hand (X has {c_in}, K gives {c_out})",
                kind=BY_HAND,
                c_in=c_in,
                c_out=ks.shape[0],
            )
        )
    bias = None
    if p["b"] is not None:
        bias = np.asarray(p["b"], dtype=float).reshape(-1)
        if bias.size != ks.shape[0]:
            raise ParamError(
                lazy(
                    "{kind}: b has {count} but K gives {c_out}; give one bias per output channel",
                    kind=BY_HAND,
                    count=count_of(bias.size, "entry"),
                    c_out=count_of(ks.shape[0], "output channel"),
                )
            )
    return nd, xs, ks, bias


def _k_channels(shape: str, c_in: int, sides: str) -> str:
    """The message (a `Lazy`) for a kernel K whose input channels do not match the c_in channels of X."""
    return lazy(
        "{kind}: K is {shape} but X has {c} channels; K must be {c}×{sides} (one output channel) or C_out×{c}×{sides}",
        kind=BY_HAND,
        shape=shape,
        c=c_in,
        sides=sides,
    )


def _st(shape: tuple[int, ...]) -> str:
    return "×".join(str(v) for v in shape) if shape else lazy("a number")


def _draw_by_hand(d: Draw) -> Params:
    """Small exam-like problems: 1-D (sometimes 2 input channels) or 2-D single-channel.

    Multi-channel 2-D inputs are given with --set (every output format prints them as channel blocks).
    """
    fixed = d.fixed
    if "X" in fixed or "K" in fixed:
        return {}
    draw_1d = d.rng.random() < 0.4  # drawn even when dim is fixed, so that a seed draws the rest the same way
    dim = str(fixed.get("dim", "auto"))
    nd = int(dim) if dim in ("1", "2") else (1 if draw_1d else 2)
    if nd == 1:
        c_in = 1 if d.rng.random() < 0.6 else 2
        n = int(d.rng.integers(4, 8))
        k = int(d.rng.integers(2, 4))
        x = d.ints((c_in, n) if c_in > 1 else (n,), -2, 4)
        kern = d.ints((c_in, k) if c_in > 1 else (k,), -1, 2)
    else:
        n = int(d.rng.integers(3, 6))
        k = 2 if n <= 3 else int(d.rng.choice([2, 3]))
        x = d.ints((n, n), 0, 4)
        kern = d.ints((k, k), -1, 1)
    out: Params = {"X": x, "K": kern, "dim": str(nd)}
    out["op"] = d.pick("op", ["xcorr", "xcorr", "conv"])
    out["p"] = d.pick("p", [0, 0, "valid", "same", "full"] if nd == 1 or n <= 4 else [0, "valid", "same"])
    out["b"] = d.value("b", lambda: None if d.rng.random() < 0.6 else d.ints((1,), -1, 2))
    return out


def _axis_for(n: int, k: int, s: int, d: int, pad: Any) -> Axis:
    k_eff = k + (k - 1) * (d - 1)
    lo, hi = resolve_padding(pad, n, k_eff, s)
    return Axis(n, k, s, d, lo, hi)


def _index(c: int | None, idx: tuple[int, ...]) -> str:
    parts = ([c] if c is not None else []) + list(idx)
    return "Y" + "".join(f"[{v}]" for v in parts)


@register(
    BY_HAND,
    "conv.xcorr",
    "Convolution by hand: 1-D or 2-D, channels, modes",
    [
        ParamSpec(
            "X",
            "input: L or C_in×L (1-D), H×W or C_in×H×W (2-D), e.g. 1,2,3 or 1,2;3,4 or [[[…]]]",
            [[1, 2, 0, 1], [0, 1, 3, 2], [2, 1, 0, 1], [1, 0, 2, 3]],
            "tensor",
            rank=(1, 2, 3),
            shape="[C_in×]H×W",
        ),
        ParamSpec(
            "K",
            "kernel(s): kh×kw, C_in×kh×kw, or C_out×C_in×kh×kw (1-D: k, C_in×k, C_out×C_in×k)",
            [[1, 0], [0, -1]],
            "tensor",
            rank=(1, 2, 3, 4),
            shape="[C_out×][C_in×]kh×kw",
        ),
        ParamSpec("b", "bias, one per output channel (default: none)", None, "floatlist"),
        ParamSpec(
            "op",
            "xcorr (cross-correlation, what CNN layers compute) or conv (true convolution: the kernel flipped)",
            "xcorr",
            "choice",
            choices=("xcorr", "conv"),
        ),
        ParamSpec(
            "p",
            "padding: a number, h×w, or valid (narrow) / same / full (wide)",
            0,
            "str",
        ),
        ParamSpec("s", "stride: a number or h×w", 1, "str"),
        ParamSpec("d", "dilation: a number or h×w", 1, "str"),
        ParamSpec(
            "dim",
            "auto (a vector is 1-D, a matrix or a 3-D tensor 2-D), 1 or 2",
            "auto",
            "choice",
            choices=("auto", "1", "2"),
        ),
    ],
    ["Y", "out_shape", "top_left", "sum"],
    draw=_draw_by_hand,
    prepare=_prepare_by_hand,
)
def _by_hand(p: Params) -> Out:
    nd, xs, ks, bias = _dims(p)
    flip = p["op"] == "conv"
    s2, d2, p2 = _hw(p["s"]), _hw(p["d"]), _hw(p["p"])
    if nd == 1 and (s2[0] != s2[1] or d2[0] != d2[1] or p2[0] != p2[1]):
        raise ParamError(
            lazy("{kind}: a 1-D convolution takes one stride, dilation and padding, not h×w", kind=BY_HAND)
        )
    c_in, c_out = xs.shape[0], ks.shape[0]
    sizes = xs.shape[1:]
    ksz = ks.shape[2:]
    axes = [_axis_for(sizes[i], ksz[i], s2[i], d2[i], p2[i]) for i in range(nd)]
    for name, ax in zip(("height", "width") if nd == 2 else ("length",), axes, strict=True):
        if ax.span < 0:
            raise ParamError(
                lazy(
                    "{kind}: the kernel's {axis} (effective {k_eff}) does not fit the padded input's {fit}; "
                    "pad more (e.g. p=full) or use a smaller kernel",
                    kind=BY_HAND,
                    axis=axis_word(name),
                    k_eff=ax.k_eff,
                    fit=ax.n + ax.lo + ax.hi,
                )
            )
    steps: list[Step] = []
    values: dict[str, Any] = {}
    kk = ks[..., ::-1] if nd == 1 else ks[..., ::-1, ::-1]
    kk = kk if flip else ks
    if flip:
        for o in range(c_out):
            for c in range(c_in):
                steps.append(
                    Step(
                        _flipped_name(o, c, c_out, c_in),
                        N_("true convolution: the kernel flipped up-down and left-right")
                        if nd == 2
                        else N_("true convolution: the kernel reversed"),
                        _nums_any(kk[o, c]),
                    )
                )
        values["K_flipped"] = _nums_any(kk[0, 0] if kk.shape[:2] == (1, 1) else kk)
    pads = [(ax.lo, ax.hi) for ax in axes]
    xp = np.pad(xs, [(0, 0), *pads])
    if any(lo or hi for lo, hi in pads):
        how = (
            lazy(
                "rows: {r_lo} zero(s) before, {r_hi} after; columns: {c_lo} zero(s) before, {c_hi} after",
                r_lo=axes[0].lo,
                r_hi=axes[0].hi,
                c_lo=axes[1].lo,
                c_hi=axes[1].hi,
            )
            if nd == 2
            else lazy("length: {lo} zero(s) before, {hi} after", lo=axes[0].lo, hi=axes[0].hi)
        )
        for c in range(c_in):
            name = lazy("Padded input (channel {c})", c=c) if c_in > 1 else N_("Padded input")
            steps.append(Step(name, how, _nums_any(xp[c])))
        values["X_padded"] = _nums_any(xp[0] if c_in == 1 else xp)
    for name, ax in zip(("height", "width") if nd == 2 else ("",), axes, strict=True):
        if nd == 2 and axes[0] == axes[1] and name == "width":
            continue
        label = (
            N_("Output size")
            if (nd == 1 or axes[0] == axes[1])
            else (N_("Output size (height)") if name == "height" else N_("Output size (width)"))
        )
        steps.append(Step(label, "⌊(n + 2p − k_eff)/s⌋ + 1 = " + ax.formula(), ax.out))
    outs = tuple(ax.out for ax in axes)
    y = np.zeros((c_out, *outs))
    shown = 0
    total_entries = c_out * int(np.prod(outs))
    # flat offsets into each padded channel: the kernel taps once, each output's corner per entry
    pshape = xp.shape[1:]
    pstride = [int(np.prod(pshape[a + 1 :])) for a in range(nd)]
    taps = [sum(t[a] * axes[a].d * pstride[a] for a in range(nd)) for t in np.ndindex(*ksz)]
    xflat = xp.reshape(c_in, -1).tolist()
    kflat = kk.reshape(c_out, c_in, -1).tolist()
    shown_as: dict[float, str] = {}

    def factor(v: float) -> str:
        if v not in shown_as:
            shown_as[v] = fp(_num(v))
        return shown_as[v]

    for o in range(c_out):
        for idx in np.ndindex(*outs):
            corner = sum(idx[a] * axes[a].s * pstride[a] for a in range(nd))
            write = shown < _MAX_SHOWN
            terms: list[str] = []
            acc = 0.0
            for c in range(c_in):
                xs_c, ks_c = xflat[c], kflat[o][c]
                vals = [(xs_c[corner + t], kv) for t, kv in zip(taps, ks_c, strict=True)]
                acc += sum(xv * kv for xv, kv in vals)
                if write:
                    products = " + ".join(f"{factor(xv)}·{factor(kv)}" for xv, kv in vals)
                    terms.append(f"({products})" if c_in > 1 else products)
            if bias is not None:
                acc += float(bias[o])
                terms.append(factor(float(bias[o])))
            y[(o, *idx)] = acc
            if write:
                key = _index(o if c_out > 1 else None, idx)
                steps.append(Step(key, f"{' + '.join(terms)} = {fv(_num(acc))}", _num(acc), key=key))
                shown += 1
    if total_entries > shown:
        steps.append(Step("Remaining entries", lazy("{n} more, the same way", n=total_entries - shown), ""))
    for o in range(c_out):
        steps.append(
            Step(
                lazy("Output (channel {c})", c=o) if c_out > 1 else N_("Output"),
                _RULES[flip, bias is not None],
                _nums_any(y[o]),
                key=f"Y{o}" if c_out > 1 else "Y",
            )
        )
    y_out = _nums_any(y[0] if c_out == 1 else y)
    total = _num(float(y.sum()))
    steps.append(Step("Sum of outputs", "Σ Y", total, key="sum"))
    values.update({"out_shape": list(np.asarray(y_out).shape), "top_left": _num(float(y.flat[0]))})
    warnings = [
        uneven_warning(ax, name)
        for name, ax in zip(("height", "width") if nd == 2 else ("length",), axes, strict=True)
        if not ax.even
    ]
    conv = _CONVENTIONS[flip, c_in > 1]
    named, asked = _channel_values(y)
    answer = named["Y"]
    return Out(steps, answer, {**named, **values}, conv, asked=asked, warnings=warnings)


def _channel_values(y: np.ndarray) -> tuple[dict[str, Any], str]:
    """The output as values: Y (H×W for one channel, C×H×W for several) and Y0, Y1, … per channel."""
    if y.shape[0] == 1:
        return {"Y": _nums_any(y[0])}, "Y"
    out: dict[str, Any] = {"Y": _nums_any(y)}
    out.update({f"Y{c}": _nums_any(y[c]) for c in range(y.shape[0])})
    return out, "Y"


def _flipped_name(o: int, c: int, c_out: int, c_in: int) -> str:
    """The step name of one flipped kernel: its output and input channel where there are several."""
    if c_out == 1 and c_in == 1:
        return N_("Flipped kernel")
    if c_out == 1:
        return lazy("Flipped kernel (channel {c})", c=c)
    if c_in == 1:
        return lazy("Flipped kernel (output {o})", o=o)
    return lazy("Flipped kernel (output {o}, channel {c})", o=o, c=c)


def _nums_any(a: np.ndarray) -> Any:
    if a.ndim == 0:
        return _num(float(a))
    return [_nums_any(v) for v in a]


# --------------------------------------------------------------------------- pooling


def _draw_pool(d: Draw) -> Params:
    # exam-like: s ≤ f and the windows cover every pixel; usually f = s = 2, sometimes a 3×3
    # window with stride 2, or stride 1 on a small input (at most 3×3 outputs)
    layouts: tuple[tuple[int, int], ...] = _POOL_LAYOUTS
    if "X" in d.fixed:  # a given input: prefer a window and stride that cover it exactly
        n_x = np.asarray(d.fixed["X"]).shape[-1]
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
    x = np.asarray(p["X"], dtype=float)
    if x.shape[-1] > _MAX_SIDE or x.shape[-2] > _MAX_SIDE or (x.ndim == 3 and x.shape[0] > 4):
        raise ParamError(
            lazy(
                "{where}: {shape} is too large to work by hand (at most 4×{limit}×{limit})",
                where=lazy("{kind}: parameter {name}", kind="pool", name="X"),
                shape=_st(x.shape),
                limit=_MAX_SIDE,
            )
        )
    f, pad = p["f"], p["p"]
    if 2 * pad > f:
        raise ParamError(
            lazy(
                "{where}: padding {pad} is more than half the {f}×{f} window (at most {half})",
                where=lazy("{kind}: parameter {name}", kind="pool", name="p"),
                pad=pad,
                f=f,
                half=f // 2,
            )
        )
    h, w = x.shape[-2] + 2 * pad, x.shape[-1] + 2 * pad
    if h < f or w < f:
        raise ParamError(
            lazy(
                "{where}: the {f}×{f} window does not fit the {h}×{w} (padded) input",
                where=lazy("{kind}: parameter {name}", kind="pool", name="f"),
                f=f,
                h=h,
                w=w,
            )
        )


@register(
    "pool",
    "pool",
    "Max / average pooling by hand",
    [
        ParamSpec(
            "X",
            "input: H×W, or C×H×W for several channels (each pooled on its own)",
            [[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [0, 2, 4, 3]],
            "tensor",
            rank=(2, 3),
            shape="[C×]H×W",
        ),
        ParamSpec("f", "window size", 2, "int", min=1, max=8),
        ParamSpec(
            "s",
            "stride (default: the window size f, as PyTorch)",
            None,
            "int",
            min=1,
            max=8,
        ),
        ParamSpec("mode", "max or avg", "max", "choice", choices=("max", "avg")),
        ParamSpec(
            "p",
            "zero padding on each side (max pooling never picks it; avg counts it, as PyTorch does)",
            0,
            "int",
            min=0,
            max=4,
        ),
    ],
    ["top_left", "out_size", "sum", "params", "Y"],
    draw=_draw_pool,
    check=_check_pool,
    prepare=lambda p: {**p, "s": p["f"]} if p["s"] is None else p,
)
def _pool(p: Params) -> Out:
    x = np.asarray(p["X"], dtype=float)
    xs = x if x.ndim == 3 else x[np.newaxis]
    f, s, mode, pad = p["f"], p["s"], p["mode"], p["p"]
    fill = -np.inf if mode == "max" else 0.0
    xp = np.pad(xs, [(0, 0), (pad, pad), (pad, pad)], constant_values=fill)
    ah = Axis(xs.shape[1], f, s, 1, pad, pad)
    aw = Axis(xs.shape[2], f, s, 1, pad, pad)
    oh, ow = ah.out, aw.out
    steps: list[Step] = []
    if pad:
        how = (
            lazy("add {n} ring(s) of −∞ (never the maximum)", n=pad)
            if mode == "max"
            else lazy("add {n} ring(s) of 0 (counted in the average)", n=pad)
        )
        for c in range(xs.shape[0]):
            name = lazy("Padded input (channel {c})", c=c) if xs.shape[0] > 1 else N_("Padded input")
            shown = [[("−∞" if v == -np.inf else _num(float(v))) for v in row] for row in xp[c]]
            steps.append(Step(name, how, shown))
    steps.append(Step("Output size", "⌊(n + 2p − f)/s⌋ + 1 = " + ah.formula(), oh, key="out_size"))
    if aw != ah:
        steps.append(Step("Output size (width)", "⌊(n + 2p − f)/s⌋ + 1 = " + aw.formula(), ow, key="out_w"))
    y = np.empty((xs.shape[0], oh, ow))
    shown_n = 0
    for c in range(xs.shape[0]):
        for i in range(oh):
            for j in range(ow):
                win = xp[c, i * s : i * s + f, j * s : j * s + f]
                y[c, i, j] = win.max() if mode == "max" else win.mean()
                if shown_n < 9 * xs.shape[0] and i * ow + j < 9:
                    cells = ", ".join("−∞" if v == -np.inf else fv(_num(float(v))) for v in win.ravel())
                    key = f"Y[{c}][{i}][{j}]" if xs.shape[0] > 1 else f"Y[{i}][{j}]"
                    val = _num(float(y[c, i, j]))
                    steps.append(Step(key, f"{mode}({cells}) = {fv(val)}", val, key=key))
                    shown_n += 1
    rule = (
        lazy("max pooling {f}×{f}, stride {s}", f=f, s=s)
        if mode == "max"
        else lazy("avg pooling {f}×{f}, stride {s}", f=f, s=s)
    )
    for c in range(xs.shape[0]):
        note = N_("pooling has no learnable parameters") if c == xs.shape[0] - 1 else ""
        steps.append(
            Step(
                lazy("Output (channel {c})", c=c) if xs.shape[0] > 1 else N_("Output"),
                rule,
                _nums(y[c]),
                note,
                key=f"Y{c}" if xs.shape[0] > 1 else "Y",
            )
        )
    named, asked = _channel_values(y)
    answer = named["Y"]
    total = _num(float(y.sum()))
    steps.append(Step("Sum of outputs", "Σ Y", total, key="sum"))
    conv = ""
    if pad:
        conv = N_(
            "padding: max pooling pads with −∞, average pooling with zeros that count in the mean (PyTorch defaults)"
        )
    warnings = [uneven_warning(ah, "height and width")] if not ah.even else []
    return Out(
        steps,
        answer,
        {**named, "top_left": _num(float(y[0, 0, 0])), "out_size": oh, "params": 0},
        conv,
        asked=asked,
        warnings=warnings,
    )

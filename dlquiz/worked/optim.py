"""Optimisers step by step (course-notes conventions), learning-rate decay, gradient checking."""

from __future__ import annotations

import math
from collections.abc import Callable

from dlquiz.errors import ParamError
from dlquiz.worked._core import (
    Draw,
    Out,
    Params,
    ParamSpec,
    Step,
    fixed,
    fp,
    fv,
    linear,
    operand_decimals,
    operands,
    paren,
    parse_poly,
    register,
)

# --------------------------------------------------------------------------- helpers


def poly_text(coeffs: dict[int, float]) -> str:
    """A polynomial {power: coef} written like the notes: w² − 10w + 25."""
    sup = {0: "", 1: "", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶"}
    parts: list[str] = []
    for k in sorted(coeffs, reverse=True):
        c = coeffs[k]
        if c == 0:
            continue
        mag = abs(c)
        body = (fv(mag) if (mag != 1 or k == 0) else "") + ("w" + sup[k] if k else "")
        sign = "−" if c < 0 else "+"
        parts.append(body if not parts and c > 0 else (f"−{body}" if not parts else f"{sign} {body}"))
    return " ".join(parts) or "0"


def poly_grad(coeffs: dict[int, float]) -> Callable[[float], float]:
    """The derivative of the polynomial as a function."""
    return lambda w: sum(k * c * w ** (k - 1) for k, c in coeffs.items() if k > 0)


def _grads_source(p: Params, kind: str) -> tuple[Callable[[int, float], float], str, int]:
    """(gradient at step t for weight w, description, number of steps)."""
    if p.get("grads"):
        gs = [float(g) for g in p["grads"]]
        return (lambda t, w: gs[t - 1]), "given gradients", len(gs)
    coeffs = parse_poly(p["f"], f"{kind}: parameter f")
    d = poly_grad(coeffs)
    deriv = {k - 1: k * c for k, c in coeffs.items() if k > 0}
    return (lambda t, w: d(w)), f"f(w) = {poly_text(coeffs)}, f′(w) = {poly_text(deriv)}", int(p["k"])


_OPT_COMMON = [
    ParamSpec("f", "objective, a polynomial in w", "w^2-10w+25", "poly"),
    ParamSpec("grads", "gradients of the k steps instead of f (e.g. '1,0.5,-1')", None, "floatlist"),
    ParamSpec("w0", "starting weight", 0, "float", min=-100, max=100),
    ParamSpec("lr", "learning rate α", 0.1, "float", min=0, max=10),
]


def _draw_opt(d: Draw, betas: dict[str, list[float]], kmax: int) -> Params:
    out: Params = {
        "w0": d.pick("w0", [0, 0, 1, 2, -1]),
        "lr": d.pick("lr", [0.1, 0.1, 0.01, 0.2, 0.5]),
        "k": d.int("k", 1, kmax),
    }
    if "grads" not in d.fixed and "f" not in d.fixed and d.rng.random() < 0.4:
        out["grads"] = d.decimals(out["k"], -2, 2)
    else:
        out["f"] = d.pick("f", ["w^2-10w+25", "w^2-10w+25", "w^2-4w", "2w^2-8w+3", "w^2"])
    for name, options in betas.items():
        out[name] = d.pick(name, options)
    return out


def _k_from_grads(p: Params) -> Params:
    """Given gradients fix the number of steps."""
    if p.get("grads"):
        return {**p, "k": len(p["grads"])}
    return p


# --------------------------------------------------------------------------- EWMA


def _draw_ewma(d: Draw) -> Params:
    n = int(d.rng.integers(2, 5))
    return {
        "thetas": d.value("thetas", lambda: [int(v) for v in d.rng.integers(5, 16, size=n)]),
        "beta": d.pick("beta", [0.9, 0.9, 0.5, 0.8, 0.98]),
        "bias_correction": d.pick("bias_correction", [True, False]),
    }


@register(
    "opt.ewma",
    "opt.ewma",
    "Exponentially weighted average",
    "指数加权平均",
    [
        ParamSpec("thetas", "the observations θ₁, θ₂, …", [10, 12, 11], "floatlist"),
        ParamSpec("beta", "β", 0.9, "float", min=0, max=0.9999),
        ParamSpec("bias_correction", "divide by 1 − βᵗ", True, "bool"),
    ],
    ["v_k", "v_k_corrected", "vs"],
    draw=_draw_ewma,
)
def _ewma(p: Params) -> Out:
    beta = float(p["beta"])
    v = 0.0
    steps: list[Step] = []
    vs = []
    for t, th in enumerate(p["thetas"], 1):
        new = beta * v + (1 - beta) * th
        shift = (1 - beta) * th
        v_ = operands([v], linear([beta], shift), new)[0]
        steps.append(
            Step(
                f"v{t}",
                f"β·v{t - 1} + (1 − β)·θ{t} = {fv(beta)}·{paren(v_)} + {fv(1 - beta)}·{fp(th)} = {fv(new)}",
                new,
            )
        )
        v = new
        vs.append(v)
    t = len(p["thetas"])
    corr = v / (1 - beta**t)
    steps.append(
        Step(
            "Bias correction",
            f"v{t}/(1 − β^{t}) = "
            + "/".join(operands([v, 1 - beta**t], lambda a: a[0] / a[1], corr))
            + f" = {fv(corr)}",
            corr,
            "used" if p["bias_correction"] else "not asked for here",
        )
    )
    ans = corr if p["bias_correction"] else v
    return Out(steps, ans, {"v_k": v, "v_k_corrected": corr, "vs": vs}, "v₀ = 0; vₜ = βvₜ₋₁ + (1 − β)θₜ (course notes)")


# --------------------------------------------------------------------------- momentum


@register(
    "opt.momentum",
    "opt.momentum",
    "Gradient descent with momentum",
    "动量梯度下降",
    [
        *_OPT_COMMON,
        ParamSpec("beta", "β", 0.9, "float", min=0, max=0.9999),
        ParamSpec("k", "number of steps", 3, "int", min=1, max=10),
        ParamSpec(
            "convention",
            "notes: v = βv + (1 − β)g; framework: v = βv + g",
            "notes",
            "choice",
            choices=("notes", "framework"),
        ),
    ],
    ["v_k", "w_k", "ws"],
    draw=lambda d: _draw_opt(d, {"beta": [0.9, 0.9, 0.5, 0.8]}, 3),
    prepare=_k_from_grads,
)
def _momentum(p: Params) -> Out:
    grad, desc, k = _grads_source(p, "opt.momentum")
    beta, lr, w, v = float(p["beta"]), float(p["lr"]), float(p["w0"]), 0.0
    notes = p["convention"] == "notes"
    steps = [Step("Start", f"{desc}; w₀ = {fv(w)}, v₀ = 0, α = {fv(lr)}, β = {fv(beta)}", w)]
    ws = [w]
    for t in range(1, k + 1):
        g = grad(t, w)
        nv = beta * v + (1 - beta) * g if notes else beta * v + g
        nw = w - lr * nv
        c = (1 - beta) if notes else 1.0
        v_, g_ = operands([v, g], linear([beta, c]), nv)
        form = f"{fv(beta)}·{paren(v_)} + {fv(1 - beta)}·{paren(g_)}" if notes else f"{fv(beta)}·{paren(v_)} + {g_}"
        w_, nv_ = operands([w, nv], lambda a: a[0] - lr * a[1], nw)
        steps.append(
            Step(f"Step {t}", f"g = {g_}; v = {form} = {fv(nv)}; w = {w_} − {fv(lr)}·{paren(nv_)} = {fv(nw)}", nw)
        )
        v, w = nv, nw
        ws.append(w)
    conv = (
        "momentum: v = βv + (1 − β)g, w = w − αv (course notes)"
        if notes
        else "momentum: v = βv + g, w = w − αv (framework form, e.g. PyTorch SGD)"
    )
    return Out(steps, w, {"v_k": v, "w_k": w, "ws": ws}, conv)


# --------------------------------------------------------------------------- RMSprop


def _root(s: float, eps: float, inside: bool) -> float:
    """The denominator of RMSprop and Adam: √(s + ε) or √s + ε."""
    return math.sqrt(s + eps) if inside else math.sqrt(s) + eps


@register(
    "opt.rmsprop",
    "opt.rmsprop",
    "RMSprop step by step",
    "RMSprop 逐步计算",
    [
        *_OPT_COMMON,
        ParamSpec("beta", "β", 0.999, "float", min=0, max=0.9999),
        ParamSpec("eps", "ε", 1e-8, "float", min=0, max=1),
        ParamSpec("eps_inside", "ε inside the square root: √(s + ε)", False, "bool"),
        ParamSpec("k", "number of steps", 3, "int", min=1, max=10),
    ],
    ["s_k", "w_k", "ws"],
    draw=lambda d: _draw_opt(d, {"beta": [0.999, 0.9, 0.99]}, 3),
    prepare=_k_from_grads,
)
def _rmsprop(p: Params) -> Out:
    grad, desc, k = _grads_source(p, "opt.rmsprop")
    beta, lr, eps = float(p["beta"]), float(p["lr"]), float(p["eps"])
    inside = bool(p["eps_inside"])
    w, s = float(p["w0"]), 0.0
    steps = [Step("Start", f"{desc}; w₀ = {fv(w)}, s₀ = 0, α = {fv(lr)}, β = {fv(beta)}, ε = {fv(eps)}", w)]
    ws = [w]
    for t in range(1, k + 1):
        g = grad(t, w)
        ns = beta * s + (1 - beta) * g * g
        den = math.sqrt(ns + eps) if inside else math.sqrt(ns) + eps
        nw = w - lr * g / den if den > 0 else w
        # operands with the digits their results need (shown s and g must give the shown s, then w)
        s_, g_ = operands([s, g], lambda a: beta * a[0] + (1 - beta) * a[1] ** 2, ns)
        w_, g2_, ns_ = operands(
            [w, g, ns], lambda a: a[0] - lr * a[1] / _root(a[2], eps, inside) if a[2] > 0 else a[0], nw
        )
        dtext = f"√({ns_} + ε)" if inside else f"(√{ns_} + ε)"
        steps.append(
            Step(
                f"Step {t}",
                f"g = {fv(g)}; s = {fv(beta)}·{paren(s_)} + {fv(1 - beta)}·{paren(g_)}² = {fv(ns)}; "
                f"w = {w_} − {fv(lr)}·{paren(g2_)}/{dtext} = {fv(nw)}",
                nw,
            )
        )
        s, w = ns, nw
        ws.append(w)
    conv = (
        "RMSprop: s = βs + (1 − β)g², w = w − αg/(√s + ε); the notes omit ε (erratum)"
        if not inside
        else "RMSprop with ε inside the root: w = w − αg/√(s + ε)"
    )
    return Out(steps, w, {"s_k": s, "w_k": w, "ws": ws}, conv)


# --------------------------------------------------------------------------- Adam


@register(
    "opt.adam",
    "opt.adam",
    "Adam with bias correction",
    "带偏差修正的 Adam",
    [
        *_OPT_COMMON,
        ParamSpec("beta1", "β₁", 0.9, "float", min=0, max=0.9999),
        ParamSpec("beta2", "β₂", 0.999, "float", min=0, max=0.99999),
        ParamSpec("eps", "ε", 1e-8, "float", min=0, max=1),
        ParamSpec("eps_inside", "ε inside the square root", False, "bool"),
        ParamSpec("k", "number of steps (1…5)", 1, "int", min=1, max=10),
    ],
    ["m_k", "v_k", "m_hat", "v_hat", "w_k", "ws"],
    draw=lambda d: _draw_opt(d, {}, 3),
    prepare=_k_from_grads,
)
def _adam(p: Params) -> Out:
    grad, desc, k = _grads_source(p, "opt.adam")
    b1, b2, lr, eps = float(p["beta1"]), float(p["beta2"]), float(p["lr"]), float(p["eps"])
    inside = bool(p["eps_inside"])
    w, m, v = float(p["w0"]), 0.0, 0.0
    mh = vh = 0.0
    steps = [
        Step(
            "Start", f"{desc}; w₀ = {fv(w)}, m₀ = v₀ = 0, α = {fv(lr)}, β₁ = {fv(b1)}, β₂ = {fv(b2)}, ε = {fv(eps)}", w
        )
    ]
    ws = [w]
    for t in range(1, k + 1):
        g = grad(t, w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mh = m / (1 - b1**t)
        vh = v / (1 - b2**t)
        den = math.sqrt(vh + eps) if inside else math.sqrt(vh) + eps
        nw = w - lr * mh / den if den > 0 else w
        w_, mh_, vh_ = operands(
            [w, mh, vh], lambda a: a[0] - lr * a[1] / _root(a[2], eps, inside) if a[2] > 0 else a[0], nw
        )
        dtext = f"√({vh_} + ε)" if inside else f"(√{vh_} + ε)"
        steps.append(
            Step(
                f"Step {t}",
                f"g = {fv(g)}; m = {fv(m)}, v = {fv(v)}; m̂ = m/(1 − β₁^{t}) = {fv(mh)}, "
                f"v̂ = v/(1 − β₂^{t}) = {fv(vh)}; w = {w_} − {fv(lr)}·{paren(mh_)}/{dtext} = {fv(nw)}",
                nw,
            )
        )
        w = nw
        ws.append(w)
    conv = (
        "Adam: m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², bias-corrected m̂, v̂; "
        + ("w = w − α m̂/(√v̂ + ε)" if not inside else "w = w − α m̂/√(v̂ + ε)")
        + " (the notes write √s without the correction: an erratum)"
    )
    return Out(steps, w, {"m_k": m, "v_k": v, "m_hat": mh, "v_hat": vh, "w_k": w, "ws": ws}, conv)


# --------------------------------------------------------------------------- learning-rate decay

SCHEDULES = ("inverse", "exponential", "sqrt", "sqrt-epoch", "step")


def lr_at(
    schedule: str,
    alpha0: float,
    epoch: int,
    decay_rate: float = 1.0,
    k: float = 1.0,
    base: float = 0.95,
    t: int | None = None,
    drop_every: int = 2,
    drop: float = 0.5,
) -> float:
    """α for `epoch` under one of the schedules of note 004."""
    if schedule == "inverse":
        return alpha0 / (1 + decay_rate * epoch)
    if schedule == "exponential":
        return base**epoch * alpha0
    if schedule == "sqrt":
        return k / math.sqrt(t if t is not None else epoch) * alpha0
    if schedule == "sqrt-epoch":
        return k / math.sqrt(epoch) * alpha0
    if schedule == "step":
        return alpha0 * drop ** (epoch // drop_every)
    raise ValueError(schedule)


def _check_decay(p: Params) -> None:
    if p["schedule"] in ("sqrt", "sqrt-epoch") and p["epoch"] < 1:
        raise ParamError(f"opt.lr-decay: parameter epoch: {p['epoch']} must be ≥ 1 for the k/√t schedule")


@register(
    "opt.lr-decay",
    "opt.lr-decay",
    "Learning-rate decay",
    "学习率衰减",
    [
        ParamSpec(
            "schedule",
            "inverse α0/(1 + decay·epoch), exponential base^epoch·α0, "
            "sqrt k/√t·α0 (t = iteration), sqrt-epoch k/√epoch·α0, step (halve every drop_every epochs)",
            "inverse",
            "choice",
            choices=(*SCHEDULES, "discrete"),
        ),
        ParamSpec("alpha0", "initial learning rate α0", 0.2, "float", min=0, max=10),
        ParamSpec("decay_rate", "decay rate (inverse)", 1, "float", min=0, max=100),
        ParamSpec("epoch", "epoch number", 4, "int", min=0, max=1000),
        ParamSpec("k", "constant k (sqrt schedules)", 1, "float", min=0, max=100),
        ParamSpec("base", "base of the exponential schedule", 0.95, "float", min=0, max=1),
        ParamSpec("t", "mini-batch (iteration) number for sqrt; default: the epoch", None, "int", min=1),
        ParamSpec("drop_every", "epochs between drops (step)", 2, "int", min=1, max=100),
    ],
    ["alphas"],
    draw=lambda d: {
        "schedule": d.pick("schedule", list(SCHEDULES)),
        "alpha0": d.pick("alpha0", [0.1, 0.2, 0.5, 1]),
        "decay_rate": d.pick("decay_rate", [1, 0.5, 2]),
        "epoch": d.int("epoch", 1, 4),
    },
    check=_check_decay,
    prepare=lambda p: {**p, "schedule": "step"} if p["schedule"] == "discrete" else p,
)
def _lr_decay(p: Params) -> Out:
    sch, a0, epoch = p["schedule"], float(p["alpha0"]), int(p["epoch"])
    dr, k, base, t, every = float(p["decay_rate"]), float(p["k"]), float(p["base"]), p["t"], int(p["drop_every"])
    first = 1 if sch in ("sqrt", "sqrt-epoch") else 0

    def alpha(e: int) -> float:
        tt = t if (t is not None and e == epoch) else None
        return lr_at(sch, a0, e, dr, k, base, tt, every)

    def text(e: int) -> str:
        if sch == "inverse":
            return f"α0/(1 + decay·epoch) = {fv(a0)}/(1 + {fv(dr)}·{e})"
        if sch == "exponential":
            return f"{fv(base)}^{e}·{fp(a0)}"
        if sch == "sqrt":
            tt = t if (t is not None and e == epoch) else e
            return f"k/√t·α0 = {fv(k)}/√{tt}·{fp(a0)}"
        if sch == "sqrt-epoch":
            return f"k/√epoch·α0 = {fv(k)}/√{e}·{fp(a0)}"
        return f"α0·{fp(0.5)}^⌊{e}/{every}⌋"

    if sch == "sqrt" and t is not None:
        # t counts mini-batch steps, not epochs: one step at that iteration
        only = k / math.sqrt(t) * a0
        steps = [Step(f"Iteration {t}", f"k/√t·α0 = {fv(k)}/√{t}·{fp(a0)} = {fv(only)}", only)]
        return Out(
            steps,
            only,
            {"alphas": [only]},
            "t is the mini-batch (iteration) number (note 004 calls it the sample count: an erratum)",
        )
    epochs = range(first, max(epoch, first) + 1)
    alphas = [alpha(e) for e in epochs]
    label = "t = {}" if sch == "sqrt" else "Epoch {}"
    steps = [Step(label.format(e), f"{text(e)} = {fv(alpha(e))}", alpha(e)) for e in epochs]
    conv = (
        "t is the mini-batch (iteration) number (note 004 calls it the sample count: an erratum)"
        if sch == "sqrt"
        else ""
    )
    return Out(steps, alpha(epoch), {"alphas": alphas}, conv)


@register(
    "opt.minibatch",
    "opt.minibatch",
    "Iterations per epoch of mini-batch GD",
    "小批量梯度下降每轮的迭代次数",
    [
        ParamSpec("m", "training samples", 50000, "int", min=1),
        ParamSpec("batch", "mini-batch size", 100, "int", min=1),
    ],
    ["last_batch"],
    draw=lambda d: {
        "m": d.pick("m", [1000, 5000, 50000, 60000, 1200, 10000]),
        "batch": d.pick("batch", [32, 64, 100, 128, 256, 500]),
    },
)
def _minibatch(p: Params) -> Out:
    m, b = p["m"], p["batch"]
    it = -(-m // b)
    last = m - (it - 1) * b
    steps = [
        Step(
            "Iterations",
            f"⌈m/batch⌉ = ⌈{m}/{b}⌉ = {it}",
            it,
            f"the last mini-batch holds {last} samples" if last != b else "every mini-batch is full",
        )
    ]
    return Out(steps, it, {"last_batch": last})


# --------------------------------------------------------------------------- gradient checking

GRADCHECK_FNS: dict[str, tuple[str, Callable[[float], float], Callable[[float], float]]] = {
    "cube": ("θ³", lambda t: t**3, lambda t: 3 * t**2),
    "square": ("θ²", lambda t: t**2, lambda t: 2 * t),
    "exp": ("e^θ", math.exp, math.exp),
    "sin": ("sin θ", math.sin, math.cos),
    "sigmoid": ("σ(θ)", lambda t: 1 / (1 + math.exp(-t)), lambda t: math.exp(-t) / (1 + math.exp(-t)) ** 2),
}


@register(
    "gradcheck",
    "gradcheck",
    "Numerical gradient: one-sided vs two-sided",
    "数值梯度：单边与双边差分",
    [
        ParamSpec("theta", "θ", 1, "float", min=-10, max=10),
        ParamSpec("eps", "ε", 0.01, "float", min=1e-8, max=1),
        ParamSpec(
            "f",
            "function: " + ", ".join(f"{k} ({v[0]})" for k, v in GRADCHECK_FNS.items()),
            "cube",
            "choice",
            choices=tuple(GRADCHECK_FNS),
        ),
    ],
    ["one_sided", "two_sided", "exact", "err_one", "err_two"],
    draw=lambda d: {
        "theta": d.pick("theta", [1, 2, 0.5, -1, 1.5]),
        "eps": d.pick("eps", [0.01, 0.1, 0.001]),
        "f": d.pick("f", ["cube", "cube", "square", "exp"]),
    },
)
def _gradcheck(p: Params) -> Out:
    th, eps = float(p["theta"]), float(p["eps"])
    label, f, df = GRADCHECK_FNS[p["f"]]
    one = (f(th + eps) - f(th)) / eps
    two = (f(th + eps) - f(th - eps)) / (2 * eps)
    exact = df(th)
    # the operands nearly cancel: show as many decimals as the shown quotient needs
    hi, mid, lo = f(th + eps), f(th), f(th - eps)
    # rounding noise of the differences (≈ 1e-15) is no error of the method: shown as 0
    noise = 1e-9 * max(1.0, abs(exact))
    err_one = abs(one - exact) if abs(one - exact) > noise else 0.0
    err_two = abs(two - exact) if abs(two - exact) > noise else 0.0
    k = max(
        operand_decimals([hi, mid], lambda v: (v[0] - v[1]) / eps, one),
        operand_decimals([hi, lo], lambda v: (v[0] - v[1]) / (2 * eps), two),
    )

    def op(x: float) -> str:
        s = fixed(x, k)
        return f"({s})" if s.startswith("-") else s

    steps = [
        Step(
            "One-sided",
            f"(f(θ + ε) − f(θ))/ε = ({fixed(hi, k)} − {op(mid)})/{fv(eps)} = {fv(one)}",
            one,
            f"error {fv(err_one)}: O(ε)",
        ),
        Step(
            "Two-sided",
            f"(f(θ + ε) − f(θ − ε))/(2ε) = ({fixed(hi, k)} − {op(lo)})/{fv(2 * eps)} = {fv(two)}",
            two,
            f"error {fv(err_two)}: O(ε²)",
        ),
        Step("Exact", f"f′(θ) for f = {label} at θ = {fv(th)}: {fv(exact)}", exact),
    ]
    return Out(
        steps,
        two,
        {"one_sided": one, "two_sided": two, "exact": exact, "err_one": err_one, "err_two": err_two},
    )

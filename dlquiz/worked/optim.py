"""Optimisers step by step (course-notes conventions), learning-rate decay, gradient checking.

Size: six optimisers share the step loop, the typed-objective gradient and the per-step value
names.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, Lazy, lazy
from dlquiz.worked._core import (
    Draw,
    Out,
    Params,
    ParamSpec,
    Step,
    count_of,
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
from dlquiz.worked.graph import compile_formula, describe

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


def _reason(exc: Exception) -> str:
    """The message of `exc` as it was raised: a catalog message stays one, so it is shown translated too."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, str) else str(exc)


def _vec(v: Any) -> list[float]:
    """A weight vector from a number or a list."""
    if isinstance(v, (list, tuple)):
        return [float(x) for x in v]
    return [float(v)]


def _scalar_if_one(p: Params, *names: str) -> Params:
    """A one-entry list shown as the number it is (w0 = 0, not [0])."""
    out = dict(p)
    for n in names:
        v = out.get(n)
        if isinstance(v, list) and len(v) == 1 and not isinstance(v[0], list):
            out[n] = v[0]
    return out


@dataclass(frozen=True)
class _Source:
    """Where each step's gradient comes from, and the weights' names.

    `desc` is the objective as a formula ("f(w) = …, f′(w) = …"); for a typed function differentiated on
    its graph it is "" and `graph` holds (f, its gradient); for given gradients both are empty."""

    grad: Callable[[int, list[float]], list[float]]
    desc: str
    k: int
    labels: list[str]
    w0: list[float]
    graph: tuple[str, str] | None = None

    def source(self) -> str:
        """Where the gradients come from, as a message where it has words."""
        if self.graph is not None:
            return lazy("{f}, {grad} by backprop on its graph", f=self.graph[0], grad=self.graph[1])
        return self.desc or lazy("given gradients")

    def start(self, values: str) -> str:
        """The Start step's formula: where the gradients come from, then the starting `values` (w₀ = …, α = …)."""
        if self.graph is not None:
            f, grad = self.graph
            return lazy("{f}, {grad} by backprop on its graph; {values}", f=f, grad=grad, values=values)
        if not self.desc:
            return lazy("given gradients; {values}", values=values)
        return f"{self.desc}; {values}"


def _source(p: Params, kind: str) -> _Source:
    """The gradients of the k steps: given per step (`grads`) or from the objective `f` at each w."""
    w0 = _vec(p["w0"])
    if p["grads"] is not None:
        g = p["grads"]
        rows: list[list[float]]
        if g and isinstance(g[0], list):
            rows = [[float(x) for x in r] for r in g]
        elif len(w0) == 1:
            rows = [[float(x)] for x in g]  # a scalar weight: one gradient per step
        else:
            rows = [[float(x) for x in g]]  # a vector weight: one step
        n = len(rows[0])
        if len(w0) == 1 and n > 1:
            w0 = w0 * n
        if n != len(w0):
            raise ParamError(
                lazy(
                    "{kind}: parameter grads: each step's gradient has {count} but w0 has {w}; "
                    "grads needs one row per step with {w} entries (one per weight)",
                    kind=kind,
                    count=count_of(n, "entry"),
                    w=len(w0),
                )
            )
        k = len(rows)
        if k > MAX_STEPS:
            raise ParamError(
                lazy("{kind}: parameter grads: {k} steps; at most {limit}", kind=kind, k=k, limit=MAX_STEPS)
            )
        labels = ["w"] if n == 1 else [f"w{_sub(i + 1)}" for i in range(n)]
        return _Source(lambda t, w: rows[t - 1], "", k, labels, w0)
    text = str(p["f"])
    where = lazy("{kind}: parameter {name}", kind=kind, name="f")
    try:
        coeffs = parse_poly(text, where)
    except ParamError:
        coeffs = None
    k = int(p["k"])
    if coeffs is not None:
        d = poly_grad(coeffs)
        deriv = {e - 1: e * c for e, c in coeffs.items() if e > 0}
        if len(w0) != 1:
            raise ParamError(
                lazy("{kind}: parameter w0: f has one variable w but w0 has {n} values", kind=kind, n=len(w0))
            )
        desc = f"f(w) = {poly_text(coeffs)}, f′(w) = {poly_text(deriv)}"
        return _Source(lambda t, w: [d(w[0])], desc, k, ["w"], w0)
    from dlquiz.worked.graph import _Domain

    prog = compile_formula(text, where)
    names = list(prog.variables)
    if not names:
        raise ParamError(lazy("{where}: {text} has no variable to optimise", where=where, text=repr(text)))
    if len(w0) == 1 and len(names) > 1:
        w0 = w0 * len(names)  # one starting value for every weight
    if len(w0) != len(names):
        raise ParamError(
            lazy(
                "{kind}: parameter w0: f has {n} variables ({names}) but w0 has {m} values",
                kind=kind,
                n=len(names),
                names=", ".join(prog.label(v) for v in names),
                m=len(w0),
            )
        )

    labels = [prog.label(v) for v in names]

    def grad(t: int, w: list[float]) -> list[float]:
        try:
            _, gs = prog.gradient(dict(zip(names, w, strict=True)))
        except _Domain as exc:
            raise ParamError(lazy("{kind}: step {t}: {error}", kind=kind, t=t, error=_reason(exc))) from None
        return [gs[v] for v in names]

    grad_text = f"f′({labels[0]})" if len(names) == 1 else "∂f/∂w = (" + ", ".join(f"∂f/∂{x}" for x in labels) + ")"
    objective = f"f({', '.join(labels)}) = {describe(prog, prog.root, {})}"
    return _Source(grad, "", k, labels, w0, graph=(objective, grad_text))


_SUBS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(i: int) -> str:
    return str(i).translate(_SUBS)


MAX_STEPS = 100

_OPT_COMMON = [
    ParamSpec(
        "f",
        "objective: any differentiable function of the weights in dlquiz's math syntax, e.g. 'w^2-10w+25', "
        "'(w - 3)^2', '(w1 - 3)^2 + 10*w2^2' (weights in the order w1, w2, …)",
        "w^2-10w+25",
        "str",
        applies="when grads is not given",
    ),
    ParamSpec(
        "grads",
        "gradients given per step instead of f: '1,0.5,-1' (scalar w, one per step) or one row per step "
        "'1,2; 0.5,1' (vector w)",
        None,
        "tensor",
        rank=(1, 2),
    ),
    ParamSpec(
        "w0",
        "starting weight(s): '0' or '0, 0' (one value is used for every weight)",
        0,
        "floatlist",
        min=-1000,
        max=1000,
    ),
    ParamSpec("lr", "learning rate α", 0.1, "float", min=0, max=10),
]
_K = ParamSpec(
    "k",
    "number of steps (1…100; with grads: the number of rows)",  # 100 = MAX_STEPS
    3,
    "int",
    min=1,
    max=MAX_STEPS,
    applies="when grads is not given (given gradients fix the number of steps)",
)


def _draw_opt(d: Draw, betas: dict[str, list[float]], kmax: int, typed: bool = False) -> Params:
    """Random settings: a polynomial in w or given gradients; with `typed`, also a typed function of w₁, w₂."""
    # the draws keep their order (w0, lr, k, the source): a seed gives the same example as before
    out: Params = {
        "w0": d.pick("w0", [0, 0, 1, 2, -1]),
        "lr": d.pick("lr", [0.1, 0.1, 0.01, 0.2, 0.5]),
        "k": d.int("k", 1, kmax),
    }
    r = d.rng.random()
    if "grads" not in d.fixed and "f" not in d.fixed and r < 0.4:
        # a zero gradient would leave w where it is (a step that teaches nothing): it becomes 0.5
        out["grads"] = [g or 0.5 for g in d.decimals(out["k"], -2, 2)]
    elif typed and "f" not in d.fixed and "grads" not in d.fixed and r < 0.7:
        out["f"] = d.pick("f", ["(w1 - 3)^2 + 10*w2^2", "(w - 3)^2", "w1^2 + 4*w2^2 - 2*w1*w2", "(w1 + w2 - 1)^2"])
        n = 1 if out["f"] == "(w - 3)^2" else 2
        out["w0"] = d.value("w0", lambda: [int(v) for v in d.rng.integers(-2, 3, size=n)])
        if "lr" not in d.fixed:
            out["lr"] = d.pick("lr", [0.01, 0.02, 0.05])
    else:
        out["f"] = d.pick("f", ["w^2-10w+25", "w^2-10w+25", "w^2-4w", "2w^2-8w+3", "w^2"])
    for name, options in betas.items():
        out[name] = d.pick(name, options)
    return out


def _prepare_opt(p: Params) -> Params:
    """Given gradients fix the number of steps; a one-entry w0 is shown as a number."""
    out = _scalar_if_one(p, "w0", "v0", "s0", "m0")
    g = out.get("grads")
    if g is not None:
        out["k"] = len(g) if (isinstance(g[0], list) or not isinstance(out["w0"], list)) else 1
    return out


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
            N_("used") if p["bias_correction"] else N_("not asked for here"),
        )
    )
    ans = corr if p["bias_correction"] else v
    conv = N_("v₀ = 0; vₜ = βvₜ₋₁ + (1 − β)θₜ (course notes)")
    return Out(steps, ans, {"v_k": v, "v_k_corrected": corr, "vs": vs}, conv)


# ------------------------------------------------------------- SGD, momentum, Nesterov, AdaGrad, RMSprop, Adam


def _root(s: float, eps: float, inside: bool) -> float:
    """The denominator of AdaGrad, RMSprop and Adam: √(s + ε) or √s + ε."""
    return math.sqrt(s + eps) if inside else math.sqrt(s) + eps


def _show(xs: list[float]) -> str:
    """A weight-sized quantity: a number for one weight, [a, b] for several."""
    return fv(xs[0]) if len(xs) == 1 else fv(xs)


def _showp(xs: list[float]) -> str:
    return fp(xs[0]) if len(xs) == 1 else fv(xs)


def _start(xs: Any, n: int, kind: str, name: str) -> list[float]:
    """A starting state (v₀, s₀, m₀): zeros unless given; one value is used for every weight."""
    if xs is None:
        return [0.0] * n
    v = _vec(xs)
    if len(v) == 1:
        v = v * n
    if len(v) != n:
        raise ParamError(
            lazy("{kind}: parameter {name}: {m} values but there are {n} weights", kind=kind, name=name, m=len(v), n=n)
        )
    return v


MOMENTUM_CONVENTIONS = ("notes", "framework", "cs231n")
_MOMENTUM_TEXT = {  # (Nesterov, convention) -> the convention as the example states it
    (False, "notes"): N_("momentum: v = βv + (1 − β)g, w = w − αv (course notes)"),
    (False, "framework"): N_("momentum: v = βv + g, w = w − αv (framework form, e.g. PyTorch SGD)"),
    (False, "cs231n"): N_("momentum: v = βv − αg, w = w + v (CS231n form: the velocity holds the step)"),
    (True, "notes"): N_("Nesterov momentum: v = βv + (1 − β)g, w = w − αv (course notes)"),
    (True, "framework"): N_("Nesterov momentum: v = βv + g, w = w − αv (framework form, e.g. PyTorch SGD)"),
    (True, "cs231n"): N_("Nesterov momentum: v = βv − αg, w = w + v (CS231n form: the velocity holds the step)"),
}


def _momentum_params(default_beta: float) -> list[ParamSpec]:
    return [
        ParamSpec("beta", "β (momentum)", default_beta, "float", min=0, max=0.9999),
        _K,
        ParamSpec(
            "convention",
            "notes: v = βv + (1 − β)g, w = w − αv; framework: v = βv + g, w = w − αv; cs231n: v = βv − αg, w = w + v",
            "notes",
            "choice",
            choices=MOMENTUM_CONVENTIONS,
        ),
        ParamSpec("v0", "starting velocity v₀ (default 0)", None, "floatlist", min=-1e6, max=1e6),
    ]


def _run_momentum(p: Params, kind: str, nesterov: bool) -> Out:
    src = _source(p, kind)
    beta, lr = float(p["beta"]), float(p["lr"])
    conv = p["convention"]
    w = list(src.w0)
    n = len(w)
    v = _start(p["v0"], n, kind, "v0")
    start = f"w₀ = {_show(w)}, v₀ = {_show(v)}, α = {fv(lr)}, β = {fv(beta)}"
    text: str
    if nesterov:
        point = "w + βv" if conv == "cs231n" else "w − αβv"
        text = lazy(
            "{source}; {values}; g at the look-ahead point {point}", source=src.source(), values=start, point=point
        )
    else:
        text = src.start(start)
    steps = [Step("Start", text, _one(w))]
    values: dict[str, Any] = {"w0": _one(w)}
    ws, gs = [_one(w)], []
    for t in range(1, src.k + 1):
        if nesterov:
            ahead = (
                [wi + beta * vi for wi, vi in zip(w, v, strict=True)]
                if conv == "cs231n"
                else [wi - lr * beta * vi for wi, vi in zip(w, v, strict=True)]
            )
            g = src.grad(t, ahead)
        else:
            ahead = w
            g = src.grad(t, w)
        if conv == "notes":
            nv = [beta * vi + (1 - beta) * gi for vi, gi in zip(v, g, strict=True)]
            nw = [wi - lr * vi for wi, vi in zip(w, nv, strict=True)]
        elif conv == "framework":
            nv = [beta * vi + gi for vi, gi in zip(v, g, strict=True)]
            nw = [wi - lr * vi for wi, vi in zip(w, nv, strict=True)]
        else:
            nv = [beta * vi - lr * gi for vi, gi in zip(v, g, strict=True)]
            nw = [wi + vi for wi, vi in zip(w, nv, strict=True)]
        if n == 1 and conv != "cs231n":
            c = (1 - beta) if conv == "notes" else 1.0
            v_, g_ = operands([v[0], g[0]], linear([beta, c]), nv[0])
            form = (
                f"{fv(beta)}·{paren(v_)} + {fv(1 - beta)}·{paren(g_)}"
                if conv == "notes"
                else f"{fv(beta)}·{paren(v_)} + {g_}"
            )
            w_, nv_ = operands([w[0], nv[0]], lambda a: a[0] - lr * a[1], nw[0])
            wtext = f"w = {w_} − {fv(lr)}·{paren(nv_)} = {fv(nw[0])}"
        elif conv == "cs231n":
            form = f"{fv(beta)}·{_showp(v)} − {fv(lr)}·{_showp(g)}"
            wtext = f"w = {_show(w)} + {_showp(nv)} = {_show(nw)}"
        else:
            form = f"{fv(beta)}·{_showp(v)} + " + (f"{fv(1 - beta)}·{_showp(g)}" if conv == "notes" else _showp(g))
            wtext = f"w = {_show(w)} − {fv(lr)}·{_showp(nv)} = {_show(nw)}"
        gname = "f′" if n == 1 else "∂f/∂w"
        at = f"g = {gname}({_show(ahead)}) = {_show(g)}" if nesterov and p["grads"] is None else f"g = {_show(g)}"
        steps.append(Step(lazy("Step {n}", n=t), f"{at}; v = {form} = {_show(nv)}; {wtext}", _one(nw), key=f"w{t}"))
        values.update({f"g{t}": _one(g), f"v{t}": _one(nv), f"w{t}": _one(nw)})
        v, w = nv, nw
        ws.append(_one(w))
        gs.append(_one(g))
    values.update({"v_k": _one(v), "w_k": _one(w), "ws": ws, "gs": gs})
    return Out(steps, _one(w), values, _MOMENTUM_TEXT[nesterov, conv])


def _one(xs: list[float]) -> Any:
    """A one-weight vector as its number (w_k = 0.55, not [0.55])."""
    return xs[0] if len(xs) == 1 else list(xs)


@register(
    "opt.sgd",
    "opt.momentum",
    "Gradient descent step by step",
    [
        *_OPT_COMMON,
        _K,
        ParamSpec(
            "weight_decay",
            "L2 weight decay λ: each step uses g + λ·w, the gradient of f + (λ/2)‖w‖² (default 0)",
            None,
            "float",
            min=0,
            max=100,
        ),
    ],
    ["w_k", "ws", "gs", "g1", "w1"],
    draw=lambda d: _draw_opt(d, {}, 4, typed=True),
    prepare=_prepare_opt,
)
def _sgd(p: Params) -> Out:
    kind = "opt.sgd"
    src = _source(p, kind)
    lr = float(p["lr"])
    lam = float(p["weight_decay"]) if p["weight_decay"] is not None else 0.0
    w = list(src.w0)
    steps = [Step("Start", src.start(f"w₀ = {_show(w)}, α = {fv(lr)}"), _one(w))]
    values: dict[str, Any] = {"w0": _one(w)}
    ws, gs = [_one(w)], []
    for t in range(1, src.k + 1):
        raw = src.grad(t, w)
        g = [gi + lam * wi for gi, wi in zip(raw, w, strict=True)]
        if lam:
            steps.append(
                Step(
                    lazy("Decay {n}", n=t),
                    f"g + λ·w = {_show(raw)} + {fv(lam)}·{_showp(w)} = {_show(g)}",
                    _one(g),
                    key=f"gd{t}",
                )
            )
        nw = [wi - lr * gi for wi, gi in zip(w, g, strict=True)]
        if len(w) == 1:
            w_, g_ = operands([w[0], g[0]], lambda a: a[0] - lr * a[1], nw[0])
            text = f"g = {fv(g[0])}; w = {w_} − {fv(lr)}·{paren(g_)} = {fv(nw[0])}"
        else:
            text = f"g = {_show(g)}; w = {_show(w)} − {fv(lr)}·{_showp(g)} = {_show(nw)}"
        steps.append(Step(lazy("Step {n}", n=t), text, _one(nw), key=f"w{t}"))
        values.update({f"g{t}": _one(raw), f"w{t}": _one(nw)})
        w = nw
        ws.append(_one(w))
        gs.append(_one(raw))
    values.update({"w_k": _one(w), "ws": ws, "gs": gs})
    conv = (
        lazy(
            "gradient descent: w = w − αg (SGD when g is a mini-batch's gradient); "
            "L2 weight decay λ = {lam}: the step uses g + λ·w",
            lam=fv(lam),
        )
        if lam
        else N_("gradient descent: w = w − αg (SGD when g is a mini-batch's gradient)")
    )
    return Out(steps, _one(w), values, conv)


@register(
    "opt.momentum",
    "opt.momentum",
    "Gradient descent with momentum",
    [*_OPT_COMMON, *_momentum_params(0.9)],
    ["v_k", "w_k", "ws", "gs", "g1", "v1", "w1"],
    draw=lambda d: _draw_opt(d, {"beta": [0.9, 0.9, 0.5, 0.8]}, 3),
    prepare=_prepare_opt,
)
def _momentum(p: Params) -> Out:
    return _run_momentum(p, "opt.momentum", nesterov=False)


@register(
    "opt.nesterov",
    "opt.momentum",
    "Nesterov momentum (look-ahead gradient)",
    [*_OPT_COMMON, *_momentum_params(0.9)],
    ["v_k", "w_k", "ws", "gs", "g1", "v1", "w1"],
    draw=lambda d: {
        **_draw_opt(d, {"beta": [0.9, 0.9, 0.5, 0.8]}, 3, typed=True),
        "convention": d.pick("convention", list(MOMENTUM_CONVENTIONS)),
    },
    prepare=_prepare_opt,
)
def _nesterov(p: Params) -> Out:
    return _run_momentum(p, "opt.nesterov", nesterov=True)


_EPS = ParamSpec("eps", "ε, added to the denominator (no division by 0)", 1e-8, "float", min=0, max=1)
_INSIDE = ParamSpec("eps_inside", "ε inside the square root: √(s + ε)", False, "bool")
_S0 = ParamSpec("s0", "starting accumulator s₀ (default 0)", None, "floatlist", min=0, max=1e9)


def _run_scaled(p: Params, kind: str, adagrad: bool) -> Out:
    """AdaGrad (s = s + g²) and RMSprop (s = βs + (1 − β)g²), then w = w − αg/(√s + ε)."""
    src = _source(p, kind)
    lr, eps = float(p["lr"]), float(p["eps"])
    beta = 1.0 if adagrad else float(p["beta"])
    inside = bool(p["eps_inside"])
    w = list(src.w0)
    n = len(w)
    s = _start(p["s0"], n, kind, "s0")
    head = f"α = {fv(lr)}" + ("" if adagrad else f", β = {fv(beta)}") + f", ε = {fv(eps)}"
    steps = [Step("Start", src.start(f"w₀ = {_show(w)}, s₀ = {_show(s)}, {head}"), _one(w))]
    values: dict[str, Any] = {"w0": _one(w)}
    ws, gs = [_one(w)], []
    for t in range(1, src.k + 1):
        g = src.grad(t, w)
        ns = (
            [si + gi * gi for si, gi in zip(s, g, strict=True)]
            if adagrad
            else [beta * si + (1 - beta) * gi * gi for si, gi in zip(s, g, strict=True)]
        )
        nw = []
        for wi, gi, si in zip(w, g, ns, strict=True):
            den = _root(si, eps, inside)
            nw.append(wi - lr * gi / den if den > 0 else wi)
        if n == 1:
            if adagrad:
                s_, g_ = operands([s[0], g[0]], lambda a: a[0] + a[1] ** 2, ns[0])
                stext = f"s = {s_} + {paren(g_)}² = {fv(ns[0])}"
            else:
                s_, g_ = operands([s[0], g[0]], lambda a: beta * a[0] + (1 - beta) * a[1] ** 2, ns[0])
                stext = f"s = {fv(beta)}·{paren(s_)} + {fv(1 - beta)}·{paren(g_)}² = {fv(ns[0])}"
            w_, g2_, ns_ = operands(
                [w[0], g[0], ns[0]], lambda a: a[0] - lr * a[1] / _root(a[2], eps, inside) if a[2] > 0 else a[0], nw[0]
            )
            dtext = f"√({ns_} + ε)" if inside else f"(√{ns_} + ε)"
            text = f"g = {fv(g[0])}; {stext}; w = {w_} − {fv(lr)}·{paren(g2_)}/{dtext} = {fv(nw[0])}"
        else:
            stext = (
                f"s = {_show(s)} + {_showp(g)}² = {_show(ns)}"
                if adagrad
                else f"s = {fv(beta)}·{_show(s)} + {fv(1 - beta)}·{_showp(g)}² = {_show(ns)}"
            )
            dtext = f"√({_show(ns)} + ε)" if inside else f"(√{_show(ns)} + ε)"
            text = f"g = {_show(g)}; {stext}; w = {_show(w)} − {fv(lr)}·{_showp(g)}/{dtext} = {_show(nw)}"
        steps.append(Step(lazy("Step {n}", n=t), text, _one(nw), key=f"w{t}"))
        values.update({f"g{t}": _one(g), f"s{t}": _one(ns), f"w{t}": _one(nw)})
        s, w = ns, nw
        ws.append(_one(w))
        gs.append(_one(g))
    values.update({"s_k": _one(s), "w_k": _one(w), "ws": ws, "gs": gs})
    if adagrad and inside:
        conv = N_("AdaGrad: s = s + g², w = w − αg/√(s + ε) (element-wise)")
    elif adagrad:
        conv = N_("AdaGrad: s = s + g², w = w − αg/(√s + ε) (element-wise)")
    elif not inside:
        conv = N_("RMSprop: s = βs + (1 − β)g², w = w − αg/(√s + ε); the notes omit ε (erratum)")
    else:
        conv = N_("RMSprop with ε inside the root: w = w − αg/√(s + ε)")
    return Out(steps, _one(w), values, conv)


@register(
    "opt.adagrad",
    "opt.rmsprop",
    "AdaGrad step by step",
    [*_OPT_COMMON, _EPS, _INSIDE, _K, _S0],
    ["s_k", "w_k", "ws", "gs", "g1", "s1", "w1"],
    draw=lambda d: {**_draw_opt(d, {}, 3, typed=True), "eps_inside": d.pick("eps_inside", [False, False, True])},
    prepare=_prepare_opt,
)
def _adagrad(p: Params) -> Out:
    return _run_scaled(p, "opt.adagrad", adagrad=True)


@register(
    "opt.rmsprop",
    "opt.rmsprop",
    "RMSprop step by step",
    [*_OPT_COMMON, ParamSpec("beta", "β", 0.999, "float", min=0, max=0.9999), _EPS, _INSIDE, _K, _S0],
    ["s_k", "w_k", "ws", "gs", "g1", "s1", "w1"],
    draw=lambda d: _draw_opt(d, {"beta": [0.999, 0.9, 0.99]}, 3),
    prepare=_prepare_opt,
)
def _rmsprop(p: Params) -> Out:
    return _run_scaled(p, "opt.rmsprop", adagrad=False)


@register(
    "opt.adam",
    "opt.adam",
    "Adam with bias correction",
    [
        *_OPT_COMMON,
        ParamSpec("beta1", "β₁", 0.9, "float", min=0, max=0.9999),
        ParamSpec("beta2", "β₂", 0.999, "float", min=0, max=0.99999),
        _EPS,
        ParamSpec("eps_inside", "ε inside the square root", False, "bool"),
        ParamSpec(
            "k",
            "number of steps (1…100)",  # 100 = MAX_STEPS
            1,
            "int",
            min=1,
            max=MAX_STEPS,
            applies="when grads is not given (given gradients fix the number of steps)",
        ),
        ParamSpec("bias_correction", "divide m and v by 1 − βᵗ (m̂, v̂); false: use m and v as they are", True, "bool"),
        ParamSpec("m0", "starting first moment m₀ (default 0)", None, "floatlist", min=-1e6, max=1e6),
        ParamSpec("v0", "starting second moment v₀ (default 0)", None, "floatlist", min=0, max=1e9),
        ParamSpec(
            "t0",
            "steps taken before these (with m0, v0 of a run in progress): the correction divides by 1 − β^(t0 + t)",
            0,
            "int",
            min=0,
            max=100000,
            applies="with bias_correction=true",
        ),
    ],
    ["m_k", "v_k", "m_hat", "v_hat", "w_k", "ws", "gs", "g1", "m1", "v1", "w1"],
    draw=lambda d: _draw_opt(d, {}, 3),
    prepare=_prepare_opt,
)
def _adam(p: Params) -> Out:
    kind = "opt.adam"
    src = _source(p, kind)
    b1, b2, lr, eps = float(p["beta1"]), float(p["beta2"]), float(p["lr"]), float(p["eps"])
    inside = bool(p["eps_inside"])
    bc = bool(p["bias_correction"])
    t0 = int(p["t0"]) if bc else 0
    w = list(src.w0)
    n = len(w)
    m = _start(p["m0"], n, kind, "m0")
    v = _start(p["v0"], n, kind, "v0")
    mh, vh = list(m), list(v)
    zero = p["m0"] is None and p["v0"] is None and n == 1
    moments = "m₀ = v₀ = 0" if zero else f"m₀ = {_show(m)}, v₀ = {_show(v)}"
    start = f"w₀ = {_show(w)}, {moments}, α = {fv(lr)}, β₁ = {fv(b1)}, β₂ = {fv(b2)}, ε = {fv(eps)}"
    text: str
    if t0:
        text = lazy(
            "{source}; {values}; {t0} steps already taken: the correction uses t₀ + t",
            source=src.source(),
            values=start,
            t0=t0,
        )
    else:
        text = src.start(start)
    steps = [Step("Start", text, _one(w))]
    values: dict[str, Any] = {"w0": _one(w)}
    ws, gs = [_one(w)], []
    for t in range(1, src.k + 1):
        g = src.grad(t, w)
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=True)]
        v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g, strict=True)]
        tt = t0 + t  # the step count of the bias correction
        mh = [mi / (1 - b1**tt) for mi in m] if bc else list(m)
        vh = [vi / (1 - b2**tt) for vi in v] if bc else list(v)
        nw = []
        for wi, mi, vi in zip(w, mh, vh, strict=True):
            den = _root(vi, eps, inside)
            nw.append(wi - lr * mi / den if den > 0 else wi)
        mname, vname = ("m̂", "v̂") if bc else ("m", "v")
        corr = f"m̂ = m/(1 − β₁^{tt}) = {_show(mh)}, v̂ = v/(1 − β₂^{tt}) = {_show(vh)}; " if bc else ""
        if n == 1:
            w_, mh_, vh_ = operands(
                [w[0], mh[0], vh[0]], lambda a: a[0] - lr * a[1] / _root(a[2], eps, inside) if a[2] > 0 else a[0], nw[0]
            )
            dtext = f"√({vh_} + ε)" if inside else f"(√{vh_} + ε)"
            upd = f"w = {w_} − {fv(lr)}·{paren(mh_)}/{dtext} = {fv(nw[0])}"
        else:
            dtext = f"√({vname} + ε)" if inside else f"(√{vname} + ε)"
            upd = f"w = w − α·{mname}/{dtext} = {_show(nw)}"
        steps.append(
            Step(
                lazy("Step {n}", n=t),
                f"g = {_show(g)}; m = {_show(m)}, v = {_show(v)}; {corr}{upd}",
                _one(nw),
                key=f"w{t}",
            )
        )
        values.update({f"g{t}": _one(g), f"m{t}": _one(m), f"v{t}": _one(v), f"w{t}": _one(nw)})
        if bc:
            values.update({f"mhat{t}": _one(mh), f"vhat{t}": _one(vh)})
        w = nw
        ws.append(_one(w))
        gs.append(_one(g))
    if bc and not inside:
        conv = N_(
            "Adam: m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², bias-corrected m̂, v̂; w = w − α m̂/(√v̂ + ε)"
            " (the notes write √s without the correction: an erratum)"
        )
    elif bc:
        conv = N_(
            "Adam: m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², bias-corrected m̂, v̂; w = w − α m̂/√(v̂ + ε)"
            " (the notes write √s without the correction: an erratum)"
        )
    elif not inside:
        conv = N_("Adam without bias correction: m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², w = w − α m/(√v + ε)")
    else:
        conv = N_("Adam without bias correction: m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², w = w − α m/√(v + ε)")
    values.update({"m_k": _one(m), "v_k": _one(v), "m_hat": _one(mh), "v_hat": _one(vh), "w_k": _one(w)})
    values.update({"ws": ws, "gs": gs})
    return Out(steps, _one(w), values, conv)


# --------------------------------------------------------------------------- learning-rate decay

SCHEDULES = ("inverse", "exponential", "sqrt", "sqrt-epoch", "step", "exp")


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
    if schedule == "exp":
        return alpha0 * math.exp(-decay_rate * epoch)
    raise ValueError(schedule)


def _check_decay(p: Params) -> None:
    if p["schedule"] in ("sqrt", "sqrt-epoch") and p["epoch"] < 1:
        raise ParamError(
            lazy("opt.lr-decay: parameter epoch: {epoch} must be ≥ 1 for the k/√t schedule", epoch=p["epoch"])
        )


@register(
    "opt.lr-decay",
    "opt.lr-decay",
    "Learning-rate decay",
    [
        ParamSpec(
            "schedule",
            "inverse α0/(1 + decay·epoch), exponential base^epoch·α0, "
            "sqrt k/√t·α0 (t = iteration), sqrt-epoch k/√epoch·α0, step (halve every drop_every epochs), "
            "exp α0·e^(−decay·epoch) (natural exponential, as in Keras/d2l)",
            "inverse",
            "choice",
            choices=(*SCHEDULES, "discrete"),
        ),
        ParamSpec("alpha0", "initial learning rate α0", 0.2, "float", min=0, max=10),
        ParamSpec(
            "decay_rate",
            "decay rate (inverse, exp)",
            1,
            "float",
            min=0,
            max=100,
            applies="with schedule=inverse or exp",
        ),
        ParamSpec("epoch", "epoch number", 4, "int", min=0, max=1000),
        ParamSpec(
            "k",
            "constant k (sqrt schedules)",
            1,
            "float",
            min=0,
            max=100,
            applies="with schedule=sqrt or sqrt-epoch",
        ),
        ParamSpec(
            "base",
            "base of the exponential schedule (base^epoch·α0; a 'decay rate' of 0.95 there is this base)",
            0.95,
            "float",
            min=0,
            max=1,
            applies="with schedule=exponential",
        ),
        ParamSpec(
            "t",
            "mini-batch (iteration) number for sqrt; default: the epoch",
            None,
            "int",
            min=1,
            applies="with schedule=sqrt",
        ),
        ParamSpec("drop_every", "epochs between drops (step)", 2, "int", min=1, max=100, applies="with schedule=step"),
    ],
    ["alphas"],
    draw=lambda d: {
        "schedule": d.pick("schedule", list(SCHEDULES[:5])),  # the draws of before exp was added
        "alpha0": d.pick("alpha0", [0.1, 0.2, 0.5, 1]),
        "decay_rate": d.pick("decay_rate", [1, 0.5, 2]),
        "epoch": d.int("epoch", 1, 4),
    },
    check=_check_decay,
    prepare=lambda p: {**p, "schedule": "step"} if p["schedule"] == "discrete" else p,
)
def _lr_decay(p: Params) -> Out:
    sch, a0, epoch = p["schedule"], float(p["alpha0"]), int(p["epoch"])
    # read only what this schedule uses: a parameter set for another schedule is refused by name
    dr = float(p["decay_rate"]) if sch in ("inverse", "exp") else 1.0
    k = float(p["k"]) if sch in ("sqrt", "sqrt-epoch") else 1.0
    base = float(p["base"]) if sch == "exponential" else 0.95
    t = p["t"] if sch == "sqrt" else None
    every = int(p["drop_every"]) if sch == "step" else 2
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
        if sch == "exp":
            return f"α0·e^(−decay·epoch) = {fv(a0)}·e^(−{fv(dr)}·{e})"
        return f"α0·{fp(0.5)}^⌊{e}/{every}⌋"

    if sch == "sqrt" and t is not None:
        # t counts mini-batch steps, not epochs: one step at that iteration
        only = k / math.sqrt(t) * a0
        steps = [Step(lazy("Iteration {n}", n=t), f"k/√t·α0 = {fv(k)}/√{t}·{fp(a0)} = {fv(only)}", only)]
        return Out(steps, only, {"alphas": [only]}, _SQRT_T)
    epochs = range(first, max(epoch, first) + 1)
    alphas = [alpha(e) for e in epochs]
    steps = [
        Step(f"t = {e}" if sch == "sqrt" else lazy("Epoch {n}", n=e), f"{text(e)} = {fv(alpha(e))}", alpha(e))
        for e in epochs
    ]
    return Out(steps, alpha(epoch), {"alphas": alphas}, _SQRT_T if sch == "sqrt" else "")


_SQRT_T = N_(
    "t is the mini-batch (iteration) number (the notes on Andrew Ng's course call it the sample count: an erratum)"
)


@register(
    "opt.minibatch",
    "opt.minibatch",
    "Iterations per epoch of mini-batch GD",
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
            lazy("the last mini-batch holds {last} samples", last=last)
            if last != b
            else N_("every mini-batch is full"),
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


def _rel_error(num: list[float], exact: list[float]) -> float:
    """‖num − exact‖₂ / (‖num‖₂ + ‖exact‖₂) (course notes), 0 when both are 0."""
    diff = math.sqrt(sum((a - b) ** 2 for a, b in zip(num, exact, strict=True)))
    den = math.sqrt(sum(a * a for a in num)) + math.sqrt(sum(b * b for b in exact))
    return diff / den if den > 0 else 0.0


def _verdict(rel: float) -> Lazy:
    if rel < 1e-7:
        return lazy("relative error below 1e-7: the gradient is right")
    if rel < 1e-5:
        return lazy("relative error below 1e-5: probably right (look again if it is near 1e-5)")
    if rel < 1e-3:
        return lazy("relative error between 1e-5 and 1e-3: suspicious; check the gradient")
    return lazy("relative error above 1e-3: the gradient is very likely wrong")


def _check_gradcheck(p: Params) -> None:
    if str(p["f"]).strip() not in GRADCHECK_FNS:
        compile_formula(str(p["f"]), lazy("{kind}: parameter {name}", kind="gradcheck", name="f"))


@register(
    "gradcheck",
    "gradcheck",
    "Numerical gradient: one-sided vs two-sided",
    [
        ParamSpec(
            "theta",
            "the point θ: one number, or one per variable of f in the order x, y, … (w₁, w₂, …)",
            1,
            "floatlist",
            min=-100,
            max=100,
            applies="when at is not given",
        ),
        ParamSpec("eps", "ε, the step of the differences", 0.01, "float", min=1e-8, max=1),
        ParamSpec(
            "f",
            "a preset: cube (θ³), square (θ²), exp (e^θ), sin (sin θ), sigmoid (σ(θ)); "  # the GRADCHECK_FNS
            "or any function typed in dlquiz's math syntax, e.g. 'theta^3', 'x^2*y + exp(y)'",
            "cube",
            "str",
        ),
        ParamSpec(
            "at",
            "the point written by name, 'x=1, y=2' (instead of theta; for a typed f)",
            None,
            "str",
        ),
        ParamSpec(
            "sided",
            "both: show both differences, answer the two-sided; one or two: only that difference (and its answer)",
            "both",
            "choice",
            choices=("both", "one", "two"),
        ),
    ],
    ["one_sided", "two_sided", "exact", "err_one", "err_two", "rel_error"],
    draw=lambda d: {
        "theta": d.pick("theta", [1, 2, 0.5, -1, 1.5]),
        "eps": d.pick("eps", [0.01, 0.1, 0.001]),
        "f": d.pick("f", ["cube", "cube", "square", "exp"]),
    },
    check=_check_gradcheck,
    prepare=lambda p: _scalar_if_one(p, "theta"),
)
def _gradcheck(p: Params) -> Out:
    kind = "gradcheck"
    eps = float(p["eps"])
    sided = p["sided"]
    fname = str(p["f"]).strip()
    labels: list[str]
    if fname in GRADCHECK_FNS:
        if p["at"] is not None:
            raise ParamError(
                lazy(
                    "{kind}: parameter at: the preset {fname} is a function of θ; give the point as theta",
                    kind=kind,
                    fname=fname,
                )
            )
        point = _vec(p["theta"])
        label, f1, df1 = GRADCHECK_FNS[fname]
        if len(point) != 1:
            raise ParamError(
                lazy(
                    "{kind}: parameter theta: {fname} is a function of one θ, got {n} values",
                    kind=kind,
                    fname=fname,
                    n=len(point),
                )
            )

        def f(x: list[float]) -> float:
            return f1(x[0])

        def grad(x: list[float]) -> list[float]:
            return [df1(x[0])]

        labels = ["θ"]
    else:
        from dlquiz.worked.graph import _Domain

        prog = compile_formula(fname, lazy("{kind}: parameter {name}", kind=kind, name="f"))
        names = list(prog.variables)
        if not names:
            raise ParamError(lazy("{kind}: parameter f: {text} has no variable", kind=kind, text=repr(fname)))
        if p["at"] is not None:
            from dlquiz.worked.graph import read_point

            given = read_point(str(p["at"]), prog, lazy("{kind}: parameter {name}", kind=kind, name="at"))
            point = [given[v] for v in names]
        else:
            point = _vec(p["theta"])
        if len(point) == 1 and len(names) > 1:
            point = point * len(names)
        if len(point) != len(names):
            raise ParamError(
                lazy(
                    "{kind}: parameter theta: f has {n} variables ({names}) but theta has {m} values",
                    kind=kind,
                    n=len(names),
                    names=", ".join(prog.label(v) for v in names),
                    m=len(point),
                )
            )

        def f(x: list[float]) -> float:
            try:
                return prog.value(dict(zip(names, x, strict=True)))
            except _Domain as exc:
                raise ParamError(lazy("{where}: {error}", where=kind, error=_reason(exc))) from None

        def grad(x: list[float]) -> list[float]:
            try:
                _, g = prog.gradient(dict(zip(names, x, strict=True)))
            except _Domain as exc:
                raise ParamError(lazy("{where}: {error}", where=kind, error=_reason(exc))) from None
            return [g[v] for v in names]

        labels = [prog.label(v) for v in names]
    exact = grad(point)
    mid = f(point)
    ones: list[float] = []
    twos: list[float] = []
    steps: list[Step] = []
    err_ones: list[float] = []
    err_twos: list[float] = []
    for j, lab in enumerate(labels):
        up = list(point)
        up[j] += eps
        dn = list(point)
        dn[j] -= eps
        hi, lo = f(up), f(dn)
        one = (hi - mid) / eps
        two = (hi - lo) / (2 * eps)
        # rounding noise of the differences (≈ 1e-15) is no error of the method: shown as 0
        noise = 1e-9 * max(1.0, abs(exact[j]))
        err_one = abs(one - exact[j]) if abs(one - exact[j]) > noise else 0.0
        err_two = abs(two - exact[j]) if abs(two - exact[j]) > noise else 0.0
        # the operands nearly cancel: show as many decimals as the shown quotient needs
        k = max(
            operand_decimals([hi, mid], lambda v: (v[0] - v[1]) / eps, one),
            operand_decimals([hi, lo], lambda v: (v[0] - v[1]) / (2 * eps), two),
        )

        def op(x: float, k: int = k) -> str:
            s = fixed(x, k)
            return f"({s})" if s.startswith("-") else s

        if len(labels) == 1:
            arg_up, arg, arg_dn, tag = "θ + ε", "θ", "θ − ε", ""
        else:
            arg_up, arg, arg_dn, tag = f"θ + ε·e_{lab}", "θ", f"θ − ε·e_{lab}", f"∂f/∂{lab}: "
        if sided in ("both", "one"):
            steps.append(
                Step(
                    "One-sided",
                    f"{tag}(f({arg_up}) − f({arg}))/ε = ({fixed(hi, k)} − {op(mid)})/{fv(eps)} = {fv(one)}",
                    one,
                    lazy("error {err}: O(ε)", err=fv(err_one)),
                )
            )
        if sided in ("both", "two"):
            steps.append(
                Step(
                    "Two-sided",
                    f"{tag}(f({arg_up}) − f({arg_dn}))/(2ε) = ({fixed(hi, k)} − {op(lo)})/{fv(2 * eps)} = {fv(two)}",
                    two,
                    lazy("error {err}: O(ε²)", err=fv(err_two)),
                )
            )
        ones.append(one)
        twos.append(two)
        err_ones.append(err_one)
        err_twos.append(err_two)
    exact_value: Any = exact[0] if len(labels) == 1 else exact
    if fname in GRADCHECK_FNS:
        exact_text = lazy(
            "f′(θ) for f = {f} at θ = {theta}: {value}",
            f=GRADCHECK_FNS[fname][0],
            theta=fv(point[0]),
            value=fv(exact_value),
        )
    else:
        exact_text = lazy(
            "analytic gradient of f = {f} (backprop on its graph), point {point}: {value}",
            f=describe(prog, prog.root, {}),
            point=", ".join(f"{lab} = {fv(x)}" for lab, x in zip(labels, point, strict=True)),
            value=fv(exact_value),
        )
    steps.append(Step("Exact", exact_text, exact_value))
    used = ones if sided == "one" else twos
    rel = _rel_error(used, exact)
    steps.append(
        Step(
            "Relative error",
            f"‖d − g‖/(‖d‖ + ‖g‖) = {fv(rel)}",
            rel,
            lazy("d = the one-sided difference, g = the exact gradient; {verdict}", verdict=_verdict(rel))
            if sided == "one"
            else lazy("d = the two-sided difference, g = the exact gradient; {verdict}", verdict=_verdict(rel)),
            key="rel_error",
        )
    )

    def one_or_list(xs: list[float]) -> Any:
        return xs[0] if len(xs) == 1 else xs

    values = {
        "one_sided": one_or_list(ones),
        "two_sided": one_or_list(twos),
        "exact": one_or_list(exact),
        "err_one": one_or_list(err_ones),
        "err_two": one_or_list(err_twos),
        "rel_error": rel,
    }
    return Out(steps, one_or_list(used), values)

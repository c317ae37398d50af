"""One LSTM step from given gate values: the exam question that prints f, i, c̃, o and cₜ₋₁ (no weights).

cₜ = f ⊙ cₜ₋₁ + i ⊙ c̃ₜ, hₜ = o ⊙ tanh(cₜ); with an upstream ∂L/∂hₜ, the gradients of the gate values,
of cₜ₋₁ and of the gates' pre-activations a_g (f = σ(a_f), i = σ(a_i), c̃ = tanh(a_c), o = σ(a_o)).
With xₜ and hₜ₋₁ also given, the weight gradients in note 000's letters (a_g = W_g·hₜ₋₁ + U_g·xₜ + b_g):
dW_g = ∂L/∂a_g·hₜ₋₁ᵀ, dU_g = ∂L/∂a_g·xₜᵀ, db_g = ∂L/∂a_g. The weights themselves are not given, so
∂L/∂hₜ₋₁ and ∂L/∂xₜ (which need W_g and U_g) are not computed: use lstm.step for those.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, Lazy, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, fv, paren, register
from dlquiz.worked._nets import mat_value

KIND = "lstm.cell"
_GATE_NAMES = ("f", "i", "c_tilde", "o")
_PRE = ("f", "i", "c", "o")  # the gates' letters in a_g, W_g, U_g, b_g (c: the candidate c̃, as lstm.step)
MAX_X = 8


def _vec(p: Params, name: str) -> np.ndarray:
    return np.atleast_1d(np.asarray(p[name], dtype=float)).reshape(-1)


def _out(a: np.ndarray) -> Any:
    """A vector as a list, one unit as a plain number (as the exam prints it)."""
    return float(a[0]) if a.size == 1 else [float(v) for v in a]


def _listed(parts: list[Lazy]) -> Lazy:
    """Parts of a message joined by commas, as one message (each part translated)."""
    out = parts[0]
    for part in parts[1:]:
        out = lazy("{items}, {item}", items=out, item=part)
    return out


def _check(p: Params) -> None:
    sizes = {name: _vec(p, name).size for name in (*_GATE_NAMES, "c_prev") if p[name] is not None}
    sizes.update({name: _vec(p, name).size for name in ("dh", "dc") if p[name] is not None})
    n = max(sizes.values())
    wrong = [lazy("{name} has {n}", name=k, n=v) for k, v in sizes.items() if v not in (1, n)]
    if wrong:
        raise ParamError(
            lazy(
                "{kind}: every vector needs n_h = {n} numbers (one per unit), but {wrong}",
                kind=KIND,
                n=n,
                wrong=_listed(wrong),
            )
        )
    for name in ("f", "i", "o"):
        v = _vec(p, name)
        if np.any((v < 0) | (v > 1)):
            raise ParamError(
                lazy(
                    "{kind}: parameter {name}: a sigmoid gate lies in [0, 1], got {value}",
                    kind=KIND,
                    name=name,
                    value=fv(_out(v)),
                )
            )
    ct = _vec(p, "c_tilde")
    if np.any(np.abs(ct) > 1):
        raise ParamError(
            lazy(
                "{kind}: parameter {name}: a tanh candidate lies in [−1, 1], got {value}",
                kind=KIND,
                name="c_tilde",
                value=fv(_out(ct)),
            )
        )
    if p["dc"] is not None and p["dh"] is None:
        raise ParamError(
            lazy(
                "{kind}: parameter dc (∂L/∂cₜ from the next step) needs dh (∂L/∂hₜ) for a backward pass",
                kind=KIND,
            )
        )


def _draw(d: Draw) -> Params:
    return {
        "f": d.pick("f", [0.2, 0.5, 0.8, 0.9]),
        "i": d.pick("i", [0.1, 0.4, 0.5, 0.7]),
        "c_tilde": d.pick("c_tilde", [-0.6, -0.3, 0.4, 0.6]),
        "o": d.pick("o", [0.3, 0.6, 0.9]),
        "c_prev": d.pick("c_prev", [-1, 0.5, 1, 2]),
    }


@register(
    "lstm.cell",  # a literal: the kind index finds it without importing every module
    "lstm.gates",
    "One LSTM step from given gate values",
    [
        ParamSpec(
            "f",
            "forget gate fₜ (a number or one per unit)",
            0.8,
            "tensor",
            rank=(0, 1),
        ),
        ParamSpec("i", "input gate iₜ", 0.5, "tensor", rank=(0, 1)),
        ParamSpec("c_tilde", "candidate c̃ₜ (also written gₜ)", 0.6, "tensor", rank=(0, 1)),
        ParamSpec("o", "output gate oₜ", 0.9, "tensor", rank=(0, 1)),
        ParamSpec("c_prev", "previous cell state cₜ₋₁", 0.4, "tensor", rank=(0, 1)),
        ParamSpec(
            "dh",
            "upstream ∂L/∂hₜ for a backward pass (default: none, forward only)",
            None,
            "tensor",
            rank=(0, 1),
        ),
        ParamSpec(
            "dc",
            "∂L/∂cₜ from the next step (default 0; with dh)",
            None,
            "tensor",
            rank=(0, 1),
        ),
        ParamSpec(
            "h_prev",
            "hₜ₋₁ (n_h numbers; with dh): gives dW_g = ∂L/∂a_g·hₜ₋₁ᵀ (W_g multiplies hₜ₋₁)",
            None,
            "tensor",
            rank=(0, 1),
            applies="with dh",
        ),
        ParamSpec(
            "x",
            "input xₜ (n_x numbers; with dh): gives dU_g = ∂L/∂a_g·xₜᵀ (U_g multiplies xₜ)",
            None,
            "tensor",
            rank=(0, 1),
            applies="with dh",
        ),
    ],
    [
        "c",
        "tanh_c",
        "h",
        "fc_prev",
        "ic_tilde",
        "dc_total",
        "do",
        "df",
        "di",
        "dc_tilde",
        "dc_prev",
        *(f"da_{g}" for g in _PRE),
        *(f"{m}_{g}" for m in ("dW", "dU", "db") for g in _PRE),
    ],
    draw=_draw,
    check=_check,
)
def _cell(p: Params) -> Out:
    f, i, ct, o, cp = (_vec(p, k) for k in (*_GATE_NAMES, "c_prev"))
    n = max(v.size for v in (f, i, ct, o, cp))
    f, i, ct, o, cp = (np.broadcast_to(v, (n,)) for v in (f, i, ct, o, cp))
    keep, add = f * cp, i * ct
    c = keep + add
    tc = np.tanh(c)
    h = o * tc
    steps = [
        Step("Keep", f"f ⊙ cₜ₋₁ = {fv(_out(f))} ⊙ {paren(fv(_out(cp)))} = {fv(_out(keep))}", _out(keep), key="fc_prev"),
        Step("Write", f"i ⊙ c̃ = {fv(_out(i))} ⊙ {paren(fv(_out(ct)))} = {fv(_out(add))}", _out(add), key="ic_tilde"),
        Step(
            "Cell state",
            f"cₜ = f ⊙ cₜ₋₁ + i ⊙ c̃ = {fv(_out(keep))} + {paren(fv(_out(add)))} = {fv(_out(c))}",
            _out(c),
            key="c",
        ),
        Step(_TANH_C, f"tanh({fv(_out(c))}) = {fv(_out(tc))}", _out(tc), key="tanh_c"),
        Step("Hidden state", f"hₜ = o ⊙ tanh(cₜ) = {fv(_out(o))} ⊙ {fv(_out(tc))} = {fv(_out(h))}", _out(h), key="h"),
    ]
    values: dict[str, Any] = {}
    if p["dh"] is not None:
        dh = np.broadcast_to(_vec(p, "dh"), (n,))
        dc_next = np.broadcast_to(_vec(p, "dc"), (n,)) if p["dc"] is not None else np.zeros(n)
        dct = dh * o * (1 - tc**2) + dc_next
        grads = {
            "do": dh * tc,
            "df": dct * cp,
            "di": dct * ct,
            "dc_tilde": dct * i,
            "dc_prev": dct * f,
        }
        extra = f" + {fv(_out(dc_next))}" if p["dc"] is not None else ""
        steps.append(
            Step("dc", f"∂L/∂cₜ = ∂L/∂hₜ ⊙ o ⊙ (1 − tanh²cₜ){extra} = {fv(_out(dct))}", _out(dct), key="dc_total")
        )
        steps.append(Step("do", f"∂L/∂o = ∂L/∂hₜ ⊙ tanh(cₜ) = {fv(_out(grads['do']))}", _out(grads["do"]), key="do"))
        steps.append(Step("df", f"∂L/∂f = ∂L/∂cₜ ⊙ cₜ₋₁ = {fv(_out(grads['df']))}", _out(grads["df"]), key="df"))
        steps.append(Step("di", f"∂L/∂i = ∂L/∂cₜ ⊙ c̃ = {fv(_out(grads['di']))}", _out(grads["di"]), key="di"))
        steps.append(
            Step("dc̃", f"∂L/∂c̃ = ∂L/∂cₜ ⊙ i = {fv(_out(grads['dc_tilde']))}", _out(grads["dc_tilde"]), key="dc_tilde")
        )
        steps.append(
            Step(
                "dcₜ₋₁", f"∂L/∂cₜ₋₁ = ∂L/∂cₜ ⊙ f = {fv(_out(grads['dc_prev']))}", _out(grads["dc_prev"]), key="dc_prev"
            )
        )
        da = {
            "f": grads["df"] * f * (1 - f),
            "i": grads["di"] * i * (1 - i),
            "c": grads["dc_tilde"] * (1 - ct**2),
            "o": grads["do"] * o * (1 - o),
        }
        local = {"f": ("f", "f(1 − f)"), "i": ("i", "i(1 − i)"), "c": ("c̃", "(1 − c̃²)"), "o": ("o", "o(1 − o)")}
        for g in _PRE:
            gate, deriv = local[g]
            steps.append(
                Step(f"da_{g}", f"∂L/∂a_{g} = ∂L/∂{gate} ⊙ {deriv} = {fv(_out(da[g]))}", _out(da[g]), key=f"da_{g}")
            )
        steps += _weight_steps(p, n, da)
    return Out(steps, None, values, _CONV if p["dh"] is None else _CONV_BACK, asked="h")


_CONV = N_("cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ c̃ₜ, hₜ = oₜ ⊙ tanh(cₜ); the gate values are given (no weights)")
_CONV_BACK = N_(
    "cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ c̃ₜ, hₜ = oₜ ⊙ tanh(cₜ); the gate values are given (no weights); "
    "a_g = W_g·hₜ₋₁ + U_g·xₜ + b_g is the pre-activation of gate g (the notes on Qiu's textbook: W multiplies hₜ₋₁, "
    "U multiplies xₜ; c is the candidate c̃): dW_g = ∂L/∂a_g·hₜ₋₁ᵀ, dU_g = ∂L/∂a_g·xₜᵀ, db_g = ∂L/∂a_g"
)
# step names that are symbols (the same in Chinese), not catalog messages
_TANH_C = "tanh(cₜ)"


def _eq(m: np.ndarray) -> str:
    """ " = value" after a formula when the result is one number (a matrix is shown as a table below it)."""
    return f" = {fv(float(m.ravel()[0]))}" if m.size == 1 else ""


def _weight_steps(p: Params, n: int, da: dict[str, np.ndarray]) -> list[Step]:
    """dW_g = ∂L/∂a_g·hₜ₋₁ᵀ (with h_prev), dU_g = ∂L/∂a_g·xₜᵀ (with x), db_g = ∂L/∂a_g (with either)."""
    steps: list[Step] = []
    hp = x = None
    if p["h_prev"] is not None:
        hp = _vec(p, "h_prev")
        if hp.size not in (1, n):
            raise ParamError(
                lazy(
                    "{kind}: parameter h_prev has {size} numbers but the gates have n_h = {n}: h_prev needs {n}",
                    kind=KIND,
                    size=hp.size,
                    n=n,
                )
            )
        hp = np.broadcast_to(hp, (n,))
    if p["x"] is not None:
        x = _vec(p, "x")
        if x.size > MAX_X:
            raise ParamError(
                lazy(
                    "{kind}: parameter x has {size} numbers: too many to work by hand (at most {max})",
                    kind=KIND,
                    size=x.size,
                    max=MAX_X,
                )
            )
    for g in _PRE:
        col = da[g].reshape(-1, 1)
        if hp is not None:
            dw = col @ hp.reshape(1, -1)
            steps.append(Step(f"dW_{g}", f"dW_{g} = ∂L/∂a_{g}·hₜ₋₁ᵀ{_eq(dw)}", mat_value(dw), key=f"dW_{g}"))
        if x is not None:
            du = col @ x.reshape(1, -1)
            steps.append(Step(f"dU_{g}", f"dU_{g} = ∂L/∂a_{g}·xₜᵀ{_eq(du)}", mat_value(du), key=f"dU_{g}"))
        if hp is not None or x is not None:
            steps.append(Step(f"db_{g}", f"db_{g} = ∂L/∂a_{g} = {fv(_out(da[g]))}", _out(da[g]), key=f"db_{g}"))
    return steps

"""One GRU step from given gate values: the exam question that prints r, z, h̃ and hₜ₋₁ (no weights).

hₜ = z ⊙ hₜ₋₁ + (1 − z) ⊙ h̃ₜ (update=z_old, as gru.step's default) or hₜ = (1 − z) ⊙ hₜ₋₁ + z ⊙ h̃ₜ
(update=z_new). With an upstream ∂L/∂hₜ: the gradients of z, h̃ and hₜ₋₁ (its direct path) and the
pre-activation gradients of z and h̃. The reset gate r only acts inside h̃ = tanh(W_h·(r ⊙ hₜ₋₁) + …):
its gradient needs that one matrix W_h, which may be given; the full ∂L/∂hₜ₋₁ through r, z and h̃
needs every weight (use gru.step).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, Lazy, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, count_of, fv, paren, register

KIND = "gru.cell"
_VECTORS = ("r", "z", "h_tilde", "h_prev")


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


def _size(p: Params) -> int:
    return max(_vec(p, name).size for name in (*_VECTORS, "dh") if p[name] is not None)


def _w_h(p: Params, n: int) -> np.ndarray:
    w = np.asarray(p["W_h"], dtype=float)
    if w.ndim < 2:
        w = w.reshape(1, -1) if n == 1 else w
    if w.shape != (n, n):
        shape = lazy("{n} numbers in one row", n=w.size) if w.ndim == 1 else "×".join(str(s) for s in w.shape)
        raise ParamError(
            lazy(
                "{kind}: parameter W_h is {shape} but h_prev has {count} (n_h = {n}):"
                " W_h multiplies r ⊙ hₜ₋₁ and must be {n}×{n}",
                kind=KIND,
                shape=shape,
                count=count_of(n, "number"),
                n=n,
            )
        )
    return w


def _check(p: Params) -> None:
    if p["W_h"] is not None and p["r"] is None:
        raise ParamError(lazy("{kind}: parameter W_h gives ∂L/∂r and needs r (the reset gate's value)", kind=KIND))
    if p["r"] is not None and p["W_h"] is None:
        raise ParamError(
            lazy(
                "{kind}: parameter r has no effect here: r acts only inside h̃ = tanh(W_h·(r ⊙ hₜ₋₁) + …), and h̃ is"
                " given; leave r out, or give W_h and dh for ∂L/∂r",
                kind=KIND,
            )
        )
    sizes = {name: _vec(p, name).size for name in (*_VECTORS, "dh") if p[name] is not None}
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
    for name in ("r", "z"):
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
    ht = _vec(p, "h_tilde")
    if np.any(np.abs(ht) > 1):
        raise ParamError(
            lazy(
                "{kind}: parameter {name}: a tanh candidate lies in [−1, 1], got {value}",
                kind=KIND,
                name="h_tilde",
                value=fv(_out(ht)),
            )
        )
    if p["W_h"] is not None and p["dh"] is None:
        raise ParamError(
            lazy(
                "{kind}: parameter W_h gives the gradient of r and needs dh (∂L/∂hₜ) for a backward pass",
                kind=KIND,
            )
        )


def _draw(d: Draw) -> Params:
    return {
        "z": d.pick("z", [0.1, 0.3, 0.6, 0.8]),
        "h_tilde": d.pick("h_tilde", [-0.6, -0.2, 0.4, 0.7]),
        "h_prev": d.pick("h_prev", [-1, 0.5, 1, 0.2]),
    }


@register(
    "gru.cell",  # a literal: the kind index finds it without importing every module
    "lstm.variants",
    "One GRU step from given gate values",
    [
        ParamSpec(
            "r",
            "reset gate rₜ (a number or one per unit)",
            None,
            "tensor",
            rank=(0, 1),
            applies="with W_h and dh",
        ),
        ParamSpec("z", "update gate zₜ", 0.4, "tensor", rank=(0, 1)),
        ParamSpec("h_tilde", "candidate h̃ₜ", 0.6, "tensor", rank=(0, 1)),
        ParamSpec("h_prev", "previous hidden state hₜ₋₁", 0.2, "tensor", rank=(0, 1)),
        ParamSpec(
            "update",
            "z_old: hₜ = z ⊙ hₜ₋₁ + (1 − z) ⊙ h̃ₜ (Qiu, Cho et al. 2014, PyTorch); "
            "z_new: hₜ = (1 − z) ⊙ hₜ₋₁ + z ⊙ h̃ₜ (Chung et al. 2014, some courses)",
            "z_old",
            "choice",
            choices=("z_old", "z_new"),
        ),
        ParamSpec(
            "dh",
            "upstream ∂L/∂hₜ for a backward pass (default: none, forward only)",
            None,
            "tensor",
            rank=(0, 1),
        ),
        ParamSpec(
            "W_h",
            "the candidate's matrix of r ⊙ hₜ₋₁ (n_h × n_h; h̃ = tanh(W_h·(r ⊙ hₜ₋₁) + …)): gives ∂L/∂r (with dh)",
            None,
            "tensor",
            rank=(0, 1, 2),
        ),
    ],
    ["h", "z_h_prev", "z_h_tilde", "dz", "dh_tilde", "dh_prev", "da_z", "da_h", "dr", "da_r"],
    draw=_draw,
    check=_check,
)
def _cell(p: Params) -> Out:
    n = _size(p)
    z, ht, hp = (np.broadcast_to(_vec(p, k), (n,)) for k in ("z", "h_tilde", "h_prev"))
    z_old = p["update"] == "z_old"
    keep_w, take_w = (z, 1 - z) if z_old else (1 - z, z)
    keep, take = keep_w * hp, take_w * ht
    h = keep + take
    kw, tw = ("z", "(1 − z)") if z_old else ("(1 − z)", "z")
    steps = [
        Step(
            "Keep",
            f"{kw} ⊙ hₜ₋₁ = {fv(_out(keep_w))} ⊙ {paren(fv(_out(hp)))} = {fv(_out(keep))}",
            _out(keep),
            key="z_h_prev",
        ),
        Step(
            "Write",
            f"{tw} ⊙ h̃ = {fv(_out(take_w))} ⊙ {paren(fv(_out(ht)))} = {fv(_out(take))}",
            _out(take),
            key="z_h_tilde",
        ),
        Step(
            "Hidden state",
            f"hₜ = {kw} ⊙ hₜ₋₁ + {tw} ⊙ h̃ = {fv(_out(keep))} + {paren(fv(_out(take)))} = {fv(_out(h))}",
            _out(h),
            key="h",
        ),
    ]
    if p["dh"] is not None:
        dh = np.broadcast_to(_vec(p, "dh"), (n,))
        dz = dh * (hp - ht) if z_old else dh * (ht - hp)
        dht, dhp = dh * take_w, dh * keep_w
        da_z, da_h = dz * z * (1 - z), dht * (1 - ht**2)
        dz_text = "∂L/∂hₜ ⊙ (hₜ₋₁ − h̃)" if z_old else "∂L/∂hₜ ⊙ (h̃ − hₜ₋₁)"
        steps += [
            Step("dz", f"∂L/∂z = {dz_text} = {fv(_out(dz))}", _out(dz), key="dz"),
            Step("dh̃", f"∂L/∂h̃ = ∂L/∂hₜ ⊙ {tw} = {fv(_out(dht))}", _out(dht), key="dh_tilde"),
            Step(
                "dhₜ₋₁",
                f"∂L/∂hₜ₋₁ = ∂L/∂hₜ ⊙ {kw} = {fv(_out(dhp))}",
                _out(dhp),
                "the direct path only: the paths through r, z and h̃ need the weights (gru.step)",
                key="dh_prev",
            ),
            Step("da_z", f"∂L/∂a_z = ∂L/∂z ⊙ z(1 − z) = {fv(_out(da_z))}", _out(da_z), key="da_z"),
            Step("da_h", f"∂L/∂a_h = ∂L/∂h̃ ⊙ (1 − h̃²) = {fv(_out(da_h))}", _out(da_h), key="da_h"),
        ]
        if p["W_h"] is not None:
            r = np.broadcast_to(_vec(p, "r"), (n,))
            w = _w_h(p, n)
            d_rh = w.T @ da_h
            dr = d_rh * hp
            da_r = dr * r * (1 - r)
            steps += [
                Step(
                    "dr",
                    f"∂L/∂r = (W_hᵀ·∂L/∂a_h) ⊙ hₜ₋₁ = {fv(_out(d_rh))} ⊙ {paren(fv(_out(hp)))} = {fv(_out(dr))}",
                    _out(dr),
                    "r acts only inside h̃ = tanh(W_h·(r ⊙ hₜ₋₁) + …)",
                    key="dr",
                ),
                Step("da_r", f"∂L/∂a_r = ∂L/∂r ⊙ r(1 − r) = {fv(_out(da_r))}", _out(da_r), key="da_r"),
            ]
    return Out(steps, None, {}, _CONVENTION[z_old], asked="h")


_CONVENTION = {
    True: N_(
        "hₜ = z ⊙ hₜ₋₁ + (1 − z) ⊙ h̃ₜ; the gate values are given (no weights); "
        "a_z, a_h are the pre-activations of z and h̃"
    ),
    False: N_(
        "hₜ = (1 − z) ⊙ hₜ₋₁ + z ⊙ h̃ₜ; the gate values are given (no weights); "
        "a_z, a_h are the pre-activations of z and h̃"
    ),
}

"""Gated recurrent cells: one LSTM step, one GRU step (forward and backward), and parameter counts of
recurrent layers (RNN, LSTM, GRU; stacked, bidirectional, one or two biases per gate).

Size: the LSTM and GRU steps share the gate helpers, the update and reset conventions and their
step text in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, Lazy, lazy
from dlquiz.worked import _nets
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, count_of, fp, fv, operands, paren, register

GATES = ("f", "i", "c", "o")
_LSTM_DEFAULT: list[list[Any]] = [[0.5, 1, 0], [0.5, 1, 0], [1, 1, 0], [0.5, 1, 0]]
MAX_SIZE = 8


def _sig(z: Any) -> Any:
    return 1 / (1 + np.exp(-z))


# --------------------------------------------------------------------------- per-gate weights


class Cell:
    """x, h_prev and the per-gate matrices of a gated cell, every shape checked.

    `rec` is the letter of the matrices that multiply hₜ₋₁ (W in note 000, U in Qiu's book); the
    other letter multiplies xₜ. `R[g]` (n_h × n_h), `A[g]` (n_h × n_x) and `b[g]` (n_h × 1) hold gate g.
    """

    def __init__(self, kind: str, p: Params, gates: tuple[str, ...]) -> None:
        self.kind = kind
        self.rec = p["recurrent"]
        self.inp = "U" if self.rec == "W" else "W"
        self.x = _nets.column(kind, "x", p["x"])
        self.h_prev = _nets.column(kind, "h_prev", p["h_prev"])
        n_x, n_h = self.x.shape[0], self.h_prev.shape[0]
        self.n_x, self.n_h = n_x, n_h
        self.R: dict[str, np.ndarray] = {}
        self.A: dict[str, np.ndarray] = {}
        self.b: dict[str, np.ndarray] = {}
        for g in gates:
            r_name, a_name, b_name = f"{self.rec}_{g}", f"{self.inp}_{g}", f"b_{g}"
            r = _nets.oriented(
                kind, r_name, p[r_name], n_h, n_h, lazy("h_prev has {count}", count=count_of(n_h, "number"))
            )
            if r.shape != (n_h, n_h):
                raise ParamError(
                    lazy(
                        "{kind}: parameter {name} is {shape} but h_prev has {count} (n_h = {n_h}):"
                        " {name} multiplies hₜ₋₁ and must be {n_h}×{n_h}",
                        kind=kind,
                        name=r_name,
                        shape=_nets.shape_text(r.shape),
                        count=count_of(n_h, "number"),
                        n_h=n_h,
                    )
                )
            a = _nets.oriented(
                kind,
                a_name,
                p[a_name],
                n_h,
                n_x,
                lazy("x has {count} and h_prev {n_h}", count=count_of(n_x, "number"), n_h=n_h),
            )
            if a.shape != (n_h, n_x):
                raise ParamError(
                    lazy(
                        "{kind}: parameter {name} is {shape} but x has {count} and h_prev {n_h}:"
                        " {name} multiplies xₜ and must be {n_h}×{n_x}",
                        kind=kind,
                        name=a_name,
                        shape=_nets.shape_text(a.shape),
                        count=count_of(n_x, "number"),
                        n_h=n_h,
                        n_x=n_x,
                    )
                )
            if p[b_name] is None:
                b = np.zeros((n_h, 1))
            else:
                b = _nets.column(kind, b_name, p[b_name])
                if b.shape[0] != n_h:
                    raise ParamError(_too_few(kind, b_name, b.shape[0], n_h))
            self.R[g], self.A[g], self.b[g] = r, a, b
        if max(n_x, n_h) > MAX_SIZE:
            raise ParamError(
                lazy(
                    "{kind}: n_x = {n_x}, n_h = {n_h} is too big to work by hand (at most {max})",
                    kind=kind,
                    n_x=n_x,
                    n_h=n_h,
                    max=MAX_SIZE,
                )
            )

    def pre(self, g: str, h: np.ndarray | None = None) -> np.ndarray:
        """The pre-activation of gate g: R_g·h + A_g·x + b_g (h defaults to h_prev)."""
        hh = self.h_prev if h is None else h
        out: np.ndarray = self.R[g] @ hh + self.A[g] @ self.x + self.b[g]
        return out

    def column(self, p: Params, name: str, default: float | None) -> np.ndarray:
        """An n_h vector parameter (dh, dc, c_prev, y) with its shape checked; `default` fills it when unset."""
        if p[name] is None:
            return np.full((self.n_h, 1), float(default if default is not None else 0.0))
        col = _nets.column(self.kind, name, p[name])
        if col.shape[0] != self.n_h:
            raise ParamError(_too_few(self.kind, name, col.shape[0], self.n_h))
        return col


def _too_few(kind: str, name: str, size: int, n_h: int) -> Lazy:
    """The message for a vector parameter whose length is not n_h."""
    return lazy(
        "{kind}: parameter {name} has {count} but h_prev has {n_h}: {name} needs {n_h}",
        kind=kind,
        name=name,
        count=count_of(size, "number"),
        n_h=n_h,
    )


def _gate_specs(gates: tuple[str, ...], names: Mapping[str, str]) -> list[ParamSpec]:
    specs = []
    for g in gates:
        specs.append(
            ParamSpec(
                f"W_{g}",
                lazy("{gate}: matrix of hₜ₋₁ (n_h × n_h; of xₜ with recurrent=U)", gate=names[g]),
                None,
                "tensor",
                rank=(0, 1, 2),
                shape="n_h×n_h",
            )
        )
    for g in gates:
        specs.append(
            ParamSpec(
                f"U_{g}",
                lazy("{gate}: matrix of xₜ (n_h × n_x; of hₜ₋₁ with recurrent=U)", gate=names[g]),
                None,
                "tensor",
                rank=(0, 1, 2),
                shape="n_h×n_x",
            )
        )
    for g in gates:
        specs.append(
            ParamSpec(
                f"b_{g}",
                lazy("{gate}: bias, n_h numbers (default 0)", gate=names[g]),
                None,
                "tensor",
                rank=(0, 1),
                shape="n_h",
            )
        )
    return specs


def _upstream(kind: str, cell: Cell, p: Params) -> tuple[np.ndarray, str]:
    """∂L/∂hₜ: given dh (default 1 per unit), or h − y for L = ½‖h − y‖² (returned later, from h)."""
    if p["y"] is not None and p["dh"] is not None:
        raise ParamError(lazy("{kind}: parameters y and dh both set the gradient at hₜ; give one of them", kind=kind))
    if p["y"] is not None:
        return cell.column(p, "y", None), "y"
    return cell.column(p, "dh", 1.0), "dh"


_RECURRENT = ParamSpec(
    "recurrent",
    "the letter of the matrices that multiply hₜ₋₁: W (the notes on Qiu's textbook) or U (Qiu's book)",
    "W",
    "choice",
    choices=("W", "U"),
)


# --------------------------------------------------------------------------- LSTM


def lstm_step(x: float, h_prev: float, c_prev: float, weights: list[list[float]]) -> dict[str, float]:
    """One scalar LSTM step; weights rows [W, U, b] for the gates f, i, c̃, o."""
    pre = {g: weights[k][0] * h_prev + weights[k][1] * x + weights[k][2] for k, g in enumerate(GATES)}
    f, i, o = float(_sig(pre["f"])), float(_sig(pre["i"])), float(_sig(pre["o"]))
    ct = float(np.tanh(pre["c"]))
    c = f * c_prev + i * ct
    h = o * float(np.tanh(c))
    return {"f": f, "i": i, "o": o, "c_tilde": ct, "c": c, "h": h}


def _draw_lstm(d: Draw) -> Params:
    if any(k.startswith(("W_", "U_", "b_")) for k in d.fixed):  # the student's own cell
        return {}
    # redraw until no gate input is 0 and the new cell state is not 0 (no degenerate exam numbers)
    for _ in range(50):
        out = {
            "x": d.pick("x", [1, -1, 0.5, 2]),
            "h_prev": d.pick("h_prev", [0, 0.5, -0.5]),
            "c_prev": d.pick("c_prev", [0, 0.5, 1, -1]),
            "weights": d.value(
                "weights",
                lambda: [
                    [
                        float(d.rng.choice([-1, -0.5, 0.5, 1])),
                        float(d.rng.choice([-1, 0.5, 1, 2])),
                        float(d.rng.choice([0, 0, 1, -1])),
                    ]
                    for _ in range(4)
                ],
            ),
        }
        try:
            x, hp, cp = (float(np.ravel(out[k])[0]) for k in ("x", "h_prev", "c_prev"))
        except (TypeError, ValueError, IndexError):
            return out
        pre = [w * hp + u * x + b for w, u, b in out["weights"]]
        if all(abs(v) > 1e-9 for v in pre) and abs(lstm_step(x, hp, cp, out["weights"])["c"]) > 1e-6:
            return out
    return out


def _lstm_params(p: Params) -> Params:
    """The cell's parameters in the per-gate form: the one-unit `weights` rows spread over W_g, U_g, b_g."""
    gate_keys = [f"{m}_{g}" for m in ("W", "U", "b") for g in GATES]
    q: Params = {k: p[k] for k in (*gate_keys, "x", "h_prev", "recurrent")}
    per_gate = [k for k in gate_keys if q[k] is not None]
    if p["weights"] is not None and per_gate:
        raise ParamError(
            lazy(
                "{kind}: parameter weights (the one-unit form) and {name} (the per-gate form) cannot both be given;"
                " use one form",
                kind="lstm.step",
                name=per_gate[0],
            )
        )
    if not per_gate:
        rows: list[list[Any]] = p["weights"] if p["weights"] is not None else _LSTM_DEFAULT
        if len(rows) != 4 or any(len(r) != 3 for r in rows):
            raise ParamError(
                lazy(
                    "{kind}: parameter weights: need 4 rows (f, i, c̃, o) of 3 numbers W,U,b, got {count}",
                    kind="lstm.step",
                    count=count_of(len(rows), "row"),
                )
            )
        rec = q["recurrent"]
        inp = "U" if rec == "W" else "W"
        for k, g in enumerate(GATES):
            q[f"{rec}_{g}"], q[f"{inp}_{g}"], q[f"b_{g}"] = rows[k][0], rows[k][1], rows[k][2]
    else:
        missing = [f"{m}_{g}" for m in ("W", "U") for g in GATES if q[f"{m}_{g}"] is None]
        if missing:
            raise ParamError(
                lazy(
                    "{kind}: parameter {name} is missing: the per-gate form needs W_f, W_i, W_c, W_o and"
                    " U_f, U_i, U_c, U_o (biases default to 0)",
                    kind="lstm.step",
                    name=missing[0],
                )
            )
    return q


def _prepare_lstm(p: Params) -> Params:
    """No weights at all: the one-unit default of the bank's examples."""
    if p["weights"] is None and all(p[f"{m}_{g}"] is None for m in ("W", "U", "b") for g in GATES):
        return {**p, "weights": _LSTM_DEFAULT}
    return p


_LSTM_NAMES = {"f": lazy("forget gate"), "i": lazy("input gate"), "c": lazy("candidate c̃"), "o": lazy("output gate")}
_LSTM_STEPS = {"f": N_("forget gate f"), "i": N_("input gate i"), "c": N_("candidate c̃"), "o": N_("output gate o")}
# where the letters come from: the recurrent matrix W (note 000's letters) or U (Qiu's book)
_BOOK = {"W": lazy("the notes on Qiu's textbook"), "U": lazy("Qiu's book: U multiplies hₜ₋₁")}
# step names that are symbols (the same in Chinese), not catalog messages
_DC_PREV, _DH_PREV = "dc_prev", "dh_prev"
_GIVEN_DH = N_("∂L/∂hₜ coming back from the loss (given)")


@register(
    "lstm.step",
    "lstm.gates",
    "One LSTM step, forward and backward",
    [
        ParamSpec("x", "input xₜ (n_x numbers)", 1, "tensor", rank=(0, 1), shape="n_x"),
        ParamSpec("h_prev", "hₜ₋₁ (n_h numbers)", 0, "tensor", rank=(0, 1), shape="n_h"),
        ParamSpec("c_prev", "cₜ₋₁ (n_h numbers)", 0.5, "tensor", rank=(0, 1), shape="n_h"),
        ParamSpec(
            "weights",
            "one unit: rows f, i, c̃, o of (weight of hₜ₋₁, weight of xₜ, b), default 0.5,1,0;0.5,1,0;1,1,0;0.5,1,0",
            None,
            "matrix",
            shape="4×3",
        ),
        *_gate_specs(GATES, _LSTM_NAMES),
        ParamSpec("dh", "upstream ∂L/∂hₜ (default 1 per unit)", None, "tensor", rank=(0, 1), shape="n_h"),
        ParamSpec("dc", "upstream ∂L/∂cₜ from the next step (default 0)", None, "tensor", rank=(0, 1), shape="n_h"),
        ParamSpec("y", "instead of dh: a target for L = ½‖hₜ − y‖²", None, "tensor", rank=(0, 1), shape="n_h"),
        _RECURRENT,
    ],
    ["f", "i", "o", "c_tilde", "c", "h", "dc_total", "dc_prev", "dh_prev", "dx"],
    draw=_draw_lstm,
    prepare=_prepare_lstm,
)
def _lstm(p: Params) -> Out:
    kind = "lstm.step"
    cell = Cell(kind, _lstm_params(p), GATES)
    c_prev = cell.column(p, "c_prev", None)
    up, up_kind = _upstream(kind, cell, p)
    dc_next = cell.column(p, "dc", 0.0)
    pre = {g: cell.pre(g) for g in GATES}
    f, i, o = _sig(pre["f"]), _sig(pre["i"]), _sig(pre["o"])
    ct = np.tanh(pre["c"])
    c = f * c_prev + i * ct
    h = o * np.tanh(c)
    vec = _nets.vec_value
    scalar = cell.n_h == 1 and cell.n_x == 1
    rec, inp = cell.rec, cell.inp
    steps: list[Step] = []
    gate_val = {"f": f, "i": i, "c": ct, "o": o}
    for g in GATES:
        fn = "tanh" if g == "c" else "σ"
        key = "c_tilde" if g == "c" else g
        if scalar:
            wg, ug, bg = (float(m[g].ravel()[0]) for m in (cell.R, cell.A, cell.b))
            hp, x = float(cell.h_prev[0, 0]), float(cell.x[0, 0])
            form = (
                f"{fn}({rec}·h + {inp}·x + b) = {fn}({fv(wg)}·{fp(hp)} + {fp(ug)}·{fp(x)} + {fp(bg)}) "
                f"= {fn}({fv(float(pre[g][0, 0]))}) = {fv(float(gate_val[g][0, 0]))}"
            )
        else:
            form = f"{fn}({rec}_{g}·hₜ₋₁ + {inp}_{g}·xₜ + b_{g}) = {fn}({fv(vec(pre[g]))})"
        steps.append(Step(_LSTM_STEPS[g], form, vec(gate_val[g]), key=key))
    if scalar:
        # shown operands reproduce the shown result (a digit more where rounding would break it)
        f_, cp_, i_, ct_ = operands(
            [float(f[0, 0]), float(c_prev[0, 0]), float(i[0, 0]), float(ct[0, 0])],
            lambda v: v[0] * v[1] + v[2] * v[3],
            float(c[0, 0]),
        )
        c_form = f"f·c_prev + i·c̃ = {f_}·{paren(cp_)} + {i_}·{paren(ct_)} = {fv(float(c[0, 0]))}"
        o_, c_ = operands([float(o[0, 0]), float(c[0, 0])], lambda v: v[0] * float(np.tanh(v[1])), float(h[0, 0]))
        h_form = f"o·tanh(c) = {o_}·tanh({c_}) = {fv(float(h[0, 0]))}"
    else:
        c_form = f"f ⊙ c_prev + i ⊙ c̃ = {fv(vec(c))}"
        h_form = f"o ⊙ tanh(c) = {fv(vec(h))}"
    steps.append(Step("cell c", c_form, vec(c), "the additive path", key="c"))
    steps.append(Step("hidden h", h_form, vec(h), key="h"))
    # backward
    dh = h - up if up_kind == "y" else up
    values: dict[str, Any] = {f"a_{g}": vec(pre[g]) for g in GATES}
    if up_kind == "y":
        loss = float(0.5 * np.sum((h - up) ** 2))
        values["loss"] = loss
        steps.append(Step("Loss", f"L = ½‖h − y‖² = {fv(loss)}; ∂L/∂h = h − y = {fv(vec(dh))}", loss))
    else:
        steps.append(Step("dh", _GIVEN_DH, vec(dh), key="dh"))
    dct = dh * o * (1 - np.tanh(c) ** 2) + dc_next
    dcp = dct * f
    steps.append(Step("dc", f"∂L/∂c = dh ⊙ o ⊙ (1 − tanh²c) + dc_next = {fv(vec(dct))}", vec(dct), key="dc_total"))
    if scalar:
        prod = "·".join(
            paren(t) for t in operands([float(dct[0, 0]), float(f[0, 0])], lambda v: v[0] * v[1], float(dcp[0, 0]))
        )
        dcp_form = f"∂L/∂c_prev = ∂L/∂c · f = {prod} = {fv(float(dcp[0, 0]))}"
    else:
        dcp_form = f"∂L/∂c_prev = ∂L/∂c ⊙ f = {fv(vec(dcp))}"
    steps.append(
        Step(
            _DC_PREV,
            dcp_form,
            vec(dcp),
            "only a product with f: gradients survive many steps when f ≈ 1",
            key="dc_prev",
        )
    )
    d_gate = {
        "o": dh * np.tanh(c),
        "f": dct * c_prev,
        "i": dct * ct,
        "c": dct * i,
    }
    d_pre = {
        "f": d_gate["f"] * f * (1 - f),
        "i": d_gate["i"] * i * (1 - i),
        "c": d_gate["c"] * (1 - ct**2),
        "o": d_gate["o"] * o * (1 - o),
    }
    # each gate's local derivative is written out with its own value, so that no number after
    # "o(1 − o) =" is the product (it read as o(1 − o) = 0.1429 where o(1 − o) is 0.1966)
    local = {"f": "f(1 − f)", "i": "i(1 − i)", "c": "(1 − c̃²)", "o": "o(1 − o)"}
    local_value = {"f": f * (1 - f), "i": i * (1 - i), "c": 1 - ct**2, "o": o * (1 - o)}
    upstream_text = {"f": "∂L/∂c ⊙ c_prev", "i": "∂L/∂c ⊙ c̃", "c": "∂L/∂c ⊙ i", "o": "dh ⊙ tanh(c)"}
    for g in ("o", "f", "i", "c"):
        name = "c_tilde" if g == "c" else g
        values[f"d{name}"] = vec(d_gate[g])
        values[f"da_{g}"] = vec(d_pre[g])
        steps.append(
            Step(
                f"da_{g}",
                f"∂L/∂{'c̃' if g == 'c' else g} = {upstream_text[g]} = {fv(vec(d_gate[g]))}; "
                f"∂L/∂a_{g} = ∂L/∂{'c̃' if g == 'c' else g} ⊙ {local[g]} = "
                f"{fv(vec(d_gate[g]))} ⊙ {fv(vec(local_value[g]))} = {fv(vec(d_pre[g]))}",
                vec(d_pre[g]),
                key=f"da_{g}",
            )
        )
    mat = _nets.mat_value
    dh_prev = sum(cell.R[g].T @ d_pre[g] for g in GATES)
    dx = sum(cell.A[g].T @ d_pre[g] for g in GATES)
    for g in GATES:
        values[f"d{rec}_{g}"] = mat(d_pre[g] @ cell.h_prev.T)
        values[f"d{inp}_{g}"] = mat(d_pre[g] @ cell.x.T)
        values[f"db_{g}"] = vec(d_pre[g])
    for g in GATES:
        steps.append(Step(f"d{rec}_{g}", f"∂L/∂a_{g}·hₜ₋₁ᵀ", values[f"d{rec}_{g}"], key=f"d{rec}_{g}"))
        steps.append(
            Step(f"d{inp}_{g}", f"∂L/∂a_{g}·xₜᵀ", values[f"d{inp}_{g}"], f"db_{g} = ∂L/∂a_{g}", key=f"d{inp}_{g}")
        )
    steps.append(Step(_DH_PREV, f"Σ_g {rec}_gᵀ·∂L/∂a_g = {fv(vec(dh_prev))}", vec(dh_prev), key="dh_prev"))
    steps.append(Step("dx", f"Σ_g {inp}_gᵀ·∂L/∂a_g = {fv(vec(dx))}", vec(dx), key="dx"))
    values.update(
        {
            "f": vec(f),
            "i": vec(i),
            "o": vec(o),
            "c_tilde": vec(ct),
            "c": vec(c),
            "h": vec(h),
            "dc_total": vec(dct),
            "dc_prev": vec(dcp),
            "dh_prev": vec(dh_prev),
            "dx": vec(dx),
        }
    )
    return Out(
        steps,
        values["h"],
        values,
        lazy(
            "fₜ = σ({rec}_f hₜ₋₁ + {inp}_f xₜ + b_f), …, cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ c̃ₜ, hₜ = oₜ ⊙ tanh(cₜ) ({book}); "
            "a_g is the pre-activation of gate g",
            rec=rec,
            inp=inp,
            book=_BOOK[rec],
        ),
        asked="h",
    )


# --------------------------------------------------------------------------- GRU

GRU_GATES = ("r", "z", "h")
_GRU_NAMES = {"r": lazy("reset gate"), "z": lazy("update gate"), "h": lazy("candidate h̃")}


def _draw_gru(d: Draw) -> Params:
    if any(k.startswith(("W_", "U_", "b_")) for k in d.fixed):
        return {}
    n_h = d.pick("hidden", [1, 1, 2])
    n_x = 1  # scalar inputs, as the textbook examples
    rec = d.fixed.get("recurrent", "W")
    inp = "U" if rec == "W" else "W"
    out: Params = {
        "hidden": n_h,
        "x": d.pick("x", [1, -1, 0.5, 2]),
        "h_prev": d.value("h_prev", lambda: d.decimals(n_h, -1, 1)),
    }
    for g in GRU_GATES:
        out[f"{rec}_{g}"] = [d.decimals(n_h, -1, 1) for _ in range(n_h)]
        out[f"{inp}_{g}"] = [d.decimals(n_x, -1, 1) for _ in range(n_h)]
        out[f"b_{g}"] = d.decimals(n_h, -0.5, 0.5)
    if n_h == 1:  # one unit: plain numbers, as an exam prints them
        out = {k: (v[0][0] if isinstance(v[0], list) else v[0]) if isinstance(v, list) else v for k, v in out.items()}
    return out


def _prepare_gru(p: Params) -> Params:
    p = dict(p)
    given = [k for k in p if k[:2] in ("W_", "U_") and p[k] is not None]
    if not given:  # a one-unit example (Qiu's letters are only a renaming)
        rec = p["recurrent"]
        inp = "U" if rec == "W" else "W"
        for g, (r, a, b) in zip(GRU_GATES, [(0.5, 1, 0), (-0.5, 0.5, 0), (1, 1, 0)], strict=True):
            p[f"{rec}_{g}"], p[f"{inp}_{g}"] = r, a
            if p[f"b_{g}"] is None:
                p[f"b_{g}"] = b
    missing = [f"{m}_{g}" for m in ("W", "U") for g in GRU_GATES if p[f"{m}_{g}"] is None]
    if missing:
        raise ParamError(
            lazy(
                "{kind}: parameter {name} is missing: give W_r, W_z, W_h and U_r, U_z, U_h (biases default to 0)",
                kind="gru.step",
                name=missing[0],
            )
        )
    return p


@register(
    "gru.step",
    "lstm.variants",
    "One GRU step, forward and backward",
    [
        ParamSpec("x", "input xₜ (n_x numbers)", 1, "tensor", rank=(0, 1), shape="n_x"),
        ParamSpec("h_prev", "hₜ₋₁ (n_h numbers)", 0.5, "tensor", rank=(0, 1), shape="n_h"),
        *_gate_specs(GRU_GATES, _GRU_NAMES),
        ParamSpec("dh", "upstream ∂L/∂hₜ (default 1 per unit)", None, "tensor", rank=(0, 1), shape="n_h"),
        ParamSpec("y", "instead of dh: a target for L = ½‖hₜ − y‖²", None, "tensor", rank=(0, 1), shape="n_h"),
        ParamSpec(
            "update",
            "z_old: hₜ = z ⊙ hₜ₋₁ + (1 − z) ⊙ h̃ₜ (Qiu, Cho et al. 2014, PyTorch); "
            "z_new: hₜ = (1 − z) ⊙ hₜ₋₁ + z ⊙ h̃ₜ (Chung et al. 2014, some courses)",
            "z_old",
            "choice",
            choices=("z_old", "z_new"),
        ),
        ParamSpec(
            "reset",
            "before: W_h·(r ⊙ hₜ₋₁) (Qiu, Cho et al. 2014); after: r ⊙ (W_h·hₜ₋₁ + b_hn) (PyTorch, cuDNN)",
            "before",
            "choice",
            choices=("before", "after"),
        ),
        ParamSpec(
            "b_hn",
            "reset=after: the bias inside r ⊙ (…), n_h numbers (default 0)",
            None,
            "tensor",
            rank=(0, 1),
            shape="n_h",
        ),
        ParamSpec("hidden", "random draws: hidden size", None, "int", min=1, max=2),
        _RECURRENT,
    ],
    ["r", "z", "h_tilde", "h", "dh_prev", "dx", "da_r", "da_z", "da_h"],
    draw=_draw_gru,
    prepare=_prepare_gru,
)
def _gru(p: Params) -> Out:
    kind = "gru.step"
    cell = Cell(kind, p, GRU_GATES)
    if p["hidden"] is not None and p["hidden"] != cell.n_h:
        raise ParamError(
            lazy(
                "{kind}: parameter hidden is {hidden} but h_prev has {count}",
                kind=kind,
                hidden=p["hidden"],
                count=count_of(cell.n_h, "number"),
            )
        )
    up, up_kind = _upstream(kind, cell, p)
    z_old = p["update"] == "z_old"
    rec, inp = cell.rec, cell.inp
    hp = cell.h_prev
    a_r, a_z = cell.pre("r"), cell.pre("z")
    r, z = _sig(a_r), _sig(a_z)
    after = p["reset"] == "after"
    if p["b_hn"] is not None and not after:
        raise ParamError(
            lazy(
                "{kind}: parameter b_hn is the bias inside r ⊙ (…) of reset=after; with reset=before use b_h",
                kind=kind,
            )
        )
    b_hn = cell.column(p, "b_hn", 0.0) if after else np.zeros_like(hp)
    q = cell.R["h"] @ hp + b_hn  # reset=after: what r scales
    a_h = cell.A["h"] @ cell.x + cell.b["h"] + r * q if after else cell.pre("h", r * hp)
    ht = np.tanh(a_h)
    h = z * hp + (1 - z) * ht if z_old else (1 - z) * hp + z * ht
    vec = _nets.vec_value
    forms = {
        "r": f"σ({rec}_r·hₜ₋₁ + {inp}_r·xₜ + b_r) = σ({fv(vec(a_r))})",
        "z": f"σ({rec}_z·hₜ₋₁ + {inp}_z·xₜ + b_z) = σ({fv(vec(a_z))})",
        "h": f"tanh({rec}_h·(r ⊙ hₜ₋₁) + {inp}_h·xₜ + b_h) = tanh({fv(vec(a_h))})",
    }
    if after:
        forms["h"] = f"tanh({inp}_h·xₜ + b_h + r ⊙ ({rec}_h·hₜ₋₁ + b_hn)) = tanh({fv(vec(a_h))})"
    rule = "z ⊙ hₜ₋₁ + (1 − z) ⊙ h̃" if z_old else "(1 − z) ⊙ hₜ₋₁ + z ⊙ h̃"
    h_form = f"{rule} = {fv(vec(h))}"
    if cell.n_h == 1 and cell.n_x == 1:  # one unit: the numbers written out, digits enough to redo each step
        x0, hp0 = float(cell.x[0, 0]), float(hp[0, 0])
        for g, val, a_g in (("r", r, a_r), ("z", z, a_z)):
            w0, u0, b0 = (float(m[g][0, 0]) for m in (cell.R, cell.A, cell.b))
            forms[g] = (
                f"σ({rec}_{g}·h + {inp}_{g}·x + b_{g}) = σ({fv(w0)}·{fp(hp0)} + {fp(u0)}·{fp(x0)} + {fp(b0)}) "
                f"= σ({fv(float(a_g[0, 0]))}) = {fv(float(val[0, 0]))}"
            )
        w0, u0, b0 = (float(m["h"][0, 0]) for m in (cell.R, cell.A, cell.b))
        if after:
            r_t, q_t = operands(
                [float(r[0, 0]), float(q[0, 0])], lambda v: u0 * x0 + b0 + v[0] * v[1], float(a_h[0, 0])
            )
            forms["h"] = (
                f"tanh({inp}_h·x + b_h + r·({rec}_h·h + b_hn)) "
                f"= tanh({fp(u0)}·{fp(x0)} + {fp(b0)} + {r_t}·{paren(q_t)}) "
                f"= tanh({fv(float(a_h[0, 0]))}) = {fv(float(ht[0, 0]))}"
            )
        else:
            rh = float((r * hp)[0, 0])
            rh_txt = operands([rh], lambda v: w0 * v[0] + u0 * x0 + b0, float(a_h[0, 0]))[0]
            forms["h"] = (
                f"tanh({rec}_h·(r·h) + {inp}_h·x + b_h) "
                f"= tanh({fv(w0)}·{paren(rh_txt)} + {fp(u0)}·{fp(x0)} + {fp(b0)}) "
                f"= tanh({fv(float(a_h[0, 0]))}) = {fv(float(ht[0, 0]))}"
            )
        z0, ht0 = float(z[0, 0]), float(ht[0, 0])
        if z_old:
            z_t, ht_t = operands([z0, ht0], lambda v: v[0] * hp0 + (1 - v[0]) * v[1], float(h[0, 0]))
            h_form = f"{rule} = {z_t}·{fp(hp0)} + (1 − {z_t})·{paren(ht_t)} = {fv(float(h[0, 0]))}"
        else:
            z_t, ht_t = operands([z0, ht0], lambda v: (1 - v[0]) * hp0 + v[0] * v[1], float(h[0, 0]))
            h_form = f"{rule} = (1 − {z_t})·{fp(hp0)} + {z_t}·{paren(ht_t)} = {fv(float(h[0, 0]))}"
    steps = [
        Step("reset gate r", forms["r"], vec(r), key="r"),
        Step("update gate z", forms["z"], vec(z), key="z"),
        Step(
            "candidate h̃",
            forms["h"],
            vec(ht),
            N_("the reset gate scales W_h·hₜ₋₁ + b_hn, after the matrix (PyTorch, cuDNN)")
            if after
            else N_("the reset gate scales hₜ₋₁ before the matrix"),
            key="h_tilde",
        ),
        Step("hidden h", h_form, vec(h), key="h"),
    ]
    values: dict[str, Any] = {"a_r": vec(a_r), "a_z": vec(a_z), "a_h": vec(a_h)}
    values.update({"q": vec(q)} if after else {"rh": vec(r * hp)})
    dh = h - up if up_kind == "y" else up
    if up_kind == "y":
        loss = float(0.5 * np.sum((h - up) ** 2))
        values["loss"] = loss
        steps.append(Step("Loss", f"L = ½‖h − y‖² = {fv(loss)}; ∂L/∂h = h − y = {fv(vec(dh))}", loss))
    else:
        steps.append(Step("dh", _GIVEN_DH, vec(dh), key="dh"))
    if z_old:
        dz, dht, dhp = dh * (hp - ht), dh * (1 - z), dh * z
        dz_text, dht_text = "dh ⊙ (hₜ₋₁ − h̃)", "dh ⊙ (1 − z)"
    else:
        dz, dht, dhp = dh * (ht - hp), dh * z, dh * (1 - z)
        dz_text, dht_text = "dh ⊙ (h̃ − hₜ₋₁)", "dh ⊙ z"
    da_h = dht * (1 - ht**2)
    if after:
        dq = da_h * r
        dr = da_h * q
        via_h = cell.R["h"].T @ dq
    else:
        d_rh = cell.R["h"].T @ da_h
        dr = d_rh * hp
        via_h = d_rh * r
    da_r = dr * r * (1 - r)
    da_z = dz * z * (1 - z)
    dh_prev = dhp + via_h + cell.R["z"].T @ da_z + cell.R["r"].T @ da_r
    if after:
        values["db_hn"] = vec(dq)
    dx = sum(cell.A[g].T @ d for g, d in (("r", da_r), ("z", da_z), ("h", da_h)))
    steps += [
        Step("da_h", f"∂L/∂h̃ = {dht_text}; ∂L/∂a_h = ∂L/∂h̃ ⊙ (1 − h̃²)", vec(da_h), key="da_h"),
        Step("da_z", f"∂L/∂z = {dz_text}; ∂L/∂a_z = ∂L/∂z ⊙ z(1 − z)", vec(da_z), key="da_z"),
        Step(
            "da_r",
            f"∂L/∂r = ∂L/∂a_h ⊙ ({rec}_h·hₜ₋₁ + b_hn); ∂L/∂a_r = ∂L/∂r ⊙ r(1 − r)"
            if after
            else f"∂L/∂(r ⊙ hₜ₋₁) = {rec}_hᵀ·∂L/∂a_h; ∂L/∂r = ∂L/∂(r ⊙ hₜ₋₁) ⊙ hₜ₋₁; ∂L/∂a_r = ∂L/∂r ⊙ r(1 − r)",
            vec(da_r),
            key="da_r",
        ),
        Step(
            _DH_PREV,
            ("dh ⊙ z" if z_old else "dh ⊙ (1 − z)")
            + (f" + {rec}_hᵀ·(∂L/∂a_h ⊙ r)" if after else " + (∂L/∂(r ⊙ hₜ₋₁)) ⊙ r")
            + f" + {rec}_zᵀ·∂L/∂a_z + {rec}_rᵀ·∂L/∂a_r",
            vec(dh_prev),
            "four paths back to hₜ₋₁",
            key="dh_prev",
        ),
        Step("dx", f"Σ_g {inp}_gᵀ·∂L/∂a_g (g = r, z, h)", vec(dx), key="dx"),
    ]
    mat = _nets.mat_value
    h_in = {"r": hp, "z": hp, "h": r * hp}
    for g, d in (("r", da_r), ("z", da_z), ("h", da_h)):
        values[f"d{rec}_{g}"] = mat((dq if after and g == "h" else d) @ (hp if after else h_in[g]).T)
        values[f"d{inp}_{g}"] = mat(d @ cell.x.T)
        values[f"db_{g}"] = vec(d)
    for g in GRU_GATES:
        h_txt = "(r ⊙ hₜ₋₁)ᵀ" if g == "h" else "hₜ₋₁ᵀ"
        rec_form = "(∂L/∂a_h ⊙ r)·hₜ₋₁ᵀ" if after and g == "h" else f"∂L/∂a_{g}·{h_txt}"
        note = "db_hn = ∂L/∂a_h ⊙ r" if after and g == "h" else ""
        steps.append(Step(f"d{rec}_{g}", rec_form, values[f"d{rec}_{g}"], note, key=f"d{rec}_{g}"))
        steps.append(
            Step(f"d{inp}_{g}", f"∂L/∂a_{g}·xₜᵀ", values[f"d{inp}_{g}"], f"db_{g} = ∂L/∂a_{g}", key=f"d{inp}_{g}")
        )
    values.update(
        {
            "r": vec(r),
            "z": vec(z),
            "h_tilde": vec(ht),
            "h": vec(h),
            "dz": vec(dz),
            "dr": vec(dr),
            "dh_tilde": vec(dht),
            "da_r": vec(da_r),
            "da_z": vec(da_z),
            "da_h": vec(da_h),
            "dh_prev": vec(dh_prev),
            "dx": vec(dx),
        }
    )
    rule = "hₜ = z ⊙ hₜ₋₁ + (1 − z) ⊙ h̃ₜ" if z_old else "hₜ = (1 − z) ⊙ hₜ₋₁ + z ⊙ h̃ₜ"
    who = (
        lazy("z keeps the old state (Qiu's book, Cho et al. 2014, PyTorch)")
        if z_old
        else lazy("z lets the new candidate in (Chung et al. 2014, some courses)")
    )
    fields = {"rec": rec, "inp": inp, "rule": rule, "who": who}
    conv = (
        lazy(
            "rₜ = σ({rec}_r hₜ₋₁ + {inp}_r xₜ + b_r), zₜ = σ({rec}_z hₜ₋₁ + {inp}_z xₜ + b_z), "
            "h̃ₜ = tanh({inp}_h xₜ + b_h + rₜ ⊙ ({rec}_h hₜ₋₁ + b_hn)) (reset after the matrix, PyTorch/cuDNN), "
            "{rule}: {who}; a_g is the pre-activation of gate g",
            **fields,
        )
        if after
        else lazy(
            "rₜ = σ({rec}_r hₜ₋₁ + {inp}_r xₜ + b_r), zₜ = σ({rec}_z hₜ₋₁ + {inp}_z xₜ + b_z), "
            "h̃ₜ = tanh({rec}_h (rₜ ⊙ hₜ₋₁) + {inp}_h xₜ + b_h), {rule}: {who}; a_g is the pre-activation of gate g",
            **fields,
        )
    )
    return Out(steps, values["h"], values, conv, asked="h")


# --------------------------------------------------------------------------- parameter counts

CELLS = {"rnn": 1, "lstm": 4, "gru": 3}
_CELL_TEXT = {"rnn": "RNN", "lstm": lazy("LSTM (4 blocks: f, i, c̃, o)"), "gru": lazy("GRU (3 blocks: r, z, h̃)")}


def _draw_counts(d: Draw) -> Params:
    """A random layer; stacking and direction vary only in a fully random variant (no parameter fixed).

    A problem that fixes any parameter (the cell, a size, the bias convention) means one plain layer
    unless it also sets layers or bidirectional: those then keep their defaults (1 layer, one direction).
    """
    plain_layer = bool(d.fixed)
    out: Params = {
        "cell": d.pick("cell", list(CELLS)),
        "input_size": d.pick("input_size", [1, 3, 10, 28, 100, 128]),
        "hidden_size": d.pick("hidden_size", [2, 4, 20, 32, 64, 128]),
        "bias": d.pick("bias", ["one", "one", "two"]),
        "layers": d.pick("layers", [1, 1, 2]),
        "bidirectional": d.pick("bidirectional", [False, False, True]),
    }
    if plain_layer:
        for name in ("layers", "bidirectional"):
            if name not in d.fixed:
                del out[name]
    return out


@register(
    "rnn.params",
    "rnn.forward",
    "Parameters of a recurrent layer (RNN, LSTM, GRU)",
    [
        ParamSpec("cell", "rnn, lstm or gru", "lstm", "choice", choices=tuple(CELLS)),
        ParamSpec("input_size", "n_x, features of xₜ", 10, "int", min=1),
        ParamSpec("hidden_size", "n_h, units of hₜ", 20, "int", min=1),
        ParamSpec(
            "bias",
            "one (b per block, Keras/textbooks), two (b_ih and b_hh, PyTorch/cuDNN) or none",
            "one",
            "choice",
            choices=("one", "two", "none"),
        ),
        ParamSpec(
            "layers",
            "stacked layers (--seed/--random draw 1 or 2 only when no parameter is fixed)",
            1,
            "int",
            min=1,
            max=20,
        ),
        ParamSpec(
            "bidirectional",
            "two directions per layer (--seed/--random draw it only when no parameter is fixed)",
            False,
            "bool",
        ),
        ParamSpec("outputs", "n_y of an output layer oₜ = V hₜ + c on top (0: none)", 0, "int", min=0),
    ],
    ["total", "weights", "biases", "per_layer", "per_direction", "output_params"],
    draw=lambda d: _draw_counts(d),
)
def _rnn_params(p: Params) -> Out:
    cell, n, h = p["cell"], p["input_size"], p["hidden_size"]
    g = CELLS[cell]
    nb = {"one": 1, "two": 2, "none": 0}[p["bias"]]
    dirs = 2 if p["bidirectional"] else 1
    steps: list[Step] = []
    tw = tb = 0
    per_layer: list[int] = []
    per_direction = 0
    gx = f"{g}·" if g > 1 else ""
    for layer in range(1, p["layers"] + 1):
        n_in = n if layer == 1 else h * dirs
        w_in, w_rec, b = g * h * n_in, g * h * h, g * h * nb
        one = w_in + w_rec + b
        src = f"n_x = {n}" if layer == 1 else (f"{dirs}·n_h = {n_in}" if dirs == 2 else f"n_h = {n_in}")
        sizes = {"inp": f"{gx}{h}·{n_in} = {w_in}", "src": src, "rec": f"{gx}{h}·{h} = {w_rec}"}
        if nb:
            form = lazy(
                "input {inp} ({src}); recurrent {rec}; biases {bias}; {total}",
                **sizes,
                bias=f"{gx}{nb}·{h} = {b}",
                total=f"{w_in} + {w_rec} + {b} = {one}",
            )
        else:
            form = lazy(
                "input {inp} ({src}); recurrent {rec}; no biases; {total}", **sizes, total=f"{w_in} + {w_rec} = {one}"
            )
        if dirs == 2:
            form = lazy("{layer}; ×2 directions: {both}", layer=form, both=f"2·{one} = {2 * one}")
        steps.append(Step(lazy("Layer {n}", n=layer), form, one * dirs))
        per_layer.append(one * dirs)
        if layer == 1:
            per_direction = one
        tw += (w_in + w_rec) * dirs
        tb += b * dirs
    out_params = 0
    if p["outputs"]:
        n_y = p["outputs"]
        feat = h * dirs
        vb = n_y if nb else 0
        out_params = n_y * feat + vb
        steps.append(
            Step(
                "Output layer",
                lazy(
                    "V is {v}; c is {c}; {total}",
                    v=f"{n_y}×{feat} = {n_y * feat}",
                    c=n_y,
                    total=f"{n_y * feat} + {n_y} = {out_params}",
                )
                if vb
                else lazy("V is {v}; no biases", v=f"{n_y}×{feat} = {n_y * feat}"),
                out_params,
            )
        )
        tw += n_y * feat
        tb += vb
    steps.append(Step("Total", lazy("weights {w} + biases {b} = {total}", w=tw, b=tb, total=tw + tb), tw + tb))
    conv = {
        "one": lazy(
            "{cell}: each block has an n_h × n_x input matrix, an n_h × n_h recurrent matrix and one bias vector per "
            "block; a stacked layer reads the previous layer's n_h (2·n_h when bidirectional)",
            cell=_CELL_TEXT[cell],
        ),
        "two": lazy(
            "{cell}: each block has an n_h × n_x input matrix, an n_h × n_h recurrent matrix and two bias vectors per "
            "block (b_ih + b_hh, as PyTorch/cuDNN); a stacked layer reads the previous layer's n_h (2·n_h when "
            "bidirectional)",
            cell=_CELL_TEXT[cell],
        ),
        "none": lazy(
            "{cell}: each block has an n_h × n_x input matrix, an n_h × n_h recurrent matrix and no biases; "
            "a stacked layer reads the previous layer's n_h (2·n_h when bidirectional)",
            cell=_CELL_TEXT[cell],
        ),
    }[p["bias"]]
    return Out(
        steps,
        tw + tb,
        {
            "total": tw + tb,
            "weights": tw,
            "biases": tb,
            "per_layer": per_layer,
            "per_direction": per_direction,
            "output_params": out_params,
        },
        conv,
        asked="total",
    )

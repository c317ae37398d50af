"""A vanilla RNN over T steps and back-propagation through time (note 000's notation).

Size: one generator whose forward pass and BPTT sit side by side (each forward rule beside its
derivative), with their step text in both languages.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, Lazy, lazy
from dlquiz.worked import _nets
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, count_of, fp, fv, linear, operands, paren, register

KIND = "rnn.bptt"
HIDDEN_ACTS = ("tanh", "sigmoid", "relu")
OUTPUTS = ("sigmoid", "softmax", "linear")
MAX_T, MAX_SIZE = 10, 8
_DEFAULT_X, _DEFAULT_Y = [1, 0.5, -1], [1, 0, 1]


def _sig(z: Any) -> Any:
    return 1 / (1 + np.exp(-z))


def rnn_loss(
    w: np.ndarray, u: np.ndarray, v: np.ndarray, xs: list[float], ys: list[float], act: str, h0: np.ndarray
) -> float:
    """L = Σₜ BCE(yₜ, σ(V hₜ)) with hₜ = f(U xₜ + W hₜ₋₁) (scalar inputs): the notes' example."""
    h = h0
    total = 0.0
    for x, y in zip(xs, ys, strict=True):
        h = _nets.act(act, u * x + w @ h)
        o = float(_sig(v @ h)[0, 0])
        total += -(y * np.log(o) + (1 - y) * np.log(1 - o))
    return float(total)


# --------------------------------------------------------------------------- the network as given


class Net:
    """The RNN of an example: input matrix A (n_h × n_x), recurrent R (n_h × n_h), V, b, c, h0, x, y."""

    def __init__(self, p: Params) -> None:
        rec = p["recurrent"]
        self.rec_name, self.in_name = rec, ("U" if rec == "W" else "W")
        x = _nets.array(p["x"])
        self.x = x.reshape(1, -1) if x.ndim == 1 else x  # n_x × T, one column per time step
        self.T, n_x = self.x.shape[1], self.x.shape[0]
        if p["T"] is not None and p["T"] != self.T:
            raise ParamError(
                lazy(
                    "{kind}: parameters x and y need T = {T} entries each (x has {steps} time steps)",
                    kind=KIND,
                    T=p["T"],
                    steps=self.T,
                )
            )
        r = _nets.oriented(KIND, self.rec_name, p[self.rec_name], None, None)
        if r.shape[0] != r.shape[1]:
            raise ParamError(
                lazy(
                    "{kind}: parameter {name} is {shape} but it multiplies hₜ₋₁ and gives sₜ:"
                    " it must be square, n_h × n_h",
                    kind=KIND,
                    name=self.rec_name,
                    shape=_nets.shape_text(r.shape),
                )
            )
        n_h = r.shape[0]
        if p["hidden"] is not None and p["hidden"] != n_h:
            raise ParamError(
                lazy(
                    "{kind}: parameter hidden is {hidden} but {name} is {shape}",
                    kind=KIND,
                    hidden=p["hidden"],
                    name=self.rec_name,
                    shape=_nets.shape_text(r.shape),
                )
            )
        a = _nets.oriented(
            KIND,
            self.in_name,
            p[self.in_name],
            n_h,
            n_x,
            lazy("x has {rows} and n_h = {n_h}", rows=count_of(n_x, "row"), n_h=n_h),
        )
        if a.shape != (n_h, n_x):
            raise ParamError(
                lazy(
                    "{kind}: parameter {name} is {shape} but x has {rows} (n_x = {n_x}, one column per time step)"
                    " and {rec} is {rec_shape} (n_h = {n_h}): {name} must be {n_h}×{n_x}",
                    kind=KIND,
                    name=self.in_name,
                    shape=_nets.shape_text(a.shape),
                    rows=count_of(n_x, "row"),
                    n_x=n_x,
                    rec=self.rec_name,
                    rec_shape=_nets.shape_text(r.shape),
                    n_h=n_h,
                )
            )
        self.r, self.a = r, a
        self.n_h, self.n_x, self.n_y = n_h, n_x, 0
        self.b = self._vector(p, "b", n_h, lazy("one per hidden unit (n_h = {n_h})", n_h=n_h))
        self.h0 = self._vector(p, "h0", n_h, lazy("one per hidden unit (n_h = {n_h})", n_h=n_h))
        self.act = p["activation"]
        self.forward_only = p["V"] is None  # no output layer given: the hidden states are the question
        if self.forward_only:
            return
        v = _nets.oriented(KIND, "V", p["V"], None, n_h, lazy("n_h = {n_h}", n_h=n_h))
        if v.shape[1] != n_h:
            raise ParamError(
                lazy(
                    "{kind}: parameter V is {shape} but n_h = {n_h}: V must be n_y×{n_h}",
                    kind=KIND,
                    shape=_nets.shape_text(v.shape),
                    n_h=n_h,
                )
            )
        n_y = v.shape[0]
        if p["output"] == "softmax" and n_y < 2:
            raise ParamError(
                lazy(
                    "{kind}: parameter V: a softmax output needs at least 2 outputs (V with 2 or more rows);"
                    " use sigmoid",
                    kind=KIND,
                )
            )
        self.v, self.n_y = v, n_y
        self.c = self._vector(p, "c", n_y, lazy("one per output (V has {n_y} rows)", n_y=n_y))
        self.out, self.loss = p["output"], p["loss"]
        self.last_only = p["loss_at"] == "last"
        self.loss_steps = [self.T] if self.last_only else list(range(1, self.T + 1))
        self.mean = p["reduction"] == "mean" and not self.last_only  # L = (1/T) Σₜ Lₜ
        if p["reduction"] == "mean" and self.last_only:
            raise ParamError(
                lazy(
                    "{kind}: parameter reduction=mean averages the losses of every step;"
                    " with loss_at=last there is one",
                    kind=KIND,
                )
            )
        self.scale = 1 / self.T if self.mean else 1.0
        self.y = self._targets(p["y"])

    def _vector(self, p: Params, name: str, n: int, why: Lazy) -> np.ndarray:
        if p[name] is None:
            return np.zeros((n, 1))
        col = _nets.column(KIND, name, p[name])
        if col.shape[0] != n:
            raise ParamError(
                lazy(
                    "{kind}: parameter {name} has {count} but needs {n}: {why}",
                    kind=KIND,
                    name=name,
                    count=count_of(col.shape[0], "number"),
                    n=n,
                    why=why,
                )
            )
        return col

    def _targets(self, given: Any) -> dict[int, np.ndarray]:
        y = _nets.array(given)
        want = len(self.loss_steps)
        softmax_ce = self.out == "softmax" and self.loss == "ce"
        if y.ndim == 0:
            y = y.reshape(1)
        if y.ndim == 1 and (softmax_ce and self.n_y > 1):
            cols = y.size
            if not all(float(v).is_integer() and 0 <= v < self.n_y for v in y):
                raise ParamError(
                    lazy(
                        "{kind}: parameter y: a list of targets holds class indices 0 … {last} for a softmax output;"
                        " got {y}",
                        kind=KIND,
                        last=self.n_y - 1,
                        y=fv(y.tolist()),
                    )
                )
            y = np.eye(self.n_y)[:, y.astype(int)]
        elif y.ndim == 1:
            if self.n_y != 1:
                raise ParamError(
                    lazy(
                        "{kind}: parameter y is a list but the output has {n_y} entries (V has {n_y} rows):"
                        " give y as a matrix of {n_y}×T, one column per step",
                        kind=KIND,
                        n_y=self.n_y,
                    )
                )
            y = y.reshape(1, -1)
        cols = y.shape[1]
        if y.shape[0] != self.n_y or cols not in (want, self.T):
            steps = lazy("the last step") if self.last_only else lazy("T = {T} steps", T=self.T)
            raise ParamError(
                lazy(
                    "{kind}: parameters x and y need T = {T} entries each (y is {shape}; the loss at {steps} needs"
                    " {n_y}×{want})",
                    kind=KIND,
                    T=self.T,
                    shape=_nets.shape_text(y.shape),
                    steps=steps,
                    n_y=self.n_y,
                    want=want,
                )
                if y.shape[0] == self.n_y
                else lazy(
                    "{kind}: parameter y is {shape} but the output has n_y = {n_y}: y must be {n_y}×{want}",
                    kind=KIND,
                    shape=_nets.shape_text(y.shape),
                    n_y=self.n_y,
                    want=want,
                )
            )
        if self.loss == "ce" and self.out == "sigmoid" and np.any((y < 0) | (y > 1)):
            raise ParamError(
                lazy(
                    "{kind}: parameter y: targets must be between 0 and 1 for a sigmoid output, got {y}",
                    kind=KIND,
                    y=fv(y.tolist()),
                )
            )
        if self.loss == "ce" and np.any(y < 0):
            raise ParamError(
                lazy(
                    "{kind}: parameter {name}: cross-entropy needs non-negative targets, got {y}",
                    kind=KIND,
                    name="y",
                    y=fv(y.tolist()),
                )
            )
        self.y_unused = self.last_only and cols == self.T > 1
        return {t: y[:, [k if cols == want else t - 1]] for k, t in enumerate(self.loss_steps)}

    # ------------------------------------------------------------------ computing

    def forward(self) -> dict[str, list[np.ndarray]]:
        hs, ss, zs, os_ = [self.h0], [], [], []
        for t in range(1, self.T + 1):
            s = self.a @ self.x[:, [t - 1]] + self.r @ hs[-1] + self.b
            h = _nets.act(self.act, s)
            ss.append(s)
            hs.append(h)
            if not self.forward_only:
                z = self.v @ h + self.c
                zs.append(z)
                os_.append(_nets.act(self.out, z))
        return {"h": hs, "s": ss, "z": zs, "o": os_}

    def step_loss(self, o: np.ndarray, y: np.ndarray) -> float:
        if self.loss == "mse":
            return float(0.5 * np.sum((o - y) ** 2))
        if self.out == "sigmoid":
            return float(-np.sum(y * np.log(o) + (1 - y) * np.log(1 - o)))
        return float(-np.sum(y * np.log(o)))

    def total_loss(self) -> float:
        f = self.forward()
        return self.scale * sum(self.step_loss(f["o"][t - 1], self.y[t]) for t in self.loss_steps)

    def dz(self, o: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∂Lₜ/∂zₜ, zₜ = V hₜ + c."""
        d: np.ndarray = o - y
        if self.loss == "ce" and self.out == "softmax":
            d = o * float(y.sum()) - y
        elif self.loss == "mse" and self.out == "sigmoid":
            d = d * o * (1 - o)
        elif self.loss == "mse" and self.out == "softmax":
            d = o * (d - float(np.sum(o * d)))
        return d

    def backward(self, f: dict[str, list[np.ndarray]]) -> dict[str, Any]:
        g: dict[str, Any] = {
            "dA": np.zeros_like(self.a),
            "dR": np.zeros_like(self.r),
            "dV": np.zeros_like(self.v),
            "db": np.zeros_like(self.b),
            "dc": np.zeros_like(self.c),
            "dz": {},
            "dh": {},
            "delta": {},
            "dx": np.zeros_like(self.x),
        }
        from_next = np.zeros((self.n_h, 1))
        for t in range(self.T, 0, -1):
            dh = from_next.copy()
            if t in self.y:
                dz = self.scale * self.dz(f["o"][t - 1], f["z"][t - 1], self.y[t])
                g["dz"][t] = dz
                g["dV"] += dz @ f["h"][t].T
                g["dc"] += dz
                dh += self.v.T @ dz
            delta = dh * _nets.dact(self.act, f["s"][t - 1])
            g["dh"][t], g["delta"][t] = dh, delta
            g["dR"] += delta @ f["h"][t - 1].T
            g["dA"] += delta @ self.x[:, [t - 1]].T
            g["db"] += delta
            g["dx"][:, [t - 1]] = self.a.T @ delta
            from_next = self.r.T @ delta
        g["dh0"] = from_next
        return g


# --------------------------------------------------------------------------- parameters, draws


def _prepare(p: Params) -> Params:
    p = dict(p)
    t = p["T"]
    if t is not None and p["x"] == _DEFAULT_X and t != len(_DEFAULT_X):
        p["x"] = [[1, 0.5, -1, 2, 0][i % 5] for i in range(t)]
    if t is not None and p["y"] == _DEFAULT_Y and t != len(_DEFAULT_Y):
        p["y"] = [(i + 1) % 2 for i in range(t)]
    given = [n for n in ("U", "W") if p[n] is not None]
    if not given and p["V"] is None:
        hidden = p["hidden"] if p["hidden"] is not None else 1
        x = _nets.array(p["x"])
        n_x = 1 if x.ndim < 2 else x.shape[0]
        if hidden == 1 and n_x == 1:
            rec, inp, v = 0.5, 1.0, 1.0
        elif hidden == 2 and n_x == 1:
            rec, inp, v = [[0.5, -0.3], [0.2, 0.4]], [[1.0], [-0.5]], [[1.0, -1.0]]  # type: ignore[assignment]
        else:
            raise ParamError(
                lazy(
                    "{kind}: parameters U, W and V are needed for hidden = {hidden} with n_x = {n_x} (or use --seed)",
                    kind=KIND,
                    hidden=hidden,
                    n_x=n_x,
                )
            )
        p[p["recurrent"]] = rec
        p["U" if p["recurrent"] == "W" else "W"] = inp
        p["V"] = v
    elif len(given) < 2:
        missing = ", ".join(n for n in ("U", "W") if p[n] is None)
        raise ParamError(
            lazy(
                "{kind}: parameters U and W go together (V too, for outputs and a loss): {missing} missing",
                kind=KIND,
                missing=missing,
            )
        )
    return p


def _check(p: Params) -> None:
    if p["loss"] == "ce" and p["output"] == "linear" and p["V"] is not None:
        raise ParamError(
            lazy(
                "{kind}: parameter output: cross-entropy takes the log of the outputs, which needs sigmoid or softmax",
                kind=KIND,
            )
        )
    net = Net(p)
    if net.T > MAX_T or max(net.n_h, net.n_x, net.n_y) > MAX_SIZE:
        raise ParamError(
            lazy(
                "{kind}: T = {T}, n_x = {n_x}, n_h = {n_h}, n_y = {n_y} is too big to work by hand"
                " (at most T = {max_t} and sizes of {max_size})",
                kind=KIND,
                T=net.T,
                n_x=net.n_x,
                n_h=net.n_h,
                n_y=net.n_y,
                max_t=MAX_T,
                max_size=MAX_SIZE,
            )
        )


def _draw(d: Draw) -> Params:
    if any(n in d.fixed for n in ("U", "W", "V")):  # the student's own weights: keep the rest as given
        return {}
    t = d.int("T", 3, 3)
    hidden = d.pick("hidden", [1, 1, 1, 2])
    rec = d.fixed.get("recurrent", "W")
    inp = "U" if rec == "W" else "W"
    out: Params = {"T": t, "hidden": hidden}
    if hidden == 1:
        out[rec] = d.pick(rec, [0.5, -0.5, 1, 0.8, 0.2])
        out[inp] = d.pick(inp, [1, 0.5, -1, 2])
        out["V"] = d.pick("V", [1, 2, -1, 0.5])
    else:
        out[rec] = [d.decimals(hidden, -1, 1) for _ in range(hidden)]
        out[inp] = [d.decimals(1, -1, 1) for _ in range(hidden)]
        out["V"] = [d.decimals(hidden, -1, 1)]
    out["x"] = d.value("x", lambda: [float(v) for v in d.rng.choice([-1, -0.5, 0.5, 1, 2], size=t)])
    out["y"] = d.value("y", lambda: [int(v) for v in d.rng.integers(0, 2, size=t)])
    out["activation"] = d.pick("activation", ["tanh", "sigmoid"])
    return out


# --------------------------------------------------------------------------- the example


def _conv(net: Net, p: Params) -> str:
    rec, inp = net.rec_name, net.in_name
    out = {"sigmoid": "σ(zₜ)", "softmax": "softmax(zₜ)", "linear": "zₜ"}[net.out]
    loss = (
        "½‖oₜ − yₜ‖²"
        if net.loss == "mse"
        else ("−[yₜ log oₜ + (1 − yₜ) log(1 − oₜ)]" if net.out == "sigmoid" else "−Σ yₜ log oₜ")
    )
    where = lazy("L = L_{T} only (the last step)", T=net.T) if net.last_only else lazy("L = Σₜ Lₜ (every step)")
    if net.mean:
        where = lazy("L = (1/T) Σₜ Lₜ (the mean over the steps)")
    return lazy(
        "sₜ = {inp} xₜ + {rec} hₜ₋₁ + b, hₜ = f(sₜ), zₜ = V hₜ + c, oₜ = {out}, Lₜ = {loss}, {where}; "
        "x is n_x × T (column t is xₜ), δₜ = ∂L/∂sₜ ({book})",
        inp=inp,
        rec=rec,
        out=out,
        loss=loss,
        where=where,
        book=_BOOK[rec],
    )


# where the letters come from: the recurrent matrix W (note 000's letters) or U (Qiu's book)
_BOOK = {"W": lazy("the notes on Qiu's textbook"), "U": lazy("Qiu's book: U multiplies hₜ₋₁")}


@register(
    "rnn.bptt",
    "rnn.bptt",
    "Back-propagation through time",
    [
        ParamSpec("T", "time steps (default: from x, 3)", None, "int", min=1, max=MAX_T),
        ParamSpec("hidden", "hidden size n_h (default: from W, 1)", None, "int", min=1, max=MAX_SIZE),
        ParamSpec(
            "x",
            "inputs: x₁ … x_T as a list, or n_x × T (column t is xₜ)",
            _DEFAULT_X,
            "tensor",
            rank=(1, 2),
            shape="T / n_x×T",
        ),
        ParamSpec(
            "y",
            "targets: a list (one per step, class indices for softmax) or n_y × T; one column with loss_at=last",
            _DEFAULT_Y,
            "tensor",
            rank=(0, 1, 2),
            shape="T / n_y×T",
            applies="when V is given (outputs and a loss)",
        ),
        ParamSpec(
            "U",
            "input matrix n_h × n_x (recurrent matrix with recurrent=U)",
            None,
            "tensor",
            rank=(0, 1, 2),
            shape="n_h×n_x",
        ),
        ParamSpec(
            "W",
            "recurrent matrix n_h × n_h (input matrix with recurrent=U)",
            None,
            "tensor",
            rank=(0, 1, 2),
            shape="n_h×n_h",
        ),
        ParamSpec("V", "output matrix n_y × n_h (a list is a row)", None, "tensor", rank=(0, 1, 2), shape="n_y×n_h"),
        ParamSpec("b", "hidden bias, n_h numbers (default 0)", None, "tensor", rank=(0, 1), shape="n_h"),
        ParamSpec(
            "c",
            "output bias, n_y numbers (default 0)",
            None,
            "tensor",
            rank=(0, 1),
            shape="n_y",
            applies="when V is given (outputs and a loss)",
        ),
        ParamSpec("h0", "initial state h₀, n_h numbers (default 0)", None, "tensor", rank=(0, 1), shape="n_h"),
        ParamSpec("activation", "hidden activation f", "tanh", "choice", choices=HIDDEN_ACTS),
        ParamSpec(
            "output",
            "output g: oₜ = g(V hₜ + c)",
            "sigmoid",
            "choice",
            choices=OUTPUTS,
            applies="when V is given (outputs and a loss)",
        ),
        ParamSpec(
            "loss",
            "ce (cross-entropy) or mse (½‖oₜ − yₜ‖²)",
            "ce",
            "choice",
            choices=("ce", "mse"),
            applies="when V is given (outputs and a loss)",
        ),
        ParamSpec(
            "loss_at",
            "a loss at every step, or only at the last",
            "every",
            "choice",
            choices=("every", "last"),
            applies="when V is given (outputs and a loss)",
        ),
        ParamSpec(
            "reduction",
            "sum of the step losses (the notes on Qiu's textbook) or their mean (÷ T)",
            "sum",
            "choice",
            choices=("sum", "mean"),
            applies="when V is given (outputs and a loss)",
        ),
        ParamSpec(
            "recurrent",
            "the letter of the matrix that multiplies hₜ₋₁: W (the notes on Qiu's textbook) or U (Qiu's book)",
            "W",
            "choice",
            choices=("W", "U"),
        ),
    ],
    ["h1", "h2", "h3", "h_T", "loss", "dW", "dU", "dV", "db", "dc", "dh0", "hs", "os", "deltas"],
    draw=_draw,
    check=_check,
    prepare=_prepare,
)
def _bptt(p: Params) -> Out:
    net = Net(p)
    f = net.forward()
    scalar = net.n_h == 1 and net.n_x == 1 and net.n_y <= 1
    rec, inp = net.rec_name, net.in_name
    steps: list[Step] = []
    values: dict[str, Any] = {}
    vec = _nets.vec_value
    for t in range(1, net.T + 1):
        s, h = f["s"][t - 1], f["h"][t]
        bias = " + b" if p["b"] is not None else ""
        if scalar:
            # h_{t−1} and s_t with enough digits that the shown numbers give the shown s_t and h_t
            sv, hv = float(s[0, 0]), float(h[0, 0])
            s_txt = operands([sv], lambda v: float(_nets.act(net.act, np.array([[v[0]]]))[0, 0]), hv)[0]
            aa, rr, x, bb = float(net.a[0, 0]), float(net.r[0, 0]), float(net.x[0, t - 1]), float(net.b[0, 0])
            hp_txt = operands([float(f["h"][t - 1][0, 0])], linear([rr], aa * x + bb), sv, s_txt)[0]
            btxt = f" + {fp(bb)}" if p["b"] is not None else ""
            form = (
                f"s{t} = {inp}·x{t} + {rec}·h{t - 1}{bias} = {fv(aa)}·{fp(x)} + {fv(rr)}·{paren(hp_txt)}{btxt} "
                f"= {s_txt}; h{t} = {net.act}(s{t}) = {fv(hv)}"
            )
        else:
            form = f"s{t} = {inp}·x{t} + {rec}·h{t - 1}{bias} = {fv(vec(s))}; h{t} = {net.act}(s{t})"
        steps.append(Step(f"h{t}", form, vec(h), key=f"h{t}"))
        values[f"s{t}"] = vec(s)
        if net.forward_only:
            continue
        z, o = f["z"][t - 1], f["o"][t - 1]
        cz = " + c" if p["c"] is not None else ""
        if net.out == "linear":
            steps.append(Step(f"o{t}", f"o{t} = V·h{t}{cz}", vec(o), key=f"o{t}"))
        else:
            gname = "σ" if net.out == "sigmoid" else "softmax"
            steps.append(Step(f"o{t}", f"z{t} = V·h{t}{cz} = {fv(vec(z))}; o{t} = {gname}(z{t})", vec(o), key=f"o{t}"))
        values[f"z{t}"] = vec(z)
    if net.forward_only:
        values.update({"h_T": vec(f["h"][-1]), "hs": [vec(h) for h in f["h"][1:]]})
        return Out(
            steps,
            values["h_T"],
            values,
            lazy(
                "sₜ = {inp} xₜ + {rec} hₜ₋₁ + b, hₜ = f(sₜ); x is n_x × T (column t is xₜ); "
                "no V given: the hidden states only, no outputs, loss or gradients",
                inp=inp,
                rec=rec,
            ),
            asked="h_T",
        )
    losses = {t: net.step_loss(f["o"][t - 1], net.y[t]) for t in net.loss_steps}
    loss = float(net.scale * sum(losses.values()))
    for t, lt in losses.items():
        values[f"L{t}"] = lt
    lform = {
        ("ce", "sigmoid"): "−[yₜ log oₜ + (1 − yₜ) log(1 − oₜ)]",
        ("ce", "softmax"): "−Σ yₜ log oₜ",
    }.get((net.loss, net.out), "½‖oₜ − yₜ‖²")
    total = f"L = L{net.T}" if net.last_only else ("L = (1/T)·Σₜ Lₜ" if net.mean else "L = Σₜ Lₜ")
    note = N_("the loss is taken at the last step only: y₁ … y_(T−1) are not used") if net.y_unused else ""
    steps.append(Step("Loss", f"{total}, Lₜ = {lform} = {fv(loss)}", loss, note))
    g = net.backward(f)
    dz_form = {
        ("ce", "sigmoid"): "o{t} − y{t}",
        ("ce", "softmax"): "o{t} − y{t}",
        ("mse", "linear"): "o{t} − y{t}",
        ("mse", "sigmoid"): "(o{t} − y{t}) ⊙ o{t} ⊙ (1 − o{t})",
        ("mse", "softmax"): "o{t} ⊙ ((o{t} − y{t}) − Σ o{t}·(o{t} − y{t}))",
    }[(net.loss, net.out)]
    for t in range(net.T, 0, -1):
        parts = []
        if t in g["dz"]:
            values[f"dz{t}"] = vec(g["dz"][t])
            parts.append(f"Vᵀ·dz{t}")
            steps.append(Step(f"dz{t}", f"dz{t} = ∂L{t}/∂z{t} = {dz_form.format(t=t)}", vec(g["dz"][t]), key=f"dz{t}"))
        if t < net.T:
            parts.append(f"{rec}ᵀ·δ{t + 1}")
        dh_txt = " + ".join(parts) if parts else "0"
        values[f"dh{t}"] = vec(g["dh"][t])
        if len(parts) > 1:
            form = f"∂L/∂s{t} = ({dh_txt}) ⊙ f′(s{t}) = {fv(vec(g['delta'][t]))}"
        else:
            form = f"∂L/∂s{t} = {dh_txt} ⊙ f′(s{t}) = {fv(vec(g['delta'][t]))}"
        adds = {"t": t, "prev": t - 1, "rec": rec, "inp": inp}
        if t == net.T:
            note = lazy(
                "last step, nothing flows back from a later step; adds δ{t}·h{prev}ᵀ to d{rec} and δ{t}·x{t} to d{inp}",
                **adds,
            )
        else:
            note = lazy("adds δ{t}·h{prev}ᵀ to d{rec} and δ{t}·x{t} to d{inp}", **adds)
        steps.append(Step(f"δ{t}", form, vec(g["delta"][t]), note, key=f"delta{t}"))
    mat = _nets.mat_value
    d_rec, d_in = mat(g["dR"]), mat(g["dA"])
    d_v = mat(g["dV"])
    steps.append(Step(f"dL/d{rec}", "Σₜ δₜ·hₜ₋₁ᵀ", d_rec, key=f"d{rec}"))
    steps.append(Step(f"dL/d{inp}", "Σₜ δₜ·xₜᵀ", d_in, key=f"d{inp}"))
    steps.append(Step("dL/db", "Σₜ δₜ", vec(g["db"]), key="db"))
    steps.append(Step("dL/dV", "Σₜ dzₜ·hₜᵀ", d_v, key="dV"))
    steps.append(Step("dL/dc", "Σₜ dzₜ", vec(g["dc"]), key="dc"))
    steps.append(Step("dL/dh0", f"{rec}ᵀ·δ1", vec(g["dh0"]), key="dh0"))
    dx = g["dx"]
    values.update(
        {
            "h_T": vec(f["h"][-1]),
            "loss": loss,
            f"d{rec}": d_rec,
            f"d{inp}": d_in,
            "dV": d_v,
            "db": vec(g["db"]),
            "dc": vec(g["dc"]),
            "dh0": vec(g["dh0"]),
            "dx": float(dx[0, 0]) if dx.size == 1 else (dx.ravel().tolist() if net.n_x == 1 else dx.tolist()),
            "hs": [vec(h) for h in f["h"][1:]],
            "os": [vec(o) for o in f["o"]],
            "deltas": [vec(g["delta"][t]) for t in range(1, net.T + 1)],
        }
    )
    return Out(steps, values[f"d{rec}"], values, _conv(net, p), asked=f"d{rec}")

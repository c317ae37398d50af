"""Data for `dlquiz plot` and its terminal rendering (plotext is imported only when drawing)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import lazy
from dlquiz.worked.activations import ACTIVATIONS, activation
from dlquiz.worked.optim import SCHEDULES, lr_at


@dataclass(frozen=True)
class Series:
    """One curve: a label and its points."""

    label: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]


def activation_series(name: str) -> list[Series]:
    """The activation with its derivative on [−4, 4] ("all": every activation, then its derivative)."""
    xs = np.linspace(-4, 4, 161)
    if name == "all":
        names = list(ACTIVATIONS)
    elif name in ACTIVATIONS:
        names = [name]
    else:
        raise ParamError(
            lazy(
                "unknown activation {name} (choose one of: all, {names})", name=repr(name), names=", ".join(ACTIVATIONS)
            )
        )
    out: list[Series] = []
    for n in names:
        f, df = activation(n, 0.1 if n == "leaky_relu" else 1.0, 1.0)
        out.append(Series(n, tuple(xs), tuple(f(float(x)) for x in xs)))
        out.append(Series(f"{n}′", tuple(xs), tuple(df(float(x)) for x in xs)))
    return out


def lr_decay_series(alpha0: float, epochs: int) -> list[Series]:
    """α over epochs for every schedule of note 004 (decay rate 1, k = 1, base 0.95)."""
    if alpha0 <= 0:
        raise ParamError(lazy("alpha0 must be positive, got {alpha0}", alpha0=alpha0))
    out = []
    for s in SCHEDULES:
        if s == "sqrt":
            continue  # same curve as sqrt-epoch when t counts epochs
        first = 1 if s == "sqrt-epoch" else 0
        es = range(first, epochs + 1)
        out.append(Series(s, tuple(float(e) for e in es), tuple(lr_at(s, alpha0, e) for e in es)))
    return out


def optimizer_paths(steps: int, surface: str = "1d", lr: float = 0.1) -> dict[str, np.ndarray]:
    """Iterates of GD, momentum, RMSprop and Adam (notes' conventions) from the same start."""
    if surface == "1d":

        def grad(w: np.ndarray) -> np.ndarray:
            return 2 * w - 10  # f(w) = w² − 10w + 25

        start = np.array([0.0])
    else:
        scale = np.array([1 / 10, 2.0])  # f = x²/20 + y²: elongated along x

        def grad(w: np.ndarray) -> np.ndarray:
            return scale * w  # type: ignore[no-any-return]

        start = np.array([-9.0, 1.5])
        lr = 0.3
    paths: dict[str, np.ndarray] = {}
    for name in ("GD", "momentum", "RMSprop", "Adam"):
        w = start.copy()
        v = np.zeros_like(w)
        s = np.zeros_like(w)
        pts = [w.copy()]
        for t in range(1, steps + 1):
            g = grad(w)
            if name == "GD":
                w = w - lr * g
            elif name == "momentum":
                v = 0.9 * v + 0.1 * g
                w = w - lr * v
            elif name == "RMSprop":
                s = 0.9 * s + 0.1 * g * g
                w = w - lr * g / (np.sqrt(s) + 1e-8)
            else:
                v = 0.9 * v + 0.1 * g
                s = 0.999 * s + 0.001 * g * g
                w = w - lr * (v / (1 - 0.9**t)) / (np.sqrt(s / (1 - 0.999**t)) + 1e-8)
            pts.append(w.copy())
        paths[name] = np.array(pts)
    return paths


def optimizer_series(steps: int, surface: str = "1d") -> list[Series]:
    """Curves of `optimizer_paths`: w over the steps (1d) or the (x, y) path (bowl)."""
    out = []
    for name, pts in optimizer_paths(steps, surface).items():
        if surface == "1d":
            out.append(Series(name, tuple(float(i) for i in range(len(pts))), tuple(float(v) for v in pts[:, 0])))
        else:
            out.append(Series(name, tuple(float(v) for v in pts[:, 0]), tuple(float(v) for v in pts[:, 1])))
    return out


_MARKERS = ("•", "+", "x", "o", "*", "#", "@", "%")


def terminal_plot(series: list[Series], title: str, width: int | None = None, height: int | None = None) -> str:
    """The curves drawn by plotext; plain characters (no colour) when stdout is not a terminal."""
    import plotext
    from plotext._kernel.api import figure

    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    figure.clear()
    figure.plot_size(width or 80, height or 22)
    figure.title(title)
    for i, s in enumerate(series):
        sig = figure.signal(list(s.xs), list(s.ys), marker=None if colour else _MARKERS[i % len(_MARKERS)])
        figure.draw(sig.label(s.label))
    text = str(figure.build())
    figure.clear()
    return text if colour else plotext.uncolorize(text)


def save_png(series: list[Series], title: str, path: str) -> None:
    """Save the curves with matplotlib (optional dependency)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    for s in series:
        ax.plot(s.xs, s.ys, label=s.label, linestyle="--" if s.label.endswith("′") else "-")
    ax.set_title(title)
    ax.legend(fontsize="small", ncol=2)
    fig.savefig(path, dpi=120)
    plt.close(fig)

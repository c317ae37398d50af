"""Helpers shared by the network generators (backprop, rnn, gates): activations, given tensors, shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import Lazy, lazy

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")


def shape_text(shape: tuple[int, ...]) -> str:
    """(3, 2) -> "3×2"; (4,) -> "4"."""
    return "×".join(str(n) for n in shape) if shape else "1"


def act(name: str, z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """g(z) for the hidden/output activations (softmax over each column)."""
    if name == "sigmoid":
        out: np.ndarray = 1 / (1 + np.exp(-z))
    elif name == "tanh":
        out = np.tanh(z)
    elif name == "relu":
        out = np.maximum(0.0, z)
    elif name == "leaky_relu":
        out = np.where(z > 0, z, alpha * z)
    elif name == "softmax":
        e = np.exp(z - z.max(axis=0, keepdims=True))
        out = e / e.sum(axis=0, keepdims=True)
    else:
        out = np.array(z, dtype=float)
    return out


def dact(name: str, z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """g′(z) element-wise (ReLU′(0) = 0, leaky ReLU′(0) = α); not for softmax."""
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-z))
        out: np.ndarray = s * (1 - s)
    elif name == "tanh":
        out = 1 - np.tanh(z) ** 2
    elif name == "relu":
        out = (z > 0).astype(float)
    elif name == "leaky_relu":
        out = np.where(z > 0, 1.0, alpha)
    else:
        out = np.ones_like(z, dtype=float)
    return out


def kinked(name: str, z: np.ndarray) -> bool:
    """Whether some pre-activation sits exactly on a ReLU kink (no derivative there)."""
    return name in ("relu", "leaky_relu") and bool(np.any(np.abs(z) < 1e-12))


def array(v: Any) -> np.ndarray:
    """A given value (number, list, nested list) as a float array, as typed."""
    return np.array(v, dtype=float)


def matrix(kind: str, name: str, v: Any) -> np.ndarray:
    """A given matrix parameter; a number is a 1×1 matrix."""
    a = array(v)
    if a.ndim == 0:
        a = a.reshape(1, 1)
    if a.ndim != 2:
        raise ParamError(
            lazy(
                "{kind}: parameter {name} must be a matrix (rows separated by ';'), got {ndim} dimensions",
                kind=kind,
                name=name,
                ndim=a.ndim,
            )
        )
    return a


def oriented(kind: str, name: str, v: Any, rows: int | None, cols: int | None, why: Lazy | None = None) -> np.ndarray:
    """A given matrix parameter; a number is 1×1 and a list is a row or a column, whichever fits `rows` × `cols`."""
    a = array(v)
    if a.ndim != 1:
        return matrix(kind, name, v)
    k = a.size
    if rows in (None, 1) and cols in (None, k):
        return a.reshape(1, k)
    if cols in (None, 1) and rows in (None, k):
        return a.reshape(k, 1)
    want = f"{rows if rows is not None else 'n_y'}×{cols if cols is not None else 'n'}"
    raise ParamError(
        lazy(
            "{kind}: parameter {name} is a vector of {k} but {why}: {name} must be {want}",
            kind=kind,
            name=name,
            k=k,
            why=why,
            want=want,
        )
        if why is not None
        else lazy(
            "{kind}: parameter {name} is a vector of {k}: {name} must be {want}", kind=kind, name=name, k=k, want=want
        )
    )


def column(kind: str, name: str, v: Any) -> np.ndarray:
    """A given vector parameter as an n×1 column: a list, a 1×n row or an n×1 column all work."""
    a = array(v)
    if a.ndim == 2 and 1 in a.shape:
        a = a.ravel()
    if a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != 1:
        raise ParamError(
            lazy(
                "{kind}: parameter {name} must be a vector, got a {shape} matrix",
                kind=kind,
                name=name,
                shape=shape_text(a.shape),
            )
        )
    return a.reshape(-1, 1)


def vec_value(a: np.ndarray) -> Any:
    """A column vector as a flat list (one number when it has one entry)."""
    flat = _clean(np.asarray(a, dtype=float).ravel())
    return float(flat[0]) if flat.size == 1 else flat.tolist()


def mat_value(a: np.ndarray) -> Any:
    """A matrix as nested lists (one number when it is 1×1)."""
    arr = _clean(np.asarray(a, dtype=float))
    return float(arr.ravel()[0]) if arr.size == 1 else arr.tolist()


def _clean(a: np.ndarray) -> np.ndarray:
    """Rounding noise of sums of short decimals (−2.8e-17 for 0.3 − 0.1 − 0.2) shown as 0."""
    out: np.ndarray = np.where(np.abs(a) < 1e-13, 0.0, a)
    return out


def numeric_grad(f: Callable[[], float], t: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Two-sided differences of f() with respect to every entry of t (changed in place and restored)."""
    g = np.zeros_like(t, dtype=float)
    for idx in np.ndindex(t.shape):
        old = t[idx]
        t[idx] = old + eps
        up = f()
        t[idx] = old - eps
        down = f()
        t[idx] = old
        g[idx] = (up - down) / (2 * eps)
    return g


def rel_error(analytic: list[np.ndarray], numeric: list[np.ndarray]) -> float:
    """‖a − n‖ / (‖a‖ + ‖n‖) over all entries (0 when both are 0)."""
    an = np.concatenate([a.ravel() for a in analytic]) if analytic else np.zeros(1)
    nu = np.concatenate([n.ravel() for n in numeric]) if numeric else np.zeros(1)
    denom = float(np.linalg.norm(an) + np.linalg.norm(nu))
    return float(np.linalg.norm(an - nu) / denom) if denom > 0 else 0.0

"""The vocabulary of the math reader: Greek letters, function words, symbol names.

Shared by the tokenizer, the grammar and the printer (the stage below all three). A symbol's
name is its canonical text: ``beta_1``, ``yhat_i``, ``h_{t-1}``, ``W^[1]``, ``pad``.
"""

from __future__ import annotations

import sympy
from sympy import Symbol

GREEK: dict[str, str] = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "omicron": "ο",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "upsilon": "υ",
    "phi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Xi": "Ξ",
    "Sigma": "Σ",
    "Upsilon": "Υ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
}
GREEK_BY_CHAR: dict[str, str] = {v: k for k, v in GREEK.items()}
GREEK_BY_CHAR.update({"ϵ": "epsilon", "ϑ": "theta", "ϕ": "phi", "ς": "sigma"})
ALIASES: dict[str, str] = {
    "varepsilon": "epsilon",
    "vartheta": "theta",
    "varphi": "phi",
    "lam": "lambda",
    "eps": "epsilon",
    "varsigma": "sigma",
}
ACCENTS = ("hat", "bar", "tilde")

# typed function word -> canonical function name (SymPy's printed names included: Abs, Max ...)
FUNCTIONS: dict[str, str] = {
    "sigma": "sigma",
    "sigmoid": "sigma",
    "logistic": "sigma",
    "σ": "sigma",
    "exp": "exp",
    "ln": "log",
    "log": "log",
    "tanh": "tanh",
    "sinh": "sinh",
    "cosh": "cosh",
    "sech": "sech",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "sqrt": "sqrt",
    "abs": "abs",
    "Abs": "abs",
    "relu": "relu",
    "ReLU": "relu",
    "max": "max",
    "Max": "max",
    "min": "min",
    "Min": "min",
    "softplus": "softplus",
    "softmax": "softmax",
    "erf": "erf",
    "Phi": "Phi",
    "Φ": "Phi",
    "leaky_relu": "leaky_relu",
    "lrelu": "leaky_relu",
    "elu": "elu",
    "ELU": "elu",
    "swish": "swish",
    "gelu": "gelu",
    "GELU": "gelu",
    "delta": "delta",
    "δ": "delta",
    "KroneckerDelta": "delta",
    "diff": "diff",
    "Derivative": "diff",
    "sum": "sum",
    "Sum": "sum",
    "prod": "prod",
    "product": "prod",
    "Product": "prod",
    "floor": "floor",
    "ceil": "ceil",
    "ceiling": "ceil",
    "sign": "sign",
    "sgn": "sign",
    "heaviside": "heaviside",
    "Heaviside": "heaviside",
    "step": "heaviside",
    "Piecewise": "piecewise",
    "re": "re",
    "im": "im",
}
# names that are a function only when applied (otherwise a Greek symbol)
DUAL = {"sigma", "σ", "delta", "δ", "Phi", "Φ", "re", "im"}
FORBIDDEN = {
    "import",
    "eval",
    "exec",
    "open",
    "os",
    "sys",
    "globals",
    "locals",
    "getattr",
    "setattr",
    "compile",
    "builtins",
    "subprocess",
    "class",
    "def",
}
# Ng's gradient names and the learning rate: names without being declared
EXTRA_NAMES = {"dW", "dZ", "dz", "db", "da", "dA", "lr"}

# symbol name -> (base, subscript expression); filled as symbols are made
SUBSCRIPTS: dict[str, tuple[str, sympy.Expr]] = {}


def make_symbol(base: str, sub: sympy.Expr | None = None) -> Symbol:
    """The symbol for a base name with an optional subscript (``h_{t-1}``)."""
    if sub is None:
        return Symbol(base)
    name = f"{base}_{sub_text(sub)}"
    SUBSCRIPTS.setdefault(name, (base, sub))
    return Symbol(name)


def sub_text(sub: sympy.Expr) -> str:
    """A subscript as it appears in a symbol name: ``1``, ``t``, ``{t-1}``."""
    if isinstance(sub, Symbol) or (sub.is_Integer and sub >= 0):
        return str(sub)
    return "{" + str(sympy.sstr(sub)).replace(" ", "") + "}"


def split_name(name: str) -> tuple[str, str]:
    """(base, subscript text) of a symbol name: ``W^[1]_f`` -> (``W^[1]``, ``f``)."""
    base, _, sub = name.partition("_")
    return base, sub


def declared_bases(names: frozenset[str]) -> frozenset[str]:
    """The base names a set of declared names makes readable as one name (``da_prev`` -> ``da``,
    ``W1`` -> ``W``), besides the names themselves."""
    out: set[str] = set()
    for n in names:
        base = split_name(n)[0].split("^", 1)[0]
        out.add(n)
        out.add(base)
        stripped = base.rstrip("0123456789")
        if stripped:
            out.add(stripped)
    return frozenset(out)

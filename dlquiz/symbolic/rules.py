"""Catalogue of deep-learning wrong rules: the classic slips of the course, recognised in answers.

Each rule has a name, a short explanation in English and Chinese, and ``variants``: from a
reference expression it builds the wrong expressions the slip produces (e.g. σ(z)(1 − σ(z))
replaced by (1 − σ(z))²). A candidate equivalent to a variant matches the rule.
``transpose_variants`` is the hook for matrix steps (the derivation checker applies it to
matrix expressions; scalar answers have no transposes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sympy

from dlquiz.symbolic.assumptions import Context
from dlquiz.symbolic.functions import sigma, softmax

Variants = Callable[[sympy.Expr], list[sympy.Expr]]


@dataclass(frozen=True)
class Rule:
    """A known wrong rule of deep-learning calculus."""

    name: str
    en: str
    zh: str
    variants: Variants

    def message(self, lang: str) -> str:
        """The explanation in `lang` (zh or en)."""
        return self.zh if lang == "zh" else self.en


# --------------------------------------------------------------------------- helpers


def _muls(expr: sympy.Expr) -> Iterator[sympy.Mul]:
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Mul):
            yield node


def _sigma_prime_factors(m: sympy.Mul) -> list[tuple[sympy.Expr, sympy.Expr]]:
    """(σ(u), 1 − σ(u)) factor pairs of a product."""
    out = []
    args = m.args
    for a in args:
        if isinstance(a, sigma):
            one_minus = 1 - a
            if one_minus in args:
                out.append((a, one_minus))
    return out


def _tanh_prime_factors(m: sympy.Mul) -> list[sympy.Expr]:
    out = []
    for a in m.args:
        if isinstance(a, sympy.Add):
            for t in a.atoms(sympy.tanh):
                if a == 1 - t**2:
                    out.append(a)
    return out


def _missing_act_prime(ref: sympy.Expr) -> list[sympy.Expr]:
    out = []
    for m in _muls(ref):
        for s, om in _sigma_prime_factors(m):
            out.append(ref.xreplace({m: m / (s * om)}))
        for tp in _tanh_prime_factors(m):
            out.append(ref.xreplace({m: m / tp}))
    return out


def _sigma_prime_forms(ref: sympy.Expr) -> list[sympy.Expr]:
    out = []
    for m in _muls(ref):
        for s, om in _sigma_prime_factors(m):
            rest = m / (s * om)
            for wrong in (om**2, s * (1 + s), s**2, s, om):
                out.append(ref.xreplace({m: rest * wrong}))
    return out


def _softmax_diagonal(ref: sympy.Expr) -> list[sympy.Expr]:
    out = []
    for d in ref.atoms(sympy.KroneckerDelta):
        i, j = d.args
        if not (isinstance(i, sympy.Symbol) and isinstance(j, sympy.Symbol)):
            continue
        repl: dict[sympy.Basic, sympy.Basic] = {d: sympy.Integer(1)}
        for s in ref.free_symbols:
            if isinstance(s, sympy.Symbol) and s.name.endswith(f"_{j.name}"):
                repl[s] = sympy.Symbol(s.name[: -len(j.name)] + i.name)
        repl[j] = i
        out.append(ref.xreplace(repl))
        out.append(ref.xreplace({d: sympy.Integer(0)}))
    return out


def _has_difference(ref: sympy.Expr) -> bool:
    return any(any(a.could_extract_minus_sign() for a in add.args) and
               any(not a.could_extract_minus_sign() for a in add.args)
               for add in ref.atoms(sympy.Add))


def _sign_flip(ref: sympy.Expr) -> list[sympy.Expr]:
    # only a gradient of the form prediction − label (two terms, no log): a negated loss or
    # cost is the generic "sign error" below, not this slip
    if ref == 0 or not isinstance(ref, sympy.Add) or len(ref.args) != 2 or ref.has(sympy.log):
        return []
    a, b = ref.args
    return [-ref] if a.could_extract_minus_sign() != b.could_extract_minus_sign() else []


def _negated(ref: sympy.Expr) -> list[sympy.Expr]:
    return [-ref] if ref != 0 else []


def _mse_factor(ref: sympy.Expr) -> list[sympy.Expr]:
    return [2 * ref, ref / 2]


_COUNT_NAMES = ("m", "n", "N", "M")


def _missing_mean(ref: sympy.Expr) -> list[sympy.Expr]:
    out = []
    for s in ref.free_symbols:
        if isinstance(s, sympy.Symbol) and s.name in _COUNT_NAMES:
            out += [ref * s, ref / s]
    return out


def _tanh_not_squared(ref: sympy.Expr) -> list[sympy.Expr]:
    repl = {p: p.base for p in ref.atoms(sympy.Pow)
            if isinstance(p.base, sympy.tanh) and p.exp == 2}
    return [ref.xreplace(repl)] if repl else []


def _is_beta(s: sympy.Basic) -> bool:
    return isinstance(s, sympy.Symbol) and s.name.split("_")[0] in ("beta", "rho", "gamma")


def _no_bias_correction(ref: sympy.Expr) -> list[sympy.Expr]:
    pows = [p for p in ref.atoms(sympy.Pow) if _is_beta(p.base) and p.exp.free_symbols]
    if not pows:
        return []
    out = [ref.xreplace({p: sympy.Integer(0)}) for p in pows]
    if len(pows) > 1:
        out.append(ref.xreplace({p: sympy.Integer(0) for p in pows}))
    return out


def _beta_swap(ref: sympy.Expr) -> list[sympy.Expr]:
    out = []
    for b in ref.free_symbols:
        if _is_beta(b):
            out.append(ref.xreplace({b: 1 - b}))
            out.append(ref.xreplace({1 - b: b}))
            out.append(ref.xreplace({b: 1 - b, 1 - b: b}))
    return out


def _missing_eps(ref: sympy.Expr) -> list[sympy.Expr]:
    return [ref.xreplace({s: sympy.Integer(0)}) for s in ref.free_symbols
            if isinstance(s, sympy.Symbol) and s.name.split("_")[0] == "epsilon"]


def _sum_range(ref: sympy.Expr) -> list[sympy.Expr]:
    out = []
    for s in ref.atoms(sympy.Sum):
        k, lo, hi = s.limits[0]
        for nlo, nhi in ((lo - 1, hi), (lo + 1, hi), (lo, hi - 1), (lo, hi + 1),
                         (lo - 1, hi - 1), (lo + 1, hi + 1)):
            out.append(ref.xreplace({s: sympy.Sum(s.function, (k, nlo, nhi), *s.limits[1:])}))
    return out


def _leaky_slope(ref: sympy.Expr) -> list[sympy.Expr]:
    from dlquiz.symbolic.functions import leaky_relu

    hundredth, tenth = sympy.Rational(1, 100), sympy.Rational(1, 10)
    out = []
    repl = {f: leaky_relu(f.args[0], tenth) for f in ref.atoms(leaky_relu)
            if f.slope == hundredth}
    if repl:
        out.append(ref.xreplace(repl))
    if ref.has(hundredth):
        out.append(ref.xreplace({hundredth: tenth}))
    return out


def transpose_variants(expr: sympy.Expr) -> list[sympy.Expr]:
    """Hook for matrix expressions: each transpose dropped (Wᵀ dz -> W dz), one at a time."""
    out = []
    for t in expr.atoms(sympy.Transpose):
        try:
            out.append(expr.xreplace({t: t.arg}))
        except sympy.ShapeError:  # shapes no longer fit: that variant cannot be written
            continue
    return out


def _softmax_as_sigma(ref: sympy.Expr) -> list[sympy.Expr]:
    repl = {f: sigma(f.args[0]) for f in ref.atoms(softmax)}
    return [ref.xreplace(repl)] if repl else []


RULES: tuple[Rule, ...] = (
    Rule("missing σ′ factor",
         "The chain rule through the activation is missing: multiply by σ′(z) = σ(z)(1 − σ(z)) "
         "(or g′(z) for the layer's activation).",
         "链式法则漏掉了激活函数的导数：还要乘以 σ′(z) = σ(z)(1 − σ(z))（或该层激活的 g′(z)）。",
         _missing_act_prime),
    Rule("wrong form of σ′",
         "σ′(z) = σ(z)(1 − σ(z)); (1 − σ)², σ(1 + σ) or σ² are not the derivative of σ.",
         "σ′(z) = σ(z)(1 − σ(z))；(1 − σ)²、σ(1 + σ) 或 σ² 都不是 σ 的导数。",
         _sigma_prime_forms),
    Rule("softmax Jacobian without off-diagonal terms",
         "∂p_i/∂o_j = p_i(δ_ij − p_j): for i ≠ j it is −p_i p_j, not zero, and not p_i(1 − p_i) "
         "for every pair.",
         "∂p_i/∂o_j = p_i(δ_ij − p_j)：i ≠ j 时为 −p_i p_j，既不是 0，也不是对所有 i, j 都取 "
         "p_i(1 − p_i)。",
         _softmax_diagonal),
    Rule("tanh′ as 1 − tanh (not squared)",
         "tanh′(x) = 1 − tanh²(x): the tanh is squared.",
         "tanh′(x) = 1 − tanh²(x)：tanh 要平方。",
         _tanh_not_squared),
    Rule("missing bias correction in Adam",
         "Adam divides the moments by (1 − β₁ᵗ) and (1 − β₂ᵗ) before the update: "
         "m̂ = m/(1 − β₁ᵗ), ŝ = s/(1 − β₂ᵗ).",
         "Adam 在更新前要做偏差修正：m̂ = m/(1 − β₁ᵗ)，ŝ = s/(1 − β₂ᵗ)。",
         _no_bias_correction),
    Rule("β instead of 1 − β in the moving average",
         "The exponentially weighted average is v_t = βv_{t−1} + (1 − β)θ_t: the old value gets β, "
         "the new one 1 − β.",
         "指数加权平均为 v_t = βv_{t−1} + (1 − β)θ_t：旧值乘 β，新值乘 1 − β。",
         _beta_swap),
    Rule("ε missing from the denominator",
         "RMSprop and Adam divide by √s + ε; without ε the step can divide by zero.",
         "RMSprop 和 Adam 的分母是 √s + ε；没有 ε 可能除以零。",
         _missing_eps),
    Rule("wrong BPTT time range",
         "Back-propagation through time sums over every step that influences the loss: check the "
         "first and last index of the sum (k = 1 … t).",
         "BPTT 要对所有影响损失的时间步求和：检查求和的起止下标（k = 1 … t）。",
         _sum_range),
    Rule("Leaky ReLU slope 0.1 instead of 0.01",
         "Leaky ReLU uses a small slope γ ≈ 0.01 for x < 0 (the notes' 0.1 is a slip).",
         "Leaky ReLU 在 x < 0 时斜率 γ ≈ 0.01（笔记中的 0.1 是笔误）。",
         _leaky_slope),
    Rule("missing 1/m",
         "The cost averages over the m examples of the batch: the gradient carries the factor 1/m.",
         "代价函数对批内 m 个样本取平均：梯度中要有 1/m。",
         _missing_mean),
    Rule("missing ½ / factor 2 in the MSE gradient",
         "d/da ½(a − y)² = a − y; without the ½ the gradient is 2(a − y). Keep the factor that "
         "matches the loss as defined.",
         "½(a − y)² 对 a 求导为 a − y；没有 ½ 时为 2(a − y)。因子要与损失的定义一致。",
         _mse_factor),
    Rule("p − y sign flipped (y − p)",
         "The gradient of cross-entropy with respect to the logits is p − y (prediction minus "
         "label); y − p is its negative and makes gradient descent climb.",
         "交叉熵对 logits 的梯度是 p − y（预测减标签）；y − p 方向相反，会让梯度下降变成上升。",
         _sign_flip),
    Rule("sign error",
         "The whole expression has the wrong sign: check each minus sign (−log, the direction of "
         "the gradient step).",
         "整个表达式符号反了：检查每个负号（−log、梯度下降的方向）。",
         _negated),
    Rule("softmax replaced by sigmoid",
         "For several classes the output is softmax(o)_i = e^{o_i}/Σ_k e^{o_k}, not σ(o_i).",
         "多分类输出是 softmax(o)_i = e^{o_i}/Σ_k e^{o_k}，不是 σ(o_i)。",
         _softmax_as_sigma),
    Rule("forgotten transpose",
         "dW = dz · a_prevᵀ and da_prev = Wᵀ dz: shapes decide where the transpose goes.",
         "dW = dz · a_prevᵀ，da_prev = Wᵀ dz：由形状决定转置的位置。",
         transpose_variants),
)

BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}


def match(reference: sympy.Expr, given: sympy.Expr, ctx: Context | None = None) -> Rule | None:
    """The first catalogue rule whose wrong version of `reference` equals `given` (prepared).

    `reference` is the parsed (unprepared) reference, so patterns like σ(z)(1 − σ(z)) are
    visible; `given` is already rewritten into elementary functions.
    """
    from dlquiz.symbolic.equivalence import numerically_equal, prepare

    ctx = ctx or Context()
    refs = [reference]
    if reference.has(sympy.Derivative):  # d/dz σ(z) -> σ(z)(1 − σ(z)): the patterns show
        try:
            refs.append(reference.replace(lambda e: isinstance(e, sympy.Derivative),
                                          lambda e: sympy.diff(e.expr, *e.variable_count)))
        except (TypeError, ValueError, AttributeError):
            pass
    for rule in RULES:
        try:
            variants = [v for r in refs for v in rule.variants(r)]
        except (TypeError, ValueError, AttributeError):
            continue
        for v in variants:
            if v == reference:
                continue
            try:
                if numerically_equal(prepare(v), given, ctx):
                    return rule
            except (TypeError, ValueError, AttributeError):
                continue
    return None

"""The slip catalogue: the classic wrong rules of the course, each with its detector and message.

One table (`SLIPS`), in order of specificity: every wrong answer (`check_answer`) and every
failing derivation step (`check`, scalar or matrix) is tried against each slip in turn and named
by the first that explains it.

A detector gets the right expression (the reference, or the step before) and the wrong one,
and yields pairs of expressions: the slip explains the error when the two of a pair are equal
(numerically, by the caller's comparison). A pair is either (a wrong version of the right
expression, the wrong one) -- σ(z)(1 − σ(z)) replaced by (1 − σ(z))² -- or (the right one, a
repair of the wrong one) -- the wrong one times σ(u)(1 − σ(u)). Scalar detectors work on SymPy
expressions; matrix detectors on matexpr.Node trees, with the facts of the forward pass.

(Over 500 lines on purpose: a table of 17 slips whose detectors sit right above it; splitting
detectors from their rows would separate each slip from what recognises it.)
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import sympy

from dlquiz.i18n import N_, Lazy, lazy
from dlquiz.i18n import t as tr
from dlquiz.symbolic.assumptions import Context
from dlquiz.symbolic.functions import leaky_relu, sigma, softmax
from dlquiz.symbolic.matexpr import Node, terms, transpose_variants
from dlquiz.symbolic.policy import prepare
from dlquiz.symbolic.sampling import numerically_equal

Pairs = Iterator[tuple[sympy.Expr, sympy.Expr]]
ScalarDetector = Callable[[sympy.Expr, sympy.Expr], Iterable[tuple[sympy.Expr, sympy.Expr]]]


@dataclass(frozen=True)
class MatrixFacts:
    """What a matrix detector may know: the forward pass (`let` name, expression) and which
    names exist."""

    lets: tuple[tuple[str, Node], ...] = ()
    knows: Callable[[str], bool] = field(default=lambda name: False)


MatrixDetector = Callable[[Node, Node, MatrixFacts], Iterable[tuple[Node, Node]]]


@dataclass(frozen=True)
class Slip:
    """A known wrong rule: its name and explanation (catalog messages, written in English), its detectors."""

    name: str
    en: Lazy
    scalar: ScalarDetector | None = None
    matrix: MatrixDetector | None = None

    @property
    def zh(self) -> str:
        """The explanation in Chinese (from the catalog)."""
        return self.en.text("zh")

    def message(self, lang: str) -> str:
        """The explanation in `lang` (zh or en)."""
        return self.en.text(lang)


# --------------------------------------------------------------------------- scalar helpers


def _muls(expr: sympy.Expr) -> Iterator[sympy.Mul]:
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Mul):
            yield node


def _sigma_prime_factors(m: sympy.Mul) -> list[tuple[sympy.Expr, sympy.Expr]]:
    return [(a, 1 - a) for a in m.args if isinstance(a, sigma) and (1 - a) in m.args]


def _tanh_prime_factors(m: sympy.Mul) -> list[sympy.Expr]:
    return [a for a in m.args if isinstance(a, sympy.Add) for t in a.atoms(sympy.tanh) if a == 1 - t**2]


def _wrong(ref: sympy.Expr, given: sympy.Expr, variants: Iterable[sympy.Expr]) -> Pairs:
    for v in variants:
        if v != ref:
            yield v, given


def _repaired(ref: sympy.Expr, repairs: Iterable[sympy.Expr]) -> Pairs:
    for r in repairs:
        yield ref, r


def _sigma_prime_forms(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    def variants() -> Iterator[sympy.Expr]:
        for m in _muls(ref):
            for s, om in _sigma_prime_factors(m):
                rest = m / (s * om)
                for wrong in (om**2, s * (1 + s), s**2, s, om):
                    yield ref.xreplace({m: rest * wrong})

    return _wrong(ref, given, variants())


def _missing_act_prime(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    def variants() -> Iterator[sympy.Expr]:
        for m in _muls(ref):
            for s, om in _sigma_prime_factors(m):
                yield ref.xreplace({m: m / (s * om)})
            for tp in _tanh_prime_factors(m):
                yield ref.xreplace({m: m / tp})

    yield from _wrong(ref, given, variants())
    acts = {a for e in (ref, given) for a in e.atoms(sigma)}
    yield from _repaired(ref, [given * a * (1 - a) for a in sorted(acts, key=str)])
    tanhs = {a for e in (ref, given) for a in e.atoms(sympy.tanh)}
    yield from _repaired(ref, [given * (1 - a**2) for a in sorted(tanhs, key=str)])


def _ij(ref: sympy.Expr, given: sympy.Expr) -> tuple[sympy.Symbol, sympy.Symbol] | None:
    syms = {s.name: s for e in (ref, given) for s in e.atoms(sympy.Symbol)}
    return (syms["i"], syms["j"]) if "i" in syms and "j" in syms else None


def _softmax_diagonal(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    for d in ref.atoms(sympy.KroneckerDelta):
        i, j = d.args
        if not (isinstance(i, sympy.Symbol) and isinstance(j, sympy.Symbol)):
            continue
        repl: dict[sympy.Basic, sympy.Basic] = {d: sympy.Integer(1)}
        for s in ref.free_symbols:
            if isinstance(s, sympy.Symbol) and s.name.endswith(f"_{j.name}"):
                repl[s] = sympy.Symbol(s.name[: -len(j.name)] + i.name)
        repl[j] = i
        yield from _wrong(ref, given, [ref.xreplace(repl), ref.xreplace({d: sympy.Integer(0)})])
    pair = _ij(ref, given)
    if pair is not None and (ref.has(sympy.KroneckerDelta) or ref.has(sympy.Derivative)):
        i, j = pair  # right on the diagonal (i = j), wrong off it
        if ref.xreplace({j: i}) != ref:
            yield ref.xreplace({j: i}), given.xreplace({j: i})


def _tanh_not_squared(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    repl = {p: p.base for p in ref.atoms(sympy.Pow) if isinstance(p.base, sympy.tanh) and p.exp == 2}
    if repl:
        yield ref.xreplace(repl), given


def _is_beta(s: sympy.Basic) -> bool:
    name = str(s.base) if isinstance(s, sympy.Indexed) else getattr(s, "name", "")
    return name.split("_")[0] in ("beta", "β", "rho", "gamma")


def _no_bias_correction(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    pows = [p for p in ref.atoms(sympy.Pow) if _is_beta(p.base) and p.exp.free_symbols]
    variants = [ref.xreplace({p: sympy.Integer(0)}) for p in pows]
    if len(pows) > 1:
        variants.append(ref.xreplace({p: sympy.Integer(0) for p in pows}))
    yield from _wrong(ref, given, variants)
    free = ref.free_symbols | given.free_symbols
    betas = {a for e in (ref, given) for a in e.atoms(sympy.Symbol, sympy.Indexed) if _is_beta(a)}
    steps = [x for x in free if isinstance(x, sympy.Symbol) and x.name in ("t", "T", "n")]
    for b in sorted(betas, key=str):
        for t in sorted(steps, key=str):
            corr = 1 - b**t
            yield from _repaired(ref, [given * corr, given / corr])


def _beta_swap(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    for b in sorted(ref.free_symbols, key=str):
        if _is_beta(b):
            yield from _wrong(
                ref, given, [ref.xreplace({b: 1 - b}), ref.xreplace({1 - b: b}), ref.xreplace({b: 1 - b, 1 - b: b})]
            )


def _missing_eps(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    yield from _wrong(
        ref,
        given,
        [
            ref.xreplace({s: sympy.Integer(0)})
            for s in ref.free_symbols
            if isinstance(s, sympy.Symbol) and s.name.split("_")[0] in ("epsilon", "ε")
        ],
    )


_RANGE_SHIFTS = ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (1, 1))


def _sum_range(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    def shifted(e: sympy.Expr) -> Iterator[sympy.Expr]:
        for s in e.atoms(sympy.Sum):
            k, lo, hi = s.limits[0]
            for a, b in _RANGE_SHIFTS:
                yield e.xreplace({s: sympy.Sum(s.function, (k, lo + a, hi + b), *s.limits[1:])})

    yield from _wrong(ref, given, shifted(ref))
    yield from _repaired(ref, shifted(given))


def _leaky_slope(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    hundredth, tenth = sympy.Rational(1, 100), sympy.Rational(1, 10)
    repl = {f: leaky_relu(f.args[0], tenth) for f in ref.atoms(leaky_relu) if f.slope == hundredth}
    variants = [ref.xreplace(repl)] if repl else []
    if ref.has(hundredth):
        variants.append(ref.xreplace({hundredth: tenth}))
    yield from _wrong(ref, given, variants)


def _log_base(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    logs = [f for f in ref.atoms(sympy.log)]
    for base in (10, 2):
        lb = sympy.log(base)
        yield from _wrong(ref, given, [ref.xreplace({f: f / lb}) for f in logs])
        yield from _wrong(ref, given, [ref.xreplace({f: f * lb}) for f in logs])
        if not logs:  # a derivative of log_b x: a factor ln b too many or too few
            yield from _wrong(ref, given, [ref * lb, ref / lb])


def _sum_over_classes(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    extra = sorted((s for s in given.free_symbols - ref.free_symbols if isinstance(s, sympy.Symbol)), key=str)
    subs = sorted(
        {x.name.rsplit("_", 1)[1] for x in extra if "_" in x.name} - {x.name for x in extra}
    )  # y_i, p_i: the index i
    idx = (
        [s for s in extra if s.name in ("i", "j", "k", "c", "y")]
        + extra
        + [sympy.Symbol(n) for n in subs if n.isalnum()]
    )
    for s in ref.atoms(sympy.Sum):
        k = s.limits[0][0]
        body = s.function
        for target in [k, *idx, *(sympy.Symbol(x.name, integer=True) for x in idx)]:
            repl: dict[sympy.Basic, sympy.Basic] = {k: target}
            for sym in body.free_symbols:  # y_k as one symbol (an answer) -> y_i
                if isinstance(sym, sympy.Symbol) and sym.name.endswith(f"_{k.name}"):
                    repl[sym] = sympy.Symbol(sym.name[: -len(k.name)] + str(target))
            yield ref.xreplace({s: body.xreplace(repl)}), given


def _softmax_as_sigma(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    repl = {f: sigma(f.args[0]) for f in ref.atoms(softmax)}
    if repl:
        yield ref.xreplace(repl), given


def matrix_transpose_variants(expr: sympy.Expr) -> list[sympy.Expr]:
    """SymPy matrix expressions: each transpose dropped (Wᵀ dz -> W dz), one at a time."""
    out = []
    for t in expr.atoms(sympy.Transpose):
        try:
            out.append(expr.xreplace({t: t.arg}))
        except sympy.ShapeError:  # shapes no longer fit: that variant cannot be written
            continue
    return out


def _transpose_scalar(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    yield from _wrong(ref, given, matrix_transpose_variants(ref))


_COUNT_NAMES = ("m", "n", "N", "M")


def _missing_mean(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    for s in sorted(ref.free_symbols, key=str):
        if isinstance(s, sympy.Symbol) and s.name in _COUNT_NAMES:
            yield from _wrong(ref, given, [ref * s, ref / s])


def _pred_minus_label(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    # only a gradient of the form prediction − label (two terms, no log): a negated loss or
    # cost is the generic "sign error" below, not this slip
    if ref == 0 or not isinstance(ref, sympy.Add) or len(ref.args) != 2 or ref.has(sympy.log):
        return
    a, b = ref.args
    if a.could_extract_minus_sign() != b.could_extract_minus_sign():
        yield -ref, given


def _factor_two(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    yield from _wrong(ref, given, [2 * ref, ref / 2])


def _negated(ref: sympy.Expr, given: sympy.Expr) -> Pairs:
    if ref != 0:
        yield -ref, given


# --------------------------------------------------------------------------- matrix detectors


def _m_transpose(ref: Node, given: Node, facts: MatrixFacts) -> Iterator[tuple[Node, Node]]:
    for v in transpose_variants(given):
        yield ref, v


_PRIMED = ("sigma", "tanh", "relu", "exp", "log", "g", "f")


def _m_act_prime(ref: Node, given: Node, facts: MatrixFacts) -> Iterator[tuple[Node, Node]]:
    for _, forward in facts.lets:
        if forward.op == "call" and forward.value in _PRIMED:
            prime = Node("call", forward.args, value=forward.value + "'")
            yield ref, Node("hadamard", (given, prime))


def _m_tanh_not_squared(ref: Node, given: Node, facts: MatrixFacts) -> Iterator[tuple[Node, Node]]:
    """1 − a where a = tanh(z) (or 1 − tanh(z)), repaired to 1 − a²."""
    tanhs = {n for n, f in facts.lets if f.op == "call" and f.value == "tanh"}

    def is_tanh(n: Node) -> bool:
        return (n.op == "name" and n.value in tanhs) or (n.op == "call" and n.value == "tanh")

    def fix(n: Node) -> Node:
        if n.op == "sub" and n.args[0].op == "num" and float(n.args[0].value) == 1 and is_tanh(n.args[1]):
            return Node("sub", (n.args[0], Node("pow", (n.args[1],), value="2")))
        return Node(n.op, tuple(fix(a) for a in n.args), n.value, n.column) if n.args else n

    repaired = fix(given)
    if repaired != given:
        yield ref, repaired


def _m_time_range(ref: Node, given: Node, facts: MatrixFacts) -> Iterator[tuple[Node, Node]]:
    """A sum over time steps such as g3 h2ᵀ + g2 h1ᵀ, completed to every t that exists."""
    pattern: set[tuple[str, str, int]] = set()
    steps: set[int] = set()
    transposed = False
    for term in terms(given):
        if term.op != "matmul" or term.args[0].op != "name":
            return
        right = term.args[1]
        transposed = right.op == "T"
        name_b = right.args[0] if transposed else right
        ma = re.fullmatch(r"(\D+)(\d+)", term.args[0].value)
        mb = re.fullmatch(r"(\D+)(\d+)", name_b.value) if name_b.op == "name" else None
        if not ma or not mb:
            return
        t = int(ma.group(2))
        pattern.add((ma.group(1), mb.group(1), t - int(mb.group(2))))
        steps.add(t)
    if len(pattern) != 1:
        return
    a, b, lag = pattern.pop()
    every = [t for t in range(0, 20) if facts.knows(f"{a}{t}") and facts.knows(f"{b}{t - lag}")]
    if not every or set(every) == steps:
        return
    total: Node | None = None
    for t in every:
        bt = Node("name", value=f"{b}{t - lag}")
        term = Node("matmul", (Node("name", value=f"{a}{t}"), Node("T", (bt,)) if transposed else bt))
        total = term if total is None else Node("add", (total, term))
    if total is not None:
        yield ref, total


def _m_scaled(*factors: str) -> MatrixDetector:
    """Matrix detector: the wrong step times a number is right (−1, 2, ½)."""

    def detect(ref: Node, given: Node, facts: MatrixFacts) -> Iterator[tuple[Node, Node]]:
        for f in factors:
            yield ref, Node("matmul", (Node("num", value=f), given)) if not f.startswith("-") else Node("neg", (given,))

    return detect


def _m_mean(ref: Node, given: Node, facts: MatrixFacts) -> Iterator[tuple[Node, Node]]:
    for dim in ("m", "n", "N", "M"):
        if facts.knows(dim):
            yield ref, Node("div", (given, Node("name", value=dim)))
            yield ref, Node("matmul", (Node("name", value=dim), given))


# --------------------------------------------------------------------------- the catalogue

SLIPS: tuple[Slip, ...] = (
    Slip(
        N_("wrong form of σ′"),
        lazy("σ′(z) = σ(z)(1 − σ(z)); (1 − σ)², σ(1 + σ) or σ² are not the derivative of σ."),
        _sigma_prime_forms,
    ),
    Slip(
        N_("tanh′ as 1 − tanh (not squared)"),
        lazy("tanh′(x) = 1 − tanh²(x): the tanh is squared."),
        _tanh_not_squared,
        _m_tanh_not_squared,
    ),
    Slip(
        N_("softmax Jacobian without off-diagonal terms"),
        lazy("∂p_i/∂o_j = p_i(δ_ij − p_j): for i ≠ j it is −p_i p_j, not zero, and not p_i(1 − p_i) for every pair."),
        _softmax_diagonal,
    ),
    Slip(
        N_("missing bias correction in Adam"),
        lazy(
            "Adam divides the moments by (1 − β₁ᵗ) and (1 − β₂ᵗ) before the update: m̂ = m/(1 − β₁ᵗ), ŝ = s/(1 − β₂ᵗ)."
        ),
        _no_bias_correction,
    ),
    Slip(
        N_("β instead of 1 − β in the moving average"),
        lazy(
            "The exponentially weighted average is {average}: the old value gets β, the new one 1 − β.",
            average="v_t = βv_{t−1} + (1 − β)θ_t",
        ),
        _beta_swap,
    ),
    Slip(
        N_("ε missing from the denominator"),
        lazy("RMSprop and Adam divide by √s + ε; without ε the step can divide by zero."),
        _missing_eps,
    ),
    Slip(
        N_("wrong BPTT time range"),
        lazy(
            "Back-propagation through time sums over every step that influences the loss: check "
            "the first and last index of the sum (k = 1 … t; every time step t = 1 … T)."
        ),
        _sum_range,
        _m_time_range,
    ),
    Slip(
        N_("Leaky ReLU slope 0.1 instead of 0.01"),
        lazy("Leaky ReLU uses a small slope γ ≈ 0.01 for x < 0 (the notes' 0.1 is a slip)."),
        _leaky_slope,
    ),
    Slip(
        N_("softmax replaced by sigmoid"),
        lazy("For several classes the output is {softmax}, not σ(o_i).", softmax="softmax(o)_i = e^{o_i}/Σ_k e^{o_k}"),
        _softmax_as_sigma,
    ),
    Slip(
        N_("forgotten transpose"),
        lazy(
            "A transpose is missing or misplaced: a gradient has the shape of its variable, so "
            "dW = dz a_prevᵀ (n[l]×n[l−1]) and da_prev = Wᵀ dz."
        ),
        _transpose_scalar,
        _m_transpose,
    ),
    Slip(
        N_("missing σ′ factor"),
        lazy(
            "The chain rule through the activation is missing: multiply by σ′(z) = σ(z)(1 − σ(z)) "
            "(or g′(z) for the layer's activation: 1 − tanh²(z) for tanh)."
        ),
        _missing_act_prime,
        _m_act_prime,
    ),
    Slip(
        N_("log base"),
        lazy(
            "ln and log₁₀ (or log₂) differ by a constant factor: log_b x = ln x / ln b, and "
            "d/dx log_b x = 1/(x ln b). The course's log is the natural logarithm."
        ),
        _log_base,
    ),
    Slip(
        N_("missing sum over classes"),
        lazy(
            "The cross-entropy sums over all classes: L = −Σ_k y_k log p_k. A single term (one k) "
            "is only the loss when y is one-hot and k is the true class."
        ),
        _sum_over_classes,
    ),
    Slip(
        N_("missing 1/m"),
        lazy("The cost averages over the m examples of the batch: the gradient carries the factor 1/m."),
        _missing_mean,
        _m_mean,
    ),
    Slip(
        N_("p − y sign flipped (y − p)"),
        lazy(
            "The gradient of cross-entropy with respect to the logits is p − y (prediction minus "
            "label); y − p is its negative and makes gradient descent climb."
        ),
        _pred_minus_label,
    ),
    Slip(
        N_("dropped ½ / factor 2"),
        lazy(
            "A factor 2 is missing or extra: d/da ½(a − y)² = a − y and d/dx x² = 2x. Keep the "
            "factor that matches the loss as defined."
        ),
        _factor_two,
        _m_scaled("2", "0.5"),
    ),
    Slip(
        N_("sign error"),
        lazy(
            "The whole expression has the wrong sign: check each minus sign (−log, the direction of the gradient step)."
        ),
        _negated,
        _m_scaled("-1"),
    ),
)

BY_NAME: dict[str, Slip] = {s.name: s for s in SLIPS}

# names the derivation checker's API has exported since before the catalogue
SIGN_FLIP = "sign error"
MISSING_SIGMA_PRIME = "missing σ′ factor"
SOFTMAX_DIAGONAL = "softmax Jacobian without off-diagonal terms"
FORGOTTEN_TRANSPOSE = "forgotten transpose"
BPTT_RANGE = "wrong BPTT time range"
NO_BIAS_CORRECTION = "missing bias correction in Adam"
FACTOR_TWO = "dropped ½ / factor 2"
SHAPE = N_("shape mismatch")  # not a slip: a product or sum whose shapes do not fit
SHAPE_TEXT = N_("The shapes do not fit.")


def slip_name(name: str, lang: str = "en") -> str:
    """The name of a slip (or "shape mismatch") in `lang`; an unknown name is shown as it is."""
    return tr(name, lang)


def slip_message(name: str, lang: str = "en") -> str:
    """The explanation of a slip (or of a shape mismatch) in `lang`."""
    if name == SHAPE:
        return tr(SHAPE_TEXT, lang)
    found = BY_NAME.get(name)
    return found.message(lang) if found is not None else name


# --------------------------------------------------------------------------- matching


def _derivatives_done(e: sympy.Expr) -> sympy.Expr:
    try:
        return e.replace(lambda x: isinstance(x, sympy.Derivative), lambda x: sympy.diff(x.expr, *x.variable_count))
    except (TypeError, ValueError, AttributeError):
        return e


def find_slip(
    right: sympy.Expr, wrong: sympy.Expr, same: Callable[[sympy.Expr, sympy.Expr], bool], deadline: float | None = None
) -> Slip | None:
    """The first slip in SLIPS whose detector yields a pair that `same` calls equal.

    `right` is seen as written and with its derivatives carried out (d/dz σ(z) shows the
    pattern σ(z)(1 − σ(z))); a pair equal to (right, wrong) itself is skipped.
    """
    rights = [right]
    if right.has(sympy.Derivative):
        rights.append(_derivatives_done(right))
    for slip in SLIPS:
        if slip.scalar is None:
            continue
        for r in rights:
            try:
                pairs = list(slip.scalar(r, wrong))
            except (TypeError, ValueError, AttributeError, sympy.ShapeError):
                continue
            for a, b in pairs:
                if deadline is not None and time.monotonic() > deadline:
                    return None
                if a == right and b == wrong:
                    continue
                try:
                    if same(a, b):
                        return slip
                except (TypeError, ValueError, AttributeError, ZeroDivisionError):
                    continue
    return None


def find_matrix_slip(right: Node, wrong: Node, same: Callable[[Node, Node], bool], facts: MatrixFacts) -> Slip | None:
    """The first slip with a matrix detector that explains a wrong matrix step."""
    for slip in SLIPS:
        if slip.matrix is None:
            continue
        for a, b in slip.matrix(right, wrong, facts):
            if same(a, b):
                return slip
    return None


def match_answer(reference: sympy.Expr, given: sympy.Expr, ctx: Context | None = None, seed: int = 0) -> Slip | None:
    """The slip that explains a wrong answer: `reference` as parsed (patterns visible),
    `given` prepared (elementary functions)."""
    c = ctx or Context()

    def same(a: sympy.Expr, b: sympy.Expr) -> bool:
        return numerically_equal(prepare(a), prepare(b), c, seed)

    return find_slip(reference, given, same)

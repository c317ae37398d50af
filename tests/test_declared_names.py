"""Derivations declare names with let/assume lines: multi-letter names, lambda, lowercase sizes.

Each chain is checked by the derivation checker; the wrong variants must fail (a textbook value
is planted wrong), so these tests cannot pass by reading everything as equal.
"""

from __future__ import annotations

import pytest

from dlquiz.symbolic.steps import check_derivation

GOOD = {
    "conv output size": "assume pad nonnegative integer\nassume stride positive integer\n"
    "let out = (n + 2*pad - f)/stride + 1\nout\n"
    "= n/stride + 2*pad/stride - f/stride + 1\n",
    "weight decay": "let J = lambda*w^2/2\nd/dw J\n= lambda*w\n",
    "odd filter": "assume f odd positive integer\nlet p = (f - 1)/2\n2*p + 1\n= f\n",
    "lowercase size": "assume t positive integer\nlet v_0 = 0\nlet v_t = 0.9*v_{t-1} + 1\nv_2\n= 1.9\n",
    "softmax jacobian": "let p_i = exp(o_i)/sum(exp(o_k), k, 1, K)\nd/do_j p_i\n= p_i*(δ_ij - p_j)\n",
    "sum on a step": "let L = sum(y_k, k, 1, K)\nL\n= \\sum_{k=1}^{K} y_k\n",
    "Ng's names": "let dz = a - y\nlet dW = dz*x\ndW\n= (a - y)*x\n",
}

BAD = {
    "conv output size": GOOD["conv output size"].replace("- f/stride + 1", "- f/stride + 2"),
    "weight decay": GOOD["weight decay"].replace("= lambda*w", "= lambda*w^2"),
    "lowercase size": GOOD["lowercase size"].replace("= 1.9", "= 1.8"),
    "softmax jacobian": GOOD["softmax jacobian"].replace("δ_ij", "1"),
    "Ng's names": GOOD["Ng's names"].replace("(a - y)*x", "(a + y)*x"),
}


@pytest.mark.parametrize("name", list(GOOD))
def test_declared_names_read_and_the_chain_holds(name: str) -> None:
    report = check_derivation(GOOD[name], timeout=20.0)  # a loaded machine must not make it undecided
    assert report.ok, [(s.line, s.status, s.message) for s in report.steps]


@pytest.mark.parametrize("name", list(BAD))
def test_a_wrong_step_with_declared_names_fails(name: str) -> None:
    report = check_derivation(BAD[name], timeout=20.0)
    assert not report.ok
    assert any(s.status == "fail" for s in report.steps)


@pytest.mark.parametrize(
    "reference,candidate,assume,verdict",
    [
        (
            "(n + 2*pad - f)/stride + 1",
            "(n - f + 2*pad)/stride + 1",
            ["stride positive integer", "pad nonnegative integer"],
            "equal",
        ),
        (
            "(n + 2*pad - f)/stride + 1",
            "(n - f + pad)/stride + 1",
            ["stride positive integer", "pad nonnegative integer"],
            "domain_only",
        ),  # equal at pad = 0
        ("w - lr*dW", "-dW*lr + w", [], "equal"),
        ("w - lr*dW", "w - l*r*dW", [], "not_equal"),  # lr is one name, l*r a product
        ("lambda*w", "w*λ", [], "equal"),
    ],
)
def test_equiv_reads_declared_names(reference: str, candidate: str, assume: list[str], verdict: str) -> None:
    from dlquiz.symbolic.equivalence import check_equivalence

    res = check_equivalence(expected=reference, given=candidate, assumptions=assume, timeout=20.0)
    assert res.verdict.value == verdict, res.message

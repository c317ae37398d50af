"""mlp.forward-backward --set update_biases=false: the classic worked example's "biases are not updated"."""

from __future__ import annotations

import pytest

from dlquiz.errors import ParamError
from dlquiz.worked import explain_text, generate_example

MAZUR = {
    "X": "0.05;0.10",
    "Y": "0.01;0.99",
    "W1": "0.15,0.20;0.25,0.30",
    "b1": "0.35,0.35",
    "W2": "0.40,0.45;0.50,0.55",
    "b2": "0.60,0.60",
    "loss": "mse",
    "output": "sigmoid",
    "reduction": "sum",
    "lr": "0.5",
}

# Matt Mazur, "A Step by Step Backpropagation Example": the published updated weights (η = 0.5, biases kept)
PUBLISHED = [
    ("W2_new", 0, 0, 0.35891648),  # w5⁺
    ("W2_new", 0, 1, 0.408666186),  # w6⁺
    ("W2_new", 1, 0, 0.511301270),  # w7⁺
    ("W2_new", 1, 1, 0.561370121),  # w8⁺
    ("W1_new", 0, 0, 0.149780716),  # w1⁺
    ("W1_new", 0, 1, 0.19956143),  # w2⁺
    ("W1_new", 1, 0, 0.24975114),  # w3⁺
    ("W1_new", 1, 1, 0.29950229),  # w4⁺
    ("b1_new", 0, 0, 0.35),
    ("b1_new", 1, 0, 0.35),
    ("b2_new", 0, 0, 0.60),
    ("b2_new", 1, 0, 0.60),
]


@pytest.mark.parametrize(("name", "i", "j", "want"), PUBLISHED)
def test_mazur_published_updated_weights(name: str, i: int, j: int, want: float) -> None:
    ex = generate_example("mlp.forward-backward", {**MAZUR, "update_biases": "false"})
    assert ex.values[name][i][j] == pytest.approx(want, abs=5e-9)


@pytest.mark.parametrize("flag", [None, "true"])
def test_biases_move_by_default_and_with_true(flag: str | None) -> None:
    given = dict(MAZUR) if flag is None else {**MAZUR, "update_biases": flag}
    ex = generate_example("mlp.forward-backward", given)
    for layer, b0 in ((1, 0.35), (2, 0.60)):
        db = ex.values[f"db{layer}"]
        for k in range(2):
            assert ex.values[f"b{layer}_new"][k][0] == pytest.approx(b0 - 0.5 * db[k][0], abs=1e-12)
            assert ex.values[f"b{layer}_new"][k][0] != pytest.approx(b0, abs=1e-6)


@pytest.mark.parametrize("ask", ["W2_new[0][0]", "W1_new[0][0]", "b2_new[1][0]"])
def test_updated_values_are_askable(ask: str) -> None:
    ex = generate_example("mlp.forward-backward", {**MAZUR, "update_biases": "false"}, ask=ask)
    row, col = (int(c) for c in ask[ask.index("[") + 1 :].replace("]", "").split("["))
    assert ex.answer == pytest.approx(ex.values[ask.split("[")[0]][row][col])


def test_update_biases_without_lr_is_refused_by_name() -> None:
    given = {k: v for k, v in MAZUR.items() if k != "lr"}
    with pytest.raises(ParamError, match="update_biases"):
        generate_example("mlp.forward-backward", {**given, "update_biases": "false"})


@pytest.mark.parametrize(
    ("lang", "fragment"),
    [
        ("en", "b2_new: b2_new = b2 (kept: b is not updated)"),
        ("zh", "b2_new: b2_new = b2（保持不变：偏置不更新）"),
        ("zh", "偏置不更新"),
    ],
)
def test_kept_biases_are_said_in_both_languages(lang: str, fragment: str) -> None:
    ex = generate_example("mlp.forward-backward", {**MAZUR, "update_biases": "false"})
    assert fragment in explain_text(ex, lang)

"""Random draws are exam-like: checked against hand counts, not against the generators' own output."""

from __future__ import annotations

from collections import Counter

import pytest

from dlquiz.worked import generate_example

SEEDS = range(1, 201)


# --------------------------------------------------------------------------- pooling


def _covered(n: int, f: int, s: int) -> set[int]:
    """Rows (or columns) that lie inside at least one window, by walking the window starts."""
    rows: set[int] = set()
    start = 0
    while start + f <= n:
        rows.update(range(start, start + f))
        start += s
    return rows


@pytest.mark.parametrize("fixed", [{}, {"mode": "max"}, {"mode": "avg"}])
def test_pool_draws_cover_every_pixel_with_small_outputs(fixed: dict[str, str]) -> None:
    layouts: Counter[tuple[int, int]] = Counter()
    for seed in SEEDS:
        p = generate_example("pool", fixed, seed=seed).params
        n, f, s = len(p["X"]), p["f"], p["s"]
        assert len(p["X"][0]) == n
        assert s <= f, f"seed {seed}: stride {s} > window {f}"
        assert _covered(n, f, s) == set(range(n)), f"seed {seed}: {n}×{n}, f={f}, s={s} leaves pixels out"
        windows_per_side = len(range(0, n - f + 1, s))
        assert 2 <= windows_per_side <= 3, f"seed {seed}: {windows_per_side}² windows"
        assert n <= 8
        layouts[(f, s)] += 1
    # f = s = 2 is the usual exam case; the others appear too
    assert layouts.most_common(1)[0][0] == (2, 2)
    assert {(3, 2), (2, 1)} <= set(layouts)


def test_pool_repro_seeds_from_review() -> None:
    # `dlquiz example pool --seed 4 --set mode=max` drew f = 2, s = 3; `--seed 2` a 6×6 input with stride 1
    for seed, fixed in ((4, {"mode": "max"}), (2, {})):
        p = generate_example("pool", fixed, seed=seed).params
        n = len(p["X"])
        assert p["s"] <= p["f"]
        assert len(range(0, n - p["f"] + 1, p["s"])) ** 2 <= 9


def test_pool_given_input_gets_a_fitting_window() -> None:
    x5 = [[1, 2, 3, 4, 5]] * 5
    for seed in range(1, 40):
        p = generate_example("pool", {"X": x5}, seed=seed).params
        assert p["s"] <= p["f"]
        assert _covered(5, p["f"], p["s"]) == set(range(5))


def test_pool_given_window_or_stride_is_kept() -> None:
    for seed in range(1, 40):
        p = generate_example("pool", {"f": 3}, seed=seed).params
        assert p["f"] == 3 and p["s"] <= 3
        p = generate_example("pool", {"s": 1}, seed=seed).params
        assert p["s"] == 1 and p["f"] >= 2


# --------------------------------------------------------------------------- detection


def _cells(b: list[float]) -> set[tuple[int, int]]:
    """Unit cells covered by an integer box (an independent way to measure areas)."""
    return {(x, y) for x in range(int(b[0]), int(b[2])) for y in range(int(b[1]), int(b[3]))}


def _kind(a: list[float], b: list[float]) -> str:
    ca, cb = _cells(a), _cells(b)
    if not ca & cb:
        return "disjoint"
    return "nested" if ca <= cb or cb <= ca else "overlap"


def test_iou_draws_mostly_overlap_sometimes_disjoint_or_nested() -> None:
    kinds: Counter[str] = Counter()
    for seed in SEEDS:
        p = generate_example("det.iou", seed=seed).params
        assert all(float(v).is_integer() and v >= 0 for v in p["box1"] + p["box2"])
        kinds[_kind(p["box1"], p["box2"])] += 1
    assert kinds["overlap"] > 0.55 * len(SEEDS)
    assert kinds["disjoint"] + kinds["overlap"] + kinds["nested"] == len(SEEDS)
    assert 0 < kinds["disjoint"] < 0.25 * len(SEEDS)
    assert kinds["nested"] > 0


def test_iou_draw_around_a_given_box_overlaps_mostly() -> None:
    box1 = [1, 1, 5, 5]
    kinds = Counter(_kind(box1, generate_example("det.iou", {"box1": box1}, seed=s).params["box2"]) for s in SEEDS)
    assert kinds["overlap"] > 0.55 * len(SEEDS)


def _nms_by_cells(boxes: list[list[float]], scores: list[float], it: float, st: float) -> list[int]:
    left = sorted((i for i in range(len(boxes)) if scores[i] > st), key=lambda i: -scores[i])
    kept: list[int] = []
    while left:
        best = left.pop(0)
        kept.append(best)
        cb = _cells(boxes[best])
        left = [i for i in left if len(cb & _cells(boxes[i])) / len(cb | _cells(boxes[i])) <= it]
    return kept


def test_nms_draws_involve_suppression_around_two_or_three_objects() -> None:
    suppressing = 0
    for seed in SEEDS:
        p = generate_example("det.nms", seed=seed).params
        boxes, scores = p["boxes"], p["scores"]
        assert 3 <= len(boxes) <= 6 and len(scores) == len(boxes)
        assert all(v >= 0 for b in boxes for v in b)
        survivors = [i for i in range(len(boxes)) if scores[i] > p["score_threshold"]]
        kept = _nms_by_cells(boxes, scores, p["iou_threshold"], p["score_threshold"])
        suppressing += len(kept) < len(survivors)
        # objects: groups of boxes connected by any overlap
        groups: list[set[int]] = []
        for i in range(len(boxes)):
            joined = [g for g in groups if any(_cells(boxes[i]) & _cells(boxes[j]) for j in g)]
            merged = {i}.union(*joined)
            groups = [g for g in groups if g not in joined] + [merged]
        assert 2 <= len(groups) <= 3, f"seed {seed}: {len(groups)} objects"
    assert suppressing > 0.8 * len(SEEDS)


def test_nms_given_boxes_get_scores_that_make_suppression_happen() -> None:
    boxes = [[0, 0, 4, 4], [1, 0, 5, 4], [0, 1, 4, 5], [6, 6, 9, 9], [6, 6, 9, 8]]
    for seed in range(1, 60):
        p = generate_example("det.nms", {"boxes": boxes}, seed=seed).params
        survivors = [i for i in range(5) if p["scores"][i] > p["score_threshold"]]
        assert len(_nms_by_cells(boxes, p["scores"], 0.5, 0.6)) < len(survivors)


# --------------------------------------------------------------------------- perceptron


def _perceptron_updates(rows: list[list[float]], lr: float, epochs: int = 10) -> tuple[int, bool]:
    """Rosenblatt's rule written out again: (number of updates, converged)."""
    d = len(rows[0]) - 1
    w, b, count = [0.0] * d, 0.0, 0
    for _ in range(epochs):
        clean = True
        for row in rows:
            x, y = row[:d], row[d]
            if y * (sum(a * c for a, c in zip(w, x, strict=True)) + b) <= 0:
                w = [a + lr * y * c for a, c in zip(w, x, strict=True)]
                b += lr * y
                count += 1
                clean = False
        if clean:
            return count, True
    return count, False


def test_perceptron_draws_need_several_updates_and_stay_small() -> None:
    for seed in SEEDS:
        p = generate_example("perceptron.trace", seed=seed).params
        count, ok = _perceptron_updates(p["data"], float(p["lr"]))
        assert ok, f"seed {seed} does not converge"
        assert 3 <= count <= 8, f"seed {seed}: {count} updates"
        assert 3 <= len(p["data"]) <= 5
        assert all(abs(v) <= 3 for row in p["data"] for v in row[:-1])


# --------------------------------------------------------------------------- BPTT


@pytest.mark.parametrize("T", [1, 2, 3, 4])
@pytest.mark.parametrize("hidden", [1, 2])
def test_bptt_steps_name_no_delta_after_the_last_step(T: int, hidden: int) -> None:
    import math
    import re

    from dlquiz.worked import explain_text

    ex = generate_example("rnn.bptt", {"T": T, "hidden": hidden}, seed=3)
    for lang in ("en", "zh"):
        text = explain_text(ex, lang)
        used = {int(n) for n in re.findall(r"δ(\d+)", text)}
        assert used == set(range(1, T + 1)), f"{lang}: δ indices {sorted(used)} for T = {T}"
    if hidden == 1:
        # δ_T = v·(o_T − y_T)·f′(s_T) recomputed from the parameters
        p = ex.params
        h, s = 0.0, 0.0
        for x in p["x"]:
            s = p["U"] * x + p["W"] * h
            h = math.tanh(s) if p["activation"] == "tanh" else 1 / (1 + math.exp(-s))
        o = 1 / (1 + math.exp(-p["V"] * h))
        fprime = 1 - h * h if p["activation"] == "tanh" else h * (1 - h)
        last = next(st for st in ex.steps if st.name == f"δ{T}")
        assert last.value == pytest.approx(p["V"] * (o - p["y"][-1]) * fprime, rel=1e-9)


# --------------------------------------------------------------------------- general spot checks


def test_xcorr_draws_have_at_most_4x4_outputs() -> None:
    for seed in SEEDS:
        p = generate_example("conv.xcorr", seed=seed).params
        k = 3 if isinstance(p["K"], str) else len(p["K"])
        out = (len(p["X"]) + 2 * p["p"] - k) // p["s"] + 1
        assert 1 <= out <= 4, f"seed {seed}: {out}×{out} outputs"


def test_conv_params_without_bias_does_not_claim_one_per_kernel() -> None:
    ex = generate_example("conv.params", {"f": 3, "c_in": 3, "c_out": 8, "bias": 0})
    biases = next(s for s in ex.steps if s.name == "Biases")
    assert biases.value == 0 and "one per kernel" not in biases.formula
    assert ex.answer == 3 * 3 * 3 * 8


def test_gradcheck_square_two_sided_error_is_exactly_zero() -> None:
    # (θ + ε)² − (θ − ε)² = 4θε, so the two-sided difference of θ² is exact; float noise is not an error
    for theta in (1, 1.5, 2, -1):
        ex = generate_example("gradcheck", {"f": "square", "theta": theta, "eps": 0.1})
        assert ex.values["err_two"] == 0
        assert "error 0: O(ε²)" in next(s.note for s in ex.steps if s.name == "Two-sided")


def test_worksheet_questions_can_be_answered() -> None:
    """A drawn dropout question shows its mask and drops something; NMS says what its answer counts."""
    from dlquiz.worked import generate_example
    from dlquiz.worked.render import question_md, to_markdown

    for seed in range(40):
        example = generate_example("reg.dropout", None, seed=seed)
        mask = example.values["mask"]
        assert 0 < sum(mask) < len(mask)
        assert f"mask = `{format_mask(mask)}`" in question_md(example)
    nms = generate_example("det.nms", None, seed=3)
    assert "Answer (the number of boxes kept):" in to_markdown(nms)


def format_mask(mask: list[int]) -> str:
    return "[" + ", ".join(str(m) for m in mask) + "]"

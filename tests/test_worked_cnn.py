"""Convolution, pooling and network summaries against independent oracles and textbook numbers.

Oracles: plain loops over every output entry (convolution, pooling, MAC counts), numpy.convolve /
numpy.correlate for 1-D, a sliding-window count for output sizes, and parameter totals published
for the classic networks (d2l, LeCun et al. 1998, Simonyan & Zisserman, torchvision).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from click.testing import CliRunner

from dlquiz.cli import cli
from dlquiz.errors import ParamError
from dlquiz.worked import explain_text, generate_example

np = pytest.importorskip("numpy")

SEEDS = range(40)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _positions(n: int, k_eff: int, lo: int, hi: int, s: int) -> int:
    """Kernel placements counted by sliding it over the padded input (no floor formula)."""
    return sum(1 for start in range(0, n + lo + hi) if start % s == 0 and start + k_eff <= n + lo + hi)


# --------------------------------------------------------------------------- network summaries: textbook totals


@pytest.mark.parametrize(
    ("preset", "total"),
    [
        ("lenet5", 61_706),  # d2l LeNet-5 on 28×28 with padding 2
        ("lenet5-1998", 60_000),  # LeCun et al. 1998: "about 60 000 free parameters" (C1…F6)
        ("alexnet", 62_378_344),  # single tower, paper kernel counts, 227×227
        ("alexnet-torchvision", 61_100_840),  # torchvision.models.alexnet
        ("vgg16", 138_357_544),  # VGG-16 configuration D, 1000 classes
        ("resnet18", 11_689_512),  # torchvision.models.resnet18
        ("resnet34", 21_797_672),
        ("resnet50", 25_557_032),
    ],
)
def test_preset_totals_are_the_published_ones(preset: str, total: int) -> None:
    ex = generate_example("cnn.summary", {"preset": preset})
    assert ex.values["total_params"] == total
    assert ex.answer == total


def test_lenet_1998_layer_counts_from_the_paper() -> None:
    v = generate_example("cnn.summary", {"preset": "lenet5-1998"}).values
    # the paper's per-layer numbers (section II.B)
    assert (v["C1_params"], v["C1_connections"]) == (156, 122_304)
    assert (v["S2_params"], v["S2_connections"]) == (12, 5_880)
    assert (v["C3_params"], v["C3_connections"]) == (1_516, 151_600)
    assert (v["S4_params"], v["S4_connections"]) == (32, 2_000)
    assert (v["C5_params"], v["C5_connections"]) == (48_120, 48_120)
    assert v["F6_params"] == 10_164
    assert v["OUTPUT_fixed"] == 84 * 10 and v["fixed_params"] == 840
    assert v["C3_shape"] == [16, 10, 10]


def test_lenet_d2l_by_hand() -> None:
    v = generate_example("cnn.summary").values  # the default is d2l's LeNet-5
    assert v["conv1_params"] == (5 * 5 * 1 + 1) * 6
    assert v["conv2_params"] == (5 * 5 * 6 + 1) * 16
    assert v["flatten"] == 16 * 5 * 5
    assert [v["fc1_params"], v["fc2_params"], v["fc3_params"]] == [400 * 120 + 120, 120 * 84 + 84, 84 * 10 + 10]
    # agrees with the older fixed generator
    old = generate_example("cnn.lenet").values
    assert old["total_params"] == v["total_params"] and old["flatten"] == v["flatten"]


def test_alexnet_agrees_with_the_fixed_generator() -> None:
    new = generate_example("cnn.summary", {"preset": "alexnet"}).values
    old = generate_example("cnn.alexnet").values
    assert new["total_params"] == old["total_params"] and new["flatten"] == old["flatten"] == 6 * 6 * 256


def test_preset_input_and_classes_can_change() -> None:
    v = generate_example("cnn.summary", {"preset": "vgg16", "classes": 10, "input": "3x32x32"}).values
    # five 2×2 pools take 32 to 1: the first dense layer sees 512 inputs
    assert v["flatten"] == 512
    convs = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 256)]
    convs += [(256, 512)] + [(512, 512)] * 5
    conv_params = sum(9 * a * b + b for a, b in convs)
    dense = 512 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 10 + 10
    assert v["total_params"] == conv_params + dense
    grey = generate_example("cnn.summary", {"preset": "lenet5", "input": "3x28x28"}).values
    assert grey["conv1_params"] == (5 * 5 * 3 + 1) * 6


def test_resnet_basic_block_by_hand() -> None:
    v = generate_example("cnn.summary", {"preset": "resnet-basic"}).values
    bn = 2 * 64
    assert v["res1_params"] == 2 * (3 * 3 * 64 * 64) + 2 * bn
    assert v["res1_shape"] == [64, 56, 56]
    assert "res1.proj_params" not in v  # same shape: identity shortcut
    # a block that halves the size and doubles the channels gets a 1×1 projection with stride 2
    v = generate_example("cnn.summary", {"input": "64x56x56", "layers": "res(128, s=2)"}).values
    main = 3 * 3 * 64 * 128 + 3 * 3 * 128 * 128 + 2 * (2 * 128)
    proj = 1 * 1 * 64 * 128 + 2 * 128
    assert v["res1_params"] == main + proj
    assert v["res1.proj_params"] + v["res1.proj_bn_params"] == proj
    assert v["res1_shape"] == [128, 28, 28]


def test_bottleneck_block_by_hand() -> None:
    v = generate_example("cnn.summary", {"preset": "resnet-bottleneck"}).values
    assert v["bneck1_params"] == 256 * 64 + 9 * 64 * 64 + 64 * 256 + 2 * (64 + 64 + 256)
    v = generate_example("cnn.summary", {"input": "64x56x56", "layers": "bottleneck(64)"}).values
    # 64 in, 256 out: a projection even with stride 1
    assert (v["bneck1.proj_params"], v["bneck1.proj_bn_params"]) == (64 * 256, 2 * 256)


def test_inception_3a_against_the_googlenet_table() -> None:
    # Szegedy et al. 2015, Table 1, inception (3a): 159K parameters (K = 1024, biases left out), 128M ops
    v = generate_example("cnn.summary", {"input": "192x28x28", "layers": "inception(64, 96, 128, 16, 32, 32, bias=0)"})
    params, macs = v.values["total_params"], v.values["total_macs"]
    assert params == 192 * 64 + 192 * 96 + 9 * 96 * 128 + 192 * 16 + 25 * 16 * 32 + 192 * 32
    assert params // 1024 == 159 and round(macs / 1e6) == 128  # the table truncates to whole K
    assert v.values["incep1_shape"] == [64 + 128 + 32 + 32, 28, 28]
    with_bias = generate_example("cnn.summary", {"preset": "inception-3a"}).values["total_params"]
    assert with_bias == params + 64 + 96 + 128 + 16 + 32 + 32


# --------------------------------------------------------------------------- MACs by counting


def _conv_macs_by_loops(c_in: int, h: int, w: int, c_out: int, k: tuple[int, int], s: tuple[int, int],
                        p: tuple[int, int], d: tuple[int, int], groups: int) -> tuple[int, int, int]:  # fmt: skip
    """(out_h, out_w, MACs) by visiting every output entry and every kernel tap it reads."""
    rows = [i for i in range(-p[0], h + p[0]) if (i + p[0]) % s[0] == 0 and i + (k[0] - 1) * d[0] < h + p[0]]
    cols = [j for j in range(-p[1], w + p[1]) if (j + p[1]) % s[1] == 0 and j + (k[1] - 1) * d[1] < w + p[1]]
    macs = 0
    for _o, _i, _j in itertools.product(range(c_out), rows, cols):
        macs += (c_in // groups) * k[0] * k[1]  # every tap multiplies, padded zeros included
    return len(rows), len(cols), macs


ODD_CONVS = [
    # (input C×H×W, layer, c_out, k, s, p, d, groups)
    ((3, 8, 8), "conv(4, 1)", 4, (1, 1), (1, 1), (0, 0), (1, 1), 1),  # 1×1
    ((1, 9, 6), "conv(2, 3x2)", 2, (3, 2), (1, 1), (0, 0), (1, 1), 1),  # rectangular
    ((2, 10, 7), "conv(3, 2, s=3)", 3, (2, 2), (3, 3), (0, 0), (1, 1), 1),  # stride > kernel
    ((1, 9, 9), "conv(2, 3, d=2)", 2, (3, 3), (1, 1), (0, 0), (2, 2), 1),  # dilation 2
    ((4, 7, 5), "conv(6, 3x1, s=2x1, p=1x0)", 6, (3, 1), (2, 1), (1, 0), (1, 1), 1),  # per-axis
    ((4, 6, 6), "conv(8, 3, p=1, groups=2)", 8, (3, 3), (1, 1), (1, 1), (1, 1), 2),  # grouped
    ((1, 1, 1), "conv(5, 1)", 5, (1, 1), (1, 1), (0, 0), (1, 1), 1),  # 1×1 input
]


@pytest.mark.parametrize(("shape", "layer", "c_out", "k", "s", "p", "d", "groups"), ODD_CONVS)
def test_conv_layer_shapes_params_and_macs(
    shape: tuple[int, int, int], layer: str, c_out: int, k: Any, s: Any, p: Any, d: Any, groups: int
) -> None:
    c_in, h, w = shape
    v = generate_example("cnn.summary", {"input": "x".join(map(str, shape)), "layers": layer}).values
    oh, ow, macs = _conv_macs_by_loops(c_in, h, w, c_out, k, s, p, d, groups)
    k_eff = (k[0] + (k[0] - 1) * (d[0] - 1), k[1] + (k[1] - 1) * (d[1] - 1))
    assert oh == _positions(h, k_eff[0], p[0], p[0], s[0]) and ow == _positions(w, k_eff[1], p[1], p[1], s[1])
    assert v["conv1_shape"] == [c_out, oh, ow]
    assert v["conv1_macs"] == macs
    assert v["conv1_params"] == c_out * (c_in // groups) * k[0] * k[1] + c_out
    assert v["total_flops"] == 2 * macs
    assert v["conv1_connections"] == macs + c_out * oh * ow  # each output also reads its bias


def test_lenet_c3_macs_follow_the_connection_table() -> None:
    table: list[tuple[int, ...]] = [(0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (4, 5, 0), (5, 0, 1)]
    table += [(0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (3, 4, 5, 0), (4, 5, 0, 1), (5, 0, 1, 2)]
    table += [(0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5), (0, 1, 2, 3, 4, 5)]  # LeCun et al. 1998, Table I
    macs = sum(len(table[o]) * 25 for o in range(16) for _ in range(10 * 10))
    v = generate_example("cnn.summary", {"preset": "lenet5-1998"}).values
    assert v["C3_macs"] == macs


@pytest.mark.parametrize("seed", SEEDS)
def test_random_networks_add_up(seed: int) -> None:
    ex = generate_example("cnn.summary", seed=seed)
    v = ex.values
    labels = [k[: -len("_params")] for k in v if k.endswith("_params") and k not in ("total_params", "fixed_params")]
    assert sum(v[f"{lab}_params"] for lab in labels) == v["total_params"]
    assert sum(v[f"{lab}_macs"] for lab in labels) == v["total_macs"]
    # each dense layer: in·out weights, one MAC per weight
    for lab in labels:
        if lab.startswith("fc"):
            assert v[f"{lab}_macs"] == v[f"{lab}_weights"]


# --------------------------------------------------------------------------- output sizes


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"n": "32x24", "f": "5x3", "s": 2}, [14, 11]),
        ({"n": "7", "f": 3, "p": "same", "s": 1}, 7),
        ({"n": 7, "f": 4, "p": "same", "s": 1}, 7),  # even kernel: one extra zero after
        ({"n": 7, "f": 3, "p": "same", "s": 2}, 4),  # ⌈7/2⌉
        ({"n": 5, "f": 3, "p": "full"}, 7),  # wide: M + K − 1
        ({"n": 5, "f": 3, "p": "valid"}, 3),  # narrow: M − K + 1
        ({"n": 9, "f": 3, "d": 2}, 5),
        ({"n": "9x8", "f": 3, "d": "2x1"}, [5, 6]),
        ({"n": 1, "f": 1}, 1),
    ],
)
def test_output_size_modes_and_rectangles(params: dict[str, Any], expected: Any) -> None:
    assert generate_example("conv.output-size", params).answer == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_output_shape_counts(seed: int) -> None:
    ex = generate_example("conv.output-shape", seed=seed)
    oh, ow, co = ex.answer
    assert ex.values["out_values"] == oh * ow * co
    ci = ex.params["c_in"]
    f = ex.params["f"]
    assert ex.values["macs"] == oh * ow * co * f * f * ci


def test_uneven_stride_is_flagged_in_both_languages() -> None:
    ex = generate_example("conv.output-size", {"n": 224, "f": 11, "s": 4})
    assert ex.answer == 54
    assert len(ex.warnings) == 1 and "53.25" in ex.warnings[0]
    text = explain_text(ex, "en")
    assert "⌊53.25⌋" in text and "not a whole number" in text and "invalid" in text
    zh = explain_text(ex, "zh")
    assert "不是整数" in zh and "无效" in zh
    even = generate_example("conv.output-size", {"n": 227, "f": 11, "s": 4})
    assert even.answer == 55 and not even.warnings
    # the same check inside a network, naming the layer
    net = generate_example("cnn.summary", {"input": "3x224x224", "layers": "conv(96, 11, s=4)"})
    assert net.warnings and net.warnings[0].startswith("layer 1 conv(96, 11, s=4): ")


def test_output_size_json_lists_both_axes() -> None:
    code, out, _ = run("example", "conv.output-size", "--set", "n=32x24", "--set", "f=5x3", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["values"]["out_h"] == 28 and data["values"]["out_w"] == 22
    assert data["warnings"] == []


# --------------------------------------------------------------------------- convolution by hand


def _conv_loops(x: Any, k: Any, b: Any, stride: tuple[int, ...], pad: list[tuple[int, int]],
                dil: tuple[int, ...], flip: bool) -> Any:  # fmt: skip
    """C_out × … output by explicit loops; x is C_in × spatial, k is C_out × C_in × spatial."""
    x = np.asarray(x, dtype=float)
    k = np.asarray(k, dtype=float)
    nd = x.ndim - 1
    if flip:
        k = k[(slice(None), slice(None), *([slice(None, None, -1)] * nd))]
    xp = np.pad(x, [(0, 0), *pad])
    outs = [(xp.shape[1 + a] - ((k.shape[2 + a] - 1) * dil[a] + 1)) // stride[a] + 1 for a in range(nd)]
    y = np.zeros((k.shape[0], *outs))
    for o in range(k.shape[0]):
        for idx in itertools.product(*[range(n) for n in outs]):
            acc = 0.0
            for c in range(x.shape[0]):
                for t in itertools.product(*[range(n) for n in k.shape[2:]]):
                    pos = tuple(idx[a] * stride[a] + t[a] * dil[a] for a in range(nd))
                    acc += xp[(c, *pos)] * k[(o, c, *t)]
            y[(o, *idx)] = acc + (b[o] if b is not None else 0.0)
    return y


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize(("x", "k"), [([1, 2, 3, 4, 5], [1, 0, -1]), ([3, -1, 2, 0, 1, 4], [2, 1, 1]), ([1, 2], [1])])
def test_1d_against_numpy(mode: str, x: list[int], k: list[int]) -> None:
    conv = generate_example("conv.by-hand", {"X": x, "K": k, "p": mode, "op": "conv"})
    assert conv.answer == pytest.approx(np.convolve(x, k, mode=mode).tolist())
    corr = generate_example("conv.by-hand", {"X": x, "K": k, "p": mode, "op": "xcorr"})
    assert corr.answer == pytest.approx(np.correlate(x, k, mode=mode).tolist())


def test_full_convolution_is_commutative() -> None:
    a, b = [1, 2, 3], [0, 1, 0.5, 2]
    ab = generate_example("conv.by-hand", {"X": a, "K": b, "p": "full", "op": "conv"}).answer
    ba = generate_example("conv.by-hand", {"X": b, "K": a, "p": "full", "op": "conv"}).answer
    assert ab == pytest.approx(ba)


CASES_2D = [
    # X, K, params
    ([[1, 2, 0], [0, 1, 3], [2, 1, 0]], [[1, 0], [0, -1]], {}),
    ([[1, 2, 0, 1], [0, 1, 3, 2], [2, 1, 0, 1]], [[1, 2], [3, 4]], {"op": "conv", "p": "full"}),  # rectangular
    ([[1, 2, 3, 4, 5]] * 5, [[1, 0, -1]] * 3, {"s": 2, "p": 1}),
    ([[1, 2, 3, 4, 5, 6]] * 6, [[1, 1], [1, 1]], {"s": 3}),  # stride > kernel
    ([[float(i + j) for j in range(7)] for i in range(7)], [[1, 0, 1]] * 3, {"d": 2}),  # dilation 2
    ([[2]], [[3]], {"b": "1"}),  # 1×1
    ([[[1, 2], [3, 4]], [[0, 1], [1, 0]]], [[[[1]], [[2]]], [[[-1]], [[1]]]], {"b": "0.5,-1"}),  # 1×1 conv, channels
    (
        [[[1, 2, 0], [0, 1, 3], [2, 1, 0]], [[1, 0, 1], [0, 1, 0], [1, 0, 1]]],
        [[[1, 0], [0, 1]], [[0, 1], [1, 0]]],
        {"op": "conv", "p": "same"},
    ),
]


def _expected(x: Any, k: Any, params: dict[str, Any]) -> Any:
    xa, ka = np.asarray(x, dtype=float), np.asarray(k, dtype=float)
    xs = xa if xa.ndim == 3 else xa[np.newaxis]
    if ka.ndim == 2:
        ks = ka[np.newaxis, np.newaxis]
    elif ka.ndim == 3:
        ks = ka[np.newaxis] if ka.shape[0] == xs.shape[0] else ka[:, np.newaxis]
    else:
        ks = ka
    s = int(params.get("s", 1))
    d = int(params.get("d", 1))
    pad_spec = params.get("p", 0)
    pads = []
    for a in range(2):
        n, kk = xs.shape[1 + a], (ks.shape[2 + a] - 1) * d + 1
        if pad_spec == "full":
            pads.append((kk - 1, kk - 1))
        elif pad_spec == "same":
            total = max((-(-n // s) - 1) * s + kk - n, 0)
            pads.append((total // 2, total - total // 2))
        else:
            pads.append((int(pad_spec), int(pad_spec)))
    b = [float(v) for v in str(params["b"]).split(",")] if "b" in params else None
    return _conv_loops(xs, ks, b, (s, s), pads, (d, d), params.get("op") == "conv")


@pytest.mark.parametrize(("x", "k", "params"), CASES_2D)
def test_2d_against_loops(x: Any, k: Any, params: dict[str, Any]) -> None:
    ex = generate_example("conv.by-hand", {"X": x, "K": k, **params})
    want = _expected(x, k, params)
    got = ex.values["Y"] if want.shape[0] == 1 else [ex.values[f"Y{c}"] for c in range(want.shape[0])]
    assert np.asarray(got, dtype=float).reshape(want.shape) == pytest.approx(want)
    assert ex.values["sum"] == pytest.approx(float(want.sum()))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_convolutions_against_loops(seed: int) -> None:
    ex = generate_example("conv.by-hand", seed=seed)
    p = ex.params
    x = np.asarray(p["X"], dtype=float)
    k = np.asarray(p["K"], dtype=float)
    nd = int(p["dim"])
    xs = x if x.ndim == nd + 1 else x[np.newaxis]
    if k.ndim == nd:
        ks = k[np.newaxis, np.newaxis]
    elif k.ndim == nd + 1:
        ks = k[np.newaxis] if k.shape[0] == xs.shape[0] else k[:, np.newaxis]
    else:
        ks = k
    pads = []
    for a in range(nd):
        n, kk = xs.shape[1 + a], ks.shape[2 + a]
        if p["p"] == "full":
            pads.append((kk - 1, kk - 1))
        elif p["p"] == "same":
            pads.append(((kk - 1) // 2, kk - 1 - (kk - 1) // 2))
        elif p["p"] == "valid":
            pads.append((0, 0))
        else:
            pads.append((int(p["p"]), int(p["p"])))
        assert n + sum(pads[-1]) >= kk
    want = _conv_loops(xs, ks, p["b"], (1,) * nd, pads, (1,) * nd, p["op"] == "conv")
    if want.shape[0] == 1:
        assert np.asarray(ex.values["Y"], dtype=float) == pytest.approx(want[0])
    else:
        assert np.asarray(ex.answer, dtype=float) == pytest.approx(want)


def test_every_entry_is_a_sum_of_products_that_adds_up() -> None:
    ex = generate_example("conv.by-hand", {"X": "1,2,0;0,1,3;2,1,0", "K": "1,-1;2,0.5", "b": "1"})
    entries = [s for s in ex.steps if s.key.startswith("Y[")]
    assert len(entries) == 4
    for s in entries:
        left, _, right = s.formula.rpartition(" = ")
        total = sum(
            float(a.strip("()")) * float(b.strip("()")) for a, b in (t.split("·") for t in left.split(" + ")[:-1])
        )
        assert total + 1 == pytest.approx(float(right)) == pytest.approx(s.value)


# --------------------------------------------------------------------------- pooling with channels and padding


def _pool_loops(x: Any, f: int, s: int, p: int, mode: str) -> Any:
    x = np.asarray(x, dtype=float)
    x = x if x.ndim == 3 else x[np.newaxis]
    out = []
    for ch in x:
        h, w = ch.shape
        rows = []
        for i in range(-p, h + p - f + 1, s):
            row = []
            for j in range(-p, w + p - f + 1, s):
                cells = [
                    ch[a, b] if 0 <= a < h and 0 <= b < w else (None if mode == "max" else 0.0)
                    for a in range(i, i + f)
                    for b in range(j, j + f)
                ]
                real = [c for c in cells if c is not None]
                row.append(max(real) if mode == "max" else sum(real) / (f * f))
            rows.append(row)
        out.append(rows)
    return np.asarray(out)


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize(
    ("x", "f", "s", "p"),
    [
        ([[1, -3, 2], [4, -6, 5], [-3, 1, 1]], 2, 1, 1),
        ([[[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [0, 2, 4, 3]], [[-1, -2, -3, -4]] * 4], 2, 2, 0),
        ([[[-1, -3, -2, -1, 0]] * 5, [[2, 0, 1, 3, 1]] * 5], 3, 2, 1),
        ([[5]], 1, 1, 0),
    ],
)
def test_pool_channels_and_padding_against_loops(x: Any, f: int, s: int, p: int, mode: str) -> None:
    ex = generate_example("pool", {"X": x, "f": f, "s": s, "p": p, "mode": mode})
    want = _pool_loops(x, f, s, p, mode)
    got = ex.values["Y"] if want.shape[0] == 1 else [ex.values[f"Y{c}"] for c in range(want.shape[0])]
    assert np.asarray(got, dtype=float).reshape(want.shape) == pytest.approx(want)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("params", "fragments"),
    [
        ({"layers": "conv(6,5); dense(10)"}, ["layer 2", "column 12", "put flatten before it", "3456 inputs"]),
        ({"layers": "conv(6,5); poool(2)"}, ["layer 2", "unknown layer 'poool'", "did you mean pool"]),
        ({"layers": "conv(6)"}, ["layer 1", "conv needs k", "conv(out, k, s, p)"]),
        ({"layers": "conv(6,5,q=1)"}, ["unknown option 'q'", "options: out, k, s, p"]),
        ({"layers": "conv(6,5; pool(2)"}, ["column 5", "not closed before the ';' at column 9"]),
        ({"layers": "conv(6,5"}, ["column 5", "not closed at the end"]),
        ({"layers": "conv(6,30)"}, ["kernel's height 30", "at most 28 fits"]),
        ({"layers": "conv(6,5,in=3)"}, ["in=3", "gives 1 channel "]),
        ({"layers": "conv(6,5,groups=4)"}, ["groups=4", "must divide"]),
        ({"layers": "flatten; conv(6,5)"}, ["layer 2", "needs a C×H×W input"]),
        ({"layers": "conv(6,5); conv(8,3,p=sam)"}, ["layer 2", "'sam' is not a number", "same"]),
        ({"layers": "dense(10)", "input": "784", "classes": 10}, ["classes only resizes a preset"]),
        ({"layers": "dense(10)", "preset": "vgg16"}, ["layers or preset, not both"]),
        ({"preset": "resnet-basic", "classes": 10}, ["no class layer"]),
        ({"input": "3x224"}, ["parameter input", "C×H×W"]),
    ],
)
def test_bad_layer_text_names_the_layer_and_what_fits(params: dict[str, Any], fragments: list[str]) -> None:
    with pytest.raises(ParamError) as err:
        generate_example("cnn.summary", params)
    for fragment in fragments:
        assert fragment in str(err.value)


@pytest.mark.parametrize(
    ("kind", "params", "fragment"),
    [
        ("conv.by-hand", {"X": "[[[1,2],[3,4]],[[1,2],[3,4]]]", "K": "1,0;0,1"}, "K must be 2×2×2"),
        ("conv.by-hand", {"X": "1,2,3", "K": "[[[[1]]]]"}, "a 1-D kernel is k, C_in×k or C_out×C_in×k"),
        ("conv.by-hand", {"X": "1,2;3,4", "K": "1,1;1,1", "b": "1,2"}, "b has 2 entries but K gives 1"),
        ("conv.by-hand", {"X": "1,2;3,4", "K": "1,1,1;1,1,1;1,1,1"}, "does not fit"),
        ("conv.output-size", {"n": "32", "f": "40"}, "larger than the padded input"),
        ("conv.output-size", {"p": "wide"}, "'wide' is not a number"),
        ("pool", {"f": 2, "p": 2}, "more than half"),
    ],
)
def test_bad_convolution_input(kind: str, params: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ParamError) as err:
        generate_example(kind, params)
    assert fragment in str(err.value)


def test_bad_layer_text_via_cli_exits_2_without_traceback() -> None:
    code, out, err = run("example", "cnn.summary", "--set", "layers=conv(6,5); dense(10)")
    assert code == 2
    assert "put flatten before it" in err and "Traceback" not in err + out


def test_summary_json_carries_every_layer() -> None:
    code, out, _ = run("example", "cnn.summary", "--set", "preset=lenet5", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["answer"] == 61_706
    for name in ("conv1", "pool1", "conv2", "pool2", "fc1", "fc2", "fc3"):
        assert {f"{name}_params", f"{name}_macs", f"{name}_connections"} <= set(data["values"])
    assert data["values"]["conv1_shape"] == [6, 28, 28]
    assert data["values"]["total_flops"] == 2 * data["values"]["total_macs"]


def test_ask_a_layer_value() -> None:
    ex = generate_example("cnn.summary", {"preset": "vgg16"}, ask="fc1_params")
    assert ex.answer == 7 * 7 * 512 * 4096 + 4096


# --------------------------------------------------------------------------- both languages, checking working


@pytest.mark.parametrize("preset", ["lenet5", "lenet5-1998", "alexnet", "alexnet-torchvision", "vgg16", "inception-3a",
                                    "resnet-basic",
                                    "resnet-bottleneck", "resnet18", "resnet34", "resnet50"])  # fmt: skip
def test_every_preset_reads_in_chinese(preset: str) -> None:
    import re

    zh = explain_text(generate_example("cnn.summary", {"preset": preset}), "zh")
    prose_words = {"the", "and", "with", "of", "each", "per", "kernels", "weights", "biases", "connections", "shape"}
    leftovers = {w for w in re.findall(r"[A-Za-z]+", zh) if w.lower() in prose_words}
    assert not leftovers, leftovers
    assert "批量归一化" in zh or "卷积" in zh


def test_uneven_pool_and_convolution_by_hand_warn() -> None:
    pool = generate_example("pool", {"X": [[1, 2, 3, 4, 5]] * 5, "f": 2, "s": 2})
    assert pool.answer == [[2, 4], [2, 4]] and len(pool.warnings) == 1
    conv = generate_example("conv.by-hand", {"X": [1, 2, 3, 4, 5, 6], "K": [1, 1], "s": 3})
    assert conv.answer == [3, 9] and "length" in conv.warnings[0]
    assert "不是整数" in explain_text(conv, "zh")


def test_mine_marks_a_students_layer_counts() -> None:
    result = CliRunner().invoke(
        cli, ["example", "cnn.summary", "--mine", "-"], input="conv1_params = 156\nfc1_params = 48000\n"
    )
    out = result.stdout
    assert "✓ conv1_params" in out and "✗ fc1_params" in out and "48120" in out


@pytest.mark.parametrize(
    ("kind", "preset", "c_in", "n"), [("cnn.lenet", "lenet5", 3, 28), ("cnn.alexnet", "alexnet", 1, 227)]
)
def test_fixed_networks_take_input_channels_and_agree_with_the_summary(
    kind: str, preset: str, c_in: int, n: int
) -> None:
    old = generate_example(kind, {"c_in": c_in}).values["total_params"]
    new = generate_example("cnn.summary", {"preset": preset, "input": f"{c_in}x{n}x{n}"}).values["total_params"]
    assert old == new
    # only the first convolution depends on the input channels: (k·k·c_in + 1)·c_out
    k, c_out = (5, 6) if kind == "cnn.lenet" else (11, 96)
    base = generate_example(kind).values["total_params"]
    default_c = 1 if kind == "cnn.lenet" else 3
    assert old - base == k * k * (c_in - default_c) * c_out

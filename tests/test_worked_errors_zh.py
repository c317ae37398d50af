"""The bad-parameter errors of the convolution, pooling, box, attention and network-summary examples speak the
reader's language: each is one catalog message (``lazy``), English in ``str(exc)`` and Chinese through ``localized``.

Each case provokes one error through the public API; the English column is the wording the messages had before they
went through the catalog (tests and users rely on it), so it must stay byte for byte.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dlquiz.cli import cli
from dlquiz.errors import ParamError
from dlquiz.i18n import Lazy, localized
from dlquiz.worked import generate_example
from dlquiz.worked.cnnsize import read_pair, resolve_padding

WORKED = Path(__file__).resolve().parents[1] / "dlquiz" / "worked"
MODULES = ("arch.py", "cnnsize.py", "conv.py", "convolve.py", "detect.py", "attention.py")

# (kind, params, the English message)
CASES: list[tuple[str, dict[str, Any], str]] = [
    ("conv.output-size", {"n": "32x"}, "conv.output-size: parameter n: '32x' has a side missing (write 32 or 32x24)"),
    (
        "conv.output-size",
        {"p": ","},
        "conv.output-size: parameter p: ',' is not a number (expected a number, h×w, or same, valid, full)",
    ),
    ("conv.output-size", {"n": "3x3x3"}, "conv.output-size: parameter n: cannot read '3x3x3' (expected a number, h×w)"),
    ("conv.output-size", {"s": "-1"}, "conv.output-size: parameter s: -1 is too small (allowed: ≥ 1)"),
    ("conv.output-size", {"f": "2.5"}, "conv.output-size: parameter f: expected an integer, got 2.5"),
    ("conv.output-size", {"n": "abc"}, "conv.output-size: parameter n: 'abc' is not a number (expected a number, h×w)"),
    (
        "conv.output-size",
        {"p": "abc"},
        "conv.output-size: parameter p: 'abc' is not a number (expected a number, h×w, or same, valid, full)",
    ),
    ("conv.output-size", {"f": "0"}, "conv.output-size: parameter f: 0 is too small (allowed: ≥ 1)"),
    ("conv.output-size", {"n": "5000"}, "conv.output-size: parameter n: 5000 is too large (allowed: ≤ 4096)"),
    ("conv.output-size", {"n": True}, "conv.output-size: parameter n: 'True' is not a number (expected a number, h×w)"),
    (
        "conv.output-size",
        {"n": 5, "f": 7},
        "conv.output-size: the kernel (height: effective size 7) is larger than the padded input n + 2p = 5; choose a larger n or p (at most f = 5 fits)",
    ),
    (
        "conv.output-size",
        {"n": "8x5", "f": "3x7"},
        "conv.output-size: the kernel (width: effective size 7) is larger than the padded input n + 2p = 5; choose a larger n or p (at most f = 5 fits)",
    ),
    (
        "conv.same-padding",
        {"f": 4},
        "conv.same-padding: parameter f: 4 is even; 'same' padding (f − 1)/2 needs an odd kernel",
    ),
    ("conv.params", {"groups": 5}, "conv.params: parameter groups: 5 must divide c_in = 3 and c_out = 16"),
    ("conv.params", {"f": "3x"}, "conv.params: parameter f: '3x' has a side missing (write 32 or 32x24)"),
    (
        "conv.receptive-field",
        {"kernels": [3, 3], "strides": [1]},
        "conv.receptive-field: kernels has 2 layers but strides has 1; give one stride per kernel",
    ),
    (
        "conv.xcorr",
        {"X": [[1] * 13] * 13},
        "conv.xcorr: parameter X: 13×13 is too large to work by hand (at most 12×12)",
    ),
    ("conv.xcorr", {"K": [[1] * 8] * 8}, "conv.xcorr: parameter K: 8×8 is too large to work by hand (at most 7×7)"),
    (
        "conv.xcorr",
        {"X": [[1, 2], [3, 4]], "K": [[1, 0, 1], [0, 1, 0], [1, 0, 1]]},
        "conv.xcorr: parameter K: the 3×3 kernel does not fit the padded 2×2 input",
    ),
    (
        "conv.by-hand",
        {"X": [1, 2, 3], "dim": "2"},
        "conv.by-hand: X is 3 but a 2-D convolution takes X as H×W or C_in×H×W",
    ),
    (
        "conv.by-hand",
        {"X": [[[1, 2], [3, 4]], [[1, 2], [3, 4]]], "K": [[1, 0], [0, 1]]},
        "conv.by-hand: K is 2×2 but X has 2 channels; K must be 2×2×2 (one output channel) or C_out×2×2×2",
    ),
    (
        "conv.by-hand",
        {"X": [[[1, 2, 3], [3, 4, 5]]] * 3, "K": [[[1, 0], [0, 1]]] * 2},
        "conv.by-hand: K is 2×2×2 but X has 3 channels; K must be 3×kh×kw (one output channel) or C_out×3×kh×kw",
    ),
    (
        "conv.by-hand",
        {"X": [[[1, 2, 3], [3, 4, 5]]] * 3, "K": [[[[1, 0], [0, 1]]] * 2]},
        "conv.by-hand: K is 1×2×2×2 (C_out×C_in×kh×kw) but X has 3 channels; K must be 1×3×2×2",
    ),
    ("conv.by-hand", {"X": [[1] * 13] * 2}, "conv.by-hand: X is 2×13: too large to work by hand (sides up to 12)"),
    (
        "conv.by-hand",
        {"X": [[1] * 5] * 5, "K": [[1] * 8]},
        "conv.by-hand: K is 1×8: too large to work by hand (sides up to 7)",
    ),
    (
        "conv.by-hand",
        {"X": [[[1, 2], [3, 4]]] * 5, "K": [[1]]},
        "conv.by-hand: K is 1×1 but X has 5 channels; K must be 5×1×1 (one output channel) or C_out×5×1×1",
    ),
    (
        "conv.by-hand",
        {"X": [[[1, 2], [3, 4]]] * 5, "K": [[[1]] * 5]},
        "conv.by-hand: K is 1×5×1 but X has 5 channels; K must be 5×kh×kw (one output channel) or C_out×5×kh×kw",
    ),
    (
        "conv.by-hand",
        {"X": [1, 2, 3], "K": [[[[1]]]]},
        "conv.by-hand: K is 1×1×1×1; a 1-D kernel is k, C_in×k or C_out×C_in×k",
    ),
    (
        "conv.by-hand",
        {"X": [[[1, 2], [3, 4]]] * 5, "K": [[[1]]] * 5},
        "conv.by-hand: at most 4 input and 4 output channels by hand (X has 5, K gives 1)",
    ),
    (
        "conv.by-hand",
        {"b": [1, 2]},
        "conv.by-hand: b has 2 entries but K gives 1 output channel; give one bias per output channel",
    ),
    (
        "conv.by-hand",
        {"X": [1, 2, 3], "K": [1, 1], "s": "1x2"},
        "conv.by-hand: a 1-D convolution takes one stride, dilation and padding, not h×w",
    ),
    (
        "conv.by-hand",
        {"X": [1, 2, 3], "K": [1, 1, 1, 1]},
        "conv.by-hand: the kernel's length (effective 4) does not fit the padded input's 3; pad more (e.g. p=full) or use a smaller kernel",
    ),
    (
        "conv.by-hand",
        {"K": [[1, 1, 1, 1, 1]]},
        "conv.by-hand: the kernel's width (effective 5) does not fit the padded input's 4; pad more (e.g. p=full) or use a smaller kernel",
    ),
    ("conv.by-hand", {"p": "3x"}, "conv.by-hand: parameter p: '3x' has a side missing (write 32 or 32x24)"),
    (
        "conv.by-hand",
        {"p": "abc"},
        "conv.by-hand: parameter p: 'abc' is not a number (expected a number, h×w, or same, valid, full)",
    ),
    ("conv.by-hand", {"d": "9"}, "conv.by-hand: parameter d: 9 is too large (allowed: ≤ 6)"),
    ("pool", {"X": [[1] * 13] * 2}, "pool: parameter X: 2×13 is too large to work by hand (at most 4×12×12)"),
    ("pool", {"f": 2, "p": 2}, "pool: parameter p: padding 2 is more than half the 2×2 window (at most 1)"),
    ("pool", {"X": [[1, 2], [3, 4]], "f": 3}, "pool: parameter f: the 3×3 window does not fit the 2×2 (padded) input"),
    ("det.iou", {"box1": [0, 0, 1]}, "det.iou: parameter box1: a box is 4 numbers x1,y1,x2,y2, got [0, 0, 1]"),
    (
        "det.iou",
        {"box1": [0, 0, 1], "format": "xywh"},
        "det.iou: parameter box1: a box is 4 numbers x,y,w,h (top-left corner, width, height), got [0, 0, 1]",
    ),
    (
        "det.iou",
        {"box2": [0, 0, 1], "format": "center"},
        "det.iou: parameter box2: a box is 4 numbers cx,cy,w,h (centre, width, height), got [0, 0, 1]",
    ),
    (
        "det.iou",
        {"box1": [0, 0, 0, 2], "format": "xywh"},
        "det.iou: parameter box1: [0, 0, 0, 2] needs a width w > 0 and a height h > 0",
    ),
    ("det.iou", {"box2": [2, 2, 1, 1]}, "det.iou: parameter box2: [2, 2, 1, 1] needs x2 > x1 and y2 > y1"),
    (
        "det.nms",
        {"boxes": [[0, 0, 1, 1], [0, 0, 2, 2]], "scores": [0.9]},
        "det.nms: 2 boxes but 1 scores; give one score per box",
    ),
    (
        "det.nms",
        {"boxes": [[0, 0, 1, 1], [2, 2, 1, 1]], "scores": [0.9, 0.8]},
        "det.nms: parameter boxes row 2: [2, 2, 1, 1] needs x2 > x1 and y2 > y1",
    ),
    (
        "attn.dot",
        {"Q": [[1, 2]], "K": [[1, 2, 3]]},
        "attn.dot: Q is 1×2 but K is 1×3; queries and keys need the same length d_k (K must be m×2)",
    ),
    (
        "attn.dot",
        {"Q": [[1, 2]], "K": [[1, 2]], "V": [[1], [2]]},
        "attn.dot: K is 1×2 but V is 2×1; one value row per key (V must be 1×d_v)",
    ),
    (
        "attn.dot",
        {"Q": [[1]] * 9, "K": [[1]], "V": [[1]]},
        "attn.dot: at most 8 queries, 8 keys and 8 features by hand",
    ),
    (
        "attn.dot",
        {"Q": [[1], [2]], "K": [[1]], "V": [[1]], "causal": True},
        "attn.dot: causal=true masks key j > query i, which needs as many queries as keys (Q has 2 rows, K 1)",
    ),
    (
        "attn.params",
        {"d_model": 10, "heads": 3},
        "attn.params: d_model = 10 is not divisible by heads = 3; give d_k (and d_v) per head, or a d_model that divides",
    ),
    ("cnn.summary", {"layers": "conv(6,5)); dense(10)"}, "cnn.summary: layers: column 10: a ')' without its '('"),
    (
        "cnn.summary",
        {"layers": "conv(6,5; dense(10)"},
        "cnn.summary: layers: column 5: the '(' is not closed before the ';' at column 9",
    ),
    ("cnn.summary", {"layers": "conv(6,5"}, "cnn.summary: layers: column 5: the '(' is not closed at the end"),
    (
        "cnn.summary",
        {"layers": "conv 6 5"},
        "cnn.summary: layers: cannot read 'conv 6 5' at column 1; write a layer as NAME(ARGS), e.g. conv(16, 5, p=2), with ';' between layers",
    ),
    (
        "cnn.summary",
        {"layers": "conf(6,5)"},
        "cnn.summary: layers: layer 1 'conf(6,5)' (column 1): unknown layer 'conf' (did you mean conv?); known: conv, pool, maxpool, avgpool, gap, sub, flatten, dense, fc, linear, bn, batchnorm, relu, sigmoid, tanh, softmax, dropout, lrn, res, bottleneck, rbf, inception",
    ),
    (
        "cnn.summary",
        {"layers": "zzzzq(6,5)"},
        "cnn.summary: layers: layer 1 'zzzzq(6,5)' (column 1): unknown layer 'zzzzq'; known: conv, pool, maxpool, avgpool, gap, sub, flatten, dense, fc, linear, bn, batchnorm, relu, sigmoid, tanh, softmax, dropout, lrn, res, bottleneck, rbf, inception",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,,5)"},
        "cnn.summary: layers: layer 1 'conv(6,,5)' (column 1): an empty argument between commas",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,5,q=1)"},
        "cnn.summary: layers: layer 1 'conv(6,5,q=1)' (column 1): unknown option 'q' for conv (options: out, k, s, p, d, bias, groups, g, in, table)",
    ),
    (
        "cnn.summary",
        {"layers": "flatten(x=1)"},
        "cnn.summary: layers: layer 1 'flatten(x=1)' (column 1): unknown option 'x' for flatten (options: none)",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,5,p=1,p=2)"},
        "cnn.summary: layers: layer 1 'conv(6,5,p=1,p=2)' (column 1): option 'p' given twice",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,k=5,1)"},
        "cnn.summary: layers: layer 1 'conv(6,k=5,1)' (column 1): '1' without a name after named options; write it as NAME=VALUE (out, k, s, p, d, bias, groups, g, in, table)",
    ),
    (
        "cnn.summary",
        {"layers": "dense(6,5)"},
        "cnn.summary: layers: layer 1 'dense(6,5)' (column 1): 2 values but dense takes at most 1 without names: dense(out)",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,5,out=3)"},
        "cnn.summary: layers: layer 1 'conv(6,5,out=3)' (column 1): out given twice (by position and by name)",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6)"},
        "cnn.summary: layers: layer 1 'conv(6)' (column 1): conv needs k: write conv(out, k, s, p)",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,5)*65"},
        "cnn.summary: layers: layer 1 'conv(6,5)*65' (column 1): repeat *65 (allowed 1 to 64)",
    ),
    (
        "cnn.summary",
        {"layers": "C1: conv(6,5)*2"},
        "cnn.summary: layers: layer 1 'C1: conv(6,5)*2' (column 1): a labelled layer cannot be repeated",
    ),
    (
        "cnn.summary",
        {"layers": "relu*64; relu*64; relu*64; relu*64; relu*64; relu*64; relu*64"},
        "cnn.summary: layers: more than 400 layers",
    ),
    (
        "cnn.summary",
        {"layers": " ; "},
        "cnn.summary: layers: no layers given (e.g. conv(6,5,p=2); pool(2); flatten; dense(10))",
    ),
    (
        "cnn.summary",
        {"input": "1x28"},
        "cnn.summary: parameter input: '1x28' is not C×H×W (e.g. 3x224x224) or a vector length (e.g. 784)",
    ),
    (
        "cnn.summary",
        {"input": "1x0x28"},
        "cnn.summary: parameter input: '0' in '1x0x28' is not a positive whole number (write C×H×W, e.g. 1x28x28)",
    ),
    ("cnn.summary", {"input": "1x200000x28"}, "cnn.summary: parameter input: 200000 is too large (at most 100000)"),
    (
        "cnn.summary",
        {"layers": "A: conv(6,5); A: conv(6,5)"},
        "cnn.summary: layers: layer 2 'A: conv(6,5)' (column 15): the label 'A' is used twice",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6x2,5)"},
        "cnn.summary: layers: layer 1 'conv(6x2,5)' (column 1): out takes one number, not '6x2'",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,5,groups=0)"},
        "cnn.summary: layers: layer 1 'conv(6,5,groups=0)' (column 1): groups: 0 is too small (allowed: ≥ 1)",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,5,bias=maybe)"},
        "cnn.summary: layers: layer 1 'conv(6,5,bias=maybe)' (column 1): bias='maybe' (use 1 or 0)",
    ),
    (
        "cnn.summary",
        {"layers": "flatten; conv(6,5)"},
        "cnn.summary: layers: layer 2 'conv(6,5)' (column 10): needs a C×H×W input, but the input here is a vector of 784 (after flatten or dense only dense layers fit)",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,50)"},
        "cnn.summary: layers: layer 1 'conv(6,50)' (column 1): the kernel's height 50 is larger than the padded input's 28 (input 1×28×28); at most 28 fits, or pad by 11 on each side",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,5,in=3)"},
        "cnn.summary: layers: layer 1 'conv(6,5,in=3)' (column 1): in=3 but the layer before gives 1 channel (input 1×28×28)",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,5,groups=4)"},
        "cnn.summary: layers: layer 1 'conv(6,5,groups=4)' (column 1): groups=4 must divide both the input channels 1 and out=6",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,5,table=foo)"},
        "cnn.summary: layers: layer 1 'conv(6,5,table=foo)' (column 1): table='foo' (the only table is lenet, LeNet-5's C3)",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,5,table=lenet)"},
        "cnn.summary: layers: layer 1 'conv(6,5,table=lenet)' (column 1): table=lenet is LeNet-5's C3: 6 input maps to 16 output maps, not 1 to 6",
    ),
    (
        "cnn.summary",
        {"layers": "pool(2,mode=min)"},
        "cnn.summary: layers: layer 1 'pool(2,mode=min)' (column 1): mode='min' (use max or avg)",
    ),
    (
        "cnn.summary",
        {"layers": "dense(10)"},
        "cnn.summary: layers: layer 1 'dense(10)' (column 1): needs a flat input, but the input here is 1×28×28; put flatten before it (it would give 784 inputs)",
    ),
    (
        "cnn.summary",
        {"layers": "flatten; dense(10,in=3)"},
        "cnn.summary: layers: layer 2 'dense(10,in=3)' (column 10): in=3 but the layer before gives 784 values",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,k=abc)"},
        "cnn.summary: layers: layer 1 'conv(6,k=abc)' (column 1): k: 'abc' is not a number (expected a number, h×w)",
    ),
    (
        "cnn.summary",
        {"layers": "conv(6,5,p=zz)"},
        "cnn.summary: layers: layer 1 'conv(6,5,p=zz)' (column 1): p: 'zz' is not a number (expected a number, h×w, or same, valid, full)",
    ),
    (
        "cnn.summary",
        {"layers": "flatten; dense(10)", "preset": "lenet5"},
        "cnn.summary: give layers or preset, not both (preset lenet5 has its own layers)",
    ),
    (
        "cnn.summary",
        {"layers": "flatten; dense(10)", "classes": 3},
        "cnn.summary: parameter classes only resizes a preset's last layer; with layers, set dense(N)",
    ),
    (
        "cnn.summary",
        {"preset": "resnet-basic", "classes": 3},
        "cnn.summary: parameter classes: preset resnet-basic has no class layer to resize",
    ),
    (
        "cnn.summary",
        {"layers": "maxpol(2)"},
        "cnn.summary: layers: layer 1 'maxpol(2)' (column 1): unknown layer 'maxpol' (did you mean maxpool or avgpool?); known: conv, pool, maxpool, avgpool, gap, sub, flatten, dense, fc, linear, bn, batchnorm, relu, sigmoid, tanh, softmax, dropout, lrn, res, bottleneck, rbf, inception",
    ),
    (
        "cnn.summary",
        {"layers": "dens(3)"},
        "cnn.summary: layers: layer 1 'dens(3)' (column 1): unknown layer 'dens' (did you mean dense?); known: conv, pool, maxpool, avgpool, gap, sub, flatten, dense, fc, linear, bn, batchnorm, relu, sigmoid, tanh, softmax, dropout, lrn, res, bottleneck, rbf, inception",
    ),
]

# English prose: a function word standing alone (not part of a name such as d_model, in=3 or by-hand)
ENGLISH = re.compile(
    r"(?<![A-Za-z_'-])(the|is|are|not|but|must|needs|need|give|than|too|use|write|expected|got|has|have|with|without"
    r"|of|to|or|and|at|per|by|for|a|an|only|before|after|more|most|allowed|cannot|does|fit|fits|takes|given|unknown)"
    r"(?![A-Za-z_=(-])"
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _raise(kind: str, params: dict[str, Any], seed: int | None = None) -> ParamError:
    with pytest.raises(ParamError) as info:
        generate_example(kind, params, seed=seed)
    return info.value


def _check_languages(exc: ParamError, english: str) -> None:
    assert isinstance(exc.args[0], Lazy)  # one catalog message, not an f-string
    assert str(exc) == english
    assert localized(exc, "en") == english
    assert ENGLISH.search(english), english  # the check below can tell English prose when it sees it
    zh = localized(exc, "zh")
    assert CJK.search(zh), zh
    assert not ENGLISH.search(zh), zh


@pytest.mark.parametrize(("kind", "params", "english"), CASES)
def test_error_is_english_in_str_and_chinese_when_localized(kind: str, params: dict[str, Any], english: str) -> None:
    _check_languages(_raise(kind, params), english)


def test_a_drawn_size_names_the_parameter_in_both_languages() -> None:
    # --seed/--random reads the fixed sizes before the prepare step does
    exc = _raise("conv.output-size", {"n": "3x"}, seed=1)
    _check_languages(exc, "parameter n: '3x' has a side missing (write 32 or 32x24)")
    assert localized(exc, "zh").startswith("参数 n：")


# errors the public API cannot reach, raised by the shared size helpers for other callers
GUARDS: list[tuple[Callable[[], object], str]] = [
    # modes come from read_pair, which only lets same / valid / full through
    (lambda: resolve_padding("wide", 5, 3, 1), "unknown padding 'wide' (use a number or one of: same, valid, full)"),
    # generate_example hands read_pair text, never a bool
    (lambda: read_pair(True, "size"), "size: expected a number or h×w, got True"),
]


@pytest.mark.parametrize(("call", "english"), GUARDS)
def test_guards_of_the_size_reader(call: Callable[[], object], english: str) -> None:
    with pytest.raises(ParamError) as info:
        call()
    _check_languages(info.value, english)


def test_a_field_that_is_a_message_is_translated_too() -> None:
    # the place (kind, layer, column), the hint and the axis name are messages inside the message
    zh = localized(_raise("cnn.summary", {"layers": "maxpol(2)"}), "zh")
    assert "第 1 层" in zh and "第 1 列" in zh and "maxpool 或 avgpool" in zh
    zh = localized(_raise("conv.output-size", {"n": "8x5", "f": "3x7"}), "zh")
    assert "宽度" in zh and "width" not in zh


# raised only when the code itself is wrong (the projection shortcut is built to match the main path)
UNREACHABLE = {"{where}: the shortcut {shape} does not match {main}"}


def _raised_msgids() -> set[str]:
    """The catalog message of every ParamError the six modules raise (read from their source)."""
    out: set[str] = set()
    for name in MODULES:
        tree = ast.parse((WORKED / name).read_text(encoding="utf-8"))
        helpers = {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ParamError"):
                continue
            first = node.args[0]
            if isinstance(first, ast.Call) and isinstance(first.func, ast.Name) and first.func.id in helpers:
                returned = [r.value for r in ast.walk(helpers[first.func.id]) if isinstance(r, ast.Return) and r.value]
                assert returned, first.func.id
                first = returned[0]
            for arg in [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]:
                assert isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "lazy", (
                    f"{name}:{node.lineno}: a ParamError whose message is not one lazy(...) template"
                )
                msgid = arg.args[0]
                assert isinstance(msgid, ast.Constant) and isinstance(msgid.value, str)
                out.add(msgid.value)
    return out


def test_every_error_of_the_six_modules_has_a_case() -> None:
    seen: set[str] = set()
    for kind, params, _ in CASES:
        seen.add(_raise(kind, params).args[0].msgid)
    seen.add(_raise("conv.output-size", {"n": "3x"}, seed=1).args[0].msgid)
    for call, _ in GUARDS:
        with pytest.raises(ParamError) as info:
            call()
        seen.add(info.value.args[0].msgid)
    missing = _raised_msgids() - UNREACHABLE - seen
    assert not missing, f"errors without a case: {sorted(missing)}"


@pytest.mark.parametrize(
    ("args", "chinese"),
    [
        (
            ["example", "conv.params", "--set", "groups=5", "--lang", "zh"],
            "conv.params：参数 groups：5 必须能整除 c_in = 3 和 c_out = 16",
        ),
        (
            ["example", "cnn.summary", "--set", "layers=conv(6,5,groups=4)", "--lang", "zh"],
            "groups=4 必须同时整除输入通道数 1 和 out=6",
        ),
    ],
)
def test_cli_shows_the_error_in_chinese(args: list[str], chinese: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert chinese in result.stderr
    assert "Traceback" not in result.output + result.stderr
    message = next(line for line in result.stderr.splitlines() if chinese in line)
    assert not ENGLISH.search(message), message

"""The bad-input errors of the recurrent and network examples speak the reader's language (issue 12, item 5).

Each case provokes one ParamError of rnn.py, gates.py, grucell.py, lstmcell.py, backprop.py or graph.py through
the public API. Its English is the message these generators gave before their errors became catalog templates
(byte for byte: scripts and tests match on it); in Chinese it comes from the catalog, with no English sentence
left over. A last test checks that the table reaches every error message these six modules raise.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import dlquiz.worked
from dlquiz.cli import cli
from dlquiz.errors import ParamError
from dlquiz.i18n import Lazy, localized
from dlquiz.worked import generate_example

MODULES = ("rnn.py", "gates.py", "grucell.py", "lstmcell.py", "backprop.py", "graph.py")

# (kind, parameters as typed after --set, the English message)
CASES: list[tuple[str, dict[str, str], str]] = [
    (
        "rnn.bptt",
        {"U": "1", "W": "1,2;3,4;5,6", "V": "1"},
        "rnn.bptt: parameter W is 3×2 but it multiplies hₜ₋₁ and gives sₜ: it must be square, n_h × n_h",
    ),
    ("rnn.bptt", {"hidden": "2", "U": "1", "W": "0.5", "V": "1"}, "rnn.bptt: parameter hidden is 2 but W is 1×1"),
    (
        "rnn.bptt",
        {"U": "1,2;3,4", "W": "0.5", "V": "1"},
        "rnn.bptt: parameter U is 2×2 but x has 1 row (n_x = 1, one column per time step) and W is 1×1 (n_h = 1): U must be 1×1",
    ),
    (
        "rnn.bptt",
        {"U": "1", "W": "0.5", "V": "1,2;3,4"},
        "rnn.bptt: parameter V is 2×2 but n_h = 1: V must be n_y×1",
    ),
    (
        "rnn.bptt",
        {"U": "1", "W": "0.5", "V": "1", "output": "softmax"},
        "rnn.bptt: parameter V: a softmax output needs at least 2 outputs (V with 2 or more rows); use sigmoid",
    ),
    (
        "rnn.bptt",
        {"U": "1", "W": "0.5", "V": "1", "reduction": "mean", "loss_at": "last"},
        "rnn.bptt: parameter reduction=mean averages the losses of every step; with loss_at=last there is one",
    ),
    (
        "rnn.bptt",
        {"U": "1", "W": "0.5", "V": "1", "b": "1,2"},
        "rnn.bptt: parameter b has 2 numbers but needs 1: one per hidden unit (n_h = 1)",
    ),
    (
        "rnn.bptt",
        {"U": "1", "W": "0.5", "V": "1", "h0": "1,2,3"},
        "rnn.bptt: parameter h0 has 3 numbers but needs 1: one per hidden unit (n_h = 1)",
    ),
    (
        "rnn.bptt",
        {"U": "1;1", "W": "0.5,0;0,0.5", "V": "1,1;1,-1", "c": "1"},
        "rnn.bptt: parameter c has 1 number but needs 2: one per output (V has 2 rows)",
    ),
    (
        "rnn.bptt",
        {"U": "1;1", "W": "0.5,0;0,0.5", "V": "1,1;1,-1", "output": "softmax", "y": "0,2,1"},
        "rnn.bptt: parameter y: a list of targets holds class indices 0 … 1 for a softmax output; got [0, 2, 1]",
    ),
    (
        "rnn.bptt",
        {"U": "1;1", "W": "0.5,0;0,0.5", "V": "1,1;1,-1", "output": "sigmoid", "y": "1,0,1"},
        "rnn.bptt: parameter y is a list but the output has 2 entries (V has 2 rows): give y as a matrix of 2×T, one column per step",
    ),
    (
        "rnn.bptt",
        {"U": "1", "W": "0.5", "V": "1", "y": "1,0"},
        "rnn.bptt: parameters x and y need T = 3 entries each (y is 1×2; the loss at T = 3 steps needs 1×3)",
    ),
    (
        "rnn.bptt",
        {"U": "1", "W": "0.5", "V": "1", "y": "1,0", "loss_at": "last"},
        "rnn.bptt: parameters x and y need T = 3 entries each (y is 1×2; the loss at the last step needs 1×1)",
    ),
    (
        "rnn.bptt",
        {"U": "1", "W": "0.5", "V": "1", "y": "[[1,0,1],[0,1,0]]"},
        "rnn.bptt: parameter y is 2×3 but the output has n_y = 1: y must be 1×3",
    ),
    (
        "rnn.bptt",
        {"U": "1", "W": "0.5", "V": "1", "y": "1,2,1"},
        "rnn.bptt: parameter y: targets must be between 0 and 1 for a sigmoid output, got [[1, 2, 1]]",
    ),
    (
        "rnn.bptt",
        {"U": "1;1", "W": "0.5,0;0,0.5", "V": "1,1", "output": "linear", "loss": "ce", "y": "-1,0,1"},
        "rnn.bptt: parameter output: cross-entropy takes the log of the outputs, which needs sigmoid or softmax",
    ),
    (
        "rnn.bptt",
        {"hidden": "3"},
        "rnn.bptt: parameters U, W and V are needed for hidden = 3 with n_x = 1 (or use --seed)",
    ),
    ("rnn.bptt", {"U": "1"}, "rnn.bptt: parameters U and W go together (V too, for outputs and a loss): W missing"),
    (
        "rnn.bptt",
        {"U": "1", "W": "0.5", "V": "1", "output": "linear", "loss": "ce"},
        "rnn.bptt: parameter output: cross-entropy takes the log of the outputs, which needs sigmoid or softmax",
    ),
    (
        "rnn.bptt",
        {"x": "1,2,3,4,5,6,7,8,9,10,11", "y": "1,0,1,0,1,0,1,0,1,0,1"},
        "rnn.bptt: T = 11, n_x = 1, n_h = 1, n_y = 1 is too big to work by hand (at most T = 10 and sizes of 8)",
    ),
    ("rnn.bptt", {"T": "4", "x": "1,2,3"}, "rnn.bptt: parameters x and y need T = 4 entries each (x has 3 time steps)"),
    (
        "rnn.bptt",
        {"U": "1;1", "W": "0.5,0;0,0.5", "V": "1,1;1,-1", "output": "softmax", "y": "[[1,-1,0],[0,1,1]]"},
        "rnn.bptt: parameter y: cross-entropy needs non-negative targets, got [[1, -1, 0], [0, 1, 1]]",
    ),
    (
        "lstm.step",
        {
            "x": "1",
            "h_prev": "0,0",
            "W_f": "1",
            "W_i": "1",
            "W_c": "1",
            "W_o": "1",
            "U_f": "1",
            "U_i": "1",
            "U_c": "1",
            "U_o": "1",
        },
        "lstm.step: parameter W_f is 1×1 but h_prev has 2 numbers (n_h = 2): W_f multiplies hₜ₋₁ and must be 2×2",
    ),
    ("gru.step", {"b_r": "1,2"}, "gru.step: parameter b_r has 2 numbers but h_prev has 1: b_r needs 1"),
    ("gru.step", {"dh": "1,2"}, "gru.step: parameter dh has 2 numbers but h_prev has 1: dh needs 1"),
    (
        "lstm.step",
        {
            "x": "1,2,3,4,5,6,7,8,9",
            "W_f": "1",
            "W_i": "1",
            "W_c": "1",
            "W_o": "1",
            "U_f": "1,1,1,1,1,1,1,1,1",
            "U_i": "1,1,1,1,1,1,1,1,1",
            "U_c": "1,1,1,1,1,1,1,1,1",
            "U_o": "1,1,1,1,1,1,1,1,1",
        },
        "lstm.step: n_x = 9, n_h = 1 is too big to work by hand (at most 8)",
    ),
    ("gru.step", {"y": "1", "dh": "1"}, "gru.step: parameters y and dh both set the gradient at hₜ; give one of them"),
    (
        "lstm.step",
        {"weights": "1,1,0;1,1,0;1,1,0;1,1,0", "W_f": "1"},
        "lstm.step: parameter weights (the one-unit form) and W_f (the per-gate form) cannot both be given; use one form",
    ),
    (
        "lstm.step",
        {"weights": "1,1,0;1,1,0;1,1,0"},
        "lstm.step: parameter weights: need 4 rows (f, i, c̃, o) of 3 numbers W,U,b, got 3 rows",
    ),
    (
        "lstm.step",
        {"W_f": "1"},
        "lstm.step: parameter W_i is missing: the per-gate form needs W_f, W_i, W_c, W_o and U_f, U_i, U_c, U_o (biases default to 0)",
    ),
    (
        "gru.step",
        {"W_r": "1"},
        "gru.step: parameter W_z is missing: give W_r, W_z, W_h and U_r, U_z, U_h (biases default to 0)",
    ),
    ("gru.step", {"hidden": "2"}, "gru.step: parameter hidden is 2 but h_prev has 1 number"),
    (
        "gru.step",
        {"b_hn": "1"},
        "gru.step: parameter b_hn is the bias inside r ⊙ (…) of reset=after; with reset=before use b_h",
    ),
    (
        "gru.cell",
        {"r": "0.5", "W_h": "1,2,3", "dh": "1"},
        "gru.cell: parameter W_h is 1×3 but h_prev has 1 number (n_h = 1): W_h multiplies r ⊙ hₜ₋₁ and must be 1×1",
    ),
    ("gru.cell", {"W_h": "1", "dh": "1"}, "gru.cell: parameter W_h gives ∂L/∂r and needs r (the reset gate's value)"),
    (
        "gru.cell",
        {"r": "0.5"},
        "gru.cell: parameter r has no effect here: r acts only inside h̃ = tanh(W_h·(r ⊙ hₜ₋₁) + …), and h̃ is given; leave r out, or give W_h and dh for ∂L/∂r",
    ),
    (
        "gru.cell",
        {"z": "0.4,0.5,0.6", "h_prev": "0.1,0.2"},
        "gru.cell: every vector needs n_h = 3 numbers (one per unit), but h_prev has 2",
    ),
    (
        "gru.cell",
        {"z": "0.4,0.5,0.6", "h_prev": "0.1,0.2", "h_tilde": "0.1,0.2"},
        "gru.cell: every vector needs n_h = 3 numbers (one per unit), but h_tilde has 2, h_prev has 2",
    ),
    ("gru.cell", {"z": "1.5"}, "gru.cell: parameter z: a sigmoid gate lies in [0, 1], got 1.5"),
    ("gru.cell", {"h_tilde": "-2"}, "gru.cell: parameter h_tilde: a tanh candidate lies in [−1, 1], got -2"),
    (
        "gru.cell",
        {"r": "0.5", "W_h": "1"},
        "gru.cell: parameter W_h gives the gradient of r and needs dh (∂L/∂hₜ) for a backward pass",
    ),
    (
        "lstm.cell",
        {"f": "0.5,0.5,0.5", "i": "0.5,0.5"},
        "lstm.cell: every vector needs n_h = 3 numbers (one per unit), but i has 2",
    ),
    ("lstm.cell", {"o": "1.2"}, "lstm.cell: parameter o: a sigmoid gate lies in [0, 1], got 1.2"),
    ("lstm.cell", {"c_tilde": "1.5"}, "lstm.cell: parameter c_tilde: a tanh candidate lies in [−1, 1], got 1.5"),
    (
        "lstm.cell",
        {"dc": "1"},
        "lstm.cell: parameter dc (∂L/∂cₜ from the next step) needs dh (∂L/∂hₜ) for a backward pass",
    ),
    (
        "lstm.cell",
        {"f": "0.5,0.5", "dh": "1", "h_prev": "1,2,3"},
        "lstm.cell: parameter h_prev has 3 numbers but the gates have n_h = 2: h_prev needs 2",
    ),
    (
        "lstm.cell",
        {"dh": "1", "x": "1,2,3,4,5,6,7,8,9,10"},
        "lstm.cell: parameter x has 10 numbers: too many to work by hand (at most 8)",
    ),
    ("mlp.params", {"sizes": "3"}, "mlp.params: parameter sizes: need at least an input and an output layer, got [3]"),
    (
        "mlp.forward-backward",
        {"activations": "tanh, swish", "sizes": "2,3,3,1"},
        "mlp.forward-backward: parameter activations: 'swish' is not an activation (choose from: sigmoid, tanh, relu, leaky_relu, linear)",
    ),
    (
        "mlp.forward-backward",
        {"activations": "tanh", "sizes": "2,3,3,1"},
        "mlp.forward-backward: parameter activations has 1 name but the network has 2 hidden layers: give one per hidden layer, input side first",
    ),
    (
        "mlp.forward-backward",
        {"activations": "tanh, relu", "sizes": "2,3,1"},
        "mlp.forward-backward: parameter activations has 2 names but the network has 1 hidden layer: give one per hidden layer, input side first",
    ),
    (
        "mlp.forward-backward",
        {"init_seed": "1", "X": "1;2", "W1": "1,2"},
        "mlp.forward-backward: parameter init_seed draws X, Y and the weights; it cannot be combined with given X/Y/W/b",
    ),
    (
        "mlp.forward-backward",
        {"W1": "1,2"},
        "mlp.forward-backward: parameter X is needed when weights are given (n[0] × m, one column per sample)",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "Y": "1"},
        "mlp.forward-backward: parameter W1 is needed when X is given (W[l] is n[l] × n[l−1])",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2", "W3": "1"},
        "mlp.forward-backward: parameter W3 is given but W2 is not: the layers are W1 … W1, without a gap",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2", "b2": "1"},
        "mlp.forward-backward: parameter b2 is given but there is no W2: the network has 1 layer(s)",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2;3", "W1": "1,2", "Y": "1"},
        "mlp.forward-backward: parameter W1 is 1×2 but X has 3 rows: W1 needs 3 columns (W[l] is n[l] × n[l−1]), or X needs 2 rows",
    ),
    (
        "mlp.forward-backward",
        {"X": "1,2", "W1": "1,2", "Y": "1"},
        "mlp.forward-backward: parameter W1 is 1×2 but X has 1 row: W1 needs 1 column (W[l] is n[l] × n[l−1]), or X needs 2 rows (X's columns are samples: one sample goes in as a column)",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2;3,4", "W2": "1", "Y": "1"},
        "mlp.forward-backward: parameter W2 is 1×1 but W1 has 2 rows: W2 needs 2 columns (W[l] is n[l] × n[l−1]), or W1 needs 1 row",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2", "b1": "1,2", "Y": "1"},
        "mlp.forward-backward: parameter b1 has 2 numbers but W1 is 1×2: b1 needs 1 (one per unit of layer 1)",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2"},
        "mlp.forward-backward: parameter Y is needed for the loss (1 × 1, one column per sample)",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2;3,4", "Y": "0,1", "loss": "ce", "output": "softmax"},
        "mlp.forward-backward: parameter Y is 1×2 but the output layer has 2 units and X has 1 column (sample): Y must be 2×1",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2", "Y": "1;0"},
        "mlp.forward-backward: parameter Y is 2×1 but the output layer has 1 unit and X has 1 column (sample): Y must be 1×1",
    ),
    (
        "mlp.forward-backward",
        {"X": "1,0;2,1", "W1": "1,2", "Y": "1"},
        "mlp.forward-backward: parameter Y is 1×1 but the output layer has 1 unit and X has 2 columns (samples): Y must be 1×2",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2", "Y": "1", "sizes": "2,2"},
        "mlp.forward-backward: parameter sizes is [2, 2] but the given X and W1 … W1 make [2, 1]",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2", "Y": "1", "m": "3"},
        "mlp.forward-backward: parameter m is 3 but X has 1 column(s) (samples)",
    ),
    (
        "mlp.forward-backward",
        {"sizes": "2", "m": "1"},
        "mlp.forward-backward: parameter sizes: need at least an input and an output layer, got [2]",
    ),
    (
        "mlp.forward-backward",
        {"sizes": "2,3,1", "m": "100"},
        "mlp.forward-backward: [2, 3, 1] with m = 100 is too big to work by hand (at most 6 layers of at most 16 units, at most 16 samples)",
    ),
    (
        "mlp.forward-backward",
        {"activation": "tanh", "activations": "tanh"},
        "mlp.forward-backward: parameters activation (one for every hidden layer) and activations (one each) cannot both be set",
    ),
    (
        "mlp.forward-backward",
        {"alpha": "0.1"},
        "mlp.forward-backward: parameter alpha is the slope of leaky_relu, which neither activation nor output uses",
    ),
    (
        "mlp.forward-backward",
        {"half": "true"},
        "mlp.forward-backward: parameter half applies to loss mse only (loss is bce)",
    ),
    (
        "mlp.forward-backward",
        {"reduction": "mean_all"},
        "mlp.forward-backward: parameter reduction: mean_all (÷ m·n_L, as PyTorch's MSELoss) applies to loss mse only",
    ),
    (
        "mlp.forward-backward",
        {"loss": "bce", "output": "linear"},
        "mlp.forward-backward: parameter output: loss bce takes logs of the outputs, which need sigmoid or softmax (got linear)",
    ),
    (
        "mlp.forward-backward",
        {"sizes": "2,3,1", "output": "softmax", "loss": "ce"},
        "mlp.forward-backward: parameter sizes: a softmax output needs at least 2 output units (use sigmoid for one)",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2", "Y": "1", "output": "softmax", "loss": "ce"},
        "mlp.forward-backward: parameter output: softmax over one unit is always 1; W1 has 1 row (use sigmoid for one output)",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2", "Y": "2"},
        "mlp.forward-backward: parameter Y: binary cross-entropy needs labels between 0 and 1, got [[2]]",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2;3,4", "Y": "-1;1", "loss": "ce", "output": "softmax"},
        "mlp.forward-backward: parameter Y: cross-entropy needs non-negative targets, got [[-1], [1]]",
    ),
    (
        "perceptron.trace",
        {"data": "1,2,1;3,4,0"},
        "perceptron.trace: parameter data row 2: the last column is the label, which must be 1 or -1 (got 0)",
    ),
    ("perceptron.trace", {"data": "1;-1"}, "perceptron.trace: parameter data: each row is x1,…,xd,y"),
    ("perceptron.trace", {"w0": "1,2,3"}, "perceptron.trace: w0 has 3 weights but the samples have 2 features"),
    (
        "mlp.xor",
        {"W": "1,1,1;1,1,1"},
        "mlp.xor: parameters W (2×2), c (2 numbers) and w (2 numbers) describe 2 hidden units",
    ),
    (
        "backprop.graph",
        {"f": "x +* y", "at": "x=1, y=2"},
        "backprop.graph: parameter f: expected a number, a name or '(' but found '*' at column 4",
    ),
    ("backprop.graph", {"f": "x/y", "at": "x=1, y=0"}, "backprop.graph: division by zero in x/y"),
    ("backprop.graph", {"f": "ln(x)", "at": "x=-1"}, "backprop.graph: ln needs a positive argument, got -1 in ln(x)"),
    ("backprop.graph", {"f": "sqrt(x)", "at": "x=-1"}, "backprop.graph: √ needs a non-negative argument, got -1 in √x"),
    (
        "backprop.graph",
        {"f": "x^y", "at": "x=-1, y=0.5"},
        "backprop.graph: a negative number to a fractional power in x^y",
    ),
    ("backprop.graph", {"f": "x^y", "at": "x=0, y=-1"}, "backprop.graph: 0 to a negative power in x^y"),
    ("backprop.graph", {"f": "x^0.5", "at": "x=0"}, "backprop.graph: the gradient of x^0.5 is infinite at 0"),
    (
        "backprop.graph",
        {"f": "x^y", "at": "x=-2, y=2"},
        "backprop.graph: the exponent's gradient needs a positive base in x^y",
    ),
    ("backprop.graph", {"f": "sqrt(x)", "at": "x=0"}, "backprop.graph: the gradient of √x is infinite at 0"),
    ("backprop.graph", {"f": "x*y", "at": "x=1, y=1/0"}, "backprop.graph: parameter at: y: division by zero in '1/0'"),
    ("backprop.graph", {"f": "x*y", "at": "x=1, y=abc"}, "backprop.graph: parameter at: y: 'abc' is not a number"),
    (
        "backprop.graph",
        {"f": "x*y", "at": " "},
        "backprop.graph: parameter at: no values given (write e.g. 'x=1, y=2')",
    ),
    (
        "backprop.graph",
        {"f": "x*y", "at": "x=1, y"},
        "backprop.graph: parameter at: 'y' is not 'name=value' (write e.g. 'x=1, y=2')",
    ),
    (
        "backprop.graph",
        {"f": "x*y", "at": "x=1, 2w=3"},
        "backprop.graph: parameter at: '2w' is not a single variable name",
    ),
    (
        "backprop.graph",
        {"f": "x*theta_1", "at": "x=1, theta=[1, b]"},
        "backprop.graph: parameter at: theta[2]: 'b' is not a number",
    ),
    (
        "backprop.graph",
        {"f": "x*y", "at": "x=1"},
        "backprop.graph: parameter at: no value for y (the formula uses x, y)",
    ),
    (
        "backprop.graph",
        {"f": "x*y", "at": "x=1, y=2, z=3"},
        "backprop.graph: parameter at: the formula has no variable z (it uses x, y)",
    ),
    ("backprop.graph", {"f": "x*y", "at": "x=1, y=2, x=3"}, "backprop.graph: parameter at: x is given twice"),
    (
        "backprop.graph",
        {"f": "2+3", "at": "x=1"},
        "backprop.graph: parameter at: the formula has no variable x (it uses no variables)",
    ),
    (
        "lstm.step",
        {
            "x": "1,2",
            "h_prev": "0",
            "W_f": "1",
            "W_i": "1",
            "W_c": "1",
            "W_o": "1",
            "U_f": "1,2;3,4",
            "U_i": "1,2",
            "U_c": "1,2",
            "U_o": "1,2",
        },
        "lstm.step: parameter U_f is 2×2 but x has 2 numbers and h_prev 1: U_f multiplies xₜ and must be 1×2",
    ),
    (
        "mlp.forward-backward",
        {"X": "1;2", "W1": "1,2;3,4", "Y": "2", "loss": "ce", "output": "softmax"},
        "mlp.forward-backward: parameter Y: a single row of Y holds class indices 0 … 1 for softmax-CE; got [2]",
    ),
    (
        "gru.cell",
        {"r": "0.5", "W_h": "1,2,3", "dh": "1", "z": "0.4,0.5", "h_prev": "0.1,0.2", "h_tilde": "0.1,0.2"},
        "gru.cell: parameter W_h is 3 numbers in one row but h_prev has 2 numbers (n_h = 2): W_h multiplies r ⊙ hₜ₋₁ and must be 2×2",
    ),
]

_CJK = re.compile(r"[\u4e00-\u9fff]")
# three Latin words in a row: an English phrase left in the Chinese (names such as W_h, reset=after, sigmoid
# or tanh(W_h·(r ⊙ hₜ₋₁) + …) stand alone or next to Chinese)
_ENGLISH = re.compile(r"\b[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}\b")


def _raise(kind: str, params: dict[str, str]) -> ParamError:
    with pytest.raises(ParamError) as info:
        generate_example(kind, params)
    return info.value


@pytest.mark.parametrize(("kind", "params", "english"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_error_is_a_catalog_message_in_both_languages(kind: str, params: dict[str, str], english: str) -> None:
    exc = _raise(kind, params)
    assert str(exc) == english
    assert isinstance(exc.args[0], Lazy)
    assert localized(exc, "en") == english
    zh = localized(exc, "zh")
    assert _CJK.search(zh), zh
    assert not _ENGLISH.search(zh), zh
    assert zh.startswith(f"{kind}：")


def _msgids(value: Any) -> set[str]:
    """The msgid of a `lazy` message and of the `lazy` messages in its fields."""
    if not isinstance(value, Lazy):
        return set()
    return {value.msgid}.union(*(_msgids(v) for v in value.fields.values()))


def _raised_templates(source: str) -> set[str]:
    """The msgids a module raises: `raise ParamError(lazy("..."))` / `_Domain(...)`, both branches of a
    conditional message, and a message built by a module function (`raise ParamError(_too_few(...))`)."""
    tree = ast.parse(source)
    functions = {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}

    def templates(node: ast.expr) -> set[str]:
        if isinstance(node, ast.IfExp):
            return templates(node.body) | templates(node.orelse)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "lazy" and isinstance(node.args[0], ast.Constant):
                return {str(node.args[0].value)}
            helper = functions.get(node.func.id)
            if helper is not None:
                returns = [r.value for r in ast.walk(helper) if isinstance(r, ast.Return) and r.value is not None]
                return set().union(*(templates(r) for r in returns))
        return set()

    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name):
            if node.exc.func.id in ("ParamError", "_Domain") and node.exc.args:
                found = templates(node.exc.args[0])
                assert found, f"line {node.lineno}: a ParamError whose message is not a catalog template"
                out |= found
    return out


def test_the_table_reaches_every_error_of_the_six_modules() -> None:
    folder = Path(dlquiz.worked.__file__).parent
    raised = set().union(*(_raised_templates((folder / m).read_text(encoding="utf-8")) for m in MODULES))
    reached = set().union(*(_msgids(_raise(kind, params).args[0]) for kind, params, _ in CASES))
    assert not raised - reached, sorted(raised - reached)


def test_example_command_shows_the_error_in_chinese() -> None:
    result = CliRunner().invoke(cli, ["example", "gru.cell", "--set", "z=2", "--lang", "zh"])
    assert result.exit_code == 2
    assert "gru.cell：参数 z：sigmoid 门的值在 [0, 1] 之内，得到 2" in result.output
    assert "a sigmoid gate" not in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, ParamError)

"""Feed-forward networks: parameter counts, a forward and backward pass, perceptron, XOR."""

from __future__ import annotations

from dlquiz.errors import ParamError
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, register


def _check_sizes(kind: str, sizes: list[int]) -> None:
    if len(sizes) < 2:
        raise ParamError(f"{kind}: parameter sizes: need at least an input and an output layer, got {sizes}")


@register(
    "mlp.params", "mlp.shapes", "Parameters of a fully connected network", "全连接网络的参数个数",
    [ParamSpec("sizes", "layer sizes from input to output", [784, 128, 10], "intlist", min=1)],
    ["weights", "biases"],
    draw=lambda d: {"sizes": d.value("sizes", lambda: [int(d.rng.choice([2, 3, 4, 10, 784, 100]))]
                                    + [int(d.rng.choice([3, 4, 5, 16, 64, 128])) for _ in range(int(d.rng.integers(1, 3)))]
                                    + [int(d.rng.choice([1, 2, 10]))])},
    check=lambda p: _check_sizes("mlp.params", p["sizes"]),
)
def _mlp_params(p: Params) -> Out:
    sizes = p["sizes"]
    steps: list[Step] = []
    tw = tb = 0
    for l in range(1, len(sizes)):
        w, b = sizes[l] * sizes[l - 1], sizes[l]
        steps.append(Step(f"Layer {l}", f"W[{l}] is {sizes[l]}×{sizes[l - 1]} = {w}, b[{l}] is {sizes[l]}×1 = {b}", w + b))
        tw, tb = tw + w, tb + b
    steps.append(Step("Total", f"weights {tw} + biases {tb} = {tw + tb}", tw + tb))
    return Out(steps, tw + tb, {"weights": tw, "biases": tb}, "W[l] is n[l] × n[l−1], b[l] is n[l] × 1")

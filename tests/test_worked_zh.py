"""Chinese worked steps carry no English prose: only symbols, function names and proper names."""

from __future__ import annotations

import re

from dlquiz.worked import explain_text, generate_example, list_generators

# symbols and names that stay as they are in Chinese text (functions, variables, models, methods)
ALLOWED = {
    "SGD",  # optimiser and function names in the optimiser and backprop.graph steps
    "Nesterov",
    "AdaGrad",
    "CS",
    "ln",
    "sin",
    "cos",
    "dz",
    "dw",
    "db",
    "MSE",
    "log",
    "max",
    "min",
    "avg",
    "exp",
    "tanh",
    "sigmoid",
    "softmax",
    "relu",
    "linear",
    "step",
    "sign",
    "ReLU",
    "GELU",
    "IoU",
    "dZ",
    "dW",
    "dA",
    "dU",
    "dV",
    "dX",
    "leaky",
    "da",
    "dx",
    "ih",
    "hh",
    "hn",
    "RNN",
    "GRU",
    "PyTorch",
    "cuDNN",
    "Cho",
    "Chung",
    "dL",
    "dc",
    "dh",
    "prev",
    "next",
    "in",
    "out",
    "eff",
    "approx",
    "keep",
    "prob",
    "np",
    "random",
    "randn",
    "std",
    "Var",
    "conv",
    "fc",
    "pool",
    "decay",
    "epoch",
    "batch",
    "AlexNet",
    "LeNet-",
    "LSTM",
    "CNN",
    "BPTT",
    "Adam",
    "RMSprop",
    "He",
    "Xavier",
    "Glorot",
    "inverted",
    "dropout",
    "e-",
    # counts and names of the losses and metrics (TP/FP/FN/TN, SVM, KL divergence, SSE)
    "TP",
    "FP",
    "FN",
    "TN",
    "SVM",
    "KL",
    "SSE",
    "lg",
    # d_model, the width of an attention layer (a symbol, as in the Transformer paper)
    "model",
    # layer names of the network-summary syntax (cnn.summary), shown as typed
    "flatten",
    "maxpool",
    "avgpool",
}


def test_chinese_steps_have_no_english_words() -> None:
    leftovers: dict[str, str] = {}
    for info in list_generators():
        examples = [generate_example(info.name)] + [generate_example(info.name, seed=s) for s in range(1, 21)]
        for ex in examples:
            for line in explain_text(ex, "zh").splitlines():
                for word in re.findall(r"[A-Za-z][A-Za-z\-]+", line):
                    if word not in ALLOWED:
                        leftovers.setdefault(word, f"{info.name}: {line.strip()}")
    assert not leftovers, leftovers


def test_mlp_params_in_chinese() -> None:
    text = explain_text(generate_example("mlp.params", {"sizes": [10, 5, 1]}), "zh")
    assert "W[1] 为 5×10 = 50" in text
    assert " is " not in text


def test_softmax_steps_name_the_true_class_and_show_the_largest_probability() -> None:
    import math

    for seed in range(1, 31):
        ex = generate_example("softmax", seed=seed)
        o, y = ex.params["o"], ex.params["y"]
        exps = [math.exp(v) for v in o]
        probs = [e / sum(exps) for e in exps]
        by_name = {s.name: s for s in ex.steps}
        largest = by_name["Largest probability"]
        assert largest.value == max(probs) or abs(largest.value - max(probs)) < 1e-9
        # the loss and gradient steps say which class they are about, in both languages
        for name in ("Loss", "Gradient"):
            assert f"true class y = {y}:" in by_name[name].formula
        assert f"ŷ_{y}" in by_name["Loss"].formula
        zh = explain_text(ex, "zh")
        assert zh.count(f"真实类别 y = {y}") == 2
        top = [i for i, v in enumerate(o) if v == max(o)]
        assert all(f"ŷ_{i}" in largest.formula for i in top)

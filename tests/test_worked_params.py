"""The worked-example framework: tensor and expr parameters, shape errors, parameters that have no
effect, --ask, --params --json, warnings and the default language."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from click.testing import CliRunner

from dlquiz.cli import cli
from dlquiz.errors import ParamError
from dlquiz.worked import describe_generator, generate_example, list_generators
from dlquiz.worked._core import _REGISTRY, Out, ParamSpec, Step, mark_used, register
from dlquiz.worked.params import parse_tensor, read_expression, require_shape


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout + result.stderr


# --------------------------------------------------------------------------- tensors


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5", 5),
        ("−2.5", -2.5),
        ("1/4", 0.25),
        ("1,2,3", [1, 2, 3]),
        ("1 2 3", [1, 2, 3]),
        ("[1, -2, 3]", [1, -2, 3]),
        ("1,2;3,4", [[1, 2], [3, 4]]),
        ("1,2;3,4;", [[1, 2], [3, 4]]),
        ("1;2;3", [[1], [2], [3]]),
        ("[[1,2],[3,4]]", [[1, 2], [3, 4]]),
        ("[1,2;3,4]", [[1, 2], [3, 4]]),
        ("[[1 2] [3 4]]", [[1, 2], [3, 4]]),
        ("[[[1,2],[3,4]],[[5,6],[7,8]]]", [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]),
        ("[[[[1]]]]", [[[[1]]]]),
        ("1e-3, 2E2", [0.001, 200.0]),
        ("１,2".replace("１", "1"), [1, 2]),
        ("1，2；3，4", [[1, 2], [3, 4]]),  # full-width punctuation from a Chinese keyboard
    ],
)
def test_tensor_syntax(text: str, value: Any) -> None:
    assert parse_tensor(text) == value


@pytest.mark.parametrize(
    ("text", "ranks", "message"),
    [
        ("1,2;3", (), "row 1 has 2 entries but row 2 has 1"),
        ("[[1,2],[3]]", (), "row 1 has 2 entries but row 2 has 1"),
        ("[[1,2],[[3,4]]]", (), "entries have different shapes"),
        ("[1,2", (), "a ']' is missing"),
        ("[1,2]]", (), "unexpected ']'"),
        ("1,[2]", (), "brackets must enclose the whole value"),
        ("1,x", (), "'x' is not a number"),
        ("1/0", (), "division by zero"),
        ("[]", (), "empty brackets"),
        ("1,2,3", (2,), "expected a matrix such as 1,2;3,4"),
        ("1,2;3,4", (1,), "expected a vector such as 1,2,3, got 2×2"),
        ("[[[1]]]", (1, 2), "got 1×1×1"),
    ],
)
def test_tensor_errors(text: str, ranks: tuple[int, ...], message: str) -> None:
    with pytest.raises(ParamError, match="W( item 2)?: .*" + message.replace("[", r"\[").replace("]", r"\]")):
        parse_tensor(text, "W", ranks)


def test_a_scalar_fits_a_vector_or_matrix_rank() -> None:
    assert parse_tensor("7", "w", (1,)) == [7]
    assert parse_tensor("7", "w", (2,)) == [[7]]


def test_tensor_from_python_values() -> None:
    import numpy as np

    assert parse_tensor(np.array([[1.5, 2], [3, 4]])) == [[1.5, 2.0], [3.0, 4.0]]
    assert parse_tensor([1, "1/2"]) == [1, 0.5]
    with pytest.raises(ParamError, match="expected a finite number"):
        parse_tensor([1, float("nan")])


# --------------------------------------------------------------------------- shapes


@pytest.mark.parametrize(
    ("value", "expected", "because", "message"),
    [
        (
            [[1, 2]] * 3,
            ("n1", 4),
            "X has 4 rows (n0 = 4)",
            "mlp.forward-backward: W1 is 3×2 but X has 4 rows (n0 = 4); W1 must be n1×4",
        ),
        ([1, 2, 3], (2,), "", "mlp.forward-backward: W1 is a vector of 3; W1 must be a vector of 2"),
        (5, (2, 2), "", "mlp.forward-backward: W1 is a scalar; W1 must be 2×2"),
        ([[1, 2]], (None, 3), "", "W1 is 1×2; W1 must be ?×3"),
    ],
)
def test_require_shape_names_the_shapes_and_what_fits(
    value: Any, expected: tuple[Any, ...], because: str, message: str
) -> None:
    with pytest.raises(ParamError) as err:
        require_shape("mlp.forward-backward", "W1", value, expected, because=because)
    assert message in str(err.value)


def test_require_shape_accepts_and_returns_an_array() -> None:
    arr = require_shape("k", "W", [[1, 2], [3, 4], [5, 6]], ("n", 2))
    assert arr.shape == (3, 2) and arr.dtype.kind == "f"


def test_shape_error_from_the_cli_exits_2_without_a_traceback() -> None:
    code, out = run("example", "logreg.step", "--set", "x=1,2,3")
    assert code == 2
    assert "logreg.step: w is a vector of 2 but x has 3 features; w must be a vector of 3" in out
    assert "Traceback" not in out


# --------------------------------------------------------------------------- expressions


def test_expr_is_checked_by_the_whitelist_parser_and_kept_as_text() -> None:
    assert read_expression(" (x*y + z)^2 ") == "(x*y + z)^2"
    with pytest.raises(ParamError, match="f: .*column"):
        read_expression("__import__('os')", "f")
    with pytest.raises(ParamError, match="empty expression"):
        read_expression("  ", "f")


# --------------------------------------------------------------------------- no ignored parameter


@pytest.fixture
def toy() -> Any:
    """A throw-away generator whose `scale` only applies in mode=scaled."""

    @register(
        "test.toy",
        "ml.fit",
        "toy",
        [
            ParamSpec("mode", "mode", "plain", "choice", choices=("plain", "scaled")),
            ParamSpec("x", "x", 1.0, "float"),
            ParamSpec("scale", "scale", 2.0, "float", applies="with mode=scaled"),
            ParamSpec("flag", "only checked", False, "bool"),
        ],
        ["y"],
    )
    def _toy(p: dict[str, Any]) -> Out:
        y = p["x"] * (p["scale"] if p["mode"] == "scaled" else 1)
        if dict.__getitem__(p, "flag"):
            mark_used(p, "flag")
        return Out([Step("Value", f"y = {y}", y, key="y")], None, asked="y")

    yield "test.toy"
    del _REGISTRY["test.toy"]


def test_a_parameter_that_is_not_read_is_refused_naming_the_mode(toy: str) -> None:
    with pytest.raises(ParamError) as err:
        generate_example(toy, {"scale": 3})
    assert str(err.value) == (
        "test.toy: parameter scale has no effect with mode=plain; it applies with mode=scaled;"
        " remove it or change the mode"
    )
    assert generate_example(toy, {"scale": 3, "mode": "scaled", "x": 2}).answer == 6
    # defaults of the other mode are not an error, and are listed as unused
    ex = generate_example(toy)
    assert ex.answer == 1 and ex.unused == ("scale", "flag")


def test_mark_used_counts_a_parameter_read_another_way(toy: str) -> None:
    assert generate_example(toy, {"flag": True}).answer == 1
    with pytest.raises(ParamError, match="parameter flag has no effect"):
        generate_example(toy, {"flag": False})


@pytest.mark.parametrize(
    ("kind", "params", "name"),
    [
        ("act.eval", {"fn": "sigmoid", "gamma": 0.2}, "gamma"),
        ("act.eval", {"fn": "relu", "beta": 2}, "beta"),
        ("act.eval", {"fn": "tanh", "gelu": "tanh"}, "gelu"),
        ("softmax", {"target": "0.2,0.3,0.5", "y": 1}, "y"),
        ("softmax", {"o": "1,2,3", "samples": "columns"}, "samples"),
        ("loss.ce", {"target": "0.5,0.5,0", "y": 1}, "y"),
        ("loss.bce", {"y": 1, "p": 0.8, "reduction": "sum"}, "reduction"),
        ("loss.hinge", {"mode": "multiclass", "reduction": "sum"}, "reduction"),
        ("eval.metrics", {"cm": "1,2;3,4", "y_true": "0,1"}, "y_true"),
        ("eval.metrics", {"cm": "1,0,0;0,1,0;0,0,1", "positive": 0}, "positive"),
    ],
)
def test_my_generators_refuse_parameters_without_effect(kind: str, params: dict[str, Any], name: str) -> None:
    with pytest.raises(ParamError, match=f"{kind}: parameter {name} has no effect"):
        generate_example(kind, params)


def test_ignored_parameter_from_the_cli_exits_2() -> None:
    code, out = run("example", "act.eval", "--set", "gamma=0.5")
    assert code == 2
    assert "act.eval: parameter gamma has no effect with fn=sigmoid; it applies with fn=leaky_relu, prelu or elu" in out


@pytest.mark.parametrize("kind", sorted(g.name for g in list_generators()))
def test_every_default_parameter_set_explicitly_is_accepted_or_named(kind: str) -> None:
    """Feeding an example's own used parameters back changes nothing (none is wrongly refused)."""
    ex = generate_example(kind, seed=5)
    used = {k: v for k, v in ex.params.items() if v is not None and k not in ex.unused}
    again = generate_example(kind, used)
    assert {k: v for k, v in again.params.items() if k in used} == used
    a, b = again.to_dict(), ex.to_dict()
    del a["params"], b["params"]  # parameters the mode does not read keep their defaults
    assert a == b


# --------------------------------------------------------------------------- ask


def test_ask_boxes_any_value_and_lists_the_names_when_unknown() -> None:
    ex = generate_example("logreg.step", ask="b_new")
    assert ex.asked == "b_new" and ex.ask_given and ex.answer == ex.values["b_new"] == 0.05
    assert generate_example("logreg.step").asked == "dw"
    with pytest.raises(ParamError) as err:
        generate_example("logreg.step", ask="dW")
    assert "cannot ask for 'dW' (did you mean dw?); valid names: z, a, loss, dz, dw, db" in str(err.value)


def test_ask_from_the_cli() -> None:
    code, out = run("example", "softmax", "--ask", "probs", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["asked"] == "probs" and data["answer"] == data["values"]["probs"]
    code, out = run("example", "softmax", "--ask", "prob")
    assert code == 2 and "cannot ask for 'prob' (did you mean probs?)" in out
    code, out = run("example", "softmax", "--set", "ask=probs", "--json")  # the bank's field name works too
    assert code == 0 and json.loads(out)["asked"] == "probs"
    code, out = run("example", "softmax", "--set", "ask=probs", "--ask", "loss")
    assert code == 2 and "--set ask=probs and --ask loss contradict each other" in out
    with pytest.raises(ParamError, match="use --ask NAME"):
        generate_example("softmax", {"ask": "probs"})
    code, out = run("example", "logreg.step", "--ask", "loss")
    assert code == 0 and "Answer (loss)" in out


def test_the_quiz_computes_a_parametric_key_through_ask() -> None:
    from dataclasses import replace

    from dlquiz.bank.load import default_root, read_file
    from dlquiz.bank.syllabus import load_syllabus
    from dlquiz.quiz.session import prepare

    root = default_root()
    items, problems = read_file(root / "03-linear" / "softmax.grad.toml", root, load_syllabus())
    assert not problems
    item = next(i for i in items if i.generator == "softmax" and i.ask == "grad_y")
    q = prepare(item, number=1, seed=3)
    ex = generate_example("softmax", item.params, seed=_item_seed(3, item.id), ask="grad_y")
    assert q.expected == ex.answer
    with pytest.raises(Exception, match="cannot ask for 'nope'"):
        prepare(replace(item, ask="nope"), number=1, seed=3)


def _item_seed(seed: int, item_id: str) -> int:
    import random

    return random.Random(f"{seed}:{item_id}").randrange(2**31)


# --------------------------------------------------------------------------- --params


def test_params_json_describes_parameters_and_values() -> None:
    code, out = run("example", "softmax", "--params", "--json")
    assert code == 0
    data = json.loads(out)
    assert data == describe_generator("softmax")
    assert data["asked"] == "loss"
    by_name = {p["name"]: p for p in data["params"]}
    assert by_name["o"] == {
        "name": "o",
        "type": "tensor",
        "default": [1, 2, 3],
        "rank": [1, 2],
        "shape": "3",
        "help": "logits (scores) o: a vector, or a matrix of samples",
        "help_zh": "logits（得分）o：向量，或每个样本一行的矩阵",
    }
    assert by_name["log_base"]["choices"] == ["e", "2", "10", "ln", "lg", "log2", "log10"]
    assert by_name["samples"]["applies"] == "when o is a matrix"
    values = {v["name"]: v["shape"] for v in data["values"]}
    assert values["probs"] == [3] and values["loss"] == [] and values["grad"] == [3]


@pytest.mark.parametrize("kind", sorted(g.name for g in list_generators()))
def test_params_json_schema_for_every_kind(kind: str) -> None:
    data = describe_generator(kind)
    assert set(data) == {"name", "topic", "title_en", "title_zh", "params", "values", "asked", "shapes_from"}
    for p in data["params"]:
        assert {"name", "type", "default", "help", "help_zh"} <= set(p)
        assert set(p) <= {
            "name",
            "type",
            "default",
            "rank",
            "shape",
            "choices",
            "min",
            "max",
            "help",
            "help_zh",
            "applies",
        }
    names = [v["name"] for v in data["values"]]
    assert len(names) == len(set(names)) and "answer" in names and data["asked"] in names
    ex = generate_example(kind)
    for v in data["values"]:
        assert (v["name"] in ex.values) == v["default_run"]


def test_params_table_lists_values_with_shapes() -> None:
    code, out = run("example", "logreg.step", "--params")
    assert code == 0
    assert "values (--ask NAME or NAME[i], --mine)" in out
    assert any(line.split("│")[1].strip() == "dw (boxed)" for line in out.splitlines() if line.count("│") > 2)


# --------------------------------------------------------------------------- warnings and language


def test_warnings_are_shown_and_exported() -> None:
    ex = generate_example("eval.metrics", {"cm": "3,0,0;1,0,0;0,0,2"})
    assert ex.warnings == ("0/0 taken as 0 for class 1 (no sample predicted or present)",)
    assert ex.to_dict()["warnings"] == list(ex.warnings)
    from dlquiz.worked import explain_text

    assert "Warning: 0/0 taken as 0 for class 1" in explain_text(ex)
    assert "注意: 类别 1 出现 0/0，取 0" in explain_text(ex, "zh")


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANGUAGE": "zh_CN:en", "LC_ALL": "en_US.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANGUAGE": "", "LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANGUAGE": "en", "LC_ALL": "zh_CN.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "", "LC_ALL": "C", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}, "en"),
    ],
)
def test_default_language_follows_the_environment(env: dict[str, str], lang: str) -> None:
    full = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "", **env}
    code, out = run("example", "loss.ce", env=full)
    assert code == 0
    assert ("答案" in out) is (lang == "zh")


@pytest.mark.parametrize(
    ("kind", "params", "ask", "expected"),
    [
        ("logreg.step", {}, "dw[1]", -1.0),
        ("logreg.step", {}, "dw[ 0 ]", -0.5),
        ("eval.metrics", {"cm": "5,1;2,3"}, "cm[1,0]", 2),
        ("eval.metrics", {"cm": "5,1;2,3"}, "cm[0][1]", 1),
        ("softmax", {"o": "1,2;3,1", "y": "0,1"}, "probs[1][0]", 1 / (1 + math.exp(-2))),
    ],
)
def test_ask_for_one_entry(kind: str, params: dict[str, Any], ask: str, expected: float) -> None:
    assert generate_example(kind, params, ask=ask).answer == pytest.approx(expected)


@pytest.mark.parametrize(
    ("ask", "message"),
    [
        ("dw[2]", "logreg.step: dw[2]: dw is a vector of 2; indices are 0-based and must fit it"),
        ("z[0]", "logreg.step: z[0]: z is a scalar"),
        ("dw[0,1]", "dw is a vector of 2"),
        ("dww[0]", "cannot ask for 'dww[0]' (did you mean dw?)"),
    ],
)
def test_ask_for_an_entry_that_does_not_exist(ask: str, message: str) -> None:
    with pytest.raises(ParamError) as err:
        generate_example("logreg.step", ask=ask)
    assert message in str(err.value)


def test_one_example_imports_one_module_but_chinese_has_every_phrase() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from dlquiz.worked import explain_text, generate_example\n"
        "ex = generate_example('logreg.step', {'x': '1,2;3,4', 'y': '1,0'})\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('dlquiz.worked.') and m.count('.') == 2)\n"
        "print(' '.join(loaded))\n"
        "print(explain_text(ex, 'zh'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = out.splitlines()[0].split()
    assert "dlquiz.worked.linear" in loaded and "dlquiz.worked.conv" not in loaded
    assert "每个样本的损失" in out and "Loss per sample" not in out

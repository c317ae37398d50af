"""Matrix mode of the derivation checker: `dW = dz a_prevᵀ`, `da_prev = Wᵀ dz`, `dz = da ⊙ σ′(z)`.

A derivation that declares shapes (`matrix W: n1 x n0`, `vector x: n0`, `scalar b`) is read by
the matrix reader (matexpr.py) and checked with random matrices of small, pairwise different
sizes (plain Python floats; no NumPy in the symbolic engine). A name `dX` stands for the
gradient ∂L/∂X; its true value comes from central finite differences of the forward pass (the
`let` lines), which is independent of what the student wrote. A gradient must have the shape of
the thing it is taken with respect to.

Values: a declared scalar, a number or a size name is a plain number; a 1×1 result (wᵀx) acts
as a number where a product or sum needs one. Sums and elementwise operations broadcast a
number, a column (a bias n×1 over the m columns of a batch) or a row. `sum(M)` is the sum of
all entries (so sum(W ⊙ W) = ‖W‖²), `rowsum(M)` the column of row sums, `‖M‖` the Frobenius
norm, `trace`, `diag`, `softmax` (per column) and the elementwise functions as in matexpr.py.
A construct the reader or the evaluator cannot check gives "cannot check this line" (status
undecided, exit 3 in `dlquiz check`), never a wrong verdict.
"""

from __future__ import annotations

import re
from typing import Any

from dlquiz.errors import ParseError
from dlquiz.i18n import Lazy, lazy, message_of
from dlquiz.symbolic.lines import LET, SHAPE_LINE, Line, LineError, StepResult, pieces
from dlquiz.symbolic.matexpr import Node, Unsupported, names_in, norm_name, read_matrix_expr, show
from dlquiz.symbolic.matvalues import Mat, MatrixModel, ShapeError, Value, allclose, num, shape_of
from dlquiz.symbolic.slips import FORGOTTEN_TRANSPOSE, SHAPE, MatrixFacts, find_matrix_slip

# ----------------------------------------------------------------------------- checking lines


def _declare(model: MatrixModel, text: str, line: int, col: int) -> None:
    m = SHAPE_LINE.match(text)
    if not m:
        raise LineError(
            line,
            col,
            lazy(
                "expected e.g. {examples} or {last}", examples="'matrix W: n1 x n0', 'vector x: n0'", last="'scalar b'"
            ),
            text,
        )
    kind, dims = m.group("kind"), (m.group("dims") or "").strip()
    names = [norm_name(n.strip()) for n in m.group("names").split(",") if n.strip()]
    if kind == "scalar":
        shape = ("1", "1")
        model.scalars.update(names)
    elif kind == "vector":
        if not re.fullmatch(r"\w+", dims):
            raise LineError(
                line,
                col + m.start("dims") if m.group("dims") else col,
                lazy("a vector needs one size, e.g. {example}", example="'vector x: n0'"),
                text,
            )
        shape = (dims, "1")
    else:
        parts = re.split(r"\s*[x×*,]\s*", dims)
        if len(parts) != 2 or not all(re.fullmatch(r"\w+", p) for p in parts):
            raise LineError(
                line,
                col + (m.start("dims") if m.group("dims") else 0),
                lazy("a matrix needs two sizes, e.g. {example}", example="'matrix W: n1 x n0'"),
                text,
            )
        shape = (parts[0], parts[1])
    for name in names:
        model.declare(name, *shape)


def _read(text: str, line: int, col: int) -> Node:
    try:
        return read_matrix_expr(text)
    except ParseError as exc:
        raise LineError(line, col + (exc.column or 1) - 1, exc.args[0], text) from None


def _unknown(model: MatrixModel, ln: Line, nodes: list[Node]) -> None:
    for node in nodes:
        for name in sorted(names_in(node)):
            if model.knows(name):
                continue
            col = ln.col + max(ln.text.find(name), 0)
            if name.startswith("d") and len(name) > 1:
                raise LineError(
                    ln.no,
                    col,
                    lazy(
                        "unknown gradient {name}: nothing called {base} is declared or defined",
                        name=repr(name),
                        base=repr(name[1:]),
                    ),
                    ln.text,
                )
            raise LineError(
                ln.no,
                col,
                lazy(
                    "unknown name {name}: declare its shape ({shapes}) or define it (let)",
                    name=repr(name),
                    shapes=f"'vector {name}: n0', 'scalar {name}'",
                ),
                ln.text,
            )


def check_matrix_lines(lines: list[Line], *, timeout: float = 3.0, seed: int = 0) -> list[StepResult]:
    """Check the steps of a derivation that declares shapes (lines from lines.split_lines)."""
    model = MatrixModel(seed=seed)
    results: list[StepResult] = []
    prev: tuple[Node, Value] | None = None
    want: tuple[int, ...] | None = None
    broken = False
    skipped = False  # the step line this chain continues could not be checked
    for ln in lines:
        if ln.kind == "cont" and prev is None and skipped:
            results.append(
                StepResult(
                    ln.no,
                    ln.text,
                    ln.text,
                    "undecided",
                    lazy("cannot check this line: the expression it continues cannot be checked"),
                )
            )
            continue
        if ln.kind in ("shape", "assume"):
            if ln.kind == "shape":
                _declare(model, ln.text, ln.no, ln.col)
            results.append(StepResult(ln.no, ln.text, ln.text, "given"))
            continue
        if ln.kind == "let":
            m = LET.match(ln.text)
            if not m:
                raise LineError(ln.no, ln.col, lazy("expected 'let NAME = expression'"), ln.text)
            try:
                node = _read(m.group("rhs"), ln.no, ln.col + m.start("rhs"))
            except Unsupported as exc:
                reason = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], Lazy) else str(exc)
                raise LineError(
                    ln.no,
                    ln.col + m.start("rhs"),
                    lazy("cannot use this definition in matrix mode: {reason}", reason=reason),
                    ln.text,
                ) from None
            model.define(norm_name(m.group("name").strip()), node)
            results.append(StepResult(ln.no, ln.text, f"let {m.group('name').strip()} = {show(node)}", "given"))
            continue
        parts = pieces(ln)
        if ln.kind == "cont":
            parts = parts[1:]
            if prev is None:
                raise LineError(
                    ln.no, ln.col, lazy("a step starting with '=' needs a previous expression to continue"), ln.text
                )
        try:
            nodes = []
            for text, col in parts:
                if not text:
                    raise LineError(ln.no, col, lazy("empty side of '='"), ln.text)
                nodes.append(_read(text, ln.no, col))
            _unknown(model, ln, nodes)
            result, prev, want = _step(model, ln, nodes, prev, want, broken)
        except (Unsupported, OverflowError, ZeroDivisionError, ValueError) as exc:
            why = (
                message_of(exc)
                if isinstance(exc, Unsupported)
                else lazy("the values overflow at the random matrices ({error})", error=type(exc).__name__)
            )
            result = StepResult(
                ln.no, ln.text, ln.text, "undecided", lazy("cannot check this line: {reason}", reason=why)
            )
            if ln.kind == "step":
                prev, skipped = None, True
        results.append(result)
        broken = broken or result.status == "fail"
    return results


def _step(
    model: MatrixModel,
    ln: Line,
    nodes: list[Node],
    prev: tuple[Node, Value] | None,
    want: tuple[int, ...] | None,
    broken: bool,
) -> tuple[StepResult, tuple[Node, Value] | None, tuple[int, ...] | None]:
    pretty = " = ".join(show(n) for n in nodes)
    if ln.kind == "cont":
        pretty = "= " + pretty
    todo = nodes
    if ln.kind == "step":
        first = nodes[0]
        want = model.expected_shape(first.value) if first.op == "name" else None
        try:
            prev = (first, model.evaluate(first))
        except ShapeError as exc:
            return (
                StepResult(
                    ln.no,
                    ln.text,
                    pretty,
                    "fail",
                    lazy("shape error: {error}", error=message_of(exc)),
                    rule=FORGOTTEN_TRANSPOSE,
                    culprit=_node_text(exc),
                ),
                None,
                want,
            )
        except KeyError as exc:
            raise LineError(ln.no, ln.col, lazy("unknown name {name}", name=str(exc)), ln.text) from None
        todo = nodes[1:]
    if not todo:
        return StepResult(ln.no, ln.text, pretty, "given"), prev, want
    msg: str = lazy("checked with random matrices")
    status, cex, rule, culprit = "ok", None, None, None
    for node in todo:
        assert prev is not None
        status, msg, cex, rule, culprit, value = _compare_node(model, prev, node, want)
        prev = (node, value) if value is not None else prev
        if status == "fail":
            break
    if status == "ok" and broken:
        msg = lazy("follows from the previous step (the chain broke earlier)")
    return StepResult(ln.no, ln.text, pretty, status, msg, cex, rule, culprit), prev, want  # type: ignore[arg-type]


def _node_text(exc: ShapeError) -> str | None:
    return show(exc.node) if exc.node is not None else None


def _slip(model: MatrixModel, pnode: Node, pval: Value, node: Node, target: tuple[int, ...]) -> str | None:
    def same(a: Node, b: Node) -> bool:
        try:
            va = pval if a is pnode else model.evaluate(a)
            vb = model.evaluate(b)
        except (ShapeError, Unsupported, KeyError):
            return False
        return shape_of(vb) == target and allclose(vb, va)

    facts = MatrixFacts(tuple(model.lets), model.knows)
    found = find_matrix_slip(pnode, node, same, facts)
    return found.name if found is not None else None


def _compare_node(
    model: MatrixModel, prev: tuple[Node, Value], node: Node, want: tuple[int, ...] | None
) -> tuple[str, str, Any, Any, Any, Any]:
    pnode, pval = prev
    target = want if want is not None else shape_of(pval)
    try:
        value = model.evaluate(node)
    except ShapeError as exc:
        rule = _slip(model, pnode, pval, node, target) or SHAPE
        return ("fail", lazy("shape error: {error}", error=message_of(exc)), None, rule, _node_text(exc), None)
    if shape_of(value) != target:
        rule = _slip(model, pnode, pval, node, target) or SHAPE
        shapes = {
            "node": show(node),
            "shape": model.shape_text(shape_of(value)),
            "previous": show(pnode),
            "target": model.shape_text(target),
        }
        return (
            "fail",
            lazy("shape error: {node} is {shape} but {previous} is {target}", **shapes)
            if want is None
            else lazy(
                "shape error: {node} is {shape} but {previous} is {target} ({previous} must have the shape of {name})",
                name=pnode.value[1:],
                **shapes,
            ),
            None,
            rule,
            show(node),
            value,
        )
    if allclose(value, pval):
        return (
            "ok",
            lazy(
                "checked with random matrices {sizes}",
                sizes=", ".join(f"{k} = {v}" for k, v in sorted(model._dims.items())),
            ),
            None,
            None,
            None,
            value,
        )
    ev = value.entries() if isinstance(value, Mat) else [num(value)]
    pv = pval.entries() if isinstance(pval, Mat) else [num(pval)]
    k = max(range(len(ev)), key=lambda i: abs(ev[i] - pv[i]))
    at: dict[str, object] = dict(sorted(model._dims.items()))
    at["seed"] = model.seed
    if isinstance(value, Mat) and value.shape != (1, 1):
        cols = value.shape[1]
        at["entry"] = f"({k // cols + 1}, {k % cols + 1})"
    cex = {"at": at, "previous": float(f"{pv[k]:.6g}"), "this": float(f"{ev[k]:.6g}")}
    values = {"previous": cex["previous"], "this": cex["this"]}
    if pnode.op == "name" and model.is_gradient(pnode.value):
        true = {"loss": model.loss_name() or "L", "variable": pnode.value[1:], **values}
        msg = (
            lazy(
                "does not follow: with random matrices the true ∂{loss}/∂{variable} (finite differences) "
                "has entry {entry} = {previous}, this step gives {this}",
                entry=at["entry"],
                **true,
            )
            if "entry" in at
            else lazy(
                "does not follow: with random matrices the true ∂{loss}/∂{variable} (finite differences) "
                "has the value {previous}, this step gives {this}",
                **true,
            )
        )
    else:
        msg = (
            lazy(
                "does not follow from the previous step: with random matrices, entry {entry} "
                "is {previous} before and {this} here",
                entry=at["entry"],
                **values,
            )
            if "entry" in at
            else lazy(
                "does not follow from the previous step: with random matrices, the value "
                "is {previous} before and {this} here",
                **values,
            )
        )
    return ("fail", msg, cex, _slip(model, pnode, pval, node, target), None, value)

"""Matrix expressions as written in the notes: a small reader and printer (no evaluation).

Scalar SymPy cannot tell `dz a` from `a dz` (its products commute), so matrix steps are read by
this reader into `Node` trees: names, numbers, products (juxtaposition, `*`, `@`, `·`),
elementwise products (`⊙`, `∘`, `.*`), `+ −`, division by a scalar, transposes (`ᵀ`, `^T`,
`^{T}`, `.T`, `^\\top`), elementwise powers (`h^2`, `h²`), norms (`‖x‖`, `||x||`, `‖W‖_F`,
`norm(x)`), and functions: σ/sigma, tanh, relu, exp, log, sqrt, g, f (elementwise, with primes
σ′ and `tanh'`), `sum` (of all entries), `rowsum` (over the columns: a column of row sums),
`trace`/`tr`, `softmax` (per column), `diag`. LaTeX is read too (`\\sigma`, `\\odot`, `\\top`,
`\\frac{a}{b}`, `\\|x\\|^2`, `\\operatorname{tr}`, `\\left( … \\right)`).

What the reader cannot check raises `Unsupported` (a line it cannot check, not a wrong line).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from dlquiz.errors import ParseError
from dlquiz.i18n import lazy
from dlquiz.symbolic.messages import reader_text


def _power_message(power: str) -> str:
    """A power matrix mode cannot check."""
    return lazy("the power ^{power} (only whole-number elementwise powers such as h^2)", power=power)


class Unsupported(Exception):
    """A construct the matrix checker cannot check (the line gets "cannot check this line")."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Node:
    """A node of a matrix expression: op is name, num, matmul, hadamard, add, sub, neg, div,
    pow (elementwise, value = exponent), norm, T (transpose), call (value = function)."""

    op: str
    args: tuple[Node, ...] = ()
    value: str = ""
    column: int = 0

    def __str__(self) -> str:
        return show(self)


_PREC = {"add": 1, "sub": 1, "matmul": 2, "hadamard": 2, "div": 2, "neg": 3, "pow": 4, "T": 4}


def show(node: Node, parent: int = 0) -> str:
    """Unicode text of an expression (ᵀ, ⊙, juxtaposition for products)."""
    op = node.op
    if op in ("name", "num"):
        return node.value
    if op == "call" and node.value == "norm2":
        return f"‖{show(node.args[0])}‖₂"
    if op == "call":
        return f"{node.value}({', '.join(show(a) for a in node.args)})"
    if op == "norm":
        return f"‖{show(node.args[0])}‖"
    if op == "T":
        return f"{show(node.args[0], 5)}ᵀ"
    if op == "pow":
        exp = node.value
        return show(node.args[0], 5) + ("²" if exp == "2" else f"^{exp}")
    if op == "neg":
        text = "−" + show(node.args[0], 3)
    else:
        sym = {"add": " + ", "sub": " − ", "matmul": " ", "hadamard": " ⊙ ", "div": "/"}[op]
        left = show(node.args[0], _PREC[op])
        right = show(node.args[1], _PREC[op] + (1 if op in ("sub", "div") else 0))
        # a product inside a ⊙ (or the reverse) keeps its parentheses: (Wᵀ g) ⊙ h
        if op in ("matmul", "hadamard"):
            other = "hadamard" if op == "matmul" else "matmul"
            if node.args[0].op == other:
                left = f"({left})"
            if node.args[1].op == other:
                right = f"({right})"
        text = left + sym + right
    return f"({text})" if _PREC[op] < parent else text


FUNCS = {"sigma", "tanh", "relu", "exp", "log", "sqrt", "g", "f", "sum", "rowsum", "trace", "softmax", "diag", "norm"}
ALIASES = {"σ": "sigma", "tr": "trace", "Tr": "trace", "ln": "log"}

_LATEX_WORDS = {
    r"\sigma": "sigma",
    r"\tanh": "tanh",
    r"\exp": "exp",
    r"\log": "log",
    r"\ln": "log",
    r"\odot": "⊙",
    r"\circ": "⊙",
    r"\cdot": "·",
    r"\top": "T",
    r"\intercal": "T",
    r"\|": "‖",
    r"\lVert": "‖",
    r"\rVert": "‖",
    r"\sqrt": "sqrt",
    r"\times": "·",
}


def _latex(text: str) -> str:
    """LaTeX matrix notation into the plain syntax; an unknown command is Unsupported."""
    out = re.sub(r"\\(left|right|big|Big|bigg|Bigg)(?=[(\[|.\\])", "", text)
    out = re.sub(r"\\(?:left|right)\\\|", "‖", out)
    out = re.sub(r"\\(?:operatorname|mathrm|text|mathsf)\{([^{}]*)\}", r"\1", out)
    out = re.sub(r"\\[,;:! ]", " ", out)
    for _ in range(4):  # nested fractions
        out = re.sub(r"\\t?frac\{([^{}]*)\}\{([^{}]*)\}", r"((\1)/(\2))", out)
    for word, repl in sorted(_LATEX_WORDS.items(), key=lambda kv: -len(kv[0])):
        out = re.sub(
            re.escape(word) + (r"(?![A-Za-z])" if word[-1].isalpha() else ""),
            repl if repl in "⊙·T‖" else f" {repl}",
            out,
        )
    m = re.search(r"\\[A-Za-z]+|\\.", out)
    if m:
        raise Unsupported(
            lazy("the LaTeX command {command} is not part of matrix mode", command=m.group(0)),
            text.find(m.group(0)) + 1 if m.group(0) in text else None,
        )
    return out.replace("{", "(").replace("}", ")") if "\\" in text else out


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
    r"|(?P<name>[A-Za-z_\u0370-\u03ff][A-Za-z0-9_\u0370-\u03ff]*(?:\{[^{}]*\})?'*′*)"
    r"|(?P<op>\^\{?T\}?|\^\(T\)|ᵀ|\.T\b|\.\*|\|\||\^|²|‖|[-+*/@(),⊙∘⋅·−|_]))"
)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            col = pos + len(text[pos:]) - len(text[pos:].lstrip())
            raise ParseError(
                reader_text(lazy("unexpected {what} in a matrix expression", what=repr(text[col]))), col + 1, text
            )
        kind = m.lastgroup or "op"
        out.append((kind, m.group(kind), m.start(kind) + 1))
        pos = m.end()
    return out


def norm_name(name: str) -> str:
    """A name as the checker keys it: primes as ', braces dropped, σ spelled sigma."""
    name = name.replace("′", "'").replace("{", "").replace("}", "")
    for short, full in ALIASES.items():
        if name.rstrip("'") == short:
            return full + name[len(short) :]
    return name


def _is_func(name: str) -> bool:
    return name.rstrip("'") in FUNCS


class _Reader:
    """Recursive descent: a sum of terms; a term is a product of postfix factors."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0
        self.norm_depth = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def fail(self, msg: str) -> ParseError:
        """The error `msg` (a catalog message) at the next token."""
        tok = self.peek()
        return ParseError(reader_text(msg), tok[2] if tok else len(self.text) + 1, self.text)

    def expect(self, val: str, msg: str) -> None:
        if not (t := self.peek()) or t[1] != val:
            raise self.fail(msg)
        self.take()

    def expr(self) -> Node:
        node = self.term()
        while (tok := self.peek()) and tok[1] in ("+", "-", "−"):
            self.take()
            right = self.term()
            node = Node("add" if tok[1] == "+" else "sub", (node, right), column=tok[2])
        return node

    def term(self) -> Node:
        tok = self.peek()
        if tok and tok[1] in ("-", "−"):
            self.take()
            return Node("neg", (self.term(),), column=tok[2])
        node = self.postfix()
        while (tok := self.peek()) is not None:
            kind, val, col = tok
            if val in ("⊙", "∘", ".*"):
                self.take()
                node = Node("hadamard", (node, self.postfix()), column=col)
            elif val in ("*", "@", "⋅", "·"):
                self.take()
                node = Node("matmul", (node, self.postfix()), column=col)
            elif val == "/":
                self.take()
                node = Node("div", (node, self.postfix()), column=col)
            elif kind in ("name", "num") or val == "(" or (val in ("‖", "||") and self.norm_depth == 0):
                node = Node("matmul", (node, self.postfix()), column=col)  # juxtaposition
            else:
                break
        return node

    def postfix(self) -> Node:
        node = self.atom()
        while (tok := self.peek()) is not None:
            val, col = tok[1], tok[2]
            if val in ("^T", "^{T}", "^(T)", "ᵀ", ".T"):
                self.take()
                node = Node("T", (node,), column=col)
            elif val == "²":
                self.take()
                node = Node("pow", (node,), value="2", column=col)
            elif val == "^":
                self.take()
                exp = self.take() if self.peek() else None
                if exp is None:
                    raise self.fail(lazy("a power needs an exponent"))
                if exp[1] == "(":
                    inner = self.expr()
                    self.expect(")", lazy("missing ')' after the exponent"))
                    if inner.op == "name" and inner.value == "T":
                        node = Node("T", (node,), column=col)
                        continue
                    if inner.op != "num":
                        raise Unsupported(_power_message(f"({show(inner)})"), col)
                    exp = ("num", inner.value, col)
                if exp[0] != "num":
                    raise Unsupported(_power_message(exp[1]), col)
                node = Node("pow", (node,), value=exp[1], column=col)
            else:
                break
        return node

    def atom(self) -> Node:
        if self.peek() is None:
            raise self.fail(lazy("the expression ends too early"))
        kind, val, col = self.take()
        if kind == "num":
            return Node("num", value=val, column=col)
        if val == "(":
            node = self.expr()
            self.expect(")", lazy("missing ')'"))
            return node
        if val in ("‖", "||"):
            self.norm_depth += 1
            inner = self.expr()
            self.norm_depth -= 1
            self.expect(val, lazy("missing the closing {bar} of a norm", bar=val))
            if (t := self.peek()) and t[1].startswith("_"):
                self.take()
                sub = t[1][1:] or (self.take()[1] if self.peek() else "")
                if sub not in ("F", "2"):
                    raise Unsupported(lazy("the norm ‖·‖_{sub} (only ‖·‖ and ‖·‖_F)", sub=sub), col)
                if sub == "2":
                    return Node("call", (inner,), value="norm2", column=col)
            return Node("norm", (inner,), column=col)
        if val == "|":
            raise Unsupported(lazy("|·| in matrix mode (write ‖x‖ for a norm)"), col)
        if kind == "name":
            name = norm_name(val)
            if (t := self.peek()) and t[1] == "(" and _is_func(name):
                self.take()
                args = [self.expr()]
                while (t := self.peek()) and t[1] == ",":
                    self.take()
                    args.append(self.expr())
                self.expect(")", lazy("missing ')' after the function's argument"))
                if name == "norm":
                    return Node("norm", (args[0],), column=col)
                return Node("call", tuple(args), value=name, column=col)
            if (
                (t := self.peek())
                and t[1] == "("
                and name.rstrip("'") not in FUNCS
                and re.fullmatch(r"[A-Za-z]{2,}'*", name)
            ):
                raise Unsupported(
                    lazy(
                        "the function {name} (matrix mode knows {known})",
                        name=repr(name),
                        known=", ".join(sorted(FUNCS)),
                    ),
                    col,
                )
            return Node("name", value=name, column=col)
        raise ParseError(reader_text(lazy("unexpected {what}", what=repr(val))), col, self.text)


def read_matrix_expr(text: str) -> Node:
    """Read one matrix expression; raises ParseError with the 1-based column, or Unsupported."""
    src = _latex(text) if "\\" in text else text
    src = re.sub(r"\^\{([^{}]*)\}", r"^(\1)", src)
    reader = _Reader(src)
    node = reader.expr()
    if (tok := reader.peek()) is not None:
        raise reader.fail(lazy("unexpected {what}", what=repr(tok[1])))
    return node


def names_in(node: Node) -> set[str]:
    """Every name an expression refers to."""
    if node.op == "name":
        return {node.value}
    return set().union(*(names_in(a) for a in node.args)) if node.args else set()


def terms(node: Node) -> list[Node]:
    """The terms of a sum."""
    if node.op == "add":
        return terms(node.args[0]) + terms(node.args[1])
    return [node]


def transpose_variants(node: Node) -> list[Node]:
    """The expression with one transpose added to (or removed from) one product operand."""
    out: list[Node] = []

    def walk(n: Node, rebuild: Callable[[Node], Node]) -> None:
        if n.op in ("name", "T", "call", "matmul"):
            out.append(rebuild(n.args[0] if n.op == "T" else Node("T", (n,))))
        for i, child in enumerate(n.args):

            def sub(new: Node, i: int = i, n: Node = n) -> Node:
                args = list(n.args)
                args[i] = new
                return rebuild(Node(n.op, tuple(args), n.value, n.column))

            walk(child, sub)

    walk(node, lambda n: n)
    return out

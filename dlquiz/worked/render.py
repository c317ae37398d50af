"""Worked examples as a Rich renderable, Markdown, LaTeX, and practice worksheets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from dlquiz.i18n import N_, spaced, t
from dlquiz.worked._core import (
    WorkedExample,
    _is_matrix,
    _is_tensor,
    answer_label,
    channel_blocks,
    format_value,
    generate_example,
    generator_info,
    list_generators,
)
from dlquiz.worked.i18n import heading, prose, step_name

if TYPE_CHECKING:
    from rich.console import RenderableType

# headings and words of the rendered example ("context|Word": see `heading`)
_LABELS = {
    "convention": N_("Convention"),
    "step": N_("Step"),
    "working": N_("Working"),
    "value": N_("table column|Value"),
    "given": N_("Given"),
    "questions": N_("Practice worksheet"),
    "key": N_("Answer key"),
    "compute": N_("Compute"),
    "seed": N_("seed"),
    "warning": N_("Warning"),
}


def _l(lang: str, key: str) -> str:
    return heading(_LABELS[key], lang)


def _colon(lang: str, key: str) -> str:
    """A label before its text: "Given:" / "已知：" (a full-width colon in Chinese)."""
    return t("{label}:", lang, label=_l(lang, key))


def _lead(lang: str, key: str) -> str:
    """A label with the space before its text: "Given: " / "已知：" (the full-width colon has its space)."""
    return spaced(_colon(lang, key))


def _title(example: WorkedExample, lang: str) -> str:
    info = generator_info(example.kind)
    return info.title_zh if lang == "zh" else info.title_en


# --------------------------------------------------------------------------- Rich


def _grid(value: Any) -> RenderableType:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if _is_tensor(value):
        from rich.console import Group

        parts: list[RenderableType] = []
        for tag, m in channel_blocks(value):
            parts += [Text(tag, style="dim"), _grid(m)]
        return Group(*parts)
    if _is_matrix(value):
        grid = Table(show_header=False, box=box.SQUARE, padding=(0, 1))
        for _ in value[0]:
            grid.add_column(justify="right")
        for row in value:
            grid.add_row(*[format_value(x) for x in row])
        return grid
    return Text(format_value(value))


def _blockish(v: Any) -> bool:
    """A matrix or a tensor of channels: shown as grids, not inline."""
    return _is_matrix(v) or _is_tensor(v)


_VALUE_WIDTH = 14  # longer values are written under the working instead of in the Value column


def rich_example(example: WorkedExample, lang: str = "en") -> RenderableType:
    """A panel with one row per step (matrices as grids) and the answer highlighted."""
    from rich import box
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    parts: list[RenderableType] = []
    params = {k: v for k, v in example.params.items() if k not in example.unused}
    given = ", ".join(f"{k} = {format_value(v)}" for k, v in params.items() if v is not None and not _blockish(v))
    if given:
        parts.append(Text(f"{_lead(lang, 'given')}{given}"))
    for k, v in params.items():
        if _blockish(v):
            parts.append(Text(f"{k} ="))
            parts.append(_grid(v))
    if example.convention:
        parts.append(Text(f"{_lead(lang, 'convention')}{prose(example.convention, lang)}", style="italic"))
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    # fold by cell width: Chinese has no spaces to wrap at (an English step name keeps whole words, cut with …)
    table.add_column(_l(lang, "step"), style="bold", ratio=1, overflow="fold" if lang == "zh" else "ellipsis")
    table.add_column(_l(lang, "working"), ratio=4, overflow="fold")
    table.add_column(_l(lang, "value"), justify="right", no_wrap=True)
    for i, s in enumerate(example.steps, 1):
        formula = prose(s.formula, lang)
        cells: list[RenderableType] = [Text(formula)]
        shown = format_value(s.value)
        value: RenderableType = Text(shown, style="cyan")
        if _blockish(s.value):
            cells.append(_grid(s.value))  # grids go under the working, where there is room
            value = Text("")
        elif len(shown) > _VALUE_WIDTH:
            if not formula.rstrip().endswith(shown):
                cells.append(Text(f"→ {shown}", style="cyan"))
            value = Text("")
        if s.note:
            cells.append(Text(f"({prose(s.note, lang)})", style="dim"))
        table.add_row(str(i), step_name(s.name, lang), Group(*cells), value)
    parts.append(table)
    for w in example.warnings:
        parts.append(Text(f"{_lead(lang, 'warning')}{prose(w, lang)}", style="bold yellow"))
    ans = Table(show_header=False, box=None, padding=(0, 1))
    ans.add_column(style="bold green")
    ans.add_column(overflow="fold")
    ans.add_row(t("{label}:", lang, label=answer_label(example, lang)), _grid(example.answer))
    parts.append(Panel(ans, border_style="green", expand=False))
    return Panel(Group(*parts), title=f"{_title(example, lang)} · {example.kind}", title_align="left")


def render_text(example: WorkedExample, lang: str = "en", width: int = 80) -> str:
    """The Rich rendering as plain text at a fixed width (no colour), e.g. for snapshots."""
    from io import StringIO

    from dlquiz.render import text_console

    buf = StringIO()
    text_console(buf, width).print(rich_example(example, lang))
    return buf.getvalue()


# --------------------------------------------------------------------------- Markdown and LaTeX


def _md_value(v: Any) -> str:
    text = format_value(v)
    return f"\n\n```\n{text}\n```\n" if "\n" in text else f"`{text}`"


# values a question must show besides the parameters (a mask drawn from a seed cannot be guessed)
_SHOWN_VALUES: dict[str, tuple[str, ...]] = {"reg.dropout": ("mask",)}
# what the final answer is, where the number alone is ambiguous
_ANSWER_WHAT: dict[str, str] = {
    "det.nms": N_("the number of boxes kept"),
    "perceptron.trace": N_("the number of updates until convergence"),
}


def _givens(example: WorkedExample) -> list[tuple[str, Any]]:
    shown = [(k, v) for k, v in example.params.items() if v is not None and k not in example.unused]
    shown += [(k, example.values[k]) for k in _SHOWN_VALUES.get(example.kind, ()) if k in example.values]
    return shown


def _answer_label(example: WorkedExample, lang: str) -> str:
    what = _what(example, lang)
    label = answer_label(example, lang)
    return f"{label} ({what})" if what else label


# what a boxed value is, by its name, where the title alone does not say it
_ASKED_WHAT: dict[str, str] = {
    "loss": N_("the loss"),
    "probs": N_("the probabilities"),
    "entropy": N_("the entropy"),
    "value": N_("the value of the activation"),
    "derivative": N_("the derivative"),
    "dw": N_("the gradient dw"),
    "f1": N_("F1 of the positive class"),
    "macro_f1": N_("the macro-averaged F1"),
    "accuracy": N_("the accuracy"),
}


def _what(example: WorkedExample, lang: str) -> str | None:
    """What the boxed value is, in `lang`, where the title alone does not say it (None when asked for)."""
    if example.ask_given:
        return None
    what = _ANSWER_WHAT.get(example.kind) or _ASKED_WHAT.get(example.asked)
    return t(what, lang) if what else None


def _given_md(example: WorkedExample) -> list[str]:
    out = []
    for k, v in _givens(example):
        text = format_value(v)
        out.append(
            f"- {k} =\n\n  ```\n" + "\n".join("  " + r for r in text.splitlines()) + "\n  ```"
            if "\n" in text
            else f"- {k} = `{text}`"
        )
    return out


def _lower_first(text: str) -> str:
    """`Gradient step` -> `gradient step`, but names stay: `Adam`, `RMSprop`, `AdaGrad`, `LeNet-5`, `IoU`."""
    if len(text) > 1 and (text[1].isupper() or text[1].isdigit() or not text[0].isalpha()):
        return text
    first_word = text.split(" ", 1)[0].rstrip(":,")
    if first_word in ("Adam", "Nesterov", "Xavier", "He") or any(c.isupper() for c in first_word[1:]):
        return text  # a name, or a camel-case one (AdaGrad, AlexNet)
    return text[0].lower() + text[1:]


def question_md(example: WorkedExample, lang: str = "en", number: int | None = None) -> str:
    """The question of an example (its given numbers), without the answer."""
    head = f"{number}. " if number is not None else ""
    lines = [f"### {head}{_title(example, lang)} (`{example.kind}`)", "", _colon(lang, "given"), ""]
    lines += _given_md(example)
    ask = _title(example, lang)
    what = example.asked if example.ask_given else _what(example, lang)
    if what is not None:
        ask += f" — {what}"
    lines += [
        "",
        f"{_lead(lang, 'compute')}{_lower_first(ask) if lang == 'en' else ask}"
        + (f" ({prose(example.convention, lang)})" if example.convention else ""),
        "",
    ]
    return "\n".join(lines)


def to_markdown(example: WorkedExample, lang: str = "en", *, heading: str | None = None) -> str:
    """The worked example as Markdown: given values, numbered steps, the answer."""
    lines = [f"### {heading or _title(example, lang)} (`{example.kind}`)", ""]
    lines += [_colon(lang, "given"), ""] + _given_md(example) + [""]
    if example.convention:
        lines += [f"*{_lead(lang, 'convention')}{prose(example.convention, lang)}*", ""]
    for i, s in enumerate(example.steps, 1):
        val = format_value(s.value)
        formula = prose(s.formula, lang)
        tail = "" if formula.rstrip().endswith(val) else " → " + _md_value(s.value)
        lines.append(f"{i}. **{step_name(s.name, lang)}**: {formula}{tail}")
        if s.note:
            lines.append(f"   *({prose(s.note, lang)})*")
    for w in example.warnings:
        lines += ["", f"**{_colon(lang, 'warning')}** {prose(w, lang)}"]
    lines += ["", f"**{_answer_label(example, lang)}:** {_md_value(example.answer)}", ""]
    return "\n".join(lines)


_TEX_MAP = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


# Unicode maths of the formulas as LaTeX, so an English sheet compiles with plain pdflatex
_TEX_UNICODE = {
    "²": "^{2}",
    "³": "^{3}",
    "⁴": "^{4}",
    "⁵": "^{5}",
    "⁶": "^{6}",
    "⁻": "^{-}",
    "ˣ": "^{x}",
    "ᵀ": "^{\\top}",
    "ᵢ": "_{i}",
    "₀": "_{0}",
    "₁": "_{1}",
    "₂": "_{2}",
    "₋": "_{-}",
    "ₖ": "_{k}",
    "ₜ": "_{t}",
    "′": "^{\\prime}",
    "·": "\\cdot",
    "½": "\\tfrac{1}{2}",
    "×": "\\times",
    "÷": "\\div",
    "ŷ": "\\hat{y}",
    "Σ": "\\Sigma",
    "Φ": "\\Phi",
    "α": "\\alpha",
    "β": "\\beta",
    "γ": "\\gamma",
    "δ": "\\delta",
    "ε": "\\varepsilon",
    "η": "\\eta",
    "θ": "\\theta",
    "μ": "\\mu",
    "σ": "\\sigma",
    "φ": "\\varphi",
    "‖": "\\|",
    "…": "\\ldots",
    "←": "\\leftarrow",
    "→": "\\rightarrow",
    "∂": "\\partial",
    "∏": "\\prod",
    "∑": "\\sum",
    "−": "-",
    "√": "\\surd",
    "≈": "\\approx",
    "≤": "\\leq",
    "≥": "\\geq",
    "⊙": "\\odot",
    "⋆": "\\star",
    "⌈": "\\lceil",
    "⌉": "\\rceil",
    "⌊": "\\lfloor",
    "⌋": "\\rfloor",
    "⟨": "\\langle",
    "⟩": "\\rangle",
    "ℓ": "\\ell",
    "∈": "\\in",
    "≠": "\\neq",
    "∞": "\\infty",
    "±": "\\pm",
    "Δ": "\\Delta",
    "π": "\\pi",
    "λ": "\\lambda",
    "ρ": "\\rho",
    "τ": "\\tau",
    "ω": "\\omega",
    "Ω": "\\Omega",
    "∇": "\\nabla",
    "ₘ": "_{m}",
    "ₙ": "_{n}",
    "ⱼ": "_{j}",
}
_ACCENTS = {"\u0302": "\\hat", "\u0303": "\\tilde"}


def tex_escape(text: str) -> str:
    """Escape LaTeX specials and turn the formulas' Unicode maths into LaTeX commands."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if nxt in _ACCENTS:
            out.append(f"\\ensuremath{{{_ACCENTS[nxt]}{{{_TEX_MAP.get(c, c)}}}}}")
            i += 2
            continue
        if c in _TEX_UNICODE:
            sym = _TEX_UNICODE[c]
            out.append(sym if c == "−" else f"\\ensuremath{{{sym}}}")
        else:
            out.append(_TEX_MAP.get(c, c))
        i += 1
    return "".join(out)


def _tex_value(v: Any) -> str:
    if _is_tensor(v):
        return ", ".join(f"{tex_escape(tag)}: {_tex_value(m)}" for tag, m in channel_blocks(v))
    if _is_matrix(v):
        rows = [" & ".join(tex_escape(format_value(x)) for x in r) for r in v]
        return r"$\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}$"
    return r"\texttt{" + tex_escape(format_value(v)) + "}"


def _tex_given(example: WorkedExample) -> str:
    items = [rf"\item {tex_escape(k)} = {_tex_value(v)}" for k, v in _givens(example)]
    return "\\begin{itemize}\n" + "\n".join(items) + "\n\\end{itemize}\n"


def to_latex(example: WorkedExample, lang: str = "en", *, heading: str | None = None) -> str:
    """The worked example as a LaTeX fragment (a subsection)."""
    out = [
        rf"\subsection*{{{tex_escape(heading or _title(example, lang))} (\texttt{{{tex_escape(example.kind)}}})}}",
        tex_escape(_colon(lang, "given")),
        _tex_given(example),
    ]
    if example.convention:
        out.append(
            rf"\emph{{{tex_escape(_lead(lang, 'convention'))}{tex_escape(prose(example.convention, lang))}}}" + "\n"
        )
    out.append("\\begin{enumerate}")
    for s in example.steps:
        note = rf" \emph{{({tex_escape(prose(s.note, lang))})}}" if s.note else ""
        out.append(
            rf"\item \textbf{{{tex_escape(step_name(s.name, lang))}}}: {tex_escape(prose(s.formula, lang))}"
            rf" $\rightarrow$ {_tex_value(s.value)}{note}"
        )
    out.append("\\end{enumerate}")
    for w in example.warnings:
        out.append(rf"\textbf{{{tex_escape(_colon(lang, 'warning'))}}} {tex_escape(prose(w, lang))}" + "\n")
    out.append(rf"\textbf{{{tex_escape(_answer_label(example, lang))}:}} {_tex_value(example.answer)}" + "\n")
    return "\n".join(out)


def latex_document(example: WorkedExample, lang: str = "en") -> str:
    """A compilable document holding one worked example."""
    return _tex_doc(to_latex(example, lang), lang)


def _tex_doc(body: str, lang: str) -> str:
    pre = [r"\documentclass[11pt]{article}", r"\usepackage{amsmath,amssymb}", r"\usepackage[margin=2cm]{geometry}"]
    if lang == "zh":
        pre += [r"\usepackage{fontspec}", r"\usepackage{xeCJK}"]
    else:
        pre += [r"\usepackage[utf8]{inputenc}", r"\usepackage[T1]{fontenc}"]
    pre.append(r"\setlength{\parindent}{0pt}")
    return (
        "\n".join(pre)
        + ("\n% compile with xelatex\n" if lang == "zh" else "\n% compile with pdflatex or xelatex\n")
        + "\\begin{document}\n"
        + body
        + "\n\\end{document}\n"
    )


# --------------------------------------------------------------------------- worksheets


def worksheet_examples(n: int, kinds: Sequence[str] | None, seed: int) -> list[WorkedExample]:
    """`n` seeded examples cycling through `kinds` (all generators when None)."""
    import numpy as np

    names = list(kinds) if kinds else [g.name for g in list_generators()]
    for k in names:
        generator_info(k)  # ParamError for an unknown kind
    rng = np.random.default_rng(seed)
    order = list(names)
    if not kinds:
        rng.shuffle(order)
    return [generate_example(order[i % len(order)], seed=int(rng.integers(0, 2**31 - 1))) for i in range(n)]


def worksheet(examples: Sequence[WorkedExample], fmt: str = "md", lang: str = "en", seed: int | None = None) -> str:
    """Questions first, then (after a page break) the answer key with the worked steps."""
    seed_text = f" ({_l(lang, 'seed')} {seed})" if seed is not None else ""
    if fmt == "md":
        parts = [f"# {_l(lang, 'questions')}{seed_text}", ""]
        parts += [question_md(ex, lang, i) for i, ex in enumerate(examples, 1)]
        parts += ["", "---", "", f"# {_l(lang, 'key')}{seed_text}", ""]
        parts += [to_markdown(ex, lang, heading=f"{i}. {_title(ex, lang)}") for i, ex in enumerate(examples, 1)]
        return "\n".join(parts)
    body = [rf"\section*{{{tex_escape(_l(lang, 'questions') + seed_text)}}}"]
    for i, ex in enumerate(examples, 1):
        body.append(rf"\subsection*{{{i}. {tex_escape(_title(ex, lang))} (\texttt{{{tex_escape(ex.kind)}}})}}")
        body.append(tex_escape(_colon(lang, "given")))
        body.append(_tex_given(ex))
    body.append("\\newpage")
    body.append(rf"\section*{{{tex_escape(_l(lang, 'key') + seed_text)}}}")
    body += [to_latex(ex, lang, heading=f"{i}. {_title(ex, lang)}") for i, ex in enumerate(examples, 1)]
    return _tex_doc("\n".join(body), lang)

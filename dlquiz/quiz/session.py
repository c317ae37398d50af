"""A quiz session without I/O: which items, in which order, with which numbers."""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from dlquiz.bank.load import LETTERS
from dlquiz.bank.model import Item, Text
from dlquiz.errors import DlquizError, UsageError
from dlquiz.i18n import N_, lazy, t
from dlquiz.quiz.grade import Grade, PartKey, choices_missed, grade

KIND_NAMES = {  # the name of each kind of question, in English (`kind_name` gives it in a language)
    "single": N_("single choice"),
    "multi": N_("multiple choice"),
    "truefalse": N_("true / false"),
    "short": N_("short answer"),
    "ordering": N_("ordering"),
    "numeric": N_("numeric"),
    "formula": N_("formula"),
    "derivation": N_("derivation"),
    "explain": N_("explain why"),
}


def kind_name(kind: str, lang: str) -> str:
    """The name of a kind of question ("single choice", "单选") in `lang`."""
    return t(KIND_NAMES[kind], lang)


def pick_items(items: Sequence[Item], *, n: int | None, seed: int) -> list[Item]:
    """A reproducible shuffle of `items`, cut to `n` (the same seed gives the same session)."""
    if not items:
        raise UsageError("no item matches these filters (`dlquiz topics` shows what there is)")
    if n is not None and n < 1:
        raise UsageError(lazy("--n must be at least 1, got {n}", n=n))
    ordered = sorted(items, key=lambda i: i.id)
    random.Random(seed).shuffle(ordered)
    return ordered[:n] if n is not None else ordered


@dataclass(frozen=True)
class Question:
    """An item as shown once: parametric items carry the numbers drawn for this showing."""

    item: Item
    number: int
    params: dict[str, Any] | None = None
    expected: Any = None  # the key of a parametric item (None: the item's own key)
    worked: str = ""  # worked steps of a parametric item (English)
    worked_zh: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    order: tuple[int, ...] = ()  # choices as shown: position -> index in the item (empty: as written)

    def shown_choices(self) -> list[Text]:
        """The choices in the order they are shown (lettered a, b, c, ...)."""
        if not self.order:
            return list(self.item.choices)
        return [self.item.choices[i] for i in self.order]

    def _shown(self, letter: str) -> str:
        """The letter under which an item's choice `letter` is shown."""
        index = LETTERS.index(letter)
        return LETTERS[self.order.index(index)] if self.order else letter

    def _original(self, response: str) -> str:
        """A typed response with shown letters replaced by the item's own letters."""
        if not self.order:
            return response
        n = len(self.order)
        return "".join(LETTERS[self.order[LETTERS.index(c)]] if c in LETTERS[:n] else c for c in response.lower())

    def prompt_text(self, lang: str) -> str:
        text = self.item.prompt(lang)
        if self.params:
            from dlquiz.worked import format_value

            text = _fill(
                text, {k: _matrix_text(v) if _is_nested(v) else format_value(v) for k, v in self.params.items()}
            )
        if self.part_keys:
            from dlquiz.quiz.grade import part_format

            head = t("Answer in turn (one line each):", lang)
            lines = [f"  ({n}) {k.label(lang)} — {part_format(k.value)(lang)}" for n, k in enumerate(self.part_keys, 1)]
            text = "\n".join([text, "", head, *lines])
        return text

    @property
    def part_keys(self) -> tuple[PartKey, ...]:
        """The keys of a multi-part item's parts, in order (empty for any other item)."""
        return self.expected if self.item.parts and isinstance(self.expected, tuple) else ()

    def grade_part(self, index: int, response: str) -> Grade:
        """The verdict on part `index` (0-based) of a multi-part item."""
        from dlquiz.quiz.grade import grade_part

        return grade_part(self.item, self.part_keys[index], response, index + 1)

    def grade(self, response: str) -> Grade:
        if self.item.kind not in ("single", "multi", "ordering"):
            return grade(self.item, response, expected=self.expected)
        result = grade(self.item, self._original(response))
        if self.item.kind == "multi" and result.status == "wrong":
            chosen = set(self._original(response))
            key = set(self.item.answer)
            missing = sorted(self._shown(a) for a in key - chosen)
            extra = sorted(self._shown(a) for a in chosen - key if a in LETTERS)
            result = replace(
                result, message=choices_missed(missing, extra, "en"), message_zh=choices_missed(missing, extra, "zh")
            )
        return result

    def key_text(self, lang: str) -> str:
        """The right answer, as a student should read it."""
        item = self.item
        if item.kind in ("single", "multi"):
            keys = [item.answer] if item.kind == "single" else list(item.answer)
            shown = sorted((self._shown(a), item.choices[LETTERS.index(a)](lang)) for a in keys)
            return "; ".join(f"{letter}) {text}" for letter, text in shown)
        if item.kind == "ordering":
            if len(item.orders) > 1:
                return t("; or ", lang).join(
                    " → ".join(self._shown(a) for a in o.answer) + (f" ({o.note(lang)})" if o.note else "")
                    for o in item.orders
                )
            return " → ".join(self._shown(a) for a in item.answer)
        if item.kind == "truefalse":
            return t("true", lang) if item.answer else t("false", lang)
        if item.kind == "short":
            return " / ".join(item.answer)
        if item.kind == "numeric" and self.part_keys:
            from dlquiz.quiz.grade import _squeeze, value_text

            return "\n".join(
                f"({n}) {k.name} = {value_text(_squeeze(k.value))}" for n, k in enumerate(self.part_keys, 1)
            )
        if item.kind == "numeric":
            value = self.expected if self.expected is not None else item.answer
            unit = item.unit(lang) if item.unit else ""
            return f"{format_number(value)} {unit}".strip()
        if item.kind == "formula":
            return _pretty_formula(str(item.answer), item.let)
        if item.kind == "explain":
            return item.model_answer(lang) if item.model_answer else ""
        return str(item.solution or item.goal or "").strip()

    def explanation_text(self, lang: str) -> str:
        text = self.item.explanation(lang)
        worked = self.worked_zh if lang == "zh" and self.worked_zh else self.worked
        return f"{text}\n\n{worked}" if worked else text


def _pretty_formula(text: str, let: dict[str, str]) -> str:
    """A key formula in readable Unicode (σ(x)⋅(1 − σ(x))), else as written."""
    from dlquiz.errors import DlquizError
    from dlquiz.symbolic.parse import parse_math

    try:
        return parse_math(text).pretty
    except DlquizError:
        return text


def format_number(value: Any) -> str:
    """A key as a short readable number: integers without a point, floats to 6 significant digits."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def _is_nested(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and isinstance(v[0], list)


def _matrix_text(v: Any) -> str:
    """A matrix on one line, rows by `;` as a student types it: [0.9, 0.7; 0.2, -0.8]; a stack of
    matrices (channels) as a list of them: [[1, 2; 3, 4], [5, 6; 7, 8]]."""
    if _is_nested(v) and _is_nested(v[0]):
        return "[" + ", ".join(_matrix_text(m) for m in v) + "]"
    return "[" + "; ".join(", ".join(format_number(x) for x in row) for row in v) + "]"


def _fill(template: str, values: dict[str, str]) -> str:
    """Replace {name} placeholders that name a parameter; leave every other brace alone."""
    out = []
    for literal, name, spec, _conv in string.Formatter().parse(template.replace("{{", "\0").replace("}}", "\1")):
        out.append(literal)
        if name is None:
            continue
        if name in values:
            out.append(values[name])
        else:
            out.append("{" + name + (":" + spec if spec else "") + "}")
    return "".join(out).replace("\0", "{").replace("\1", "}")


def _replace_answer_line(worked: str, asked: str) -> str:
    """Put the asked value where the worked steps end with the generator's own answer."""
    lines = worked.rstrip("\n").split("\n")
    end = len(lines)
    while end > 1 and lines[end - 1].startswith(" "):  # the rows of a vector or matrix answer
        end -= 1
    answer = t("Answer", "zh")  # the worked steps end with "Answer: ..." in either language
    if end and lines[end - 1].startswith(("Answer:", "Answer (", f"{answer}:", f"{answer}：", f"{answer} (")):
        lines = lines[: end - 1]
    return "\n".join([*lines, asked])


def prepare(item: Item, *, number: int, seed: int) -> Question:
    """A question for `item`; a parametric item draws its numbers from `seed` and its id."""
    if item.generator is None:
        order: tuple[int, ...] = ()
        if item.choices and item.shuffle:
            indices = list(range(len(item.choices)))
            random.Random(f"{seed}:{item.id}:choices").shuffle(indices)
            order = tuple(indices)
        return Question(item, number, order=order)
    from dlquiz.worked import explain_text, generate_example

    item_seed = random.Random(f"{seed}:{item.id}").randrange(2**31)
    if item.parts:
        return _prepare_parts(item, number, item_seed)
    try:
        # the same function `dlquiz example --ask` calls: the asked value is the example's answer
        example = generate_example(item.generator, item.params, seed=item_seed, ask=item.ask)
    except DlquizError as exc:
        raise DlquizError(f"{item.where}: item {item.id}: generator {item.generator!r}: {exc}") from exc
    expected = float(example.answer)
    worked, worked_zh = explain_text(example, "en"), explain_text(example, "zh")
    if item.ask != "answer":  # the generator's final answer is not what this item asks
        asked = {"name": item.ask, "value": format_number(expected)}
        worked = _replace_answer_line(worked, t("Asked: {name} = {value}", "en", **asked))
        worked_zh = _replace_answer_line(worked_zh, t("Asked: {name} = {value}", "zh", **asked))
    else:  # the key to the digits it is graded with, not rounded for display
        worked = _replace_answer_line(worked, t("Answer: {value}", "en", value=format_number(expected)))
        worked_zh = _replace_answer_line(worked_zh, t("Answer: {value}", "zh", value=format_number(expected)))
    return Question(
        item,
        number,
        params=dict(example.params),
        expected=expected,
        worked=worked,
        worked_zh=worked_zh,
        values=dict(example.values),
    )


def _prepare_parts(item: Item, number: int, item_seed: int) -> Question:
    """A multi-part item: one example, and each part's value with the worked step producing it."""
    from dlquiz.worked import explain_text, generate_example
    from dlquiz.worked._core import lookup_value
    from dlquiz.worked.i18n import prose, step_name
    from dlquiz.worked.mine import producing_step

    assert item.generator is not None
    try:
        example = generate_example(item.generator, item.params, seed=item_seed)
        keys = []
        for part in item.parts:
            value = lookup_value(item.generator, example.values, part.ask)
            index, step = producing_step(example, part.ask)
            step_text = None
            if step is not None:
                step_text = Text(
                    t("from step {index} ({name}): {formula}", "en", index=index, name=step.name, formula=step.formula),
                    t(
                        "from step {index} ({name}): {formula}",
                        "zh",
                        index=index,
                        name=step_name(step.name, "zh"),
                        formula=prose(step.formula, "zh"),
                    ),
                )
            label = part.label or Text(part.ask, part.ask)
            keys.append(PartKey(part.ask, label, value, step_text))
    except DlquizError as exc:
        raise DlquizError(f"{item.where}: item {item.id}: generator {item.generator!r}: {exc}") from exc
    names = ", ".join(p.ask for p in item.parts)
    worked = _replace_answer_line(explain_text(example, "en"), t("Asked: {names}", "en", names=names))
    worked_zh = _replace_answer_line(explain_text(example, "zh"), t("Asked: {names}", "zh", names=names))
    return Question(
        item,
        number,
        params=dict(example.params),
        expected=tuple(keys),
        worked=worked,
        worked_zh=worked_zh,
        values=dict(example.values),
    )

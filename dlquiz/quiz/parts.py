"""Multi-part numeric items: one answer per part (in order, or `NAME = value` lines), each part a
number or a vector/matrix compared entry by entry with the item's precision, and the whole
verdict from the parts'."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from dlquiz.bank.model import Item
from dlquiz.i18n import N_, Text, lazy, message_of, t
from dlquiz.quiz.messages import message_zh
from dlquiz.quiz.numeric import _number_echo, numbers_match, parse_number
from dlquiz.quiz.outcome import Grade, Status, _text


@dataclass(frozen=True)
class PartKey:
    """The key of one part of a multi-part item, as one showing of the item computed it."""

    name: str  # the generator's value name (or an entry, Z1[0,1])
    label: Text  # how the question words the part
    value: Any  # a number, or nested lists (a vector or a matrix)
    step: Text | None = None  # the worked step that produces the value


def _part_keys(item: Item, expected: Any) -> tuple[PartKey, ...]:
    if not isinstance(expected, tuple) or not all(isinstance(k, PartKey) for k in expected):
        raise ValueError(f"item {item.id}: a multi-part item is graded against the keys of a prepared question")
    return expected


def _squeeze(value: Any) -> Any:
    """A value without its dimensions of size 1: [[0.5]] → 0.5, [[1], [2]] → [1, 2]."""
    if isinstance(value, list) and len(value) == 1:
        return _squeeze(value[0])
    if isinstance(value, list) and value and all(isinstance(v, list) and len(v) == 1 for v in value):
        return [_squeeze(v[0]) for v in value]
    return value


def _shape(value: Any) -> tuple[int, ...]:
    if isinstance(value, list) and value:
        return (len(value), *_shape(value[0]))
    return ()


def value_text(value: Any) -> str:
    """A value in the syntax a student types it: 0.25; 1, 2, 3; 1, 2; 3, 4 (rows by ;)."""
    if isinstance(value, list):
        if value and isinstance(value[0], list):
            return "; ".join(value_text(row) for row in value)
        return ", ".join(value_text(x) for x in value)
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else f"{x:.6g}"


def part_format(value: Any) -> Text:
    """What a part's answer looks like: a number, n numbers, or an r×c matrix typed by rows."""
    shape = _shape(_squeeze(value))
    if not shape:
        return _text(lazy("a number"))
    if len(shape) == 1:
        return _text(lazy("{n} numbers separated by commas", n=shape[0]))
    return _text(lazy("a {dims} matrix, rows separated by ; (e.g. 1, 2; 3, 4)", dims="×".join(map(str, shape))))


def _entry_text(index: tuple[int, ...], shape: tuple[int, ...], vector: bool) -> Text:
    """Where an entry is, in words: a vector's (also an n×1 or 1×n value's) by its number, a matrix's by
    row and column (1-based)."""
    if vector or len(index) == 1:
        n = _flat_index(index, shape) + 1
        return _text(lazy("entry {n}", n=n))
    if len(index) == 2:
        return _text(lazy("row {row}, column {column}", row=index[0] + 1, column=index[1] + 1))
    return _text(lazy("entry ({where})", where=", ".join(str(i + 1) for i in index)))


def _flat_entries(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [x for v in value for x in _flat_entries(v)]
    return [value]


def _at(value: Any, index: tuple[int, ...]) -> Any:
    for i in index:
        value = value[i]
    return value


def grade_part(item: Item, key: PartKey, response: str, number: int = 0) -> Grade:
    """One part of a multi-part item: a number, or a vector/matrix compared entry by entry, each
    with the item's precision; a wrong part carries its right value and the step producing it."""
    from dlquiz.errors import DlquizError

    prefix = _text(lazy("part {number} ({name}): ", number=number, name=key.name)) if number else Text("", "")
    right = _text(lazy("right value: {name} = {value}", name=key.name, value=value_text(_squeeze(key.value))))
    notes = (right,) if key.step is None else (right, key.step)
    expected = _squeeze(key.value)
    if not isinstance(expected, list):  # a number: the grader's own reading and comparison
        value = parse_number(response)
        if isinstance(value, str):
            zh = message_zh(value)
            return Grade(Status.INVALID, prefix.en + value, message_zh=prefix.zh + zh)
        echo = _number_echo(response, value)
        if numbers_match(float(expected), value, item):
            return Grade(Status.CORRECT, interpreted=echo)
        gave = _text(lazy("you gave {echo}", echo=echo))
        return Grade(Status.WRONG, prefix.en + gave.en, message_zh=prefix.zh + gave.zh, interpreted=echo, notes=notes)
    from dlquiz.worked.mine import judge_value

    if not response.strip():
        values = _text(lazy("type the values"))
        return Grade(Status.INVALID, prefix.en + values.en, message_zh=prefix.zh + values.zh)
    try:  # the comparison `dlquiz example --mine` makes, entry by entry with the item's precision
        checked = judge_value(
            key.name,
            response.replace("−", "-"),
            key.value,
            where="answer",
            loose_shape=True,
            number_ok=lambda yours, exp, _w: (numbers_match(exp, yours, item), "value"),
        )
    except DlquizError as exc:
        return Grade(Status.INVALID, prefix.en + str(exc), message_zh=prefix.zh + message_zh(message_of(exc)))
    if checked.reason == "shape":
        got = "×".join(map(str, _shape(checked.yours))) or "1"
        want = part_format(key.value)
        shape = N_("{name} is {want}; you gave {got} values")
        return Grade(
            Status.SENT_BACK,
            prefix.en + t(shape, "en", name=key.name, want=want.en, got=got),
            message_zh=prefix.zh + t(shape, "zh", name=key.name, want=want.zh, got=got),
        )
    echo = value_text(checked.yours)
    if checked.ok:
        return Grade(Status.CORRECT, interpreted=echo)
    vector = len(_shape(expected)) == 1
    shown = []
    for index in checked.wrong[:4]:
        where = _entry_text(index, _shape(key.value), vector)
        yours = _flat_entries(checked.yours)[_flat_index(index, _shape(key.value))]
        shown.append((where, value_text(yours), value_text(_at(key.value, index))))
    more = len(checked.wrong) - len(shown)

    def entries(lang: str) -> str:
        listed = t("; ", lang).join(
            t("{where}: you gave {yours}, right {right}", lang, where=w(lang), yours=y, right=r) for w, y, r in shown
        )
        return listed + (t("; and {n} more", lang, n=more) if more > 0 else "")

    en, zh = entries("en"), entries("zh")
    head = _text(
        lazy("{wrong} of {total} entries wrong — ", wrong=len(checked.wrong), total=len(_flat_entries(key.value)))
    )
    return Grade(
        Status.WRONG, prefix.en + head.en + en, message_zh=prefix.zh + head.zh + zh, interpreted=echo, notes=notes
    )


def _flat_index(index: tuple[int, ...], shape: tuple[int, ...]) -> int:
    n = 0
    for i, size in zip(index, shape, strict=False):
        n = n * size + i
    return n


_NAMED_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(?:\[[\d,\s]+\])*)\s*=\s*(.*)$")


def split_part_answers(keys: tuple[PartKey, ...], response: str) -> list[str] | str:
    """The answer to each part from one answer per line (in order), or `NAME = value` lines in any
    order; a string is an error message."""
    lines = [ln.strip() for ln in response.splitlines() if ln.strip()]
    names = [k.name for k in keys]
    named = [_NAMED_LINE.match(ln) for ln in lines]
    if lines and all(m is not None and m.group(1).replace(" ", "") in names for m in named):
        found: dict[str, str] = {}
        for m in named:
            assert m is not None
            found[m.group(1).replace(" ", "")] = m.group(2)
        missing = [f"{n} ({k})" for n, k in enumerate(names, 1) if k not in found]
        if missing:
            return lazy("no answer for part {parts}", parts=", ".join(missing))
        return [found[k] for k in names]
    if len(lines) != len(keys):
        listing = ", ".join(f"{n} {k}" for n, k in enumerate(names, 1))
        return lazy(
            "give one answer per line, {n} in all ({listing}); got {got} line(s)",
            n=len(keys),
            listing=listing,
            got=len(lines),
        )
    return lines


def grade_parts(item: Item, response: str, keys: tuple[PartKey, ...]) -> Grade:
    """Every part of a multi-part item: right only when every part is; a part that cannot be read
    sends the whole answer back, naming the part."""
    answers = split_part_answers(keys, response)
    if isinstance(answers, str):
        return Grade(Status.INVALID, answers, message_zh=message_zh(answers))
    grades = [grade_part(item, key, text, n) for n, (key, text) in enumerate(zip(keys, answers, strict=True), 1)]
    for g in grades:
        if g.status.asks_again:
            return replace(g, parts=tuple(grades))
    return combine_parts(keys, grades, detailed=True)


def combine_parts(keys: tuple[PartKey, ...], grades: list[Grade], *, detailed: bool) -> Grade:
    """The verdict on the whole item from its parts' verdicts: one note per part (✓/✗, and with
    `detailed` the wrong entries, the right value and the step), correct only when every part is."""
    notes: list[Text] = []
    for n, (key, g) in enumerate(zip(keys, grades, strict=True), 1):
        ok = g.status is Status.CORRECT
        mark = "✓" if ok else "✗"
        line = Text(f"{mark} ({n}) {key.label.en}", f"{mark} ({n}) {key.label.zh}")
        if detailed and not ok:
            extra = [g.message.split(": ", 1)[-1] if g.message else "", *(t.en for t in g.notes)]
            extra_zh = [g.message_zh.split("：", 1)[-1] if g.message_zh else "", *(t.zh for t in g.notes)]
            line = Text(
                line.en + "".join(f"\n    {x}" for x in extra if x),
                line.zh + "".join(f"\n    {x}" for x in extra_zh if x),
            )
        notes.append(line)
    right = sum(g.status is Status.CORRECT for g in grades)
    status = Status.CORRECT if right == len(grades) else Status.WRONG
    if any(g.status is Status.UNDECIDED for g in grades) and status is not Status.CORRECT:
        status = Status.UNDECIDED
    head = _text(lazy("{right} of {total} parts right", right=right, total=len(grades)))
    return Grade(
        status,
        "" if status is Status.CORRECT else head.en,
        message_zh="" if status is Status.CORRECT else head.zh,
        notes=tuple(notes),
        parts=tuple(grades),
    )

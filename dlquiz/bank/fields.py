"""Validating the fields of one bank item, kind by kind (`_Reader`), and `Problem`, the report of
one thing wrong: its place (file:line, item id), field and message.

Validation goes on after the first problem so that `dlquiz bank check` lists all of them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from dlquiz.bank.bilingual import listed, type_name
from dlquiz.bank.model import DEFAULT_TIME, KIND_LETTER, KINDS, Item, Milestone, Mistake, Order, Part
from dlquiz.bank.sources import source_problem
from dlquiz.bank.syllabus import Syllabus
from dlquiz.i18n import N_, Lazy, Text, lazy, t

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
LETTERS = "abcdefgh"

# unit words an item may give in English alone: their Chinese is in the catalog (dlquiz/i18n/zh-bank.toml)
UNITS = frozenset(
    (
        N_("parameters"),
        N_("weights"),
        N_("biases"),
        N_("updates"),
        N_("iterations"),
        N_("units"),
        N_("steps"),
        N_("images"),
        N_("epoch"),
        N_("epochs"),
        N_("boxes"),
        N_("pixels"),
        N_("values"),
        N_("layers"),
    )
)

# the tables an item's fields are written as, quoted in the messages that ask for them
_TEXT_TABLE = "{ en = ..., zh = ... }"
_MISTAKE_TABLE = "{ answer = ..., en = ..., zh = ... }"
MILESTONE_TABLE = "{ form = ..., en = ..., zh = ... }"
_PART_TABLE = '{ ask = "NAME", en = "…", zh = "…" }'
_LETTERS_WORD = lazy("letters")  # in { order = [letters], ... }

COMMON_FIELDS = {
    "id",
    "topic",
    "kind",
    "difficulty",
    "source",
    "prompt",
    "explanation",
    "time",
    "tags",
    "hints",
    "mistakes",
}
KIND_FIELDS: dict[str, set[str]] = {
    "single": {"choices", "answer", "shuffle"},
    "multi": {"choices", "answer", "shuffle"},
    "truefalse": {"answer"},
    "short": {"answer"},
    "ordering": {"choices", "answer", "answers", "shuffle"},
    "numeric": {
        "answer",
        "tolerance",
        "rel_tolerance",
        "unit",
        "generator",
        "ask",
        "params",
        "decimals",
        "sig_figs",
        "parts",
    },
    "formula": {"answer", "canonical", "assume", "let", "latex", "forbid", "require", "constraint"},
    "derivation": {"given", "start", "goal", "solution", "milestones"},
    "explain": {"model_answer", "rubric"},
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the bank: its place, field and message (a `lazy` message, shown in the reader's
    language by `text`; ``str(problem)`` is the English)."""

    file: str
    line: int
    item: str
    field: str
    message: str

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str) -> str:
        """`file:line: item ID: field: message` in `lang`."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        message = self.message.text(lang) if isinstance(self.message, Lazy) else self.message
        if self.item and self.field:
            return t(
                "{where}: item {item}: {field}: {message}",
                lang,
                where=where,
                item=self.item,
                field=self.field,
                message=message,
            )
        if self.item:
            return t("{where}: item {item}: {message}", lang, where=where, item=self.item, message=message)
        if self.field:
            return t("{where}: {field}: {message}", lang, where=where, field=self.field, message=message)
        return t("{where}: {message}", lang, where=where, message=message)


class _Reader:
    """Validates the raw tables of one file, collecting problems."""

    def __init__(self, file: str, syllabus: Syllabus) -> None:
        self.file = file
        self.syllabus = syllabus
        self.problems: list[Problem] = []
        self.line = 0
        self.item_id = ""

    def problem(self, field: str, message: str) -> None:
        """Report `message` (a `lazy` message) on `field` of the item being read."""
        self.problems.append(Problem(self.file, self.line, self.item_id, field, message))

    def text(self, raw: dict[str, Any], field: str, required: bool = True) -> Text | None:
        value = raw.get(field)
        if value is None:
            if required:
                self.problem(field, lazy("missing (needs en and zh)"))
            return None
        if not isinstance(value, dict):
            self.problem(field, lazy("expected a table with en and zh, got {type}", type=type_name(value)))
            return None
        return self._bilingual(value, field)

    def _bilingual(self, value: dict[str, Any], field: str) -> Text | None:
        ok = True
        for lang in ("en", "zh"):
            v = value.get(lang)
            if not isinstance(v, str) or not v.strip():
                self.problem(f"{field}.{lang}", lazy("missing language") if v is None else lazy("empty"))
                ok = False
        extra = set(value) - {"en", "zh"}
        if extra:
            self.problem(field, lazy("unknown language key(s) {keys} (expected en, zh)", keys=str(sorted(extra))))
        return Text(value["en"].strip(), value["zh"].strip()) if ok else None

    def text_list(self, raw: dict[str, Any], field: str) -> tuple[Text, ...]:
        value = raw.get(field, [])
        if not isinstance(value, list):
            self.problem(field, lazy("expected an array of {table}", table=_TEXT_TABLE))
            return ()
        out = []
        for n, entry in enumerate(value, 1):
            if not isinstance(entry, dict):
                self.problem(f"{field}[{n}]", lazy("expected {table}", table=_TEXT_TABLE))
                continue
            text = self._bilingual(entry, f"{field}[{n}]")
            if text:
                out.append(text)
        return tuple(out)

    def letter(self, value: Any, n_choices: int, field: str) -> str | None:
        if not isinstance(value, str) or len(value.strip()) != 1:
            self.problem(field, lazy("expected a choice letter, got {value}", value=repr(value)))
            return None
        letter = value.strip().lower()
        valid = LETTERS[:n_choices]
        if letter not in valid:
            self.problem(
                field,
                lazy("choice {value} is not among the choices ({letters})", value=repr(value), letters=listed(valid)),
            )
            return None
        return letter

    def item(self, raw: dict[str, Any], line: int) -> Item | None:
        self.line = line
        self.item_id = str(raw.get("id", ""))
        n_before = len(self.problems)

        item_id = raw.get("id")
        if not isinstance(item_id, str) or not ID_RE.match(item_id):
            self.problem("id", lazy("missing or invalid id {id} (lower case, [a-z0-9._-])", id=repr(item_id)))
        kind = raw.get("kind")
        if kind not in KINDS:
            self.problem(
                "kind", lazy("unknown kind {kind} (expected one of: {kinds})", kind=repr(kind), kinds=listed(KINDS))
            )
            return None
        unknown = set(raw) - COMMON_FIELDS - KIND_FIELDS[kind]
        for name in sorted(unknown):
            self.problem(name, lazy("unknown field for kind {kind}", kind=kind))

        topic_id = raw.get("topic")
        topic = self.syllabus.topic(topic_id) if isinstance(topic_id, str) else None
        if topic is None:
            self.problem("topic", lazy("unknown topic {topic} (see `dlquiz topics`)", topic=repr(topic_id)))
        difficulty = raw.get("difficulty")
        if difficulty not in (1, 2, 3):
            self.problem("difficulty", lazy("expected 1, 2 or 3, got {value}", value=repr(difficulty)))
        source = raw.get("source")
        source_error = source_problem(source)
        if source_error:
            self.problem("source", source_error)
        prompt = self.text(raw, "prompt")
        explanation = self.text(raw, "explanation")
        hints = self.text_list(raw, "hints")
        time = raw.get("time", DEFAULT_TIME[KIND_LETTER[kind]])
        if not isinstance(time, int) or time <= 0:
            self.problem("time", lazy("expected a positive number of seconds, got {value}", value=repr(time)))
        tags = raw.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            self.problem("tags", lazy("expected an array of strings"))
            tags = []

        fields: dict[str, Any] = {}
        answer = getattr(self, f"_kind_{kind}")(raw, fields)
        mistakes = self._mistakes(raw, kind, fields)
        self._check_mistakes_differ(mistakes, answer, kind)

        if len(self.problems) > n_before or prompt is None or explanation is None:
            return None
        assert topic is not None and isinstance(item_id, str) and isinstance(source, str)
        assert isinstance(difficulty, int)
        return Item(
            id=item_id,
            topic=topic.id,
            kind=kind,
            difficulty=int(difficulty),
            source=source,
            prompt=prompt,
            explanation=explanation,
            answer=answer,
            file=self.file,
            line=line,
            chapter=topic.chapter,
            time=time,
            tags=tuple(tags),
            hints=hints,
            mistakes=mistakes,
            **fields,
        )

    # -- per kind: validate and return the answer key ------------------------------------

    def _choices(self, raw: dict[str, Any], fields: dict[str, Any]) -> int:
        choices = self.text_list(raw, "choices")
        if not 2 <= len(raw.get("choices", [])) <= len(LETTERS):
            self.problem("choices", lazy("expected 2 to {n} choices", n=len(LETTERS)))
        fields["choices"] = choices
        shuffle = raw.get("shuffle", True)
        if not isinstance(shuffle, bool):
            self.problem("shuffle", lazy("expected true or false, got {value}", value=repr(shuffle)))
            shuffle = True
        fields["shuffle"] = shuffle
        return len(raw.get("choices", []))

    def _kind_single(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        n = self._choices(raw, fields)
        return self.letter(raw.get("answer"), n, "answer")

    def _kind_multi(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        n = self._choices(raw, fields)
        answer = raw.get("answer")
        if not isinstance(answer, list) or not answer:
            self.problem("answer", lazy("expected an array of choice letters, got {value}", value=repr(answer)))
            return None
        letters = [self.letter(a, n, "answer") for a in answer]
        if len(set(letters)) != len(letters):
            self.problem("answer", lazy("a letter is repeated"))
        return tuple(sorted(x for x in letters if x))

    def _kind_ordering(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        n = self._choices(raw, fields)
        if "answers" in raw:
            return self._orders(raw, n, fields)
        answer = raw.get("answer")
        if not isinstance(answer, list):
            self.problem(
                "answer", lazy("expected an array of choice letters in order, got {value}", value=repr(answer))
            )
            return None
        letters = [self.letter(a, n, "answer") for a in answer]
        if sorted(x or "" for x in letters) != list(LETTERS[:n]):
            self.problem("answer", lazy("must name every choice exactly once ({letters})", letters=LETTERS[:n]))
        return tuple(x for x in letters if x)

    def _orders(self, raw: dict[str, Any], n: int, fields: dict[str, Any]) -> Any:
        """`answers = [{ order = [...], en = "convention", zh = "..." }, ...]`: every defensible order."""
        if "answer" in raw:
            self.problem("answers", lazy("give either answer or answers, not both"))
        value = raw.get("answers")
        if not isinstance(value, list) or not value:
            self.problem(
                "answers",
                lazy("expected an array of {{ order = [{letters}], en = ..., zh = ... }}", letters=_LETTERS_WORD),
            )
            return None
        orders: list[Order] = []
        for k, entry in enumerate(value, 1):
            field = f"answers[{k}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("order"), list):
                self.problem(
                    field, lazy("expected {{ order = [{letters}], en = ..., zh = ... }}", letters=_LETTERS_WORD)
                )
                continue
            letters = [self.letter(a, n, f"{field}.order") for a in entry["order"]]
            if sorted(x or "" for x in letters) != list(LETTERS[:n]):
                self.problem(
                    f"{field}.order", lazy("must name every choice exactly once ({letters})", letters=LETTERS[:n])
                )
                continue
            note = None
            if len(value) > 1 or "en" in entry or "zh" in entry:
                note = self._bilingual({k2: v for k2, v in entry.items() if k2 != "order"}, field)
            order = tuple(x for x in letters if x)
            if any(o.answer == order for o in orders):
                self.problem(f"{field}.order", lazy("the same order is listed twice"))
            orders.append(Order(order, note))
        fields["orders"] = tuple(orders)
        return orders[0].answer if orders else None

    def _kind_explain(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        model = self.text(raw, "model_answer")
        rubric = self.text_list(raw, "rubric")
        if not 3 <= len(raw.get("rubric", [])) <= 5:
            self.problem("rubric", lazy("expected 3 to 5 key points {table}", table=_TEXT_TABLE))
        fields.update(model_answer=model, rubric=rubric)
        return None

    def _kind_truefalse(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        answer = raw.get("answer")
        if not isinstance(answer, bool):
            self.problem("answer", lazy("expected true or false, got {value}", value=repr(answer)))
        return answer

    def _kind_short(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        answer = raw.get("answer")
        if isinstance(answer, str):
            answer = [answer]
        if not isinstance(answer, list) or not answer or not all(isinstance(a, str) and a.strip() for a in answer):
            self.problem("answer", lazy("expected an array of accepted answers, got {value}", value=repr(answer)))
            return None
        return tuple(answer)

    def _kind_numeric(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        answer = raw.get("answer")
        generator = raw.get("generator")
        if generator is not None and not isinstance(generator, str):
            self.problem("generator", lazy("expected a generator name, got {value}", value=repr(generator)))
            generator = None
        if answer is None and generator is None:
            self.problem("answer", lazy("missing (a number, or a `generator` that computes it)"))
        elif answer is not None and (
            isinstance(answer, bool) or not isinstance(answer, int | float) or not math.isfinite(answer)
        ):
            self.problem("answer", lazy("expected a finite number, got {value}", value=repr(answer)))
            answer = None
        for name in ("tolerance", "rel_tolerance"):
            tol = raw.get(name)
            if tol is not None and (not isinstance(tol, int | float) or tol < 0):
                self.problem(name, lazy("expected a non-negative number, got {value}", value=repr(tol)))
        params = raw.get("params", {})
        if not isinstance(params, dict):
            self.problem("params", lazy("expected a table of parameter values"))
            params = {}
        ask = raw.get("ask", "answer")
        parts = self._parts(raw)
        if isinstance(ask, list) and "parts" not in raw:
            parts = self._parts({"parts": [{"ask": a} for a in ask]}, field="ask")
            ask = "answer"
        elif not isinstance(ask, str):
            self.problem(
                "ask",
                lazy(
                    "expected a value name (or an array of names for a multi-part item), got {value}", value=repr(ask)
                ),
            )
            ask = "answer"
        elif "parts" in raw and "ask" in raw:
            self.problem("ask", lazy("give either ask or parts, not both (parts lists every value asked)"))
        if generator is None and ("params" in raw or "ask" in raw or "parts" in raw):
            self.problem("generator", lazy("params/ask/parts given without a generator"))
        if parts and answer is not None:
            self.problem("answer", lazy("a multi-part item takes its keys from the generator: remove answer"))
        if parts and raw.get("mistakes"):
            self.problem(
                "mistakes",
                lazy(
                    "not supported on a multi-part item (the wrong part, its right value and its "
                    "worked step are shown); use hints"
                ),
            )
        fields["parts"] = parts
        for name, low, high in (("decimals", 0, 10), ("sig_figs", 1, 12)):
            digits = raw.get(name)
            if digits is not None and (
                isinstance(digits, bool) or not isinstance(digits, int) or not low <= digits <= high
            ):
                self.problem(
                    name,
                    lazy(
                        "expected a whole number from {low} to {high}, got {value}",
                        low=low,
                        high=high,
                        value=repr(digits),
                    ),
                )
                raw = {k: v for k, v in raw.items() if k != name}
        if "decimals" in raw and "sig_figs" in raw:
            self.problem("sig_figs", lazy("give either decimals or sig_figs, not both"))
        if ("decimals" in raw or "sig_figs" in raw) and ("tolerance" in raw or "rel_tolerance" in raw):
            self.problem("tolerance", lazy("the tolerance follows from decimals/sig_figs; do not give both"))
        fields.update(decimals=raw.get("decimals"), sig_figs=raw.get("sig_figs"))
        fields.update(
            tolerance=raw.get("tolerance"),
            rel_tolerance=raw.get("rel_tolerance"),
            unit=self._unit(raw.get("unit")),
            generator=generator,
            ask=ask,
            params=params,
        )
        return None if answer is None else float(answer)

    def _parts(self, raw: dict[str, Any], field: str = "parts") -> tuple[Part, ...]:
        """`parts = [{ ask = "Z1", en = "…", zh = "…" }, …]` (labels optional, both or neither);
        `ask = ["Z1", "A1"]` is the same without labels."""
        value = raw.get("parts")
        if value is None:
            return ()
        if not isinstance(value, list) or not 2 <= len(value) <= 12:
            self.problem(field, lazy("expected an array of 2 to 12 parts {table}", table=_PART_TABLE))
            return ()
        out: list[Part] = []
        for n, entry in enumerate(value, 1):
            where = f"{field}[{n}]"
            name = entry.get("ask") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][\w.]*(\[[\d,\s]+\])*", name.strip()):
                self.problem(
                    where,
                    lazy('expected {{ ask = "NAME" }} naming a value of the generator, got {value}', value=repr(entry)),
                )
                continue
            label = None
            rest = {k: v for k, v in entry.items() if k != "ask"}
            if rest:
                label = self._bilingual(rest, where)
            if any(p.ask == name.strip() for p in out):
                self.problem(where, lazy("{name} is asked twice", name=repr(name)))
            out.append(Part(name.strip(), label))
        return tuple(out)

    def _unit(self, value: Any) -> Text | None:
        """A unit: a table { en, zh }, or an English word (common ones have a Chinese form)."""
        if value is None:
            return None
        if isinstance(value, dict):
            return self._bilingual(value, "unit")
        if isinstance(value, str) and value.strip():
            word = value.strip()
            return Text(value, t(word, "zh") if word in UNITS else value)
        self.problem("unit", lazy("expected a word or {table}, got {value}", table=_TEXT_TABLE, value=repr(value)))
        return None

    def _kind_formula(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        answer = raw.get("answer")
        if not isinstance(answer, str) or not answer.strip():
            self.problem("answer", lazy("expected a formula string, got {value}", value=repr(answer)))
            answer = None
        canonical = raw.get("canonical")
        if canonical is not None and not isinstance(canonical, str):
            self.problem("canonical", lazy("expected a formula string"))
            canonical = None
        assume = raw.get("assume", [])
        if not isinstance(assume, list) or not all(isinstance(a, str) for a in assume):
            self.problem("assume", lazy('expected an array of assumptions such as "x>0"'))
            assume = []
        let = raw.get("let", {})
        if not isinstance(let, dict) or not all(isinstance(v, str) for v in let.values()):
            self.problem(
                "let", lazy("expected a table of abbreviations such as {example}", example='{ s = "sigma(x)" }')
            )
            let = {}
        forbid = raw.get("forbid", [])
        if not isinstance(forbid, list) or not all(isinstance(f, str) and f.isidentifier() for f in forbid):
            self.problem("forbid", lazy('expected an array of function names such as ["relu"]'))
            forbid = []
        require = raw.get("require", [])
        if not isinstance(require, list) or not all(isinstance(f, str) and f.isidentifier() for f in require):
            self.problem("require", lazy('expected an array of names the answer must use, such as ["sigma"]'))
            require = []
        constraint = self.text(raw, "constraint", required=False)
        fields.update(
            canonical=canonical,
            assume=tuple(assume),
            let=dict(let),
            forbid=tuple(forbid),
            require=tuple(require),
            constraint=constraint,
        )
        return answer

    def _kind_derivation(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        given = raw.get("given", [])
        if not isinstance(given, list) or not all(isinstance(g, str) for g in given):
            self.problem("given", lazy("expected an array of definition lines"))
            given = []
        for name in ("start", "goal", "solution"):
            if not isinstance(raw.get(name), str) or not raw[name].strip():
                self.problem(name, lazy("missing (a derivation needs start, goal and solution)"))
        fields.update(
            given=tuple(given),
            start=raw.get("start"),
            goal=raw.get("goal"),
            solution=raw.get("solution"),
            milestones=self._milestones(raw),
        )
        return None

    def _milestones(self, raw: dict[str, Any]) -> tuple[Milestone, ...]:
        """`milestones = [{ form = "..." or ["...", ...], en = "...", zh = "..." }]`."""
        value = raw.get("milestones", [])
        if not isinstance(value, list):
            self.problem("milestones", lazy("expected an array of {table}", table=MILESTONE_TABLE))
            return ()
        out = []
        for n, entry in enumerate(value, 1):
            field = f"milestones[{n}]"
            form = entry.get("form") if isinstance(entry, dict) else None
            forms = [form] if isinstance(form, str) else form
            if not isinstance(forms, list) or not forms or not all(isinstance(f, str) and f.strip() for f in forms):
                self.problem(
                    field,
                    lazy(
                        'expected {{ form = "{formula}" (or an array of alternatives), en, zh }}',
                        formula=lazy("formula"),
                    ),
                )
                continue
            text = self._bilingual({k: v for k, v in entry.items() if k != "form"}, field)
            if text:
                out.append(Milestone(tuple(f.strip() for f in forms), text))
        return tuple(out)

    def _check_mistakes_differ(self, mistakes: tuple[Mistake, ...], answer: Any, kind: str) -> None:
        """A known mistake must not be the key itself, nor listed twice."""
        seen: list[Any] = []
        for n, m in enumerate(mistakes, 1):
            value = m.answer
            if kind in ("single", "multi", "ordering", "numeric") and value == answer:
                self.problem(
                    f"mistakes[{n}].answer", lazy("{value} is the key itself, not a mistake", value=repr(value))
                )
            elif kind == "short" and isinstance(answer, tuple) and str(value) in answer:
                self.problem(
                    f"mistakes[{n}].answer", lazy("{value} is an accepted answer, not a mistake", value=repr(value))
                )
            if value in seen:
                self.problem(f"mistakes[{n}].answer", lazy("{value} is listed twice", value=repr(value)))
            seen.append(value)

    def _mistakes(self, raw: dict[str, Any], kind: str, fields: dict[str, Any]) -> tuple[Mistake, ...]:
        value = raw.get("mistakes", [])
        if not isinstance(value, list):
            self.problem("mistakes", lazy("expected an array of {table}", table=_MISTAKE_TABLE))
            return ()
        out = []
        for n, entry in enumerate(value, 1):
            field = f"mistakes[{n}]"
            if not isinstance(entry, dict) or "answer" not in entry:
                self.problem(field, lazy("expected {table}", table=_MISTAKE_TABLE))
                continue
            message = self._bilingual({k: v for k, v in entry.items() if k != "answer"}, field)
            answer = entry["answer"]
            if kind in ("single", "multi", "ordering"):
                n_choices = len(fields.get("choices", ()))
                letters = answer if isinstance(answer, list) else [answer]
                checked = [self.letter(a, n_choices, f"{field}.answer") for a in letters]
                answer = checked[0] if kind == "single" else tuple(x for x in checked if x)
            elif kind == "numeric" and (isinstance(answer, bool) or not isinstance(answer, int | float)):
                self.problem(f"{field}.answer", lazy("expected a number, got {value}", value=repr(answer)))
            elif kind in ("formula", "short") and not isinstance(answer, str):
                self.problem(f"{field}.answer", lazy("expected a string, got {value}", value=repr(answer)))
            elif kind == "truefalse":
                self.problem(field, lazy("a true/false item has no wrong answers to list"))
            if message:
                out.append(Mistake(answer, message))
        return tuple(out)

"""Validating the fields of one bank item, kind by kind (`_Reader`), and `Problem`, the report of
one thing wrong: its place (file:line, item id), field and message.

Validation goes on after the first problem so that `dlquiz bank check` lists all of them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from dlquiz.bank.model import DEFAULT_TIME, KIND_LETTER, KINDS, Item, Milestone, Mistake, Order, Part
from dlquiz.bank.sources import source_problem
from dlquiz.bank.syllabus import Syllabus
from dlquiz.i18n import N_, Text, t

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
    """One thing wrong in the bank."""

    file: str
    line: int
    item: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f" item {self.item}:" if self.item else ""
        what = f" {self.field}:" if self.field else ""
        return f"{where}:{who}{what} {self.message}"


class _Reader:
    """Validates the raw tables of one file, collecting problems."""

    def __init__(self, file: str, syllabus: Syllabus) -> None:
        self.file = file
        self.syllabus = syllabus
        self.problems: list[Problem] = []
        self.line = 0
        self.item_id = ""

    def problem(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.line, self.item_id, field, message))

    def text(self, raw: dict[str, Any], field: str, required: bool = True) -> Text | None:
        value = raw.get(field)
        if value is None:
            if required:
                self.problem(field, "missing (needs en and zh)")
            return None
        if not isinstance(value, dict):
            self.problem(field, f"expected a table with en and zh, got {type(value).__name__}")
            return None
        return self._bilingual(value, field)

    def _bilingual(self, value: dict[str, Any], field: str) -> Text | None:
        ok = True
        for lang in ("en", "zh"):
            v = value.get(lang)
            if not isinstance(v, str) or not v.strip():
                self.problem(f"{field}.{lang}", "missing language" if v is None else "empty")
                ok = False
        extra = set(value) - {"en", "zh"}
        if extra:
            self.problem(field, f"unknown language key(s) {sorted(extra)} (expected en, zh)")
        return Text(value["en"].strip(), value["zh"].strip()) if ok else None

    def text_list(self, raw: dict[str, Any], field: str) -> tuple[Text, ...]:
        value = raw.get(field, [])
        if not isinstance(value, list):
            self.problem(field, "expected an array of { en = ..., zh = ... }")
            return ()
        out = []
        for n, entry in enumerate(value, 1):
            if not isinstance(entry, dict):
                self.problem(f"{field}[{n}]", "expected { en = ..., zh = ... }")
                continue
            text = self._bilingual(entry, f"{field}[{n}]")
            if text:
                out.append(text)
        return tuple(out)

    def letter(self, value: Any, n_choices: int, field: str) -> str | None:
        if not isinstance(value, str) or len(value.strip()) != 1:
            self.problem(field, f"expected a choice letter, got {value!r}")
            return None
        letter = value.strip().lower()
        valid = LETTERS[:n_choices]
        if letter not in valid:
            self.problem(field, f"choice {value!r} is not among the choices ({', '.join(valid)})")
            return None
        return letter

    def item(self, raw: dict[str, Any], line: int) -> Item | None:
        self.line = line
        self.item_id = str(raw.get("id", ""))
        n_before = len(self.problems)

        item_id = raw.get("id")
        if not isinstance(item_id, str) or not ID_RE.match(item_id):
            self.problem("id", f"missing or invalid id {item_id!r} (lower case, [a-z0-9._-])")
        kind = raw.get("kind")
        if kind not in KINDS:
            self.problem("kind", f"unknown kind {kind!r} (expected one of: {', '.join(KINDS)})")
            return None
        unknown = set(raw) - COMMON_FIELDS - KIND_FIELDS[kind]
        for name in sorted(unknown):
            self.problem(name, f"unknown field for kind {kind}")

        topic_id = raw.get("topic")
        topic = self.syllabus.topic(topic_id) if isinstance(topic_id, str) else None
        if topic is None:
            self.problem("topic", f"unknown topic {topic_id!r} (see `dlquiz topics`)")
        difficulty = raw.get("difficulty")
        if difficulty not in (1, 2, 3):
            self.problem("difficulty", f"expected 1, 2 or 3, got {difficulty!r}")
        source = raw.get("source")
        source_error = source_problem(source)
        if source_error:
            self.problem("source", source_error)
        prompt = self.text(raw, "prompt")
        explanation = self.text(raw, "explanation")
        hints = self.text_list(raw, "hints")
        time = raw.get("time", DEFAULT_TIME[KIND_LETTER[kind]])
        if not isinstance(time, int) or time <= 0:
            self.problem("time", f"expected a positive number of seconds, got {time!r}")
        tags = raw.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            self.problem("tags", "expected an array of strings")
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
            self.problem("choices", f"expected 2 to {len(LETTERS)} choices")
        fields["choices"] = choices
        shuffle = raw.get("shuffle", True)
        if not isinstance(shuffle, bool):
            self.problem("shuffle", f"expected true or false, got {shuffle!r}")
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
            self.problem("answer", f"expected an array of choice letters, got {answer!r}")
            return None
        letters = [self.letter(a, n, "answer") for a in answer]
        if len(set(letters)) != len(letters):
            self.problem("answer", "a letter is repeated")
        return tuple(sorted(x for x in letters if x))

    def _kind_ordering(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        n = self._choices(raw, fields)
        if "answers" in raw:
            return self._orders(raw, n, fields)
        answer = raw.get("answer")
        if not isinstance(answer, list):
            self.problem("answer", f"expected an array of choice letters in order, got {answer!r}")
            return None
        letters = [self.letter(a, n, "answer") for a in answer]
        if sorted(x or "" for x in letters) != list(LETTERS[:n]):
            self.problem("answer", f"must name every choice exactly once ({LETTERS[:n]})")
        return tuple(x for x in letters if x)

    def _orders(self, raw: dict[str, Any], n: int, fields: dict[str, Any]) -> Any:
        """`answers = [{ order = [...], en = "convention", zh = "..." }, ...]`: every defensible order."""
        if "answer" in raw:
            self.problem("answers", "give either answer or answers, not both")
        value = raw.get("answers")
        if not isinstance(value, list) or not value:
            self.problem("answers", "expected an array of { order = [letters], en = ..., zh = ... }")
            return None
        orders: list[Order] = []
        for k, entry in enumerate(value, 1):
            field = f"answers[{k}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("order"), list):
                self.problem(field, "expected { order = [letters], en = ..., zh = ... }")
                continue
            letters = [self.letter(a, n, f"{field}.order") for a in entry["order"]]
            if sorted(x or "" for x in letters) != list(LETTERS[:n]):
                self.problem(f"{field}.order", f"must name every choice exactly once ({LETTERS[:n]})")
                continue
            note = None
            if len(value) > 1 or "en" in entry or "zh" in entry:
                note = self._bilingual({k2: v for k2, v in entry.items() if k2 != "order"}, field)
            order = tuple(x for x in letters if x)
            if any(o.answer == order for o in orders):
                self.problem(f"{field}.order", "the same order is listed twice")
            orders.append(Order(order, note))
        fields["orders"] = tuple(orders)
        return orders[0].answer if orders else None

    def _kind_explain(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        model = self.text(raw, "model_answer")
        rubric = self.text_list(raw, "rubric")
        if not 3 <= len(raw.get("rubric", [])) <= 5:
            self.problem("rubric", "expected 3 to 5 key points { en = ..., zh = ... }")
        fields.update(model_answer=model, rubric=rubric)
        return None

    def _kind_truefalse(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        answer = raw.get("answer")
        if not isinstance(answer, bool):
            self.problem("answer", f"expected true or false, got {answer!r}")
        return answer

    def _kind_short(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        answer = raw.get("answer")
        if isinstance(answer, str):
            answer = [answer]
        if not isinstance(answer, list) or not answer or not all(isinstance(a, str) and a.strip() for a in answer):
            self.problem("answer", f"expected an array of accepted answers, got {answer!r}")
            return None
        return tuple(answer)

    def _kind_numeric(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        answer = raw.get("answer")
        generator = raw.get("generator")
        if generator is not None and not isinstance(generator, str):
            self.problem("generator", f"expected a generator name, got {generator!r}")
            generator = None
        if answer is None and generator is None:
            self.problem("answer", "missing (a number, or a `generator` that computes it)")
        elif answer is not None and (
            isinstance(answer, bool) or not isinstance(answer, int | float) or not math.isfinite(answer)
        ):
            self.problem("answer", f"expected a finite number, got {answer!r}")
            answer = None
        for name in ("tolerance", "rel_tolerance"):
            tol = raw.get(name)
            if tol is not None and (not isinstance(tol, int | float) or tol < 0):
                self.problem(name, f"expected a non-negative number, got {tol!r}")
        params = raw.get("params", {})
        if not isinstance(params, dict):
            self.problem("params", "expected a table of parameter values")
            params = {}
        ask = raw.get("ask", "answer")
        parts = self._parts(raw)
        if isinstance(ask, list) and "parts" not in raw:
            parts = self._parts({"parts": [{"ask": a} for a in ask]}, field="ask")
            ask = "answer"
        elif not isinstance(ask, str):
            self.problem("ask", f"expected a value name (or an array of names for a multi-part item), got {ask!r}")
            ask = "answer"
        elif "parts" in raw and "ask" in raw:
            self.problem("ask", "give either ask or parts, not both (parts lists every value asked)")
        if generator is None and ("params" in raw or "ask" in raw or "parts" in raw):
            self.problem("generator", "params/ask/parts given without a generator")
        if parts and answer is not None:
            self.problem("answer", "a multi-part item takes its keys from the generator: remove answer")
        if parts and raw.get("mistakes"):
            self.problem(
                "mistakes",
                "not supported on a multi-part item (the wrong part, its right value and its "
                "worked step are shown); use hints",
            )
        fields["parts"] = parts
        for name, low, high in (("decimals", 0, 10), ("sig_figs", 1, 12)):
            digits = raw.get(name)
            if digits is not None and (
                isinstance(digits, bool) or not isinstance(digits, int) or not low <= digits <= high
            ):
                self.problem(name, f"expected a whole number from {low} to {high}, got {digits!r}")
                raw = {k: v for k, v in raw.items() if k != name}
        if "decimals" in raw and "sig_figs" in raw:
            self.problem("sig_figs", "give either decimals or sig_figs, not both")
        if ("decimals" in raw or "sig_figs" in raw) and ("tolerance" in raw or "rel_tolerance" in raw):
            self.problem("tolerance", "the tolerance follows from decimals/sig_figs; do not give both")
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
            self.problem(field, 'expected an array of 2 to 12 parts { ask = "NAME", en = "…", zh = "…" }')
            return ()
        out: list[Part] = []
        for n, entry in enumerate(value, 1):
            where = f"{field}[{n}]"
            name = entry.get("ask") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][\w.]*(\[[\d,\s]+\])*", name.strip()):
                self.problem(where, f'expected {{ ask = "NAME" }} naming a value of the generator, got {entry!r}')
                continue
            label = None
            rest = {k: v for k, v in entry.items() if k != "ask"}
            if rest:
                label = self._bilingual(rest, where)
            if any(p.ask == name.strip() for p in out):
                self.problem(where, f"{name!r} is asked twice")
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
        self.problem("unit", f"expected a word or {{ en = ..., zh = ... }}, got {value!r}")
        return None

    def _kind_formula(self, raw: dict[str, Any], fields: dict[str, Any]) -> Any:
        answer = raw.get("answer")
        if not isinstance(answer, str) or not answer.strip():
            self.problem("answer", f"expected a formula string, got {answer!r}")
            answer = None
        canonical = raw.get("canonical")
        if canonical is not None and not isinstance(canonical, str):
            self.problem("canonical", "expected a formula string")
            canonical = None
        assume = raw.get("assume", [])
        if not isinstance(assume, list) or not all(isinstance(a, str) for a in assume):
            self.problem("assume", 'expected an array of assumptions such as "x>0"')
            assume = []
        let = raw.get("let", {})
        if not isinstance(let, dict) or not all(isinstance(v, str) for v in let.values()):
            self.problem("let", 'expected a table of abbreviations such as { s = "sigma(x)" }')
            let = {}
        forbid = raw.get("forbid", [])
        if not isinstance(forbid, list) or not all(isinstance(f, str) and f.isidentifier() for f in forbid):
            self.problem("forbid", 'expected an array of function names such as ["relu"]')
            forbid = []
        require = raw.get("require", [])
        if not isinstance(require, list) or not all(isinstance(f, str) and f.isidentifier() for f in require):
            self.problem("require", 'expected an array of names the answer must use, such as ["sigma"]')
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
            self.problem("given", "expected an array of definition lines")
            given = []
        for name in ("start", "goal", "solution"):
            if not isinstance(raw.get(name), str) or not raw[name].strip():
                self.problem(name, "missing (a derivation needs start, goal and solution)")
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
            self.problem("milestones", "expected an array of { form = ..., en = ..., zh = ... }")
            return ()
        out = []
        for n, entry in enumerate(value, 1):
            field = f"milestones[{n}]"
            form = entry.get("form") if isinstance(entry, dict) else None
            forms = [form] if isinstance(form, str) else form
            if not isinstance(forms, list) or not forms or not all(isinstance(f, str) and f.strip() for f in forms):
                self.problem(field, 'expected { form = "formula" (or an array of alternatives), en, zh }')
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
                self.problem(f"mistakes[{n}].answer", f"{value!r} is the key itself, not a mistake")
            elif kind == "short" and isinstance(answer, tuple) and str(value) in answer:
                self.problem(f"mistakes[{n}].answer", f"{value!r} is an accepted answer, not a mistake")
            if value in seen:
                self.problem(f"mistakes[{n}].answer", f"{value!r} is listed twice")
            seen.append(value)

    def _mistakes(self, raw: dict[str, Any], kind: str, fields: dict[str, Any]) -> tuple[Mistake, ...]:
        value = raw.get("mistakes", [])
        if not isinstance(value, list):
            self.problem("mistakes", "expected an array of { answer = ..., en = ..., zh = ... }")
            return ()
        out = []
        for n, entry in enumerate(value, 1):
            field = f"mistakes[{n}]"
            if not isinstance(entry, dict) or "answer" not in entry:
                self.problem(field, "expected { answer = ..., en = ..., zh = ... }")
                continue
            message = self._bilingual({k: v for k, v in entry.items() if k != "answer"}, field)
            answer = entry["answer"]
            if kind in ("single", "multi", "ordering"):
                n_choices = len(fields.get("choices", ()))
                letters = answer if isinstance(answer, list) else [answer]
                checked = [self.letter(a, n_choices, f"{field}.answer") for a in letters]
                answer = checked[0] if kind == "single" else tuple(x for x in checked if x)
            elif kind == "numeric" and (isinstance(answer, bool) or not isinstance(answer, int | float)):
                self.problem(f"{field}.answer", f"expected a number, got {answer!r}")
            elif kind in ("formula", "short") and not isinstance(answer, str):
                self.problem(f"{field}.answer", f"expected a string, got {answer!r}")
            elif kind == "truefalse":
                self.problem(field, "a true/false item has no wrong answers to list")
            if message:
                out.append(Mistake(answer, message))
        return tuple(out)

"""One way to speak Chinese: the catalog covers every message the code passes to `t`/`N_`, and nothing else."""

from __future__ import annotations

import ast
import re
import string
import unicodedata
from pathlib import Path

import pytest

import dlquiz
from dlquiz.i18n import N_, catalog, catalog_files, chinese, lazy, localized, t

PACKAGE = Path(dlquiz.__file__).parent
# the calls whose arguments are catalog messages, like xgettext's --keyword: (module, name) -> (positions,
# keyword names). Worked-example steps are written in English and shown through the catalog, so a step's
# name and note, a parameter's help and a generator's title are messages where they are written.
KEYWORDS: dict[tuple[str, str], tuple[tuple[int, ...], tuple[str, ...]]] = {
    ("dlquiz.i18n", "t"): ((0,), ()),
    ("dlquiz.i18n", "N_"): ((0,), ()),
    ("dlquiz.i18n", "lazy"): ((0,), ()),
    ("dlquiz.worked._core", "Step"): ((0, 3), ("name", "note")),
    ("dlquiz.worked._core", "ParamSpec"): ((1,), ("help", "applies")),
    ("dlquiz.worked._core", "register"): ((2,), ("title_en",)),
}


def _extract(tree: ast.AST) -> tuple[list[tuple[int, str]], list[int]]:
    """(line, msgid) of every literal message passed to a keyword of `KEYWORDS` as imported from its
    module, and the lines of `t`/`N_`/`lazy` calls whose message is not a literal."""
    aliases: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                spec = KEYWORDS.get((node.module, a.name))
                if spec:
                    aliases[a.asname or a.name] = spec
    found: list[tuple[int, str]] = []
    dynamic: list[int] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in aliases):
            continue
        positions, names = aliases[node.func.id]
        args = [node.args[i] for i in positions if i < len(node.args)]
        args += [k.value for k in node.keywords if k.arg in names]
        for arg in args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                if arg.value:
                    found.append((node.lineno, arg.value))
            elif not names and arg is args[0]:
                dynamic.append(node.lineno)
    return found, dynamic


def extract_messages() -> dict[str, list[str]]:
    """msgid -> the places (file:line) that use it, over every module of the package."""
    out: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        found, _ = _extract(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for line, msgid in found:
            out.setdefault(msgid, []).append(f"{path.relative_to(PACKAGE.parent)}:{line}")
    return out


MESSAGES = extract_messages()


def _fields(text: str) -> set[str]:
    return {f"{name}:{spec}" for _, name, spec, _ in string.Formatter().parse(text) if name is not None}


def test_extraction_finds_the_messages_of_migrated_modules() -> None:
    # the extractor itself: a known message of `dlquiz review` and a table word marked with N_
    assert "Nothing to review today." in MESSAGES
    assert any("review_cmd.py" in place for place in MESSAGES["Nothing to review today."])
    assert "not reached" in MESSAGES  # RESULT_WORDS in progress/exam_report.py


def test_extractor_on_a_sample() -> None:
    source = (
        "from dlquiz.i18n import t as tr, N_\n"
        "def t(en, zh): return en\n"  # a local helper of the same name elsewhere is not ours ...
        "WORDS = (N_('due'),)\n"
        "x = tr('Hello {name}', 'zh', name='x')\n"
        "y = tr(WORDS[0], 'zh')\n"
        "z = t('not', 'marked')\n"  # ... but here `t` was not imported from dlquiz.i18n
    )
    found, dynamic = _extract(ast.parse(source))
    assert sorted(m for _, m in found) == ["Hello {name}", "due"]
    assert dynamic == [5]


def test_every_message_has_a_chinese_form() -> None:
    missing = {m: places for m, places in MESSAGES.items() if chinese(m) is None}
    assert not missing, "messages without a Chinese form in dlquiz/i18n/zh.toml:\n" + "\n".join(
        f"  {m!r}  ({', '.join(p)})" for m, p in sorted(missing.items())
    )


def test_each_message_has_one_entry_over_the_catalog_files() -> None:
    seen: dict[str, str] = {}
    twice = []
    for name, entries in catalog_files():
        for msgid in entries:
            if msgid in seen:
                twice.append(f"{msgid!r} in {seen[msgid]} and {name}")
            seen[msgid] = name
    assert not twice, "messages with two entries:\n" + "\n".join(twice)


def test_no_catalog_entry_is_unused() -> None:
    unused = sorted(set(catalog()) - set(MESSAGES))
    assert not unused, f"catalog entries no code passes to t/N_: {unused}"


@pytest.mark.parametrize("msgid", sorted(catalog()))
def test_chinese_form_has_the_same_placeholders(msgid: str) -> None:
    assert _fields(catalog()[msgid]) == _fields(msgid)


@pytest.mark.parametrize("msgid", sorted(catalog()))
def test_chinese_form_is_chinese(msgid: str) -> None:
    zh = catalog()[msgid]
    assert zh.strip(), msgid
    # a translation that only copies the English is no translation (symbols, names and options aside: "F1", "ŷ − t")
    assert zh != msgid or not re.search(r"[A-Za-z]{3}", msgid), msgid


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Wrote 3 cards to deck.apkg"),
        ("zh", "已写入 3 张卡片到 deck.apkg"),
        ("fr", "Wrote 3 cards to deck.apkg"),  # any other language gets the English
    ],
)
def test_t_fills_placeholders_in_the_language(lang: str, expected: str) -> None:
    assert t("Wrote {n} cards to {path}", lang, n=3, path="deck.apkg") == expected


def test_t_keeps_braces_of_messages_without_fields() -> None:
    assert t("a {literal} brace", "en") == "a {literal} brace"


def test_unknown_message_falls_back_to_english() -> None:
    assert t("a message nobody translated", "zh") == "a message nobody translated"
    assert N_("x") == "x"


# every module of the package writes its Chinese only in the catalog (docstrings aside: help examples
# such as `dlquiz search 卷积`)
MODULES = sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) == "W" and unicodedata.category(c) == "Lo" for c in text)


def _docstring_lines(tree: ast.AST) -> set[int]:
    """Lines of docstrings (help texts show examples such as `dlquiz search 卷积`)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                out |= set(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return out


@pytest.mark.parametrize("module", MODULES)
def test_migrated_module_writes_no_chinese_itself(module: str) -> None:
    source = (PACKAGE / module).read_text(encoding="utf-8")
    skip = _docstring_lines(ast.parse(source))
    lines = [n for n, line in enumerate(source.splitlines(), 1) if _has_cjk(line) and n not in skip]
    assert not lines, f"{module}: Chinese text outside the catalog on lines {lines}"


def test_worked_steps_are_shown_through_the_one_catalog() -> None:
    from dlquiz.worked.i18n import prose, step_name

    assert t("Output size", "zh") == step_name("Output size", "zh") != "Output size"
    # a numbered step name written as a template, or as plain text, finds the one entry "Layer {n}"
    layer = lazy("Layer {n}", n=2)
    assert step_name(layer, "zh") == step_name("Layer 2", "zh") == t("Layer {n}", "zh", n=2) != "Layer 2"
    assert step_name(layer, "en") == "Layer 2"
    # a note with numbers is a lazy template; a formula the catalog does not know is shown as it is
    note = lazy("a vector of {n}", n=3)
    assert prose(note, "zh") == t("a vector of {n}", "zh", n=3) != "a vector of 3"
    assert prose(note, "en") == "a vector of 3"
    assert prose("z = 0.5·1 + (-0.25)·2", "zh") == "z = 0.5·1 + (-0.25)·2"


def test_lazy_messages_are_english_until_shown() -> None:
    from dlquiz.errors import ProgressError

    exc = ProgressError(lazy("{path}: cannot read the progress database ({reason})", path="/x/p.db", reason="EIO"))
    assert str(exc) == "/x/p.db: cannot read the progress database (EIO)"
    assert localized(exc, "zh") == "/x/p.db：无法读取进度数据库（EIO）"
    assert localized(exc, "en") == str(exc)
    assert localized(ProgressError("plain words"), "zh") == "plain words"


@pytest.mark.parametrize(
    ("parts", "lang", "kind", "want"),
    [
        (["a", "b", "c"], "en", "items", "a, b, c"),
        (["第1章 3 题", "第2章 4 题"], "zh", "items", "第1章 3 题、第2章 4 题"),
        (["x = 1", "y = 2"], "zh", "values", "x = 1，y = 2"),
        (["weak first", "then new"], "en", "clauses", "weak first; then new"),
        (["先练薄弱", "再学新题"], "zh", "clauses", "先练薄弱；再学新题"),
        (["only"], "zh", "items", "only"),
        (["Cramming first.", "Not today: 3 new."], "en", "sentences", "Cramming first. Not today: 3 new."),
        (["先练薄弱主题。", "今天放不下：新题 3 题。"], "zh", "sentences", "先练薄弱主题。今天放不下：新题 3 题。"),
    ],
)
def test_a_list_is_joined_the_way_its_language_does(parts: list[str], lang: str, kind: str, want: str) -> None:
    from dlquiz.i18n import listing

    assert listing(parts, lang, kind) == want


@pytest.mark.parametrize(
    ("label", "want"), [("Rule:", "Rule: "), ("规则：", "规则："), ("line 3:", "line 3: "), ("第 3 行：", "第 3 行：")]
)
def test_a_label_gets_a_space_unless_its_colon_is_full_width(label: str, want: str) -> None:
    from dlquiz.i18n import spaced

    assert spaced(label) == want

"""The bank speaks Chinese through the one catalog: unit words, source titles and the precision a Chinese
prompt must state come from catalog messages, with the same Chinese as before the move."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dlquiz.bank import load_bank, read_bank
from dlquiz.bank.content import content_problems, precision_zh
from dlquiz.bank.sources import BOOKS, COURSES, NOTES, source_title
from dlquiz.i18n import Text, chinese

NUMERIC = """
[[item]]
id = "fnn.count.a"
topic = "fnn.structure"
kind = "numeric"
difficulty = 1
source = "004_96e5ea7d078c6618"
prompt.en = "How many?"
prompt.zh = "多少？"
explanation.en = "e"
explanation.zh = "解"
answer = 12
unit = UNIT
"""


def _unit(tmp_path: Path, unit: str) -> Text | None:
    root = tmp_path / "q"
    (root / "04-fnn").mkdir(parents=True)
    (root / "04-fnn" / "x.toml").write_text(NUMERIC.replace("UNIT", unit), encoding="utf-8")
    items, problems = read_bank(root)
    assert not problems, [str(p) for p in problems]
    return items[0].unit


@pytest.mark.parametrize(
    ("unit", "en", "zh"),
    [
        ('"parameters"', "parameters", "个参数"),
        ('"weights"', "weights", "个权重"),
        ('"epochs"', "epochs", "轮"),
        ('"epoch"', "epoch", "轮"),
        ('"pixels"', "pixels", "像素"),
        ('"layers"', "layers", "层"),
        ('"furlongs"', "furlongs", "furlongs"),  # a word the catalog does not know stays as written
        ('{ en = "neurons", zh = "个神经元" }', "neurons", "个神经元"),  # a unit given in both languages
    ],
)
def test_unit_words_get_their_chinese_from_the_catalog(tmp_path: Path, unit: str, en: str, zh: str) -> None:
    text = _unit(tmp_path, unit)
    assert text is not None
    assert (text("en"), text("zh")) == (en, zh)


def test_every_source_title_has_its_own_chinese() -> None:
    titles = list(NOTES.values()) + list(BOOKS.values()) + list(COURSES.values())
    forms = [chinese(title) for title in titles]
    assert None not in forms
    assert len(set(forms)) == len(forms)  # no two works share a Chinese title
    for source in NOTES:
        assert source_title(source, "zh") == chinese(NOTES[source]) != source_title(source, "en")


@pytest.mark.parametrize(
    ("prompt", "stated"),
    [
        ("结果保留 3 位小数。", True),
        ("保留 4 位有效数字", True),
        ("保留两位小数", True),
        ("保留三位有效数字", True),
        ("精确到 12 位小数", True),
        ("保留小数", False),
        ("保留 x 位小数", False),
        ("每位小数", False),
        ("3 位数", False),
    ],
)
def test_a_chinese_prompt_states_its_precision(prompt: str, stated: bool) -> None:
    assert bool(precision_zh().search(prompt)) is stated


def test_a_chinese_prompt_without_its_precision_is_named_with_an_example() -> None:
    item = load_bank().get("softmax.def.pmax-fixed")
    assert item is not None
    changed = replace(item, prompt=Text(item.prompt.en, "最大的 softmax 概率是多少？"))
    messages = [f"{p.field}: {p.message}" for p in content_problems([changed])]
    assert "prompt.zh: does not state the precision (e.g. '保留 3 位小数')" in messages


@pytest.mark.parametrize(
    ("select", "en", "zh"),
    [
        (
            {"topics": ["actt"]},
            "--topic 'actt': no syllabus topic starts with it; `dlquiz topics` lists them",
            "--topic 'actt'：没有以它开头的大纲主题；`dlquiz topics` 会列出全部主题",
        ),
        (
            {"topics": ["act.relux"]},
            "--topic 'act.relux': no syllabus topic starts with it; did you mean ",
            "--topic 'act.relux'：没有以它开头的大纲主题；你是不是要找：",
        ),
        (
            {"kinds": ["essay"]},
            "--kind 'essay': unknown kind (expected one of: single, multi,",
            "--kind 'essay'：未知题型（应为以下之一：single, multi,",
        ),
    ],
)
def test_selection_errors_speak_both_languages(select: dict[str, list[str]], en: str, zh: str) -> None:
    from dlquiz.errors import UsageError
    from dlquiz.i18n import localized

    with pytest.raises(UsageError) as caught:
        load_bank().select(**select)  # type: ignore[arg-type]
    assert localized(caught.value, "en").startswith(en)
    assert localized(caught.value, "zh").startswith(zh)


def test_a_broken_bank_is_reported_in_both_languages(tmp_path: Path) -> None:
    from dlquiz.bank import load_bank as load
    from dlquiz.errors import BankError
    from dlquiz.i18n import localized

    root = tmp_path / "q"
    (root / "04-fnn").mkdir(parents=True)
    (root / "04-fnn" / "x.toml").write_text(NUMERIC.replace("UNIT", "7"), encoding="utf-8")
    with pytest.raises(BankError) as caught:
        load(root)
    en, zh = localized(caught.value, "en"), localized(caught.value, "zh")
    assert en.startswith("the question bank has 1 problem(s):\n") and "item fnn.count.a: unit:" in en
    assert en.endswith("\n(`dlquiz bank check` lists them all)")
    assert zh.startswith("题库有 1 个问题：\n") and zh.endswith("\n（`dlquiz bank check` 会列出全部问题）")
    with pytest.raises(BankError) as caught:
        load(tmp_path / "nothing")
    assert localized(caught.value, "zh") == f"{tmp_path / 'nothing'}：不是文件夹（应为题库所在的文件夹）"

"""Chapter titles come in the student's language in every listing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from dlquiz.bank.syllabus import load_syllabus
from dlquiz.cli import cli


def test_every_chapter_has_a_chinese_title() -> None:
    chapters = load_syllabus().chapters
    assert all(c.title_zh and c.name("zh") == c.title_zh and c.name("en") == c.title for c in chapters)


@pytest.mark.parametrize(
    ("args", "en", "zh"),
    [
        (["topics"], "4. Feed-forward networks", "4. 前馈神经网络"),
        (["export", "md", "--topic", "act."], "Feed-forward networks", "前馈神经网络"),
    ],
)
def test_listings_name_chapters_in_the_chosen_language(args: list[str], en: str, zh: str) -> None:
    out_en = CliRunner().invoke(cli, [*args, "--lang", "en"]).output
    out_zh = CliRunner().invoke(cli, [*args, "--lang", "zh"]).output
    assert en in out_en and zh not in out_en
    assert zh in out_zh and en not in out_zh

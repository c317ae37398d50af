"""What a student may type, in either language: answer words and the characters a short answer is folded by.

These are input vocabularies, not messages: they are what the graders accept (a student may answer a
true/false question with `t` or its Chinese word), so each is a set of words rather than a sentence. The
Chinese words live in the one catalog like every other Chinese text (``dlquiz/i18n/zh-checker.toml``): each
list is one catalog entry whose Chinese form is its words, separated by spaces.
"""

from __future__ import annotations

from dlquiz.i18n import N_, t


def _chinese_words(message: str) -> frozenset[str]:
    """The words of a catalog entry's Chinese form (space-separated)."""
    return frozenset(t(message, "zh").split())


TRUE_WORDS = frozenset({"t", "true", "y", "yes", "1", "√", "✓"}) | _chinese_words(
    N_("true, yes, right (the words that answer a true/false question with true)")
)
FALSE_WORDS = frozenset({"f", "false", "n", "no", "0", "×", "✗"}) | _chinese_words(
    N_("false, no, wrong (the words that answer a true/false question with false)")
)

# the key points a student says they made (explain items): every one, or none
ALL_WORDS = frozenset({"all", "a"}) | _chinese_words(N_("all (the words for: every key point was made)"))
NONE_WORDS = frozenset({"none", "0", "-"}) | _chinese_words(N_("none (the words for: no key point was made)"))

# common variant (traditional) characters of the course's terms -> the simplified form, in pairs
VARIANT_PAIRS = t(
    N_("traditional characters of the course's terms, each followed by its simplified form (no spaces)"), "zh"
)

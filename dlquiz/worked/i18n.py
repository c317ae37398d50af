"""Chinese for the worked steps: step names, notes, conventions and the words inside formulas.

Generators write English. A step name, note or convention is a catalog message (``dlquiz/i18n/zh-worked*.toml``):
a fixed text is looked up as it is, a text with numbers in it is written with ``dlquiz.i18n.lazy`` and carries its
template and fields. `step_name` and `prose` show either in the reader's language; a text the catalog does not
know (a formula: numbers and symbols) is shown as it is.
"""

from __future__ import annotations

import re

from dlquiz.i18n import N_, Lazy, chinese, t

# numbered step names: generators write lazy("Layer {n}", n=2); a plain "Layer 2" finds the same template
_NUMBERED_NAMES = (
    N_("Step {n}"),
    N_("Epoch {n}"),
    N_("Layer {n}"),
    N_("Update {n}"),
    N_("Keep box {n}"),
    N_("Iteration {n}"),
    N_("Decay {n}"),
)
_NUMBERED = re.compile("^(" + "|".join(m.removesuffix(" {n}") for m in _NUMBERED_NAMES) + r") (\d+)$")


def step_name(name: str, lang: str) -> str:
    """The heading of a step in `lang` (falls back to English)."""
    if lang != "zh":
        return name
    if isinstance(name, Lazy):
        return name.text(lang)
    found = chinese(name)
    if found:
        return found
    numbered = _NUMBERED.match(name)
    return t(numbered.group(1) + " {n}", lang, n=numbered.group(2)) if numbered else name


def heading(message: str, lang: str) -> str:
    """A heading or label marked with ``N_``. Where the English word has another Chinese form elsewhere (a column
    "Value" of results, a step "Value" of a function), the message names its context before "|"
    (``N_("table column|Value")``): the English shown is the part after it."""
    return t(message, lang) if lang == "zh" else message.rpartition("|")[2]


def prose(text: str, lang: str) -> str:
    """A note, a convention or a formula in `lang`: a `lazy` message or a catalog message, else as it is."""
    if lang != "zh" or not text:
        return text
    if isinstance(text, Lazy):
        return text.text(lang)
    return chinese(text) or text

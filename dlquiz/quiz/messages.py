"""Messages that send an answer back, in Chinese: our own plain-string messages and the worked
examples' value reader's are matched against templates in the catalog (`message_zh`)."""

from __future__ import annotations

import re

from dlquiz.i18n import N_, Lazy, t

# Messages that send an answer back, as templates: one of ours made elsewhere as a plain string, or one the
# worked examples' value reader raises, is matched against them and shown in Chinese from the catalog.
_TEMPLATES = (
    N_("type t (true) or f (false)"),
    N_("type a word or phrase"),
    N_("type the letter of a choice"),
    N_("{letter} is not a choice; type letters from {first} to {last}"),
    N_("pick one letter"),
    N_("give every letter exactly once, e.g. {example}"),
    N_("type a number"),
    N_("the number is too large"),
    N_("not a number at column {column}: {text} (examples: 0.25, 3/4, 1e-8, 9.5×10^-7, 75%)"),
    N_("not a number at column {column}: {text} (write decimals with a point: 0.665)"),
    N_("is the comma a decimal comma? write {point} with a decimal point (or {plain} without the comma)"),
    N_("is the comma a decimal comma? write {point} with a decimal point"),
    N_("type a formula"),
    N_("give the result itself, not a derivative still to be taken (d/dx, diff, ∂)"),
    N_("write it without {name} (column {column}): the question asks what it is made of"),
    N_("{names} does not appear in this question (write the answer in terms of: {expected})"),
    N_("{names} do not appear in this question (write the answer in terms of: {expected})"),
    N_("check the spelling: {answer} is close to an accepted answer"),
    N_("write your answer in words, then rate it against the key points"),
    N_("type the numbers of the points you made (1 to {n}), all or none"),
    N_("there is no point {point}: type numbers from 1 to {n}, all or none"),
    # the worked examples' reader of vectors and matrices (dlquiz/worked/params.py)
    N_("{where}: row 1 has {first} entries but row {row} has {n} (every row needs the same length)"),
    N_("{where}: row 1 has 1 entry but row {row} has {n} (every row needs the same length)"),
    N_("{where} row {row}: '{value}' is not a number"),
    N_("{where} item {n}: '{value}' is not a number"),
    N_("{where}: '{value}' is not a number"),
    N_("{where}: cannot read {what} at column {column}: {reason}"),
    N_("{where}: cannot read {what}: brackets must enclose the whole value"),
    N_("{where}: division by zero in {what}"),
)
_NUMBERS = {"column", "row", "n", "point"}  # fields that are always whole numbers


def _template_pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching the messages `template` makes, its fields as named groups."""
    import string

    out = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        out.append(re.escape(literal))
        if name is not None:
            out.append(rf"(?P<{name}>\d+)" if name in _NUMBERS else f"(?P<{name}>.*)")
    return re.compile("".join(out), re.DOTALL)


_PATTERNS = [(_template_pattern(template), template) for template in _TEMPLATES]


def _template_zh(message: str) -> str:
    """`message` in Chinese when it is one of `_TEMPLATES` filled in, else ""."""
    for pattern, template in _PATTERNS:
        m = pattern.fullmatch(message)
        if m:
            return t(template, "zh", **m.groupdict())
    return ""


def _reader_zh(message: str) -> str:
    """The math reader's input errors in Chinese ("" when the reader has no translation)."""
    from dlquiz.symbolic.messages import parse_error_zh

    zh = parse_error_zh(message)
    return zh if zh != message else ""


def message_zh(message: str) -> str:
    """A sent-back message in Chinese (the English one when there is no translation)."""
    if isinstance(message, Lazy):
        return message.text("zh")
    return _template_zh(message) or _reader_zh(message) or message

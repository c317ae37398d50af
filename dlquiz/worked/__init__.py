"""Worked examples computed with NumPy: every intermediate number, fresh numbers on demand.

>>> ex = generate_example("conv.output-size", {"n": 32, "f": 5})
>>> ex.answer
28

Writing a generator (a module of this package; it is found by its `@register("kind", …)`):

- parameters are `ParamSpec`s; `tensor` takes numbers of any rank (`rank=(1, 2)` to restrict it),
  `expr` a formula checked by the symbolic engine's whitelist parser (kept as text);
  `applies="with mode=…"` says when a parameter is used;
- `compute(p)` reads the parameters it uses from `p`: a parameter the user sets that `compute` never
  reads is refused by name (`mark_used(p, name)` for one used another way), so read mode-specific
  parameters only in their mode;
- refuse a wrong shape with `require_shape(kind, name, value, expected, because=…)`, which says
  "W1 is 3×2 but X has 4 rows (n0 = 4); W1 must be n1×4";
- give each step a `key` (its value's stable name for `--ask`, `--mine` and JSON); `Out(asked=…)`
  names the value boxed by default; `Out(warnings=[…])` flags a setting many questions call
  invalid (shown in both languages: every text is a catalog message, `lazy("…{n}…", n=…)` where it holds
  numbers, with its Chinese in dlquiz/i18n/zh-worked*.toml).
"""

from __future__ import annotations

from dlquiz.worked._core import (
    GeneratorInfo,
    ParamSpec,
    Step,
    WorkedExample,
    describe_generator,
    explain_text,
    format_value,
    generate_example,
    generator_info,
    list_generators,
    parse_param,
)

__all__ = [
    "GeneratorInfo",
    "ParamSpec",
    "Step",
    "WorkedExample",
    "describe_generator",
    "explain_text",
    "format_value",
    "generate_example",
    "generator_info",
    "list_generators",
    "parse_param",
]

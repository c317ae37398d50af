"""Worked examples computed with NumPy: every intermediate number, fresh numbers on demand.

>>> ex = generate_example("conv.output-size", {"n": 32, "f": 5})
>>> ex.answer
28
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

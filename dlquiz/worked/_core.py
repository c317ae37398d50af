"""The generator registry, computing an example, and the plain-text explanation.

Parameter handling lives in `params.py`, the display of numbers in `values.py`, random draws in
`draw.py`; every name that generators import from here (`register, ParamSpec, Out, Step, Draw, Params,
fv, fp, fixed, …`) stays importable from this module, whose re-export list is about a tenth of its length.

Two framework rules are enforced here for every generator:

- **No ignored parameter**: `compute` (and `prepare`) receive the parameters in a mapping that
  records what they read; a parameter set explicitly but never read is an error naming it and
  the settings under which it has no effect. A generator that uses a parameter without reading
  it (say, only through `check`) calls `mark_used(p, name)`.
- **Ask**: `generate_example(kind, …, ask=NAME)` boxes the value NAME as the answer; the names are
  the example's `values` (each step with a `key` adds its value under that name).

Size: the registry, the parameter-tracking wrapper that refuses unread parameters and the
explanation writer work on the same objects.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import Lazy, chinese, lazy, t
from dlquiz.worked.draw import Draw
from dlquiz.worked.params import (
    ParamSpec,
    _as_bool,
    _as_float,
    _as_int,
    _as_list,
    _as_matrix,
    _check_range,
    _coerce,
    _number,
    coerce,
    count_of,
    parse_poly,
    parse_tensor,
    read_expression,
    require_shape,
    shape_text,
)
from dlquiz.worked.values import (
    _DECIMALS,
    _SIG,
    _all_finite,
    _fmt_num,
    _is_matrix,
    _is_tensor,
    _more_digits,
    channel_blocks,
    fixed,
    format_value,
    fp,
    fv,
    inline,
    linear,
    matrix_rows,
    operand,
    operand_decimals,
    operands,
    paren,
    plain,
    significant,
)

__all__ = [
    "_DECIMALS",
    "_SIG",
    "Draw",
    "GeneratorInfo",
    "Out",
    "ParamSpec",
    "Params",
    "Step",
    "WorkedExample",
    "_all_finite",
    "_as_bool",
    "_as_float",
    "_as_int",
    "_as_list",
    "_as_matrix",
    "_check_range",
    "_coerce",
    "_fmt_num",
    "_is_matrix",
    "_is_tensor",
    "_more_digits",
    "_number",
    "channel_blocks",
    "coerce",
    "count_of",
    "describe_generator",
    "describe_param",
    "explain_text",
    "fixed",
    "format_value",
    "fp",
    "fv",
    "generate_example",
    "generator_info",
    "inline",
    "linear",
    "list_generators",
    "lookup_value",
    "mark_used",
    "matrix_rows",
    "operand",
    "operand_decimals",
    "operands",
    "paren",
    "read_expression",
    "parse_param",
    "parse_poly",
    "parse_tensor",
    "plain",
    "register",
    "require_shape",
    "shape_text",
    "significant",
    "suggest",
    "value_shape",
]


@dataclass(frozen=True)
class Step:
    """One intermediate result: a name, the formula with numbers substituted, the value.

    `key` names the value in the example's `values` (and so for `--ask`, `--mine` and JSON).
    """

    name: str
    formula: str
    value: Any
    note: str = ""
    key: str = ""


@dataclass(frozen=True)
class WorkedExample:
    """A computed example: its parameters, every step and the named results.

    `asked` names the boxed value (a key of `values`); `warnings` are shown before the answer
    (e.g. a size that does not divide evenly), in English, translated by `i18n.prose`.
    """

    kind: str
    params: dict[str, Any]
    steps: tuple[Step, ...]
    answer: Any
    values: dict[str, Any]
    convention: str = ""
    asked: str = "answer"
    warnings: tuple[str, ...] = ()
    unused: tuple[str, ...] = ()  # parameters these settings do not read (defaults of another mode)
    ask_given: bool = False  # the boxed value was asked for (--ask), not the generator's default

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form: numbers and nested lists only, keys in a fixed order."""
        return {
            "kind": self.kind,
            "params": {k: plain(v) for k, v in self.params.items()},
            "steps": [  # str(): a `lazy` message is its English here
                {
                    "name": str(s.name),
                    "key": s.key,
                    "formula": str(s.formula),
                    "value": plain(s.value),
                    "note": str(s.note),
                }
                for s in self.steps
            ],
            "answer": plain(self.answer),
            "values": {k: plain(v) for k, v in self.values.items()},
            "asked": self.asked,
            "shapes": {k: list(value_shape(v)) for k, v in self.values.items()},
            "convention": str(self.convention),
            "warnings": [str(w) for w in self.warnings],
        }


@dataclass(frozen=True)
class GeneratorInfo:
    """What `dlquiz example` lists about a generator."""

    name: str
    topic: str
    title_en: str
    params: tuple[ParamSpec, ...]
    value_names: tuple[str, ...]

    @property
    def title_zh(self) -> str:
        """The title in Chinese, from the catalog (``dlquiz/i18n/zh-worked*.toml``)."""
        return t(self.title_en, "zh")


@dataclass(frozen=True)
class Out:
    """What a generator's compute function returns.

    `asked` names the value boxed by default when it is one of `values` (then `answer` may be
    None); `warnings` flag a setting many questions call invalid (a size that does not divide).
    """

    steps: list[Step]
    answer: Any
    values: dict[str, Any] = field(default_factory=dict)
    convention: str = ""
    asked: str = ""
    warnings: list[str] = field(default_factory=list)


Params = dict[str, Any]


class _Tracked(dict[str, Any]):
    """The parameters as a generator reads them: every `p[name]` and `p.get(name)` is recorded.

    A copy keeps track: `p.copy()` is tracked too; `dict(p)` and `{**p}` give a plain dict whose
    reads cannot be seen, so any bulk access (keys, items, values, iteration) sets `copied`, and
    generate_example then tests each parameter that looks unread by computing without it.
    """

    def __init__(self, data: Mapping[str, Any], seen: set[str]) -> None:
        super().__init__(data)
        self.seen = seen
        self.copied = False
        self._pending: list[str] = []  # keys that dict(p) / {**p} is about to read for its copy

    def __getitem__(self, key: str) -> Any:
        if self._pending and self._pending[0] == key:
            self._pending.pop(0)  # the copy reading it, not the generator
        else:
            self.seen.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.seen.add(key)
        return super().get(key, default)

    def copy(self) -> _Tracked:
        twin = _Tracked(self, self.seen)
        return twin

    def keys(self) -> Any:
        self.copied = True
        self._pending = list(super().keys())
        return super().keys()  # a view: set operations keep working

    def __iter__(self) -> Any:
        self.copied = True
        return super().__iter__()

    def items(self) -> Any:
        self.copied = True
        return super().items()

    def values(self) -> Any:
        self.copied = True
        return super().values()


def mark_used(p: Params, *names: str) -> None:
    """Record `names` as used by the generator though it does not read them from `p`."""
    if isinstance(p, _Tracked):
        p.seen.update(names)


@dataclass(frozen=True)
class _Generator:
    info: GeneratorInfo
    compute: Callable[[Params], Out]
    draw: Callable[[Draw], Params] | None
    check: Callable[[Params], None] | None
    prepare: Callable[[Params], Params] | None


_REGISTRY: dict[str, _Generator] = {}
# modules that hold no generators; every other module of the package is imported to register its own
_NOT_GENERATORS = frozenset({"_core", "draw", "params", "values", "mine", "render", "i18n", "plots"})
_loaded = False


def register(
    name: str,
    topic: str,
    title_en: str,
    params: Sequence[ParamSpec],
    values: Sequence[str],
    *,
    draw: Callable[[Draw], Params] | None = None,
    check: Callable[[Params], None] | None = None,
    prepare: Callable[[Params], Params] | None = None,
) -> Callable[[Callable[[Params], Out]], Callable[[Params], Out]]:
    """Decorator: add a compute function to the registry under `name`."""

    def deco(fn: Callable[[Params], Out]) -> Callable[[Params], Out]:
        names = tuple(values)
        if "answer" not in names:
            names = ("answer", *names)
        info = GeneratorInfo(name, topic, title_en, tuple(params), names)
        _REGISTRY[name] = _Generator(info, fn, draw, check, prepare)
        return fn

    return deco


def _load() -> None:
    global _loaded
    if not _loaded:
        import importlib
        import pkgutil
        from pathlib import Path

        # the modules beside this one (not `import dlquiz.worked`, which imports this module)
        for mod in sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])):
            if mod not in _NOT_GENERATORS and not mod.startswith(("_", "test")):
                importlib.import_module(f"dlquiz.worked.{mod}")
        _loaded = True


_KIND_RE = re.compile(r'@register\(\s*"([^"]+)"')


def _kind_index() -> dict[str, str]:
    """kind → module, read from the sources (`@register("kind", …)`), so one example imports one module."""
    from pathlib import Path

    index: dict[str, str] = {}
    for path in sorted(Path(__file__).parent.glob("*.py")):
        mod = path.stem
        if mod in _NOT_GENERATORS or mod.startswith(("_", "test")):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        for kind in _KIND_RE.findall(text):
            index.setdefault(kind, mod)
    return index


def _get(kind: str) -> _Generator:
    gen = _REGISTRY.get(kind)
    if gen is None and not _loaded:
        import importlib

        mod = _kind_index().get(kind)
        if mod is not None:
            importlib.import_module(f"dlquiz.worked.{mod}")
            gen = _REGISTRY.get(kind)
    if gen is None:
        _load()
        gen = _REGISTRY.get(kind)
    if gen is None:
        close = difflib.get_close_matches(kind, list(_REGISTRY), n=3)
        hint = lazy(" (did you mean {name}?)", name=", ".join(close)) if close else ""
        raise ParamError(
            lazy(
                "unknown example kind {kind}{hint}; valid kinds: {kinds}",
                kind=repr(kind),
                hint=hint,
                kinds=", ".join(sorted(_REGISTRY)),
            )
        )
    return gen


def list_generators() -> list[GeneratorInfo]:
    """Every generator, sorted by name."""
    _load()
    return [_REGISTRY[k].info for k in sorted(_REGISTRY)]


def generator_info(kind: str) -> GeneratorInfo:
    """The description of one generator (ParamError if unknown)."""
    return _get(kind).info


# --------------------------------------------------------------------------- computing an example


def suggest(name: str, options: Sequence[str]) -> str:
    """ " (did you mean X?)" for the nearest option (case-insensitive), or "" (a `lazy` message: a field of
    another one is translated with it)."""
    lower = {o.lower(): o for o in options}
    if name.lower() in lower:
        return lazy(" (did you mean {name}?)", name=lower[name.lower()])
    close = difflib.get_close_matches(name.lower(), list(lower), n=1)
    return lazy(" (did you mean {name}?)", name=lower[close[0]]) if close else ""


def _message(text: str) -> Lazy:
    """A catalog message as a `lazy` one, to be a field of another (a `Lazy` field is translated with it)."""
    return text if isinstance(text, Lazy) else lazy(text)


def _spec(gen: _Generator, name: str) -> ParamSpec:
    for s in gen.info.params:
        if s.name == name:
            return s
    if name == "ask":
        raise ParamError(lazy("{kind}: 'ask' is not a parameter; use --ask NAME (or ask=NAME)", kind=gen.info.name))
    valid = ", ".join(s.name for s in gen.info.params) or lazy("none")
    by_name = {s.name: s for s in gen.info.params}
    meant = next((m for m in _SYNONYMS.get(name.lower(), ()) if m in by_name), None)
    hint: str
    if meant is not None:
        hint = lazy(" (did you mean {name}: {help}?)", name=meant, help=_message(by_name[meant].help))
    else:
        hint = suggest(name, [s.name for s in gen.info.params])
    raise ParamError(
        lazy(
            "{kind}: unknown parameter {name}{hint} (valid: {valid})",
            kind=gen.info.name,
            name=repr(name),
            hint=hint,
            valid=valid,
        )
    )


# what a student may type for a parameter, from exam papers and other tools (a hint only, never an alias)
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "steps": ("k", "T"),
    "iterations": ("k",),
    "iters": ("k",),
    "n_steps": ("k",),
    "num_steps": ("k",),
    "epochs": ("k",),
    "t": ("k", "T"),
    "n": ("k",),
    "yhat": ("p", "y_pred"),
    "y_hat": ("p", "y_pred"),
    "prob": ("p",),
    "probs": ("p",),
    "pred": ("p", "y_pred"),
    "base": ("log_base",),
    "log": ("log_base",),
    "logits": ("o", "z", "x"),
    "scores": ("o",),
    "z": ("x", "o"),
    "learning_rate": ("lr",),
    "eta": ("lr",),
    "alpha": ("lr",),
    "w": ("w0",),
    "theta": ("w0",),
    "momentum": ("beta",),
    "rho": ("beta",),
    "gamma": ("beta",),
    "beta_1": ("beta1",),
    "beta_2": ("beta2",),
    "stride": ("s",),
    "padding": ("p",),
    "pad": ("p",),
    "dilation": ("d",),
    "kernel": ("K", "f"),
    "kernel_size": ("f",),
    "filter": ("K", "f"),
    "filters": ("c_out",),
    "in_channels": ("c_in",),
    "out_channels": ("c_out",),
    "input": ("X", "x", "n"),
    "image": ("X",),
    "h_0": ("h0",),
    "hprev": ("h_prev",),
    "cprev": ("c_prev",),
    "hidden": ("hidden_size", "hidden"),
    "input_dim": ("input_size",),
    "target": ("y",),
    "label": ("y",),
    "labels": ("y", "y_true"),
    "truth": ("y_true",),
    "confusion": ("cm",),
    "confusion_matrix": ("cm",),
    "formula": ("f",),
    "function": ("f",),
    "expr": ("f",),
    "point": ("at",),
    "eps": ("h",),
    "epsilon": ("h", "eps"),
    "g": ("c_tilde",),
    "candidate": ("c_tilde",),
    "g_t": ("c_tilde",),
    "ct": ("c_tilde",),
    "c_t_1": ("c_prev",),
    "forget": ("f",),
    "c0": ("c_prev",),
}


def parse_param(kind: str, name: str, text: str) -> Any:
    """Read the text of `--set NAME=VALUE` for a generator parameter (ParamError if bad)."""
    gen = _get(kind)
    return coerce(_spec(gen, name), text, kind)


def _mode(gen: _Generator, full: Mapping[str, Any], skip: str, seen: set[str]) -> str:
    """The settings that decide which parameters apply: the choice and bool parameters in use."""
    parts = [
        f"{s.name}={format_value(full.get(s.name))}"
        for s in gen.info.params
        if s.type in ("choice", "bool") and s.name != skip and s.name in seen and full.get(s.name) is not None
    ]
    return ", ".join(parts)


def _run_plain(gen: _Generator, full: Params) -> Any:
    """One computation without tracking, as comparable plain data (None if these settings are refused)."""
    try:
        params = dict(full)
        if gen.prepare is not None:
            params = gen.prepare(params)
        if gen.check is not None:
            gen.check(params)
        with np.errstate(all="ignore"):
            out = gen.compute(params)
    except Exception:  # any failure with the default counts as a difference: the parameter is then kept
        return None
    return _fingerprint(out)


def _fingerprint(out: Out) -> Any:
    return (
        [(s.name, s.formula, plain(s.value), s.note) for s in out.steps],
        plain(out.answer),
        {k: plain(v) for k, v in out.values.items()},
        out.convention,
    )


def _used_by_difference(
    gen: _Generator, explicit: Mapping[str, Any], seen: set[str], full: Params, out: Out
) -> set[str]:
    """The explicit parameters that look unread but change the result (read through a copy of the params).

    Each is put back to its default and the example computed again; a value equal to the default is
    harmless and counted as used (there is nothing to compare it with).
    """
    used: set[str] = set()
    mine = _fingerprint(out)
    for name in explicit:
        if name in seen:
            continue
        default = _spec(gen, name).default
        if plain(explicit[name]) == plain(default):
            used.add(name)
            continue
        if _run_plain(gen, {**full, name: default}) != mine:
            used.add(name)
    return used


def _refuse_ignored(gen: _Generator, explicit: Mapping[str, Any], seen: set[str], full: Mapping[str, Any]) -> None:
    unused = [n for n in explicit if n not in seen]
    if not unused:
        return
    name = unused[0]
    spec = _spec(gen, name)
    mode = _mode(gen, full, name, seen)
    where = lazy(" with {mode}", mode=mode) if mode else lazy(" with these settings")
    applies = lazy("; it applies {applies}", applies=_message(spec.applies)) if spec.applies else ""
    others = lazy(" (nor does {names})", names=", ".join(unused[1:])) if len(unused) > 1 else ""
    raise ParamError(
        lazy(
            "{kind}: parameter {name} has no effect{where}{applies}{others}; remove it or change the mode",
            kind=gen.info.name,
            name=name,
            where=where,
            applies=applies,
            others=others,
        )
    )


def generate_example(
    kind: str,
    params: Mapping[str, Any] | None = None,
    *,
    seed: int | None = None,
    ask: str | None = None,
) -> WorkedExample:
    """Compute a worked example.

    Explicit `params` always win; with `seed=None` the others take their defaults, with a seed
    they are drawn at random (reproducibly). `ask` names the value to box as the answer (one of
    the example's `values`). Raises ParamError for an unknown kind, an unknown parameter, an
    invalid value, a parameter that has no effect, or an unknown `ask`.
    """
    gen = _get(kind)
    explicit: Params = {}
    for name, v in (params or {}).items():
        if name == "ask":
            raise ParamError(lazy("{kind}: 'ask' is not a parameter; use --ask NAME (or ask=NAME)", kind=kind))
        explicit[name] = coerce(_spec(gen, name), v, kind)
    full: Params = {s.name: s.default for s in gen.info.params}
    if seed is not None and gen.draw is not None:
        drawn = gen.draw(Draw(np.random.default_rng(seed), explicit))
        for name, v in drawn.items():
            full[name] = coerce(_spec(gen, name), v, kind)
    full.update(explicit)
    seen: set[str] = set()
    before_prepare = dict(full)
    if gen.prepare is not None:
        full = gen.prepare(_Tracked(full, seen))
    if gen.check is not None:
        gen.check(full)
    tracked = _Tracked(full, seen)
    try:
        with np.errstate(all="ignore"):
            out = gen.compute(tracked)
    except (OverflowError, ZeroDivisionError) as exc:
        raise ParamError(
            lazy("{kind}: these numbers overflow ({error}); choose smaller values", kind=kind, error=str(exc))
        ) from None
    if tracked.copied:  # compute copied its parameters: reads of the copy are not recorded
        seen |= _used_by_difference(gen, explicit, seen, before_prepare, out)
    _refuse_ignored(gen, explicit, seen, full)
    values: dict[str, Any] = {}
    for s in out.steps:
        if s.key:
            values[s.key] = plain(s.value)
    values.update({k: plain(v) for k, v in out.values.items()})
    default_asked = out.asked or "answer"
    default_answer = values[out.asked] if out.answer is None and out.asked else plain(out.answer)
    values["answer"] = default_answer
    if not _all_finite(values):
        bad = ", ".join(k for k, v in values.items() if not _all_finite(v))
        raise ParamError(
            lazy(
                "{kind}: the numbers diverge ({names} not finite); choose a smaller learning rate or inputs",
                kind=kind,
                names=bad,
            )
        )
    asked, answer = default_asked, default_answer
    if ask is not None and ask != default_asked:
        asked, answer = ask, lookup_value(kind, values, ask)
    return WorkedExample(
        kind=kind,
        params={k: plain(v) for k, v in full.items()},
        steps=tuple(Step(s.name, s.formula, plain(s.value), s.note, s.key) for s in out.steps),
        answer=answer,
        values=values,
        convention=out.convention,
        asked=asked,
        warnings=tuple(out.warnings),
        unused=tuple(n for n in full if n not in seen),
        ask_given=asked != default_asked,
    )


_ELEMENT = re.compile(r"^([A-Za-z_][\w.]*)((?:\[\s*\d+\s*(?:,\s*\d+\s*)*\])+)$")


def lookup_value(kind: str, values: Mapping[str, Any], name: str, where: str | None = None) -> Any:
    """A value by name, or one entry of it: `dw[0]`, `W1[1,0]` or `W1[1][0]` (0-based).

    A ParamError names the valid names, or the shape when an index does not fit; it starts with
    `where` (default: the kind).
    """
    if name in values:
        return values[name]
    m = _ELEMENT.match(name.replace(" ", ""))
    if m is None or m.group(1) not in values:
        base = m.group(1) if m else name
        raise ParamError(
            lazy(
                "{where}: cannot ask for {name}{hint}; valid names: {names} (an entry: NAME[i] or NAME[i,j], 0-based)",
                where=where or kind,
                name=repr(name),
                hint=suggest(base, list(values)),
                names=", ".join(values),
            )
        )
    v = values[m.group(1)]
    idx = [int(i) for i in re.findall(r"\d+", m.group(2))]
    shape = value_shape(v)
    if len(idx) > len(shape) or any(i >= n for i, n in zip(idx, shape, strict=False)):
        raise ParamError(
            lazy(
                "{where}: {name}: {base} is {shape}; indices are 0-based and must fit it",
                where=where or kind,
                name=name,
                base=m.group(1),
                shape=shape_text(shape),
            )
        )
    for i in idx:
        v = v[i]
    return v


def value_shape(v: Any) -> tuple[int, ...]:
    """The shape of a plain value: () for a number, (3,) for a vector, (2, 3) for a matrix."""
    if isinstance(v, list) and v:
        return (len(v), *value_shape(v[0]))
    if isinstance(v, list):
        return (0,)
    return ()


def describe_param(p: ParamSpec) -> dict[str, Any]:
    """One parameter as `--params --json` shows it: type, rank, shape, default, choices, range, help."""
    d: dict[str, Any] = {"name": p.name, "type": p.type, "default": plain(p.default)}
    if p.ranks():
        d["rank"] = list(p.ranks()) if len(p.ranks()) > 1 else p.ranks()[0]
    if p.shape:
        d["shape"] = p.shape
    elif p.default is not None and p.type in ("tensor", "matrix", "floatlist", "intlist"):
        d["shape"] = "×".join(str(n) for n in value_shape(plain(p.default)))
    if p.choices:
        d["choices"] = list(p.choices)
    if p.min is not None:
        d["min"] = p.min
    if p.max is not None:
        d["max"] = p.max
    d["help"] = str(p.help)  # str(): a `lazy` message is its English here
    d["help_zh"] = _chinese_help(p.help)
    if p.applies:
        d["applies"] = str(p.applies)
    return d


def _chinese_help(text: str) -> str:
    """The Chinese of a parameter's help: a `lazy` message or a catalog message ("" when it has none)."""
    if isinstance(text, Lazy):
        return text.text("zh") if chinese(text.msgid) else ""
    return chinese(text) or ""


def describe_generator(kind: str, given: Mapping[str, Any] | None = None, seed: int | None = None) -> dict[str, Any]:
    """What `--params --json` prints: each parameter (type, rank, default, choices, range, help) and
    each value a run produces (name and shape): the default run, or the run with the `given` parameters
    (and `seed`), since shapes follow the input (a vector w0 gives vector w1, g1, …; ask w1[0])."""
    gen = _get(kind)
    info = gen.info
    params = [describe_param(p) for p in info.params]
    ex = generate_example(kind, dict(given or {}), seed=seed)
    shapes_from = "given" if given or seed is not None else "default"
    names = list(ex.values)
    names += [n for n in info.value_names if n not in ex.values]
    values = [
        {"name": n, "shape": list(value_shape(ex.values[n])) if n in ex.values else None, "default_run": n in ex.values}
        for n in names
    ]
    return {
        "name": info.name,
        "topic": info.topic,
        "title_en": str(info.title_en),
        "title_zh": info.title_zh,
        "params": params,
        "values": values,
        "asked": ex.asked,
        "shapes_from": shapes_from,
    }


# --------------------------------------------------------------------------- explanations


def answer_label(example: WorkedExample, lang: str = "en") -> str:
    """ "Answer", or "Answer (dw)" when the boxed value was asked for instead of the generator's default."""
    label = t("Answer", lang)
    return f"{label} ({example.asked})" if example.ask_given else label


def explain_text(example: WorkedExample, lang: str = "en") -> str:
    """Plain-text worked steps (headings, notes, conventions and warnings in English or Chinese)."""
    from dlquiz.worked.i18n import prose, step_name

    info = generator_info(example.kind)
    lines: list[str] = [info.title_zh if lang == "zh" else info.title_en]
    if example.convention:
        lines.append(f"{t('Convention', lang)}: {prose(example.convention, lang)}")
    for i, s in enumerate(example.steps, 1):
        formula = prose(s.formula, lang)
        head = f"{i}. {step_name(s.name, lang)}: {formula}"
        val = format_value(s.value)
        if "\n" in val:
            lines.append(head)
            lines.extend("     " + r for r in val.splitlines())
        elif val and not formula.rstrip().endswith(val):
            lines.append(f"{head} → {val}")
        else:
            lines.append(head)
        if s.note:
            lines.append(f"   ({prose(s.note, lang)})")
    for w in example.warnings:
        lines.append(f"{t('Warning', lang)}: {prose(w, lang)}")
    ans = format_value(example.answer)
    label = answer_label(example, lang)
    if "\n" in ans:
        lines.append(f"{label}:")
        lines.extend("     " + r for r in ans.splitlines())
    else:
        lines.append(f"{label}: {ans}")
    return "\n".join(lines)

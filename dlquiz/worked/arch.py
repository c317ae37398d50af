"""Network summaries from a layer list: output shapes, parameters, MACs and connections per layer.

The layer list is a compact text (see LAYER_SYNTAX); presets give the classic networks
(LeNet-5 in d2l's form and in the 1998 original, AlexNet, VGG-16, ResNet blocks and ResNets).
Pure integer arithmetic: nothing here needs NumPy.

Size: the layer-list grammar, one rule per layer type and the presets; each layer's shape,
parameters, MACs and connections are computed in one place.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, count_of, register
from dlquiz.worked.cnnsize import PAD_MODES, Axis, axis_word, read_pair, resolve_padding, uneven_warning

KIND = "cnn.summary"

LAYER_SYNTAX = """\
Layers are separated by ';' (or new lines); each is NAME(ARGS), optionally 'LABEL: NAME(ARGS)'
and '*N' to repeat it. Sizes are one number or h×w ('3x5'); padding is a number, h×w, same,
valid or full.
  conv(out, k, s=1, p=0, d=1, bias=1, groups=1, in=C, table=lenet)   convolution (1×1: conv(out, 1))
  pool(k, s=k, p=0, mode=max) · maxpool(k, s) · avgpool(k, s)        pooling, no parameters
  gap                                                               global average pooling → C×1×1
  sub(k, s=k)                  LeNet-1998 subsampling: sum × coefficient + bias (2 parameters per map)
  flatten · dense(out, bias=1) (also fc, linear) · bn (batch norm: γ, β per channel)
  relu · sigmoid · tanh · dropout · lrn                             shape kept, no parameters
  res(out, s=1, bn=1)          basic residual block: 3×3, 3×3 (+ 1×1 projection when shapes change)
  bottleneck(mid, s=1, expand=4, bn=1)   1×1 (mid), 3×3 (mid, stride s), 1×1 (mid·expand) + projection
  rbf(out)                     LeNet-1998 output: out·in fixed (not trained) centre coordinates
  inception(c1, c3r, c3, c5r, c5, pp, bias=1)   GoogLeNet module: four branches concatenated
Example: conv(6,5,p=2); pool(2); conv(16,5); pool(2); flatten; dense(120); dense(84); dense(10)"""

# each preset: input shape, layer text ({classes} = the last layer's size), default classes, note
PRESETS: dict[str, tuple[str, str, int | None, str]] = {
    "lenet5": (
        "1x28x28",
        "conv(6,5,p=2); avgpool(2); conv(16,5); avgpool(2); flatten; dense(120); dense(84); dense({classes})",
        10,
        N_("d2l's LeNet-5 (sigmoid activations and average pooling, not listed: they have no parameters)"),
    ),
    "lenet5-1998": (
        "1x32x32",
        "C1: conv(6,5); S2: sub(2); C3: conv(16,5,table=lenet); S4: sub(2); C5: conv(120,5); flatten; "
        "F6: dense(84); OUTPUT: rbf({classes})",
        10,
        N_(
            "LeCun et al. 1998: C3 connects each map to 3, 4 or 6 of S2's maps (Table I); the RBF output "
            "layer's 840 centres are fixed, not trained"
        ),
    ),
    "alexnet": (
        "3x227x227",
        "conv(96,11,s=4); maxpool(3,2); conv(256,5,p=2); maxpool(3,2); conv(384,3,p=1); conv(384,3,p=1); "
        "conv(256,3,p=1); maxpool(3,2); flatten; dense(4096); dense(4096); dense({classes})",
        1000,
        N_(
            "single-tower AlexNet with the paper's kernel counts (96, 256, 384, 384, 256) on 227×227; "
            "torchvision's variant (64, 192, 384, 256, 256) is preset alexnet-torchvision"
        ),
    ),
    "alexnet-torchvision": (
        "3x224x224",
        "conv(64,11,s=4,p=2); maxpool(3,2); conv(192,5,p=2); maxpool(3,2); conv(384,3,p=1); conv(256,3,p=1); "
        "conv(256,3,p=1); maxpool(3,2); flatten; dense(4096); dense(4096); dense({classes})",
        1000,
        N_(
            "torchvision's AlexNet (one tower, 64/192/384/256/256 kernels); its adaptive pooling to 6×6 is "
            "left out, which changes nothing for 224×224 input"
        ),
    ),
    "vgg16": (
        "3x224x224",
        "conv(64,3,p=1)*2; maxpool(2); conv(128,3,p=1)*2; maxpool(2); conv(256,3,p=1)*3; maxpool(2); "
        "conv(512,3,p=1)*3; maxpool(2); conv(512,3,p=1)*3; maxpool(2); flatten; dense(4096); dense(4096); "
        "dense({classes})",
        1000,
        N_(
            "VGG-16 (configuration D): thirteen 3×3 convolutions with padding 1, five 2×2 max-pools, three dense layers"
        ),
    ),
    "inception-3a": (
        "192x28x28",
        "inception(64, 96, 128, 16, 32, 32)",
        None,
        N_("GoogLeNet's inception (3a): 1×1, 1×1 → 3×3, 1×1 → 5×5 and 3×3 max-pool → 1×1 branches, with biases"),
    ),
    "resnet-basic": (
        "64x56x56",
        "res(64)",
        None,
        N_("a ResNet basic block (two 3×3 convolutions, each followed by batch norm)"),
    ),
    "resnet-bottleneck": (
        "256x56x56",
        "bottleneck(64)",
        None,
        N_("a ResNet bottleneck block (1×1 reduce, 3×3, 1×1 expand ×4, each followed by batch norm)"),
    ),
    "resnet18": (
        "3x224x224",
        "conv(64,7,s=2,p=3,bias=0); bn; relu; maxpool(3,2,p=1); res(64)*2; res(128,s=2); res(128); "
        "res(256,s=2); res(256); res(512,s=2); res(512); gap; flatten; dense({classes})",
        1000,
        N_("ResNet-18 as in torchvision (batch norm after every convolution, convolutions without bias)"),
    ),
    "resnet34": (
        "3x224x224",
        "conv(64,7,s=2,p=3,bias=0); bn; relu; maxpool(3,2,p=1); res(64)*3; res(128,s=2); res(128)*3; "
        "res(256,s=2); res(256)*5; res(512,s=2); res(512)*2; gap; flatten; dense({classes})",
        1000,
        N_("ResNet-34 as in torchvision (batch norm after every convolution, convolutions without bias)"),
    ),
    "resnet50": (
        "3x224x224",
        "conv(64,7,s=2,p=3,bias=0); bn; relu; maxpool(3,2,p=1); bottleneck(64)*3; bottleneck(128,s=2); "
        "bottleneck(128)*3; bottleneck(256,s=2); bottleneck(256)*5; bottleneck(512,s=2); bottleneck(512)*2; "
        "gap; flatten; dense({classes})",
        1000,
        N_("ResNet-50 as in torchvision v1.5 (the stride sits on the 3×3 convolution of a bottleneck)"),
    ),
}

# LeNet-5 (1998), Table I: which of S2's 6 maps each of C3's 16 maps reads
LENET_C3_TABLE: tuple[tuple[int, ...], ...] = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (4, 5, 0), (5, 0, 1),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (3, 4, 5, 0), (4, 5, 0, 1), (5, 0, 1, 2),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)  # fmt: skip

CONVENTION = N_(
    "shapes C×H×W; params = trainable weights + biases (batch norm: γ and β; its running mean and variance "
    "are not parameters); MACs = multiply-accumulates of the weights (biases, pooling, activations and "
    "additions not counted), FLOPs = 2·MACs; connections = output values × (inputs each reads + 1 for a bias), "
    "as in LeCun et al. 1998"
)

# --------------------------------------------------------------------------- the layer text


@dataclass(frozen=True)
class LayerSpec:
    """One parsed layer: its name, arguments and where it stood in the text."""

    name: str
    label: str | None
    pos: tuple[Any, ...]
    opts: dict[str, str]
    text: str
    index: int  # 1-based position in the list (after repetition)
    column: int  # 1-based column in the text


# name → (canonical kind, positional argument names, allowed options)
_LAYERS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "conv": ("conv", ("out", "k", "s", "p"), ("out", "k", "s", "p", "d", "bias", "groups", "g", "in", "table")),
    "pool": ("pool", ("k", "s", "p"), ("k", "s", "p", "mode")),
    "maxpool": ("maxpool", ("k", "s", "p"), ("k", "s", "p")),
    "avgpool": ("avgpool", ("k", "s", "p"), ("k", "s", "p")),
    "gap": ("gap", (), ()),
    "sub": ("sub", ("k", "s"), ("k", "s")),
    "flatten": ("flatten", (), ()),
    "dense": ("dense", ("out",), ("out", "bias", "in")),
    "fc": ("dense", ("out",), ("out", "bias", "in")),
    "linear": ("dense", ("out",), ("out", "bias", "in")),
    "bn": ("bn", (), ()),
    "batchnorm": ("bn", (), ()),
    "relu": ("act", (), ()),
    "sigmoid": ("act", (), ()),
    "tanh": ("act", (), ()),
    "softmax": ("act", (), ()),
    "dropout": ("act", ("p",), ("p",)),
    "lrn": ("act", (), ()),
    "res": ("res", ("out", "s"), ("out", "s", "bn")),
    "bottleneck": ("bottleneck", ("mid", "s"), ("mid", "s", "expand", "bn")),
    "rbf": ("rbf", ("out",), ("out",)),
    "inception": ("inception", ("c1", "c3r", "c3", "c5r", "c5", "pp"), ("c1", "c3r", "c3", "c5r", "c5", "pp", "bias")),
}

_REQUIRED = {
    "conv": ("out", "k"),
    "pool": ("k",),
    "maxpool": ("k",),
    "avgpool": ("k",),
    "sub": ("k",),
    "dense": ("out",),
    "res": ("out",),
    "bottleneck": ("mid",),
    "rbf": ("out",),
    "inception": ("c1", "c3r", "c3", "c5r", "c5", "pp"),
}

_SEGMENT = re.compile(
    r"^(?:(?P<label>[A-Za-z][\w.\-]*)\s*:\s*)?(?P<name>[A-Za-z][\w\-]*)\s*(?:\((?P<args>[^()]*)\))?"
    r"\s*(?:[*×x]\s*(?P<rep>\d+))?\s*$"
)


def _where(index: int, text: str, column: int) -> str:
    """Where a layer stands (a `Lazy`): its number, its text and its column in the layer text."""
    return lazy(
        "{kind}: layers: layer {index} {text} (column {column})",
        kind=KIND,
        index=index,
        text=repr(text.strip()),
        column=column,
    )


def _hint(close: list[str]) -> str:
    """' (did you mean A or B?)' for the layer names close to a mistyped one (a `Lazy`), or ''."""
    if len(close) == 2:
        return lazy(" (did you mean {name} or {other}?)", name=close[0], other=close[1])
    return lazy(" (did you mean {name}?)", name=close[0]) if close else ""


def parse_layers(text: str) -> list[LayerSpec]:
    """Read the layer text into specs (ParamError naming the layer, its column and what would fit)."""
    out: list[LayerSpec] = []
    depth, start, opened = 0, 0, 0
    pieces: list[tuple[str, int]] = []
    for i, ch in enumerate(text + ";"):
        if ch == "(":
            depth += 1
            opened = i
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise ParamError(
                    lazy("{kind}: layers: column {column}: a ')' without its '('", kind=KIND, column=i + 1)
                )
        elif ch in ";\n" and depth == 0:
            pieces.append((text[start:i], start))
            start = i + 1
        elif ch in ";\n" and depth > 0:
            if i < len(text):
                raise ParamError(
                    lazy(
                        "{kind}: layers: column {column}: the '(' is not closed before the ';' at column {end}",
                        kind=KIND,
                        column=opened + 1,
                        end=i + 1,
                    )
                )
            raise ParamError(
                lazy("{kind}: layers: column {column}: the '(' is not closed at the end", kind=KIND, column=opened + 1)
            )
    index = 0
    for piece, offset in pieces:
        if not piece.strip():
            continue
        column = offset + len(piece) - len(piece.lstrip()) + 1
        m = _SEGMENT.match(piece.strip())
        if m is None:
            raise ParamError(
                lazy(
                    "{kind}: layers: cannot read {text} at column {column}; write a layer as NAME(ARGS), "
                    "e.g. conv(16, 5, p=2), with ';' between layers",
                    kind=KIND,
                    text=repr(piece.strip()),
                    column=column,
                )
            )
        name = m.group("name").lower()
        if name not in _LAYERS:
            raise ParamError(
                lazy(
                    "{where}: unknown layer {name}{hint}; known: {known}",
                    where=_where(index + 1, piece, column),
                    name=repr(name),
                    hint=_hint(difflib.get_close_matches(name, list(_LAYERS), n=2)),
                    known=", ".join(_LAYERS),
                )
            )
        kind, positional, allowed = _LAYERS[name]
        pos: list[str] = []
        opts: dict[str, str] = {}
        args = m.group("args")
        if args is not None and args.strip():
            for a in args.split(","):
                a = a.strip()
                if not a:
                    raise ParamError(
                        lazy("{where}: an empty argument between commas", where=_where(index + 1, piece, column))
                    )
                key, eq, val = a.partition("=")
                if eq:
                    key = key.strip().lower()
                    if key not in allowed:
                        where = _where(index + 1, piece, column)
                        raise ParamError(
                            lazy(
                                "{where}: unknown option {key} for {name} (options: {options})",
                                where=where,
                                key=repr(key),
                                name=name,
                                options=", ".join(allowed),
                            )
                            if allowed
                            else lazy(
                                "{where}: unknown option {key} for {name} (options: none)",
                                where=where,
                                key=repr(key),
                                name=name,
                            )
                        )
                    if key in opts:
                        raise ParamError(
                            lazy(
                                "{where}: option {key} given twice",
                                where=_where(index + 1, piece, column),
                                key=repr(key),
                            )
                        )
                    opts[key] = val.strip()
                else:
                    if opts:
                        raise ParamError(
                            lazy(
                                "{where}: {value} without a name after named options; write it as NAME=VALUE ({names})",
                                where=_where(index + 1, piece, column),
                                value=repr(a),
                                names=", ".join(allowed),
                            )
                        )
                    pos.append(a)
        if len(pos) > len(positional):
            form = f"{name}({', '.join(positional)})" if positional else name
            raise ParamError(
                lazy(
                    "{where}: {n} values but {name} takes at most {m} without names: {form}",
                    where=_where(index + 1, piece, column),
                    n=len(pos),
                    name=name,
                    m=len(positional),
                    form=form,
                )
            )
        for key, val in zip(positional, pos, strict=False):
            if key in opts:
                raise ParamError(
                    lazy(
                        "{where}: {key} given twice (by position and by name)",
                        where=_where(index + 1, piece, column),
                        key=key,
                    )
                )
            opts[key] = val
        for key in _REQUIRED.get(kind, ()):
            if key not in opts:
                form = f"{name}({', '.join(positional)})"
                raise ParamError(
                    lazy(
                        "{where}: {name} needs {key}: write {form}",
                        where=_where(index + 1, piece, column),
                        name=name,
                        key=key,
                        form=form,
                    )
                )
        rep = int(m.group("rep")) if m.group("rep") else 1
        if not 1 <= rep <= 64:
            raise ParamError(
                lazy("{where}: repeat *{rep} (allowed 1 to 64)", where=_where(index + 1, piece, column), rep=rep)
            )
        label = m.group("label")
        if label and rep > 1:
            raise ParamError(
                lazy("{where}: a labelled layer cannot be repeated", where=_where(index + 1, piece, column))
            )
        for _ in range(rep):
            index += 1
            out.append(LayerSpec(kind, label, tuple(pos), opts, piece.strip(), index, column))
        if len(out) > 400:
            raise ParamError(lazy("{kind}: layers: more than {n} layers", kind=KIND, n=400))
    if not out:
        raise ParamError(
            lazy("{kind}: layers: no layers given (e.g. conv(6,5,p=2); pool(2); flatten; dense(10))", kind=KIND)
        )
    return out


def parse_shape(text: object) -> tuple[int, ...]:
    """'1x28x28' (C×H×W), '3×224×224', '784' (a flat vector) → a tuple (ParamError if not)."""
    where = lazy("{kind}: parameter {name}", kind=KIND, name="input")
    parts = [p for p in re.split(r"\s*[x×X,*]\s*", str(text).strip().strip("()[]")) if p]
    if len(parts) not in (1, 3):
        raise ParamError(
            lazy(
                "{where}: {text} is not C×H×W (e.g. 3x224x224) or a vector length (e.g. 784)",
                where=where,
                text=repr(text),
            )
        )
    vals = []
    for p in parts:
        if not p.isdigit() or int(p) < 1:
            raise ParamError(
                lazy(
                    "{where}: {part} in {text} is not a positive whole number (write C×H×W, e.g. 1x28x28)",
                    where=where,
                    part=repr(p),
                    text=repr(text),
                )
            )
        if int(p) > 100000:
            raise ParamError(lazy("{where}: {value} is too large (at most {max})", where=where, value=p, max=100000))
        vals.append(int(p))
    return tuple(vals)


# --------------------------------------------------------------------------- the summary


@dataclass
class Row:
    """One row of the summary: a layer (or a part of a residual block)."""

    label: str
    what: str
    shape: tuple[int, ...]
    weights: int = 0
    biases: int = 0
    fixed: int = 0
    macs: int = 0
    connections: int = 0
    formula: str = ""
    depth: int = 0
    children: list[Row] = field(default_factory=list)

    @property
    def params(self) -> int:
        return self.weights + self.biases


def shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(str(v) for v in shape)


def _size(shape: tuple[int, ...]) -> int:
    n = 1
    for v in shape:
        n *= v
    return n


class _Builder:
    def __init__(self, specs: list[LayerSpec], shape: tuple[int, ...]) -> None:
        self.specs = specs
        self.shape = shape
        self.rows: list[Row] = []
        self.warnings: list[str] = []
        self.counts: dict[str, int] = {}
        self.used: set[str] = set()

    # ---- helpers

    def label(self, spec: LayerSpec, base: str) -> str:
        if spec.label:
            if spec.label in self.used:
                raise ParamError(
                    lazy("{where}: the label {label} is used twice", where=self.where(spec), label=repr(spec.label))
                )
            self.used.add(spec.label)
            return spec.label
        self.counts[base] = self.counts.get(base, 0) + 1
        name = f"{base}{self.counts[base]}" if base != "flatten" or self.counts[base] > 1 else "flatten"
        while name in self.used:
            self.counts[base] += 1
            name = f"{base}{self.counts[base]}"
        self.used.add(name)
        return name

    def where(self, spec: LayerSpec) -> str:
        return _where(spec.index, spec.text, spec.column)

    def int_opt(self, spec: LayerSpec, key: str, default: int, lo: int = 0, hi: int = 100000) -> int:
        if key not in spec.opts:
            return default
        v = read_pair(spec.opts[key], lazy("{where}: {name}", where=self.where(spec), name=key), lo=lo, hi=hi)
        if v[0] != v[1]:
            raise ParamError(
                lazy(
                    "{where}: {key} takes one number, not {value}",
                    where=self.where(spec),
                    key=key,
                    value=repr(spec.opts[key]),
                )
            )
        return int(v[0])

    def bool_opt(self, spec: LayerSpec, key: str, default: bool) -> bool:
        if key not in spec.opts:
            return default
        v = spec.opts[key].lower()
        if v in ("1", "true", "yes", "on"):
            return True
        if v in ("0", "false", "no", "off"):
            return False
        raise ParamError(
            lazy("{where}: {key}={value} (use 1 or 0)", where=self.where(spec), key=key, value=repr(spec.opts[key]))
        )

    def pair(self, spec: LayerSpec, key: str, default: tuple[int, int], lo: int = 1) -> tuple[int, int]:
        if key not in spec.opts:
            return default
        h, w = read_pair(spec.opts[key], lazy("{where}: {name}", where=self.where(spec), name=key), lo=lo, hi=4096)
        return int(h), int(w)

    def spatial(self, spec: LayerSpec) -> tuple[int, int, int]:
        if len(self.shape) != 3:
            raise ParamError(
                lazy(
                    "{where}: needs a C×H×W input, but the input here is a vector of {n} "
                    "(after flatten or dense only dense layers fit)",
                    where=self.where(spec),
                    n=self.shape[0],
                )
            )
        c, h, w = self.shape
        return c, h, w

    def axes(
        self, spec: LayerSpec, h: int, w: int, k: tuple[int, int], s: tuple[int, int], d: tuple[int, int]
    ) -> tuple[Axis, Axis, str]:
        raw = spec.opts.get("p", "0")
        ph, pw = read_pair(
            raw, lazy("{where}: {name}", where=self.where(spec), name="p"), lo=0, hi=4096, modes=PAD_MODES
        )
        keff = (k[0] + (k[0] - 1) * (d[0] - 1), k[1] + (k[1] - 1) * (d[1] - 1))
        lo_h, hi_h = resolve_padding(ph, h, keff[0], s[0])
        lo_w, hi_w = resolve_padding(pw, w, keff[1], s[1])
        ah = Axis(h, k[0], s[0], d[0], lo_h, hi_h)
        aw = Axis(w, k[1], s[1], d[1], lo_w, hi_w)
        for name, ax, n in (("height", ah, h), ("width", aw, w)):
            if ax.span < 0:
                fit = n + ax.lo + ax.hi
                raise ParamError(
                    lazy(
                        "{where}: the kernel's {axis} {k_eff} is larger than the padded input's {fit} "
                        "(input {shape}); at most {fit} fits, or pad by {pad} on each side",
                        where=self.where(spec),
                        axis=axis_word(name),
                        k_eff=ax.k_eff,
                        fit=fit,
                        shape=shape_text(self.shape),
                        pad=(ax.k_eff - n + 1) // 2,
                    )
                )
        uneven = [(name, ax) for name, ax in (("height", ah), ("width", aw)) if not ax.even]
        if len(uneven) == 2 and ah == aw:
            uneven = [("height and width", ah)]
        for name, ax in uneven:
            self.warnings.append(uneven_warning(ax, name, (spec.index, spec.text)))
        mode = raw.lower() if raw.lower() in PAD_MODES else ""
        return ah, aw, mode

    # ---- layers

    def build(self) -> list[Row]:
        for spec in self.specs:
            self.rows.append(self.layer(spec, 0))
        return self.rows

    def layer(self, spec: LayerSpec, depth: int) -> Row:
        k = spec.name
        if k == "conv":
            return self.conv(spec, depth)
        if k in ("pool", "maxpool", "avgpool", "sub"):
            return self.pool(spec, depth)
        if k == "gap":
            c, h, w = self.spatial(spec)
            self.shape = (c, 1, 1)
            return Row(
                self.label(spec, "gap"),
                "global avg pool",
                self.shape,
                connections=c * h * w,
                formula=lazy("average of each {h}×{w} map → {c}×1×1", h=h, w=w, c=c),
                depth=depth,
            )
        if k == "flatten":
            n = _size(self.shape)
            before = self.shape
            self.shape = (n,)
            text = f"{shape_text(before)} = {n}" if len(before) > 1 else lazy("{n} (already flat)", n=n)
            return Row(self.label(spec, "flatten"), "flatten", self.shape, formula=text, depth=depth)
        if k == "dense":
            return self.dense(spec, depth)
        if k == "rbf":
            return self.dense(spec, depth, rbf=True)
        if k == "bn":
            c = self.shape[0]
            return Row(
                self.label(spec, "bn"),
                "batch norm",
                self.shape,
                weights=c,
                biases=c,
                formula=lazy("γ and β per channel: 2·{c} = {n}", c=c, n=2 * c),
                depth=depth,
            )
        if k == "act":
            name = re.sub(r"\(.*", "", spec.text.split(":")[-1]).strip().lower()
            return Row(self.label(spec, name), name, self.shape, formula=N_("shape kept, no parameters"), depth=depth)
        if k == "res":
            return self.res(spec, depth)
        if k == "bottleneck":
            return self.bottleneck(spec, depth)
        if k == "inception":
            return self.inception(spec, depth)
        raise AssertionError(k)  # pragma: no cover

    def conv(self, spec: LayerSpec, depth: int, label: str | None = None) -> Row:
        c_in, h, w = self.spatial(spec)
        c_out = self.int_opt(spec, "out", 1, lo=1)
        k = self.pair(spec, "k", (1, 1))
        s = self.pair(spec, "s", (1, 1))
        d = self.pair(spec, "d", (1, 1))
        bias = self.bool_opt(spec, "bias", True)
        groups = self.int_opt(spec, "groups", self.int_opt(spec, "g", 1, lo=1), lo=1)
        if "in" in spec.opts:
            stated = self.int_opt(spec, "in", c_in, lo=1)
            if stated != c_in:
                raise ParamError(
                    lazy(
                        "{where}: in={stated} but the layer before gives {channels} (input {shape})",
                        where=self.where(spec),
                        stated=stated,
                        channels=count_of(c_in, "channel"),
                        shape=shape_text(self.shape),
                    )
                )
        if c_in % groups or c_out % groups:
            raise ParamError(
                lazy(
                    "{where}: groups={groups} must divide both the input channels {c_in} and out={c_out}",
                    where=self.where(spec),
                    groups=groups,
                    c_in=c_in,
                    c_out=c_out,
                )
            )
        ah, aw, _mode = self.axes(spec, h, w, k, s, d)
        oh, ow = ah.out, aw.out
        table = spec.opts.get("table", "").lower()
        kk = k[0] * k[1]
        if table:
            if table != "lenet":
                raise ParamError(
                    lazy(
                        "{where}: table={table} (the only table is lenet, LeNet-5's C3)",
                        where=self.where(spec),
                        table=repr(table),
                    )
                )
            if (c_in, c_out, groups) != (6, 16, 1):
                raise ParamError(
                    lazy(
                        "{where}: table=lenet is LeNet-5's C3: 6 input maps to 16 output maps, not {c_in} to {c_out}",
                        where=self.where(spec),
                        c_in=c_in,
                        c_out=c_out,
                    )
                )
            links = sum(len(t) for t in LENET_C3_TABLE)
            weights = links * kk
            fan: str = lazy("{links} map pairs (Table I)·{kh}·{kw}", links=links, kh=k[0], kw=k[1])
        else:
            links = c_out * (c_in // groups)
            weights = links * kk
            fan = (
                f"{k[0]}·{k[1]}·{c_in // groups}·{c_out}"
                if groups == 1
                else (f"{k[0]}·{k[1]}·({c_in}/{groups})·{c_out}")
            )
        biases = c_out if bias else 0
        self.shape = (c_out, oh, ow)
        outs = oh * ow * c_out
        macs = weights * oh * ow
        conns = macs + (outs if bias else 0)
        params_text = (
            lazy("weights {fan} = {w}, biases {b}, params {n}", fan=fan, w=weights, b=biases, n=weights + biases)
            if bias
            else lazy("weights {fan} = {w}, no biases", fan=fan, w=weights)
        )
        formula = lazy(
            "{kh}×{kw} conv, {c_out} kernels{stride}{dilation}{pad}{groups} on {shape_in}: {size} → {shape_out}; "
            "{params}; MACs {macs}; {connections}",
            kh=k[0],
            kw=k[1],
            c_out=c_out,
            stride=_pair_words(N_(", stride {s}"), s),
            dilation=_pair_words(N_(", dilation {d}"), d, key="d"),
            pad=_pad_words(ah, aw),
            groups=lazy(", groups {g}", g=groups) if groups > 1 else "",
            shape_in=f"{c_in}×{h}×{w}",
            size=_size_words(ah, aw),
            shape_out=f"{c_out}×{oh}×{ow}",
            params=params_text,
            macs=f"{oh}·{ow}·{weights} = {macs}",
            connections=lazy("connections {macs} + {outs} = {n}", macs=macs, outs=outs, n=conns)
            if bias
            else lazy("connections {n}", n=conns),
        )
        return Row(
            label or self.label(spec, "conv"),
            f"conv {k[0]}×{k[1]}",
            self.shape,
            weights,
            biases,
            0,
            macs,
            conns,
            formula,
            depth,
        )

    def pool(self, spec: LayerSpec, depth: int, label: str | None = None) -> Row:
        c, h, w = self.spatial(spec)
        k = self.pair(spec, "k", (2, 2))
        s = self.pair(spec, "s", k)
        if spec.name == "sub":
            mode = "sub"
        elif spec.name == "pool":
            mode = spec.opts.get("mode", "max").lower()
            if mode not in ("max", "avg"):
                raise ParamError(lazy("{where}: mode={mode} (use max or avg)", where=self.where(spec), mode=repr(mode)))
        else:
            mode = spec.name[:3]
        ah, aw, _ = self.axes(spec, h, w, k, s, (1, 1))
        oh, ow = ah.out, aw.out
        self.shape = (c, oh, ow)
        outs = c * oh * ow
        fields = {
            "kh": k[0],
            "kw": k[1],
            "stride": lazy(", stride {s}", s=s[0] if s[0] == s[1] else f"{s[0]}×{s[1]}"),
            "pad": _pad_words(ah, aw),
            "shape_in": f"{c}×{h}×{w}",
            "size": _size_words(ah, aw),
            "shape_out": f"{c}×{oh}×{ow}",
        }
        if mode == "sub":
            conns = outs * (k[0] * k[1] + 1)
            formula = lazy(
                "{kh}×{kw} subsampling{stride}{pad} on {shape_in}: {size} → {shape_out}; "
                "coefficient and bias per map: {coef}; MACs {macs}; connections {connections}",
                **fields,
                coef=f"2·{c} = {2 * c}",
                macs=outs,
                connections=f"{outs}·({k[0] * k[1]} + 1) = {conns}",
            )
            label = self.label(spec, "sub")
            return Row(label, f"subsample {k[0]}×{k[1]}", self.shape, c, c, 0, outs, conns, formula, depth)
        conns = outs * k[0] * k[1]
        template = (
            N_(
                "{kh}×{kw} max pool{stride}{pad} on {shape_in}: {size} → {shape_out}; no parameters; "
                "connections {connections}"
            )
            if mode == "max"
            else N_(
                "{kh}×{kw} avg pool{stride}{pad} on {shape_in}: {size} → {shape_out}; no parameters; "
                "connections {connections}"
            )
        )
        formula = lazy(template, **fields, connections=f"{outs}·{k[0] * k[1]} = {conns}")
        return Row(
            label or self.label(spec, "pool"),
            f"{mode} pool {k[0]}×{k[1]}",
            self.shape,
            connections=conns,
            formula=formula,
            depth=depth,
        )

    def dense(self, spec: LayerSpec, depth: int, *, rbf: bool = False) -> Row:
        if len(self.shape) != 1:
            raise ParamError(
                lazy(
                    "{where}: needs a flat input, but the input here is {shape}; "
                    "put flatten before it (it would give {inputs})",
                    where=self.where(spec),
                    shape=shape_text(self.shape),
                    inputs=count_of(_size(self.shape), "input"),
                )
            )
        n_in = self.shape[0]
        n_out = self.int_opt(spec, "out", 1, lo=1)
        if "in" in spec.opts:
            stated = self.int_opt(spec, "in", n_in, lo=1)
            if stated != n_in:
                raise ParamError(
                    lazy(
                        "{where}: in={stated} but the layer before gives {n} values",
                        where=self.where(spec),
                        stated=stated,
                        n=n_in,
                    )
                )
        self.shape = (n_out,)
        w = n_in * n_out
        if rbf:
            formula = lazy(
                "{n_out} units, each with {n_in} fixed centre coordinates: {n_in}·{n_out} = {w} (not trained)",
                n_out=n_out,
                n_in=n_in,
                w=w,
            )
            return Row(
                self.label(spec, "rbf"), "rbf", self.shape, fixed=w, macs=w, connections=w, formula=formula, depth=depth
            )
        bias = self.bool_opt(spec, "bias", True)
        b = n_out if bias else 0
        template = (
            N_(
                "dense {n_in} → {n_out}: weights {n_in}·{n_out} = {w}, biases {b}; MACs {w}; "
                "connections {w} + {b} = {n}"
            )
            if bias
            else N_(
                "dense {n_in} → {n_out}: weights {n_in}·{n_out} = {w}, no biases; MACs {w}; connections {w} + {b} = {n}"
            )
        )
        formula = lazy(
            template,
            n_in=n_in,
            n_out=n_out,
            w=w,
            b=b,
            n=w + b,
        )
        return Row(self.label(spec, "fc"), "dense", self.shape, w, b, 0, w, w + b, formula, depth)

    def _sub(self, spec: LayerSpec, parent: str, name: str, opts: dict[str, str], depth: int) -> Row:
        sub = LayerSpec("conv", None, (), opts, spec.text, spec.index, spec.column)
        return self.conv(sub, depth, f"{parent}.{name}")

    def _bn(self, parent: str, name: str, depth: int) -> Row:
        c = self.shape[0]
        return Row(
            f"{parent}.{name}",
            "batch norm",
            self.shape,
            c,
            c,
            formula=lazy("γ and β per channel: 2·{c} = {n}", c=c, n=2 * c),
            depth=depth,
        )

    def _block(
        self,
        spec: LayerSpec,
        depth: int,
        base: str,
        convs: list[tuple[str, dict[str, str]]],
        out_c: int,
        stride: int,
        bn: bool,
    ) -> Row:
        label = self.label(spec, base)
        c_in, h, w = self.spatial(spec)
        start = self.shape
        kids: list[Row] = []
        for name, opts in convs:
            kids.append(self._sub(spec, label, name, {**opts, "bias": "0" if bn else "1"}, depth + 1))
            if bn:
                kids.append(self._bn(label, f"bn{name[-1]}", depth + 1))
        main = self.shape
        if c_in != out_c or stride != 1:
            self.shape = start
            kids.append(
                self._sub(
                    spec,
                    label,
                    "proj",
                    {"out": str(out_c), "k": "1", "s": str(stride), "bias": "0" if bn else "1"},
                    depth + 1,
                )
            )
            if bn:
                kids.append(self._bn(label, "proj_bn", depth + 1))
            shortcut = {"c_in": c_in, "c_out": out_c, "s": stride}
        else:
            shortcut = {}
        if self.shape != main:  # pragma: no cover - the projection is built to match
            raise ParamError(
                lazy(
                    "{where}: the shortcut {shape} does not match {main}",
                    where=self.where(spec),
                    shape=shape_text(self.shape),
                    main=shape_text(main),
                )
            )
        self.shape = main
        shapes = {"shape_in": f"{c_in}×{h}×{w}", "shape_out": shape_text(main)}
        if shortcut:
            add: str = lazy("main path + 1×1 projection (channels {c_in} → {c_out}, stride {s}), then relu", **shortcut)
            head = lazy(
                "{shape_in} → {shape_out}, 1×1 projection (channels {c_in} → {c_out}, stride {s})", **shapes, **shortcut
            )
        else:
            add = N_("main path + identity shortcut, then relu")
            head = lazy("{shape_in} → {shape_out}, identity shortcut", **shapes)
        kids.append(Row(f"{label}.add", "add", main, formula=add, depth=depth + 1))
        what = "basic block" if base == "res" else "bottleneck block"
        return _sum_of(label, what, main, kids, head, depth)

    def inception(self, spec: LayerSpec, depth: int) -> Row:
        """GoogLeNet's module: 1×1 | 1×1 → 3×3 | 1×1 → 5×5 | 3×3 max-pool → 1×1, concatenated by channel."""
        label = self.label(spec, "incep")
        c_in, h, w = self.spatial(spec)
        start = self.shape
        n = {key: self.int_opt(spec, key, 1, lo=1) for key in ("c1", "c3r", "c3", "c5r", "c5", "pp")}
        bias = "1" if self.bool_opt(spec, "bias", True) else "0"
        branches: list[list[tuple[str, dict[str, str]]]] = [
            [("b1", {"out": str(n["c1"]), "k": "1"})],
            [("b2_reduce", {"out": str(n["c3r"]), "k": "1"}), ("b2", {"out": str(n["c3"]), "k": "3", "p": "1"})],
            [("b3_reduce", {"out": str(n["c5r"]), "k": "1"}), ("b3", {"out": str(n["c5"]), "k": "5", "p": "2"})],
            [("b4_pool", {}), ("b4", {"out": str(n["pp"]), "k": "1"})],
        ]
        kids: list[Row] = []
        for branch in branches:
            self.shape = start
            for name, opts in branch:
                if not opts:
                    sub = LayerSpec(
                        "maxpool", None, (), {"k": "3", "s": "1", "p": "1"}, spec.text, spec.index, spec.column
                    )
                    kids.append(self.pool(sub, depth + 1, f"{label}.{name}"))
                else:
                    kids.append(self._sub(spec, label, name, {**opts, "bias": bias}, depth + 1))
        c_out = n["c1"] + n["c3"] + n["c5"] + n["pp"]
        self.shape = (c_out, h, w)
        kids.append(
            Row(
                f"{label}.concat",
                "concat",
                self.shape,
                formula=lazy(
                    "channels {c1} + {c3} + {c5} + {pp} = {n}", c1=n["c1"], c3=n["c3"], c5=n["c5"], pp=n["pp"], n=c_out
                ),
                depth=depth + 1,
            )
        )
        head = lazy(
            "{shape_in} → {shape_out}, four branches concatenated",
            shape_in=f"{c_in}×{h}×{w}",
            shape_out=shape_text(self.shape),
        )
        return _sum_of(label, "inception module", self.shape, kids, head, depth)

    def res(self, spec: LayerSpec, depth: int) -> Row:
        out_c = self.int_opt(spec, "out", 1, lo=1)
        s = self.int_opt(spec, "s", 1, lo=1)
        bn = self.bool_opt(spec, "bn", True)
        convs = [
            ("conv1", {"out": str(out_c), "k": "3", "s": str(s), "p": "1"}),
            ("conv2", {"out": str(out_c), "k": "3", "p": "1"}),
        ]
        return self._block(spec, depth, "res", convs, out_c, s, bn)

    def bottleneck(self, spec: LayerSpec, depth: int) -> Row:
        mid = self.int_opt(spec, "mid", 1, lo=1)
        s = self.int_opt(spec, "s", 1, lo=1)
        e = self.int_opt(spec, "expand", 4, lo=1)
        bn = self.bool_opt(spec, "bn", True)
        convs = [
            ("conv1", {"out": str(mid), "k": "1"}),
            ("conv2", {"out": str(mid), "k": "3", "s": str(s), "p": "1"}),
            ("conv3", {"out": str(mid * e), "k": "1"}),
        ]
        return self._block(spec, depth, "bneck", convs, mid * e, s, bn)


def _sum_of(label: str, what: str, shape: tuple[int, ...], kids: list[Row], head: str, depth: int) -> Row:
    """A block's row: its parts' weights, biases, MACs and connections added up, the sums written out."""
    weights = sum(r.weights for r in kids)
    biases = sum(r.biases for r in kids)
    macs = sum(r.macs for r in kids)
    conns = sum(r.connections for r in kids)
    formula = lazy(
        "{head}; params {params}; MACs {macs}",
        head=head,
        params=" + ".join(str(r.params) for r in kids if r.params) + f" = {weights + biases}",
        macs=" + ".join(str(r.macs) for r in kids if r.macs) + f" = {macs}",
    )
    return Row(label, what, shape, weights, biases, 0, macs, conns, formula, depth, kids)


def _pad_words(ah: Axis, aw: Axis) -> str:
    """ ", pad 1", ", pad 1×2" or ", pad 0+1×0+1" (before+after per axis); "" without padding."""
    if (ah.lo, ah.hi, aw.lo, aw.hi) == (0, 0, 0, 0):
        return ""
    if ah.lo == ah.hi == aw.lo == aw.hi:
        return lazy(", pad {p}", p=ah.lo)
    if ah.lo == ah.hi and aw.lo == aw.hi:
        return lazy(", pad {p}", p=f"{ah.lo}×{aw.lo}")
    return lazy(", pad {p}", p=f"{ah.lo}+{ah.hi}×{aw.lo}+{aw.hi}")


def _pair_words(template: str, v: tuple[int, int], key: str = "s") -> str:
    """ ", stride 2" or ", stride 2×1" (`template` with one field `key`); "" for 1×1."""
    if v == (1, 1):
        return ""
    return lazy(template, **{key: v[0] if v[0] == v[1] else f"{v[0]}×{v[1]}"})


def _size_words(ah: Axis, aw: Axis) -> str:
    """The output size: "H = … (W the same)", or both axes."""
    if ah == aw:
        return lazy("H = {h} (W the same)", h=ah.formula())
    return f"H = {ah.formula()}, W = {aw.formula()}"


def summarize(shape: tuple[int, ...], text: str) -> tuple[list[Row], list[str]]:
    """The rows (blocks with their parts) and the warnings of a layer list on an input shape."""
    b = _Builder(parse_layers(text), shape)
    return b.build(), b.warnings


def flat_rows(rows: list[Row]) -> list[Row]:
    out: list[Row] = []
    for r in rows:
        out.append(r)
        out.extend(flat_rows(r.children))
    return out


def _group(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def table(rows: list[Row]) -> list[list[str]]:
    """The torchinfo-style table: one row per layer (and per part of a block): name, output shape,
    parameters, MACs; fixed (untrained) parameters in parentheses."""
    out = []
    for r in flat_rows(rows):
        params = _group(r.params) if r.params else ""
        if r.fixed:
            params = (params + " " if params else "") + f"({_group(r.fixed)})"
        out.append([r.label, shape_text(r.shape), params or "--", _group(r.macs) if r.macs else "--"])
    return out


# --------------------------------------------------------------------------- the generator


def _draw(d: Draw) -> Params:
    """A small exam-style network: conv, pool, conv, pool, dense, dense on a random square input."""
    if "layers" in d.fixed or "preset" in d.fixed:
        return {}
    rng = d.rng

    def one(options: list[int]) -> int:
        return int(options[int(rng.integers(0, len(options)))])

    c, n = one([1, 1, 3]), one([16, 28, 32, 32, 64])
    k1 = one([3, 5])
    p1 = one([0, (k1 - 1) // 2])
    pool = one([2, 2, 3])
    layers = (
        f"conv({one([4, 6, 8, 16])},{k1},p={p1}); relu; maxpool({pool},2); conv({one([8, 16, 32])},3,p=1); relu; "
        f"maxpool(2); flatten; dense({one([32, 64, 120])}); dense({one([2, 10])})"
    )
    return {"input": d.value("input", lambda: f"{c}x{n}x{n}"), "layers": layers}


def _resolve(p: Params) -> tuple[tuple[int, ...], str, str]:
    preset = p.get("preset")
    layers = p.get("layers")
    classes = p.get("classes")
    if preset is not None and layers is not None:
        raise ParamError(
            lazy(
                "{kind}: give layers or preset, not both (preset {preset} has its own layers)", kind=KIND, preset=preset
            )
        )
    if preset is None and layers is None:
        preset = "lenet5"
    if preset is not None:
        shape_txt, text, default_classes, note = PRESETS[preset]
        if classes is not None and default_classes is None:
            raise ParamError(
                lazy(
                    "{where}: preset {preset} has no class layer to resize",
                    where=lazy("{kind}: parameter {name}", kind=KIND, name="classes"),
                    preset=preset,
                )
            )
        text = text.replace("{classes}", str(classes if classes is not None else default_classes))
        shape = parse_shape(p["input"]) if p.get("input") is not None else parse_shape(shape_txt)
        return shape, text, note
    if classes is not None:
        raise ParamError(
            lazy(
                "{where} only resizes a preset's last layer; with layers, set dense(N)",
                where=lazy("{kind}: parameter {name}", kind=KIND, name="classes"),
            )
        )
    shape = parse_shape(p["input"]) if p.get("input") is not None else parse_shape("1x28x28")
    return shape, str(layers), ""


def _check(p: Params) -> None:
    _resolve(p)


@register(
    KIND,
    "conv.channels",
    "Network summary: shapes, parameters, MACs, connections",
    [
        ParamSpec(
            "input",
            "input shape C×H×W (e.g. 3x224x224) or a vector length; default: the preset's (1x28x28 for layers)",
            None,
            "str",
            shape="C×H×W",
        ),
        ParamSpec(
            "layers",
            "layers separated by ';', e.g. conv(6,5,p=2); pool(2); flatten; dense(10). Layers: "
            "conv(out,k,s,p,d,bias,groups,in), pool/maxpool/avgpool(k,s,p), gap, flatten, dense(out,bias), bn, "
            "relu/sigmoid/tanh/dropout, res(out,s), bottleneck(mid,s,expand), inception(c1,c3r,c3,c5r,c5,pp), "
            "sub(k), rbf(out); sizes 3 or 3x5; "
            "p = a number, same, valid or full; 'C1: conv(6,5)' names a layer, 'conv(64,3,p=1)*2' repeats it. "
            "Each layer L gives L_shape, L_params, L_weights, L_biases, L_macs, L_connections",
            None,
            "str",
        ),
        ParamSpec(
            "preset",
            "a classic network instead of layers (its input and classes can be changed)",
            None,
            "choice",
            choices=tuple(PRESETS),
        ),
        ParamSpec(
            "classes",
            "size of a preset's last layer (classes)",
            None,
            "int",
            min=1,
            max=1000000,
            applies="with a preset",
        ),
    ],
    [
        "total_params",
        "total_weights",
        "total_biases",
        "fixed_params",
        "total_macs",
        "total_flops",
        "total_connections",
        "output_shape",
        "input_shape",
    ],
    draw=_draw,
    check=_check,
)
def _summary(p: Params) -> Out:
    shape, text, note = _resolve(p)
    rows, warnings = summarize(shape, text)
    first = f"C×H×W = {shape_text(shape)}" if len(shape) == 3 else lazy("{n} values", n=shape[0])
    steps = [Step("Input", first, list(shape), note, key="input_shape")]
    values: dict[str, Any] = {}
    for r in flat_rows(rows):
        steps.append(Step(r.label, r.formula, list(r.shape), key=f"{r.label}_shape"))
        values[f"{r.label}_params"] = r.params
        values[f"{r.label}_weights"] = r.weights
        values[f"{r.label}_biases"] = r.biases
        values[f"{r.label}_macs"] = r.macs
        values[f"{r.label}_connections"] = r.connections
        if r.fixed:
            values[f"{r.label}_fixed"] = r.fixed
        if r.what == "flatten" and "flatten" not in values:
            values["flatten"] = r.shape[0]
    total = sum(r.params for r in rows)
    weights = sum(r.weights for r in rows)
    biases = sum(r.biases for r in rows)
    fixed = sum(r.fixed for r in rows)
    macs = sum(r.macs for r in rows)
    conns = sum(r.connections for r in rows)
    steps.append(
        Step(
            "Summary",
            N_(
                "one row per layer and per part of a block: name, output shape, parameters, MACs; "
                "fixed parameters in parentheses"
            )
            if fixed
            else N_("one row per layer and per part of a block: name, output shape, parameters, MACs"),
            table(rows),
        )
    )
    counted = [r.params for r in rows if r.params]
    steps.append(
        Step(
            "Parameters",
            (" + ".join(map(str, counted)) + f" = {total}") if len(counted) > 1 else str(total),
            total,
            lazy("weights {w} + biases {b}; {fixed} fixed parameters not counted", w=weights, b=biases, fixed=fixed)
            if fixed
            else lazy("weights {w} + biases {b}", w=weights, b=biases),
            key="total_params",
        )
    )
    counted = [r.macs for r in rows if r.macs]
    steps.append(
        Step(
            "MACs",
            (" + ".join(map(str, counted)) + f" = {macs}") if len(counted) > 1 else str(macs),
            macs,
            key="total_macs",
        )
    )
    steps.append(
        Step("FLOPs", f"2·{macs} = {2 * macs}", 2 * macs, "one multiply and one add per MAC", key="total_flops")
    )
    counted = [r.connections for r in rows if r.connections]
    steps.append(
        Step(
            "Connections",
            (" + ".join(map(str, counted)) + f" = {conns}") if len(counted) > 1 else str(conns),
            conns,
            key="total_connections",
        )
    )
    values.update(
        {
            "total_weights": weights,
            "total_biases": biases,
            "fixed_params": fixed,
            "output_shape": list(rows[-1].shape),
        }
    )
    return Out(steps, total, values, CONVENTION, warnings=warnings)


__all__ = ["LAYER_SYNTAX", "PRESETS", "parse_layers", "summarize"]

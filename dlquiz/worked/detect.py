"""Object detection: intersection over union and non-max suppression."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, fv, register

Box = list[float]


def iou(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float]:
    """(intersection, union, IoU) of boxes given as x1, y1, x2, y2."""
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter, union, (inter / union if union > 0 else 0.0)


FORMATS = ("corners", "xywh", "center")
_FORMAT_TEXT = {
    "corners": N_("x1,y1,x2,y2"),
    "xywh": N_("x,y,w,h (top-left corner, width, height)"),
    "center": N_("cx,cy,w,h (centre, width, height)"),
}


def to_corners(box: Sequence[float], fmt: str) -> list[float]:
    """A box as corners x1, y1, x2, y2, from corners, x,y,w,h (top-left and size) or cx,cy,w,h (centre and size)."""
    x, y, u, v = (float(c) for c in box)
    if fmt == "xywh":
        return [x, y, x + u, y + v]
    if fmt == "center":
        return [x - u / 2, y - v / 2, x + u / 2, y + v / 2]
    return [x, y, u, v]


def _check_box(kind: str, name: str, box: Box, fmt: str = "corners") -> None:
    where = lazy("{kind}: parameter {name}", kind=kind, name=name)
    if len(box) != 4:
        raise ParamError(
            lazy(
                "{where}: a box is 4 numbers {numbers}, got {box}",
                where=where,
                numbers=lazy(_FORMAT_TEXT[fmt]),
                box=fv(box),
            )
        )
    if fmt != "corners" and (box[2] <= 0 or box[3] <= 0):
        raise ParamError(lazy("{where}: {box} needs a width w > 0 and a height h > 0", where=where, box=fv(box)))
    if fmt == "corners" and (box[2] <= box[0] or box[3] <= box[1]):
        raise ParamError(lazy("{where}: {box} needs x2 > x1 and y2 > y1", where=where, box=fv(box)))


def _format_param() -> ParamSpec:
    return ParamSpec(
        "format",
        "how a box is written: corners x1,y1,x2,y2; xywh = top-left x,y and w,h; center = cx,cy,w,h (YOLO)",
        "corners",
        "choice",
        choices=FORMATS,
    )


_CORNER_RULE = {
    "xywh": "x1 = x, y1 = y, x2 = x + w, y2 = y + h",
    "center": "x1 = cx − w/2, y1 = cy − h/2, x2 = cx + w/2, y2 = cy + h/2",
}


_CORNERS_OF = {"box1": N_("Corners of box1"), "box2": N_("Corners of box2")}


def _corner_steps(boxes: dict[str, Box], fmt: str) -> list[Step]:
    if fmt == "corners":
        return []
    formula = _CORNER_RULE[fmt]
    return [
        Step(
            _CORNERS_OF[name],
            f"{formula}: {fv(list(box))} → {fv(to_corners(box, fmt))}",
            to_corners(box, fmt),
            key=f"{name}_corners",
        )
        for name, box in boxes.items()
    ]


def _rand_box(d: Draw, lo: int = 1, hi: int = 4) -> list[int]:
    x, y = (int(v) for v in d.rng.integers(0, 5, size=2))
    w, h = (int(v) for v in d.rng.integers(lo, hi + 1, size=2))
    return [x, y, x + w, y + h]


def _relation(a: Sequence[float], b: Sequence[float]) -> str:
    """Whether two boxes are disjoint, nested (one inside the other) or overlap partly."""
    if iou(a, b)[0] == 0:
        return "disjoint"
    inside = a[0] <= b[0] and a[1] <= b[1] and b[2] <= a[2] and b[3] <= a[3]
    outside = b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]
    return "nested" if inside or outside else "overlap"


def _near_box(d: Draw, base: Box) -> list[int]:
    """A box of side 2–5 whose corner lies within 3 of the corner of `base`."""
    x, y = (max(0, int(c) + int(v)) for c, v in zip(base[:2], d.rng.integers(-3, 4, size=2), strict=True))
    w, h = (int(v) for v in d.rng.integers(2, 6, size=2))
    return [x, y, x + w, y + h]


def _draw_iou(d: Draw) -> Params:
    # mostly partial overlaps (the exam case); sometimes one box inside the other, sometimes disjoint
    want = str(d.rng.choice(["overlap"] * 7 + ["nested"] * 2 + ["disjoint"]))
    box1 = d.value("box1", lambda: [int(v) for v in _rand_box(d, 2, 5)])
    if "box2" in d.fixed:
        return {"box1": box1, "box2": d.fixed["box2"]}
    box2 = _near_box(d, box1)
    for _ in range(200):
        if _relation(box1, box2) == want:
            break
        box2 = _near_box(d, box1)
    return {"box1": box1, "box2": box2}


def _check_iou(p: Params) -> None:
    _check_box("det.iou", "box1", p["box1"], p["format"])
    _check_box("det.iou", "box2", p["box2"], p["format"])


@register(
    "det.iou",
    "det.iou",
    "Intersection over union",
    [
        ParamSpec(
            "box1",
            "first box (x1,y1,x2,y2 unless format says otherwise)",
            [0, 0, 2, 2],
            "floatlist",
        ),
        ParamSpec("box2", "second box", [1, 1, 3, 3], "floatlist"),
        _format_param(),
    ],
    ["inter", "union", "area1", "area2"],
    draw=lambda d: _draw_iou(d),
    check=_check_iou,
)
def _iou(p: Params) -> Out:
    fmt = p["format"]
    a, b = to_corners(p["box1"], fmt), to_corners(p["box2"], fmt)
    shown = _corner_steps({"box1": p["box1"], "box2": p["box2"]}, fmt)
    a1 = (a[2] - a[0]) * (a[3] - a[1])
    a2 = (b[2] - b[0]) * (b[3] - b[1])
    iw = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter, union, r = iou(a, b)
    steps = [
        *shown,
        Step(
            "Intersection",
            lazy(
                "width {w}, height {h}; area {area}",
                w=f"max(0, min({fv(a[2])}, {fv(b[2])}) − max({fv(a[0])}, {fv(b[0])})) = {fv(iw)}",
                h=fv(ih),
                area=fv(inter),
            ),
            inter,
            key="inter",
        ),
        Step("Union", f"{fv(a1)} + {fv(a2)} − {fv(inter)} = {fv(union)}", union, key="union"),
        Step("IoU", f"{fv(inter)}/{fv(union)} = {fv(r)}", r, key="iou"),
    ]
    conv = {
        "corners": N_("boxes as corners x1, y1, x2, y2"),
        "xywh": N_("boxes as x, y, w, h (top-left corner and size)"),
        "center": N_("boxes as cx, cy, w, h (centre and size, as in YOLO)"),
    }[fmt]
    return Out(steps, r, {"inter": inter, "union": union, "area1": a1, "area2": a2}, conv)


def nms(boxes: list[Box], scores: list[float], iou_threshold: float, score_threshold: float) -> list[int]:
    """Indices kept by non-max suppression (drop score ≤ threshold, then IoU > threshold)."""
    left = [i for i in range(len(boxes)) if scores[i] > score_threshold]
    left.sort(key=lambda i: -scores[i])
    kept: list[int] = []
    while left:
        best = left.pop(0)
        kept.append(best)
        left = [i for i in left if iou(boxes[best], boxes[i])[2] <= iou_threshold]
    return kept


def _cluster_boxes(d: Draw) -> list[list[int]]:
    """2–3 objects far apart, each seen by 1–3 boxes that differ by a pixel or two at a side."""
    n_obj = int(d.rng.integers(2, 4))
    out: list[list[int]] = []
    for k in range(n_obj):
        x, y = 9 * k + int(d.rng.integers(1, 3)), int(d.rng.integers(1, 4))
        w, h = (int(v) for v in d.rng.integers(3, 6, size=2))
        base = [x, y, x + w, y + h]
        out.append(base)
        for _ in range(int(d.rng.choice([0, 1, 1, 2]))):
            jitter = [int(v) for v in d.rng.integers(-1, 2, size=4)]
            box = [c + j for c, j in zip(base, jitter, strict=True)]
            if box[2] > box[0] and box[3] > box[1] and box not in out:
                out.append(box)
    order = d.rng.permutation(len(out))
    return [out[int(i)] for i in order][:6]


_SCORES = [0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.4]


def _draw_nms(d: Draw) -> Params:
    # clusters of overlapping boxes around 2–3 objects, so that suppression happens
    it = float(d.fixed.get("iou_threshold", 0.5))
    st = float(d.fixed.get("score_threshold", 0.6))

    def scores_for(n: int) -> list[float]:
        return [round(float(v), 2) for v in d.rng.choice(_SCORES, size=min(n, len(_SCORES)), replace=False)]

    boxes = scores = None
    for _ in range(100):
        boxes = d.value("boxes", lambda: _cluster_boxes(d))
        n_boxes = len(boxes)
        scores = d.value("scores", functools.partial(scores_for, n_boxes))
        if len(scores) != len(boxes):
            break  # the check reports the mismatch
        survivors = [i for i in range(len(boxes)) if scores[i] > st]
        if len(nms(boxes, scores, it, st)) < len(survivors):
            break
    return {"boxes": boxes, "scores": scores}


def _check_nms(p: Params) -> None:
    if len(p["boxes"]) != len(p["scores"]):
        raise ParamError(
            lazy(
                "{kind}: {n} boxes but {m} scores; give one score per box",
                kind="det.nms",
                n=len(p["boxes"]),
                m=len(p["scores"]),
            )
        )
    for i, b in enumerate(p["boxes"]):
        _check_box("det.nms", lazy("{where} row {i}", where="boxes", i=i + 1), b, p["format"])


@register(
    "det.nms",
    "det.nms",
    "Non-max suppression step by step",
    [
        ParamSpec(
            "boxes",
            "one box per row (x1,y1,x2,y2 unless format says otherwise)",
            [[0, 0, 4, 4], [1, 1, 5, 5], [0, 1, 4, 5], [6, 6, 9, 9], [6, 7, 9, 10]],
            "matrix",
        ),
        ParamSpec(
            "scores",
            "confidence of each box",
            [0.9, 0.75, 0.8, 0.7, 0.5],
            "floatlist",
            min=0,
            max=1,
        ),
        ParamSpec(
            "iou_threshold",
            "suppress boxes with IoU above this",
            0.5,
            "float",
            min=0,
            max=1,
        ),
        ParamSpec(
            "score_threshold",
            "discard boxes with score ≤ this",
            0.6,
            "float",
            min=0,
            max=1,
        ),
        _format_param(),
    ],
    ["kept", "kept_count", "discarded"],
    draw=_draw_nms,
    check=_check_nms,
)
def _nms(p: Params) -> Out:
    fmt = p["format"]
    boxes, scores = [to_corners(b, fmt) for b in p["boxes"]], p["scores"]
    corners = (
        []
        if fmt == "corners"
        else [Step("Corners", lazy("{rule}, one box per row", rule=_CORNER_RULE[fmt]), boxes, key="corners")]
    )
    it, st = float(p["iou_threshold"]), float(p["score_threshold"])
    low = [i for i in range(len(boxes)) if scores[i] <= st]
    left = sorted((i for i in range(len(boxes)) if scores[i] > st), key=lambda i: -scores[i])
    dropped = (
        lazy("score ≤ {t}: boxes {boxes}", t=fv(st), boxes=fv(low))
        if low
        else lazy("score ≤ {t}: boxes none", t=fv(st))
    )
    discard = Step("Discard low scores", dropped, low, key="low_score")
    steps = [*corners, discard]
    kept: list[int] = []
    while left:
        best = left.pop(0)
        kept.append(best)
        gone = []
        parts = []
        for i in left:
            r = iou(boxes[best], boxes[i])[2]
            parts.append(f"IoU({best}, {i}) = {fv(r)}")
            if r > it:
                gone.append(i)
        left = [i for i in left if i not in gone]
        score, ious = fv(scores[best]), "; ".join(parts)
        if gone:
            how = lazy(
                "highest score {score}; {ious}; suppressed (IoU > {t}): {gone}",
                score=score,
                ious=ious,
                t=fv(it),
                gone=fv(gone),
            )
        elif parts:
            how = lazy("highest score {score}; {ious}; suppressed (IoU > {t}): none", score=score, ious=ious, t=fv(it))
        else:
            how = lazy(
                "highest score {score}; no boxes left to compare; suppressed (IoU > {t}): none", score=score, t=fv(it)
            )
        steps.append(Step(lazy("Keep box {n}", n=best), how, best))
    ans = len(kept)
    steps.append(Step("Kept", lazy("boxes {kept}", kept=fv(kept)), kept, key="kept"))
    return Out(
        steps,
        ans,
        {"kept": kept, "kept_count": ans, "discarded": sorted(set(range(len(boxes))) - set(kept))},
        N_(
            "boxes are numbered from 0; drop score ≤ threshold first, then repeatedly keep the best box "
            "and suppress those overlapping it with IoU > threshold (the notes on Andrew Ng's course)"
        ),
    )

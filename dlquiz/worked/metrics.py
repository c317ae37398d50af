"""Classification metrics from labels and predictions (or a confusion matrix).

Conventions (stated in every example): the confusion matrix C has one row per true class and one
column per predicted class; a ratio 0/0 is taken as 0 (and flagged); macro averages are the plain
mean over classes of the per-class precision, recall and F1 (macro F1 is the mean of the per-class
F1, as in scikit-learn, not the F1 of the macro precision and recall); micro averages pool the counts
of all classes, so for single-label data micro P = micro R = micro F1 = accuracy.
"""

from __future__ import annotations

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, fv, register


def _draw(d: Draw) -> Params:
    n = int(d.rng.integers(8, 13))
    k = d.pick("classes", [2, 2, 3])
    y_true = d.value("y_true", lambda: [int(v) for v in d.rng.integers(0, k, size=n)])
    # mostly right predictions, some wrong
    wrong = d.rng.random(len(y_true)) < 0.3
    noise = d.rng.integers(0, k, size=len(y_true))
    y_pred = d.value(
        "y_pred", lambda: [int(nz) if w else int(t) for t, w, nz in zip(y_true, wrong, noise, strict=True)]
    )
    return {"y_true": y_true, "y_pred": y_pred}


def _check(p: Params) -> None:
    cm = p["cm"]
    if cm is not None:
        rows, cols = len(cm), len(cm[0])
        if rows != cols or rows < 2:
            raise ParamError(
                lazy(
                    "eval.metrics: cm is {rows}×{cols}; a confusion matrix is k×k with k ≥ 2 "
                    "(row = true class, column = predicted class)",
                    rows=rows,
                    cols=cols,
                )
            )
        if any(v < 0 or float(v) != int(v) for row in cm for v in row):
            raise ParamError(lazy("eval.metrics: cm holds counts: whole numbers ≥ 0, got {cm}", cm=fv(cm)))
        if sum(sum(row) for row in cm) == 0:
            raise ParamError(lazy("eval.metrics: cm counts no sample"))
        return
    t = p["y_true"]
    q = p["scores"] if p["scores"] is not None else p["y_pred"]
    what = "scores" if p["scores"] is not None else "y_pred"
    if len(t) != len(q):
        raise ParamError(
            lazy(
                "eval.metrics: y_true has {n} labels but {what} has {m}; give one prediction per label",
                n=len(t),
                what=what,
                m=len(q),
            )
        )
    if p["scores"] is not None and any(v not in (0, 1) for v in t):
        raise ParamError(lazy("eval.metrics: scores are for two classes: y_true must hold 0 and 1"))
    if any(v < 0 for v in [*t, *q]):
        raise ParamError(lazy("eval.metrics: class labels are 0, 1, 2, … (0-based indices)"))


def _from_counts(p: Params) -> Params:
    """TP, FP, FN, TN as the 2×2 confusion matrix [[TN, FP], [FN, TP]] (row = true class, positive class 1)."""
    counts = {name: p[name] for name in ("TP", "FP", "FN", "TN")}
    given = [k for k, v in counts.items() if v is not None]
    if not given:
        return p
    missing = [k for k, v in counts.items() if v is None]
    if missing:
        raise ParamError(
            lazy(
                "eval.metrics: {given} given but {missing} missing; give all four TP, FP, FN, TN "
                "(or a confusion matrix cm)",
                given=", ".join(given),
                missing=", ".join(missing),
            )
        )
    if p["cm"] is not None:
        raise ParamError(lazy("eval.metrics: give either cm or the counts TP, FP, FN, TN, not both"))
    if p["positive"] != 1:
        raise ParamError(lazy("eval.metrics: with TP, FP, FN, TN the positive class is 1; leave out positive"))
    out = dict(p)
    out["cm"] = [[counts["TN"], counts["FP"]], [counts["FN"], counts["TP"]]]
    return out


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


@register(
    "eval.metrics",
    "ml.fit",  # eval.metrics is a topic of syllabus-beyond.md, not of the bank's syllabus.toml
    "Classification metrics: confusion matrix, P, R, F1",
    [
        ParamSpec(
            "y_true",
            "true class of each sample (0-based)",
            [1, 0, 1, 1, 0, 1, 0, 0, 1, 1],
            "intlist",
            applies="when no confusion matrix cm is given",
        ),
        ParamSpec(
            "y_pred",
            "predicted class of each sample",
            [1, 0, 0, 1, 1, 1, 0, 0, 1, 0],
            "intlist",
            applies="when no confusion matrix cm is given",
        ),
        ParamSpec(
            "cm",
            "a confusion matrix instead (row = true class, column = predicted)",
            None,
            "matrix",
        ),
        ParamSpec(
            "scores",
            "binary: predicted probabilities of class 1 instead of y_pred",
            None,
            "floatlist",
            min=0,
            max=1,
        ),
        ParamSpec(
            "threshold",
            "scores ≥ threshold are predicted as class 1",
            0.5,
            "float",
            min=0,
            max=1,
            applies="when scores are given",
        ),
        ParamSpec(
            "positive",
            "binary: the positive class",
            1,
            "int",
            min=0,
            applies="with two classes",
        ),
        ParamSpec(
            "classes",
            "number of classes (default: the largest label + 1)",
            None,
            "int",
            min=2,
            max=100,
            applies="when labels are given",
        ),
        *(
            ParamSpec(name, text, None, "int", min=0)
            for name, text in (
                ("TP", N_("binary counts instead of cm: true positives (give all four TP, FP, FN, TN)")),
                ("FP", N_("binary counts instead of cm: false positives (give all four TP, FP, FN, TN)")),
                ("FN", N_("binary counts instead of cm: false negatives (give all four TP, FP, FN, TN)")),
                ("TN", N_("binary counts instead of cm: true negatives (give all four TP, FP, FN, TN)")),
            )
        ),
    ],
    ["cm", "accuracy", "precision_per_class", "recall_per_class", "f1_per_class", "macro_f1", "micro_f1"],
    draw=_draw,
    check=_check,
    prepare=lambda p: _from_counts(p),
)
def _metrics(p: Params) -> Out:
    pre: list[Step] = []
    if p["cm"] is not None:
        cm = np.array(p["cm"], dtype=float)
        counted = False
    else:
        t = p["y_true"]
        if p["scores"] is not None:
            th = float(p["threshold"])
            q = [1 if v >= th else 0 for v in p["scores"]]
            pre.append(Step("Predictions", lazy("ŷ = 1 where score ≥ {th}: {q}", th=fv(th), q=fv(q)), q, key="y_pred"))
        else:
            q = p["y_pred"]
        k = max([*t, *q, 1]) + 1
        if p["classes"] is not None:
            if p["classes"] < k:
                raise ParamError(
                    lazy(
                        "eval.metrics: classes = {classes} but a label is {label}; classes must be ≥ {k}",
                        classes=p["classes"],
                        label=k - 1,
                        k=k,
                    )
                )
            k = p["classes"]
        cm = np.zeros((k, k))
        for ti, qi in zip(t, q, strict=True):
            cm[ti, qi] += 1
        counted = True
    k = cm.shape[0]
    n = float(cm.sum())
    tp = np.diag(cm)
    fp = cm.sum(axis=0) - tp
    fn = cm.sum(axis=1) - tp
    support = cm.sum(axis=1)
    prec = np.array([_ratio(a, a + b) for a, b in zip(tp, fp, strict=True)])
    rec = np.array([_ratio(a, a + b) for a, b in zip(tp, fn, strict=True)])
    f1 = np.array([_ratio(2 * pr * rc, pr + rc) for pr, rc in zip(prec, rec, strict=True)])
    acc = float(tp.sum() / n)
    cmi = cm.astype(int).tolist()
    steps = [
        *pre,
        Step(
            "Confusion matrix",
            lazy("C[true, predicted] (counted), n = {n}", n=int(n))
            if counted
            else lazy("C[true, predicted] (given), n = {n}", n=int(n)),
            cmi,
            "row = true class, column = predicted class",
            key="cm",
        ),
        Step(
            "True positives per class",
            lazy("TP = diagonal of C = {tp}", tp=fv(tp.astype(int).tolist())),
            tp.astype(int).tolist(),
            key="tp",
        ),
        Step(
            "False positives per class",
            lazy("FP = column sum − TP = {fp}", fp=fv(fp.astype(int).tolist())),
            fp.astype(int).tolist(),
            key="fp",
        ),
        Step(
            "False negatives per class",
            lazy("FN = row sum − TP = {fn}", fn=fv(fn.astype(int).tolist())),
            fn.astype(int).tolist(),
            key="fn",
        ),
        Step(
            "Accuracy",
            lazy("accuracy = Σ TP / n = {tp}/{n} = {acc}", tp=int(tp.sum()), n=int(n), acc=fv(acc)),
            acc,
            key="accuracy",
        ),
    ]
    values: dict[str, object] = {"support": support.astype(int).tolist()}
    zero = [c for c in range(k) if tp[c] + fp[c] == 0 or tp[c] + fn[c] == 0]
    warnings: list[str] = []
    if zero:
        warnings.append(
            lazy(
                "0/0 taken as 0 for class {classes} (no sample predicted or present)", classes=", ".join(map(str, zero))
            )
        )
    if k == 2:
        pos = p["positive"]
        if pos > 1:
            raise ParamError(
                lazy("eval.metrics: parameter positive: class {pos} does not exist (allowed: 0 or 1)", pos=pos)
            )
        neg = 1 - pos
        tn = cm[neg, neg]
        a, b, c = int(tp[pos]), int(fp[pos]), int(fn[pos])
        spec = _ratio(tn, tn + fp[pos])
        steps += [
            Step(
                "Counts for the positive class",
                lazy(
                    "positive class {pos}: TP = {tp}, FP = {fp}, FN = {fn}, TN = {tn}",
                    pos=pos,
                    tp=a,
                    fp=b,
                    fn=c,
                    tn=int(tn),
                ),
                [a, b, c, int(tn)],
                key="counts",
            ),
            Step(
                "Precision",
                f"P = TP/(TP + FP) = {a}/{a + b} = {fv(float(prec[pos]))}",
                float(prec[pos]),
                key="precision",
            ),
            Step(
                "Recall",
                f"R = TP/(TP + FN) = {a}/{a + c} = {fv(float(rec[pos]))}",
                float(rec[pos]),
                "also called sensitivity or true-positive rate",
                key="recall",
            ),
            Step(
                "F1",
                f"F1 = 2·P·R/(P + R) = 2·TP/(2·TP + FP + FN) = {2 * a}/{2 * a + b + c} = {fv(float(f1[pos]))}",
                float(f1[pos]),
                key="f1",
            ),
            Step("Specificity", f"TN/(TN + FP) = {int(tn)}/{int(tn) + b} = {fv(spec)}", spec, key="specificity"),
        ]
    steps += [
        Step(
            "Precision per class",
            f"Pₖ = TPₖ/(TPₖ + FPₖ) = {fv(prec.tolist())}",
            prec.tolist(),
            key="precision_per_class",
        ),
        Step("Recall per class", f"Rₖ = TPₖ/(TPₖ + FNₖ) = {fv(rec.tolist())}", rec.tolist(), key="recall_per_class"),
        Step("F1 per class", f"F1ₖ = 2·Pₖ·Rₖ/(Pₖ + Rₖ) = {fv(f1.tolist())}", f1.tolist(), key="f1_per_class"),
        Step("Macro precision", f"(1/{k})·Σ Pₖ = {fv(float(prec.mean()))}", float(prec.mean()), key="macro_precision"),
        Step("Macro recall", f"(1/{k})·Σ Rₖ = {fv(float(rec.mean()))}", float(rec.mean()), key="macro_recall"),
        Step(
            "Macro F1",
            f"(1/{k})·Σ F1ₖ = {fv(float(f1.mean()))}",
            float(f1.mean()),
            "the mean of the per-class F1",
            key="macro_f1",
        ),
        Step(
            "Micro precision",
            f"Σ TP / Σ (TP + FP) = {int(tp.sum())}/{int(tp.sum() + fp.sum())} = {fv(acc)}",
            _ratio(tp.sum(), tp.sum() + fp.sum()),
            key="micro_precision",
        ),
        Step(
            "Micro recall",
            f"Σ TP / Σ (TP + FN) = {int(tp.sum())}/{int(tp.sum() + fn.sum())} = {fv(acc)}",
            _ratio(tp.sum(), tp.sum() + fn.sum()),
            key="micro_recall",
        ),
        Step(
            "Micro F1",
            lazy("micro F1 = micro P = micro R = accuracy = {acc}", acc=fv(acc)),
            acc,
            "one label per sample: every false positive of one class is a false negative of another",
            key="micro_f1",
        ),
        Step(
            "Weighted F1",
            lazy("Σ (supportₖ/n)·F1ₖ = {f1}", f1=fv(float((support * f1).sum() / n))),
            float((support * f1).sum() / n),
            key="weighted_f1",
        ),
    ]
    conv = N_("rows = true class, columns = predicted class; 0/0 taken as 0; macro F1 = mean of per-class F1")
    return Out(steps, None, values, conv, asked="f1" if k == 2 else "macro_f1", warnings=warnings)

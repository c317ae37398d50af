"""A tiny bank written on the fly for the learning-loop tests (three chapters, easy kinds)."""

from __future__ import annotations

from pathlib import Path

# (chapter folder, topic, item id, kind, answer, time)
ITEMS = [
    ("03-linear", "loss.mse", "loss.mse.p1", "single", "a", 45),
    ("03-linear", "loss.mse", "loss.mse.p2", "truefalse", "true", 45),
    ("03-linear", "loss.bce", "loss.bce.p1", "numeric", "2", 120),
    ("03-linear", "loss.bce", "loss.bce.p2", "single", "b", 45),
    ("04-fnn", "act.relu", "act.relu.p1", "single", "a", 45),
    ("04-fnn", "act.relu", "act.relu.p2", "truefalse", "false", 45),
    ("04-fnn", "act.relu", "act.relu.p3", "numeric", "3", 120),
    ("05-cnn", "pool", "pool.p1", "single", "c", 45),
    ("05-cnn", "pool", "pool.p2", "numeric", "4", 120),
    ("05-cnn", "pool", "pool.p3", "truefalse", "true", 45),
]

RIGHT = {item_id: ("t" if a == "true" else "f" if a == "false" else a) for _, _, item_id, _, a, _ in ITEMS}
WRONG = {
    item_id: {"single": "d", "truefalse": "f" if a == "true" else "t", "numeric": "99"}[k]
    for _, _, item_id, k, a, _ in ITEMS
}


def _item(topic: str, item_id: str, kind: str, answer: str, seconds: int) -> str:
    lines = [
        "[[item]]",
        f'id = "{item_id}"',
        f'topic = "{topic}"',
        f'kind = "{kind}"',
        "difficulty = 1",
        'source = "004_96e5ea7d078c6618"',
        f'prompt.en = "Question {item_id}?"',
        f'prompt.zh = "问题 {item_id}？"',
        f'explanation.en = "Because of {item_id}."',
        f'explanation.zh = "因为 {item_id}。"',
        f"time = {seconds}",
    ]
    if kind == "single":
        lines.append(
            'choices = [{ en = "first", zh = "一" }, { en = "second", zh = "二" }, '
            '{ en = "third", zh = "三" }, { en = "fourth", zh = "四" }]'
        )
        lines.append(f'answer = "{answer}"')
        lines.append("shuffle = false  # answers are typed by letter, in the written order")
    elif kind == "truefalse":
        lines.append(f"answer = {answer}")
    else:
        lines.append(f"answer = {answer}")
    return "\n".join(lines) + "\n"


def write_bank(root: Path) -> Path:
    """Write the tiny bank under `root` and return its folder."""
    for folder, topic, item_id, kind, answer, seconds in ITEMS:
        path = root / folder / f"{topic}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(_item(topic, item_id, kind, answer, seconds) + "\n")
    return root


def test_the_tiny_bank_loads(tmp_path: Path) -> None:
    from dlquiz.bank import load_bank

    bank = load_bank(write_bank(tmp_path))
    assert sorted(i.id for i in bank.items) == sorted(i[2] for i in ITEMS)
    assert {i.chapter for i in bank.items} == {3, 4, 5}
    assert {i.id: i.time for i in bank.items} == {i[2]: i[5] for i in ITEMS}

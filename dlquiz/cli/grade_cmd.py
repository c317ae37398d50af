"""`dlquiz grade`: grade one answer to one bank item (or a file of answers) without a session."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from dlquiz.cli.common import bank_option, default_lang, handle_errors, lang_option
from dlquiz.i18n import N_, lazy, localized, t

if TYPE_CHECKING:
    from dlquiz.bank import Bank, Item
    from dlquiz.quiz.grade import Grade

EXIT_CORRECT, EXIT_WRONG, EXIT_NOT_GRADED = 0, 1, 2

VERDICT = {
    "correct": N_("✓ correct"),
    "wrong": N_("✗ wrong"),
    "invalid": N_("? could not read the answer"),
    "sent_back": N_("↩ sent back"),
    "undecided": N_("? undecided (not graded)"),
}


def _find(bank: Bank, item_id: str) -> Item:

    from dlquiz.errors import UsageError

    item = bank.get(item_id)
    if item is None:
        close = bank.close_ids(item_id)
        hint = (
            lazy("; did you mean: {ids}", ids=", ".join(close))
            if close
            else lazy(" (`dlquiz topics` and `dlquiz show ID`)")
        )
        raise UsageError(lazy("no item with id {id}{hint}", id=repr(item_id), hint=hint))
    return item


def _part_index(item: Item, part: str) -> int:
    """The 0-based index of `--part` (a number from 1, or the name of the value asked)."""
    from dlquiz.errors import UsageError

    names = [p.ask for p in item.parts]
    if not names:
        raise UsageError(lazy("item {id} has no parts: give the answer without --part", id=item.id))
    if part.strip().isdigit() and 1 <= int(part) <= len(names):
        return int(part) - 1
    if part.strip() in names:
        return names.index(part.strip())
    listing = ", ".join(f"{n} {k}" for n, k in enumerate(names, 1))
    raise UsageError(lazy("--part {part}: item {id} has parts {listing}", part=repr(part), id=item.id, listing=listing))


def grade_one(
    item: Item, answer: str, *, seed: int, points: str | None = None, part: str | None = None
) -> tuple[Grade, Any]:
    """The verdict on `answer` (choice letters are the item's own, as `dlquiz show` prints them)
    and the key it was graded against (a parametric item's numbers are drawn from `seed`).
    A multi-part item takes one answer per line, or with `part` (a number or a name) that part's."""
    from dlquiz.quiz.grade import Grade, Status, grade, grade_part, grade_points, parse_points
    from dlquiz.quiz.session import prepare

    expected = None
    if part is not None:
        index = _part_index(item, part)
        q = prepare(item, number=1, seed=seed)
        return grade_part(item, q.part_keys[index], answer.strip(), index + 1), q.part_keys[index].value
    if item.generator:
        expected = prepare(item, number=1, seed=seed).expected
    if item.kind == "explain":
        if points is None:
            if answer.strip():  # an answer, but not the self-rating that grades it
                return Grade(Status.UNDECIDED, lazy("the self-rating is missing (--points)")), expected
            return grade(item, answer), expected
        made = parse_points(points, len(item.rubric))
        if isinstance(made, str):
            return Grade(Status.INVALID, lazy("{name}: {error}", name="--points", error=made)), expected
        return grade_points(item, made), expected
    return grade(item, answer, expected=expected), expected


def exit_code(result: Grade) -> int:
    if result.status == "correct":
        return EXIT_CORRECT
    if result.status == "wrong":
        return EXIT_WRONG
    return EXIT_NOT_GRADED


def _key_text(item: Item, seed: int, lang: str) -> str:
    from dlquiz.quiz.session import Question, prepare

    q = prepare(item, number=1, seed=seed) if item.generator else Question(item, 1)
    if item.kind == "explain":
        return item.model_answer(lang) if item.model_answer else ""
    return q.key_text(lang)


def verdict_record(item: Item, result: Grade, *, seed: int, lang: str) -> dict[str, Any]:
    """The verdict as a JSON-ready record: the texts in `lang`, the slip's name also as a language-free key."""
    rule_name = None
    if result.rule:  # only a formula's verdict names a slip; the slips' module loads SymPy
        from dlquiz.symbolic.slips import slip_name

        rule_name = slip_name(result.rule, lang)
    record: dict[str, Any] = {
        "item": item.id,
        "kind": item.kind,
        "status": str(result.status),
        "correct": result.status == "correct",
        "message": result.detail(lang),
        "interpreted": result.interpreted,
        "mistake": result.mistake(lang) if result.mistake else None,
        "rule": result.rule or None,  # the slip's name, the same in every language (for scripts)
        "rule_name": rule_name,  # the same in `lang`
        "notes": [n(lang) for n in result.notes],
        "key": _key_text(item, seed, lang),
    }
    if item.generator:
        record["seed"] = seed
    if item.parts and result.parts:
        from dlquiz.quiz.grade import value_text
        from dlquiz.quiz.session import prepare

        keys = prepare(item, number=1, seed=seed).part_keys
        record["parts"] = [
            {
                "part": n,
                "ask": k.name,
                "label": k.label(lang),
                "status": str(g.status),
                "correct": g.status == "correct",
                "message": g.detail(lang),
                "interpreted": g.interpreted,
                "expected": value_text(k.value),
                "step": k.step(lang) if k.step else None,
            }
            for n, (k, g) in enumerate(zip(keys, result.parts, strict=True), 1)
        ]
    if item.kind == "explain":
        record["rubric"] = [p(lang) for p in item.rubric]
        record["self_rating"] = result.self_rating
    return record


def _print(record: dict[str, Any], item: Item, lang: str) -> None:
    status = record["status"]
    click.echo(t(VERDICT[status], lang))
    if record["interpreted"]:
        click.echo(t("interpreted as: ", lang) + record["interpreted"])
    if record["mistake"]:
        click.echo(t("known mistake: ", lang) + record["mistake"])
    if record["message"] and status != "correct":
        click.echo(record["message"])
    for note in record["notes"]:
        click.echo(note)
    if item.kind == "explain":
        click.echo(t("model answer: ", lang) + record["key"])
        for n, point in enumerate(record["rubric"], 1):
            click.echo(f"  {n}. {point}")
        if status != "correct" and record["self_rating"] is None:
            click.echo(t('Say which key points you made with --points "1 3" (or all, none).', lang))
    elif status == "wrong":
        click.echo(t("answer: ", lang) + record["key"])


class _RowError(ValueError):
    """A line of a batch that is not a JSON row, with its whole message (the line number included)."""


def _json_row(line: str, n: int, lang: str) -> Any:
    """Line `n` of a batch read as JSON. Python's words for a malformed line are English, shown as they are in
    English; in Chinese the message says in ours which line and column is not valid JSON."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        ours = t("line {line}: not valid JSON at column {column}", lang, line=n, column=exc.colno)
        raise _RowError(ours if lang == "zh" else f"line {n}: {exc}") from None
    except ValueError as exc:  # a number of 5 000 digits
        ours = t("line {line}: invalid JSON: {why}", lang, line=n, why=lazy("a number with too many digits"))
        raise _RowError(ours if lang == "zh" else f"line {n}: {exc}") from None
    except RecursionError:  # arrays nested 100 000 deep
        raise _RowError(t("line {line}: invalid JSON: {why}", lang, line=n, why=lazy("nested too deeply"))) from None


def _batch(bank: Bank, source: IO[str], lang: str) -> int:
    """One verdict line per input line, in order; a bad line gets an error line, not a stop."""
    from dlquiz.errors import DlquizError

    worst = EXIT_CORRECT
    for n, line in enumerate(source, 1):
        if not line.strip():
            continue
        out: dict[str, Any] = {"line": n}
        try:
            row = _json_row(line, n, lang)
            if not isinstance(row, dict):
                raise ValueError(lazy("expected a JSON object"))
            out["id"] = row.get("id")
            item_id = row.get("item") or row.get("id")
            answer = row.get("answer")
            if not isinstance(item_id, str) or not isinstance(answer, str):
                raise ValueError(lazy('needs "item" (a bank item id) and "answer" (a string)'))
            seed = row.get("seed", 0)
            if not isinstance(seed, int):
                raise ValueError(lazy('"seed" must be a whole number'))
            item = _find(bank, item_id)
            points = row.get("points")
            part = row.get("part")
            result, _ = grade_one(
                item,
                answer,
                seed=seed,
                points=None if points is None else str(points),
                part=None if part is None else str(part),
            )
            out.update(verdict_record(item, result, seed=seed, lang=lang))
            if part is not None:
                out["part"] = part
        except _RowError as exc:  # the line's own message, in the reader's language
            out.update(status="error", correct=False, message=str(exc))
            worst = EXIT_NOT_GRADED
        except (ValueError, DlquizError) as exc:
            out.update(
                status="error",
                correct=False,
                message=t("line {line}: {message}", lang, line=n, message=localized(exc, lang)),
            )
            worst = EXIT_NOT_GRADED
        click.echo(json.dumps(out, ensure_ascii=False))
        sys.stdout.flush()
    return worst


# a negative number is an answer, not an option: `dlquiz grade ID -1.538`
@click.command(
    context_settings={"ignore_unknown_options": True},
    help=N_(
        "Grade ANSWER to bank item ID, without a session, and print the verdict and feedback.\n"
        "\n"
        "Letters of choice and ordering items are the item's own, as `dlquiz show ID` prints them.\n"
        "ANSWER `-` reads the answer from stdin (derivations: one step per line; multi-part items: one\n"
        "answer per part and line, in order, or NAME = VALUE lines; a vector is 1, 2, 3 and a matrix\n"
        "1, 2; 3, 4). `--part N` grades one part alone.\n"
        "Exit status: 0 correct, 1 wrong, 2 unreadable, sent back or not gradable.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz grade act.sigmoid.range b\n"
        "  dlquiz grade softmax.def.pmax-fixed 0.665 --json\n"
        "  dlquiz grade loss.bce.generated 0.288 --seed 1\n"
        "  printf '= 1 - 1/(1 + exp(-x))\\n= exp(-x)/(1 + exp(-x))\\n= sigma(-x)\\n' \\\n"
        "    | dlquiz grade act.sigmoid.derive-symmetry -\n"
        "  dlquiz grade backprop.layer.two-layer-exam - < my-parts.txt    # one answer per part and line\n"
        "  dlquiz grade backprop.layer.two-layer-exam '0.25, 0.15' --part Z1\n"
        "  dlquiz grade --batch answers.jsonl > verdicts.jsonl"
    ),
)
@click.argument("item_id", required=False, metavar="ID")
@click.argument("answer", required=False)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help=N_("Numbers of a parametric item: 0 gives those `dlquiz show` prints, a quiz's seed those of that session."),
)
@click.option(
    "--points",
    default=None,
    metavar="LIST",
    help=N_('Explain items: the key points you made, e.g. "1 3", all or none.'),
)
@click.option(
    "--part",
    default=None,
    metavar="N|NAME",
    help=N_("Multi-part items: grade ANSWER as this part only (a number from 1, or the value's name)."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the verdict as one JSON object."))
@click.option(
    "--batch",
    "batch",
    type=click.File("r", encoding="utf-8"),
    default=None,
    metavar="FILE|-",
    help=N_('Grade JSON lines {"id", "item", "answer", "seed", "part"}; one verdict line each, in order.'),
)
@lang_option
@bank_option
@handle_errors
def grade(
    item_id: str | None,
    answer: str | None,
    seed: int,
    points: str | None,
    part: str | None,
    as_json: bool,
    batch: IO[str] | None,
    lang: str | None,
    bank_dir: Path | None,
) -> None:
    from dlquiz.symbolic.worker import prestart

    prestart()  # the checking process loads the engine while this command reads its input
    from dlquiz.bank import load_bank
    from dlquiz.errors import DlquizError, UsageError

    lang = lang or default_lang()
    try:
        bank = load_bank(bank_dir)
    except DlquizError as exc:  # exit 1 means "wrong": a bank that cannot be read is "not gradable", 2
        raise UsageError(*exc.args) from None
    if batch is not None:
        if item_id is not None:
            raise UsageError(lazy("--batch takes its items and answers from the file: give no ID or ANSWER"))
        sys.exit(_batch(bank, batch, lang))
    if item_id is None or answer is None:
        raise UsageError(lazy("give an item ID and an ANSWER (or - to read it from stdin), or --batch FILE"))
    item = _find(bank, item_id)
    if answer == "-":
        answer = sys.stdin.read()
    result, _ = grade_one(item, answer, seed=seed, points=points, part=part)
    record = verdict_record(item, result, seed=seed, lang=lang)
    if part is not None:
        record["part"] = part
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False))
    else:
        _print(record, item, lang)
    sys.exit(exit_code(result))

"""`dlquiz example`, `dlquiz worksheet`, `dlquiz plot`: worked examples in the terminal.

NumPy, Rich and plotext are imported inside the commands so `dlquiz --help` stays fast.
"""

from __future__ import annotations

import json
from typing import Any

import click

from dlquiz.cli.common import default_lang, fail
from dlquiz.errors import DlquizError, ParamError
from dlquiz.i18n import N_, localized, t
from dlquiz.i18n.oserrors import os_reason

FORMATS = ("text", "md", "json", "latex")


def _default_lang() -> str:
    """zh or en from the environment: the rule every command follows (`dlquiz.cli.common.default_lang`)."""
    return default_lang()


def _lang_option(f: Any) -> Any:
    return click.option(
        "--lang",
        type=click.Choice(["en", "zh"]),
        default=None,
        help=N_("Language of the content (default: from LANGUAGE/LC_ALL/LC_MESSAGES/LANG)."),
    )(f)


def _parse_sets(kind: str, sets: tuple[str, ...], lang: str) -> dict[str, Any]:
    from dlquiz.worked import parse_param

    out: dict[str, Any] = {}
    for item in sets:
        name, eq, text = item.partition("=")
        if not eq or not name.strip():
            raise click.BadParameter(
                t("{item} is not NAME=VALUE (e.g. --set n=32)", lang, item=repr(item)), param_hint="--set"
            )
        if name.strip() == "ask":  # the bank's field name: --set ask=NAME is --ask NAME
            out["ask"] = text.strip()
            continue
        try:
            out[name.strip()] = parse_param(kind, name.strip(), text)
        except ParamError as exc:
            raise click.BadParameter(localized(exc, lang), param_hint="--set") from None
    return out


def _info_dict(g: Any) -> dict[str, Any]:
    from dlquiz.worked._core import describe_param

    return {
        "name": g.name,
        "topic": g.topic,
        "title_en": str(g.title_en),
        "title_zh": g.title_zh,
        "params": [describe_param(p) for p in g.params],
        "values": list(g.value_names),
    }


# column headings of the tables (a context before "|" where the word has another Chinese form elsewhere)
_PARAM_COLUMNS = (N_("param"), N_("type"), N_("default"), N_("allowed"), N_("meaning"))
_VALUE_COLUMNS = (N_("values table|value"), N_("shape"))
_LIST_COLUMNS = (N_("examples table|kind"), N_("topic"), N_("title"))


def _params_table(desc: dict[str, Any], lang: str) -> None:
    from rich.table import Table

    from dlquiz.render import console
    from dlquiz.worked import format_value, generator_info
    from dlquiz.worked.i18n import heading, prose

    # the specs themselves: a `lazy` condition keeps its template, which the JSON form (English) has lost
    applies = {s.name: s.applies for s in generator_info(desc["name"]).params}
    zh = lang == "zh"
    title = desc["title_zh"] if zh else desc["title_en"]
    table = Table(title=f"{desc['name']}: {title}", title_justify="left")
    for col in _PARAM_COLUMNS:
        table.add_column(heading(col, lang), overflow="fold")  # fold by cell width: Chinese has no spaces to wrap at
    for p in desc["params"]:
        kind = p["type"] + (f" {p['shape']}" if p.get("shape") else "")
        default = format_value(p["default"]).replace("\n", " ")
        allowed = ", ".join(p.get("choices", []))
        if "min" in p or "max" in p:
            lo = format_value(p["min"]) if "min" in p else ""
            hi = format_value(p["max"]) if "max" in p else ""
            allowed = f"{lo} … {hi}".strip()
        meaning = p["help_zh"] if zh and p["help_zh"] else p["help"]
        if p.get("applies"):
            when = prose(applies.get(p["name"]) or p["applies"], lang)
            meaning = t("{meaning} ({applies})", lang, meaning=meaning, applies=when)
        table.add_row(p["name"], kind, default, allowed, meaning)
    con = console()
    con.print(table)
    if desc.get("shapes_from") == "given":
        head = t("values (--ask NAME or NAME[i], --mine), shapes for the parameters you gave", lang)
    else:
        head = t(
            "values (--ask NAME or NAME[i], --mine), shapes of the default run; shapes follow the input "
            "(e.g. a vector parameter gives vector values): add your --set values to --params to see yours",
            lang,
        )
    con.print(head, markup=False)
    vals = Table()
    for col in _VALUE_COLUMNS:
        vals.add_column(heading(col, lang))
    for v in desc["values"]:
        shape = "—" if v["shape"] is None else (t("scalar", lang) if not v["shape"] else "×".join(map(str, v["shape"])))
        name = t("{name} (boxed)", lang, name=v["name"]) if v["name"] == desc["asked"] else v["name"]
        vals.add_row(name, shape)
    con.print(vals)


def _read_mine(source: str, lang: str) -> str:
    if source == "-":
        import sys

        return sys.stdin.read()
    try:
        with open(source, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise click.BadParameter(
            t("cannot read {path}: {reason}", lang, path=source, reason=os_reason(exc)), param_hint="--mine"
        ) from None
    except UnicodeDecodeError:
        raise click.BadParameter(t("{path} is not UTF-8 text", lang, path=source), param_hint="--mine") from None


@click.command(
    help=N_(
        "Show a worked example step by step, or list the kinds.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz example\n"
        "  dlquiz example conv.output-size --set n=64 --set f=3 --set s=2\n"
        "  dlquiz example opt.adam --random\n"
        "  dlquiz example conv.xcorr --seed 7 --format md\n"
        "  dlquiz example softmax --set o=2,1,0.1 --ask probs --json\n"
        "  dlquiz example logreg.step --params\n"
        "  dlquiz example logreg.step --set x=1,2 --mine my-working.txt\n"
        "  dlquiz example gru.cell --set z=0.3 --set h_tilde=-0.4 --set h_prev=0.5 --set dh=2 --ask dz\n"
        "  dlquiz example lstm.cell --set dh=1 --set x=2 --set h_prev=0.5 --ask dW_f\n"
        "\n"
        "\b\n"
        "--mine reads lines such as\n"
        "  z = 0        # comments and blank lines are ignored\n"
        "  a = 0.5\n"
        "  dw = -0.5, -1\n"
        "and marks each value ✓ or ✗ (rounded to the digits you wrote); exit 0 all right, 1 some wrong, 2 bad input."
    )
)
@click.argument("kind", required=False)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="NAME=VALUE",
    help=N_("Fix a parameter (repeatable): vectors 1,2,3; matrices 1,2;3,4 or [[1,2],[3,4]]; fractions 1/3."),
)
@click.option("--ask", "ask", metavar="NAME", default=None, help=N_("Box this value as the answer (names: --params)."))
@click.option(
    "--mine",
    "mine",
    metavar="FILE|-",
    default=None,
    help=N_("Check your own values (NAME = VALUE lines) against the example; exit 1 if one is wrong."),
)
@click.option("--random", "random_", is_flag=True, help=N_("Draw fresh numbers (prints the seed)."))
@click.option("--seed", type=click.IntRange(min=0), default=None, help=N_("Draw reproducible numbers from this seed."))
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help=N_("Output format.")
)
@click.option("--json", "as_json", is_flag=True, help=N_("Same as --format json."))
@click.option("--params", "show_params", is_flag=True, help=N_("List KIND's parameters and values instead."))
@_lang_option
def example(
    kind: str | None,
    sets: tuple[str, ...],
    ask: str | None,
    mine: str | None,
    random_: bool,
    seed: int | None,
    fmt: str,
    as_json: bool,
    show_params: bool,
    lang: str | None,
) -> None:
    # the help text is in the decorator, where the catalog finds it
    from dlquiz.render import console, error_console
    from dlquiz.worked import generate_example, list_generators

    lang = lang or _default_lang()
    if as_json:
        fmt = "json"
    if kind is None:
        gens = list_generators()
        if fmt == "json":
            click.echo(json.dumps([_info_dict(g) for g in gens], ensure_ascii=False, indent=2))
            return
        from rich.table import Table

        from dlquiz.worked.i18n import heading

        table = Table(box=None, show_header=True, pad_edge=False)
        for col in _LIST_COLUMNS:
            table.add_column(heading(col, lang))
        for g in gens:
            table.add_row(g.name, g.topic, g.title_zh if lang == "zh" else g.title_en)
        console().print(table)
        return
    if show_params:
        from dlquiz.worked import describe_generator

        try:
            given = _parse_sets(kind, sets, lang)
            given.pop("ask", None)
            desc = describe_generator(kind, given, seed)
        except ParamError as exc:
            raise click.UsageError(localized(exc, lang)) from None
        if fmt == "json":
            click.echo(json.dumps(desc, ensure_ascii=False, indent=2))
        else:
            _params_table(desc, lang)
        return
    try:
        params = _parse_sets(kind, sets, lang)
    except ParamError as exc:  # unknown kind
        raise click.UsageError(localized(exc, lang)) from None
    set_ask = params.pop("ask", None)
    if set_ask is not None and ask is not None and set_ask != ask:
        raise click.UsageError(
            t("--set ask={set_ask} and --ask {ask} contradict each other; give one", lang, set_ask=set_ask, ask=ask)
        )
    ask = ask or set_ask
    mine_text = _read_mine(mine, lang) if mine is not None else None
    if random_ and seed is None:
        import secrets

        seed = secrets.randbelow(1_000_000)
        error_console().print(t("seed {seed} (repeat this variant with --seed {seed})", lang, seed=seed), markup=False)
    try:
        ex = generate_example(kind, params, seed=seed, ask=ask)
    except ParamError as exc:
        raise click.UsageError(localized(exc, lang)) from None
    except DlquizError as exc:
        fail(localized(exc, lang), 1, lang)
    if mine_text is not None:
        from dlquiz.worked.mine import check_mine
        from dlquiz.worked.mine import mine_text as render_mine

        try:
            report = check_mine(ex, mine_text, where="--mine" if mine == "-" else str(mine))
        except ParamError as exc:
            raise click.UsageError(localized(exc, lang)) from None
        if fmt == "json":
            click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            click.echo(render_mine(report, lang))
        raise SystemExit(0 if report.all_right else 1)
    if fmt == "json":
        click.echo(json.dumps(ex.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "md":
        from dlquiz.worked.render import to_markdown

        click.echo(to_markdown(ex, lang))
    elif fmt == "latex":
        from dlquiz.worked.render import latex_document

        click.echo(latex_document(ex, lang))
    else:
        from dlquiz.worked.render import rich_example

        console().print(rich_example(ex, lang))


@click.command(
    help=N_(
        "Write a practice sheet and, after a page break, its answer key.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz worksheet --n 5 --kinds conv.output-size,opt.adam --seed 1\n"
        "  dlquiz worksheet --n 8 --seed 42 --format latex -o sheet.tex"
    )
)
@click.option("--n", "n", type=click.IntRange(1, 200), default=10, show_default=True, help=N_("Number of questions."))
@click.option("--kinds", multiple=True, metavar="K1,K2", help=N_("Kinds, comma-separated or repeated (default: all)."))
@click.option(
    "--seed", type=click.IntRange(min=0), default=None, help=N_("Seed of the numbers (default: random, printed).")
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "latex"]),
    default="md",
    show_default=True,
    help=N_("Markdown, or LaTeX to typeset (pdflatex)."),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help=N_("Write to this file instead of stdout."),
)
@_lang_option
def worksheet(n: int, kinds: tuple[str, ...], seed: int | None, fmt: str, output: str | None, lang: str | None) -> None:
    # the help text is in the decorator, where the catalog finds it
    from dlquiz.render import error_console
    from dlquiz.worked.render import worksheet as make_sheet
    from dlquiz.worked.render import worksheet_examples

    lang = lang or _default_lang()
    if seed is None:
        import secrets

        seed = secrets.randbelow(1_000_000)
        error_console().print(t("seed {seed} (repeat this sheet with --seed {seed})", lang, seed=seed), markup=False)
    names = [k.strip() for item in kinds for k in item.split(",") if k.strip()] or None
    if kinds and not names:
        raise click.BadParameter(t("no kinds given", lang), param_hint="--kinds")
    try:
        exs = worksheet_examples(n, names, seed)
    except ParamError as exc:
        raise click.BadParameter(localized(exc, lang), param_hint="--kinds") from None
    text = make_sheet(exs, fmt, lang, seed)
    if output:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            fail(t("cannot write {path}: {reason}", lang, path=output, reason=os_reason(exc)), 1, lang)
        error_console().print(
            t("wrote {path} ({n} questions, answer key after the page break)", lang, path=output, n=n), markup=False
        )
    else:
        click.echo(text)


PLOTS = ("activation", "lr-decay", "optimizers")
MAX_ALPHA0 = 1e6  # a learning rate beyond this is a typo; the curve would not plot


@click.command(
    help=N_(
        "Draw activations, learning-rate schedules or optimiser paths in the terminal.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz plot activation sigmoid\n"
        "  dlquiz plot activation all\n"
        "  dlquiz plot lr-decay --alpha0 0.2 --epochs 10\n"
        "  dlquiz plot optimizers --surface bowl\n"
        "  dlquiz plot optimizers --json"
    )
)
@click.argument("what", type=click.Choice(PLOTS))
@click.argument("name", required=False)
@click.option(
    "--save",
    type=click.Path(dir_okay=False),
    default=None,
    help=N_("Also save a PNG (needs matplotlib, which is optional)."),
)
@click.option("--width", type=click.IntRange(30, 300), default=None, help=N_("Plot width in characters."))
@click.option("--height", type=click.IntRange(10, 100), default=None, help=N_("Plot height in lines."))
@click.option("--alpha0", type=float, default=0.2, show_default=True, help=N_("lr-decay: initial rate."))
@click.option("--epochs", type=click.IntRange(1, 200), default=20, show_default=True, help=N_("lr-decay: epochs."))
@click.option("--steps", type=click.IntRange(1, 500), default=30, show_default=True, help=N_("optimizers: steps."))
@click.option(
    "--surface",
    type=click.Choice(["1d", "bowl"]),
    default="1d",
    show_default=True,
    help=N_("optimizers: f(w) = w² − 10w + 25, or a 2-D elongated bowl."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the curves' points as JSON instead of a picture."))
@_lang_option
def plot(
    what: str,
    name: str | None,
    save: str | None,
    width: int | None,
    height: int | None,
    alpha0: float,
    epochs: int,
    steps: int,
    surface: str,
    as_json: bool,
    lang: str | None,
) -> None:
    # the help text is in the decorator, where the catalog finds it
    from dlquiz.worked import plots

    lang = lang or _default_lang()
    if save is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            fail(
                t(
                    "--save needs matplotlib, which is not installed (pip install matplotlib); "
                    "the terminal plot works without it",
                    lang,
                ),
                1,
                lang,
            )
    if name and what != "activation":
        raise click.UsageError(t("plot {what} takes no NAME (got {name})", lang, what=what, name=repr(name)))
    try:
        if what == "activation":
            which = name or "all"
            series = plots.activation_series(which)
            if which == "all":
                title = t("activation {name}", lang, name=which)
            else:
                title = t("activation {name} and its derivative (′)", lang, name=which)
        elif what == "lr-decay":
            if not 0 < alpha0 <= MAX_ALPHA0:  # also refuses nan and inf
                raise click.BadParameter(
                    t(
                        "{value} is not a rate: give a positive number up to {max}",
                        lang,
                        value=alpha0,
                        max=int(MAX_ALPHA0),
                    ),
                    param_hint="--alpha0",
                )
            series = plots.lr_decay_series(alpha0, epochs)
            title = t("learning-rate decay, α0 = {alpha0}", lang, alpha0=alpha0)
        elif surface == "1d":
            series = plots.optimizer_series(steps, surface)
            title = t("w over steps on f(w) = w² − 10w + 25", lang)
        else:
            series = plots.optimizer_series(steps, surface)
            title = t("paths on the bowl f = x²/20 + y² (x horizontal)", lang)
    except ParamError as exc:
        raise click.BadParameter(localized(exc, lang), param_hint="NAME") from None
    if as_json:
        data = [{"label": s.label, "x": list(s.xs), "y": list(s.ys)} for s in series]
        click.echo(json.dumps({"title": title, "series": data}, ensure_ascii=False))
    elif what == "activation" and (name or "all") == "all":  # one small plot per activation and its derivative
        for i in range(0, len(series), 2):
            pair = series[i : i + 2]
            pair_title = t("{name} and its derivative (′)", lang, name=pair[0].label)
            click.echo(plots.terminal_plot(pair, pair_title, width, height or 15))
    else:
        click.echo(plots.terminal_plot(series, title, width, height))
    if save is not None:
        plots.save_png(series, title, save)
        click.echo(t("Wrote {path}", lang, path=save), err=True)

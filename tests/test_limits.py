"""Time limits that always hold: hostile inputs, threads, the worker pool, batches.

Every check runs in a worker process killed at its limit + GRACE (dlquiz/symbolic/worker.py).
The bound asserted here is the one the issue states: the limit + 1 s, with a verdict (undecided
or a real one, never "equal" for these inputs) or an input error, and never a hang.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import threading
import time
from typing import Any

import pytest
from conftest import FIXTURE_BANK, dlquiz_cmd, subprocess_env
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlquiz.symbolic import limited, worker
from dlquiz.symbolic.equivalence import Verdict, check_answer, check_equivalence
from dlquiz.symbolic.limits import GRACE, TimeLimit
from dlquiz.symbolic.steps import check_derivation

LIMIT = 0.5

# the inputs of issue 15: each stalled a command for minutes or raised a traceback
HOSTILE = [
    "x+sum(k^k,k,1,1000)",
    "step(x^999)",
    "heaviside(z^1000)",
    "relu'(z^1000)",
    "tanh(" * 45 + "x" + ")" * 45,
    "*".join(["10^1000"] * 5),
    "sum(k^k,k,1,5000)",  # still slow once the parser reads the ones above fast
    "exp(exp(exp(exp(x))))",
    "x^(10^10)",
    "factorial(10^6)",
]
NEVER = {Verdict.EQUAL}


@pytest.fixture(scope="module", autouse=True)
def _warm_pool() -> None:
    """A worker ready before timing starts (starting the engine is not part of a check)."""
    assert check_equivalence(expected="x", given="x").verdict is Verdict.EQUAL


def _timed_answer(given: str, timeout: float = LIMIT) -> tuple[Any, float]:
    t0 = time.monotonic()
    res = check_answer(expected="x", given=given, timeout=timeout)
    return res, time.monotonic() - t0


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_returns_within_its_limit(text: str) -> None:
    res, took = _timed_answer(text)
    assert took < LIMIT + 1.0, f"{text[:40]!r} took {took:.2f} s"
    assert res.verdict not in NEVER
    assert res.verdict is not Verdict.ERROR or res.message  # an input error says what is wrong


def test_hostile_inputs_from_another_thread() -> None:
    out: list[tuple[str, Any, float]] = []

    def work() -> None:
        for text in HOSTILE[:4]:
            res, took = _timed_answer(text)
            out.append((text, res, took))

    t = threading.Thread(target=work)
    t.start()
    t.join(60)
    assert not t.is_alive()
    assert len(out) == 4
    for text, res, took in out:
        assert took < LIMIT + 1.0, f"{text!r} took {took:.2f} s in a thread"
        assert res.verdict not in NEVER


def test_two_threads_at_once_get_their_own_worker() -> None:
    """A slow check in one thread neither delays nor disturbs a plain check in another."""
    results: dict[str, tuple[Any, float]] = {}

    def slow() -> None:
        results["slow"] = _timed_answer("step(x^999)")

    def plain() -> None:
        t0 = time.monotonic()
        for _ in range(5):
            r = check_equivalence(expected="x", given="sqrt(x^2)", assumptions=["x>0"], timeout=3.0)
            assert r.verdict is Verdict.EQUAL, r.message
        results["plain"] = (r, time.monotonic() - t0)

    threads = [threading.Thread(target=slow), threading.Thread(target=plain)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results["slow"][1] < LIMIT + 1.0
    assert results["slow"][0].verdict not in NEVER
    assert results["plain"][0].verdict is Verdict.EQUAL  # no import-lock deadlock, no time-out


def test_many_threads_agree_with_one() -> None:
    pairs = [("sigma(x)", "1/(1+exp(-x))"), ("x", "x^2"), ("x", "sqrt(x^2)"), ("tanh(x)", "2 sigma(2x) - 1")]
    alone = [check_equivalence(expected=a, given=b).verdict for a, b in pairs]
    together: dict[int, Verdict] = {}

    def one(i: int) -> None:
        a, b = pairs[i]
        together[i] = check_equivalence(expected=a, given=b).verdict

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(pairs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [together[i] for i in range(len(pairs))] == alone
    assert alone == [Verdict.EQUAL, Verdict.NOT_EQUAL, Verdict.DOMAIN_ONLY, Verdict.EQUAL]


# --------------------------------------------------------------------------- derivations

CHAIN = """matrix A: 5000 x 5000
matrix B: 5000 x 5000
matrix C: 5000 x 5000
A B C A B C A B C
 = A (B C) (A B) (C A) (B C)
 = (A B) (C A) (B C) (A B) C
"""


def test_matrix_chain_is_undecided_within_its_budget() -> None:
    t0 = time.monotonic()
    report = check_derivation(CHAIN, timeout=1.0)
    took = time.monotonic() - t0
    budget = 1.0 * (limited.transitions(CHAIN) + 1) + GRACE
    assert took < budget + 1.0
    assert not report.ok  # never ✓ for a chain that was not checked
    assert report.first_failure is None  # and never ✗ for lack of time


def test_matrix_chain_through_the_cli_exits_undecided() -> None:
    proc = subprocess.run(
        [*dlquiz_cmd(), "check", "-", "--timeout", "1"],
        input=CHAIN,
        text=True,
        capture_output=True,
        env=subprocess_env(),
        timeout=60,
    )
    assert proc.returncode in (0, 3), proc.stderr  # undecided (3), or proved quickly
    assert "Traceback" not in proc.stderr + proc.stdout


def test_derivation_in_a_thread_keeps_its_limit() -> None:
    text = "let s = sigma(x)\n d/dx s\n = s*(1 - s)\n"
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(check_derivation(text)))
    t.start()
    t.join(60)
    assert out and out[0].ok


def test_undecided_report_keeps_every_line() -> None:
    report = limited.undecided_report("let s = sigma(x)\n# note\n d/dx s\n = s*(1 - s)\n", "out of time")
    assert [s.status for s in report.steps] == ["given", "undecided", "undecided"]
    assert [s.line for s in report.steps] == [1, 3, 4]
    assert report.undecided and not report.ok


# --------------------------------------------------------------------------- the CLI


@pytest.mark.parametrize("text", ["step(x^999)", "*".join(["10^1000"] * 5)])
def test_equiv_cli_gives_a_verdict_or_an_input_error(text: str) -> None:
    proc = subprocess.run(
        [*dlquiz_cmd(), "equiv", "x", text, "--timeout", "1", "--json"],
        text=True,
        capture_output=True,
        env=subprocess_env(),
        timeout=60,
    )
    assert proc.returncode in (1, 2, 3), proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["verdict"] in ("undecided", "error", "not_equal")


# --------------------------------------------------------------------------- the pool itself


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def _pid() -> int:
    return os.getpid()


def _die() -> None:
    os._exit(7)


def _raise_parse_error() -> None:
    from dlquiz.errors import ParseError

    raise ParseError("bad input", column=4, text="x + ")


def _bigint() -> int:
    return pow(7, 10**8) % 10  # one C-level call: a timer signal cannot stop it


def _raise_value_error() -> None:
    raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")


def test_run_returns_and_reuses_the_worker() -> None:
    first = worker.run(_pid, seconds=5)
    assert first != os.getpid()
    assert worker.run(_pid, seconds=5) == first  # the same warm worker


def test_time_limit_kills_and_replaces_the_worker() -> None:
    before = worker.run(_pid, seconds=5)
    t0 = time.monotonic()
    with pytest.raises(TimeLimit):
        worker.run(_sleep, 30.0, seconds=0.3)
    assert time.monotonic() - t0 < 1.3
    after = worker.run(_pid, seconds=5)
    assert after != before
    with pytest.raises(OSError):
        os.kill(before, 0)  # the killed worker is gone
    assert worker.run(_sleep, 0.0, seconds=5) == "done"


def test_a_c_level_loop_is_stopped_at_the_limit() -> None:
    t0 = time.monotonic()
    with pytest.raises(TimeLimit):
        worker.run(_bigint, seconds=LIMIT)
    assert time.monotonic() - t0 < LIMIT + 1.0


def test_a_dead_worker_is_a_failure_not_a_hang() -> None:
    with pytest.raises(worker.WorkerFailed):
        worker.run(_die, seconds=5)
    assert worker.run(_sleep, 0.0, seconds=5) == "done"


def test_errors_cross_the_process_boundary() -> None:
    from dlquiz.errors import ParseError

    with pytest.raises(ParseError) as info:
        worker.run(_raise_parse_error, seconds=5)
    assert info.value.column == 4 and info.value.text == "x + " and str(info.value) == "bad input"
    with pytest.raises(worker.WorkerFailed, match="ValueError: Exceeds the limit"):
        worker.run(_raise_value_error, seconds=5)


def test_parse_math_under_the_limit() -> None:
    from dlquiz.errors import ParseError
    from dlquiz.symbolic import parse_math

    assert parse_math("sigma(x)*(1-sigma(x))").pretty == "σ(x)·(1 − σ(x))"
    with pytest.raises(ParseError) as info:
        parse_math("x + ")
    assert info.value.column is not None
    t0 = time.monotonic()
    try:
        parse_math("step(x^999) + " * 20 + "1", timeout=LIMIT)
    except ParseError:
        pass
    assert time.monotonic() - t0 < LIMIT + 1.0


@pytest.mark.parametrize(
    ("text", "kwargs", "pretty"),
    [
        ("pad + 1", {}, "p·a·d + 1"),  # undeclared: a product of letters
        ("pad + 1", {"names": ["pad"]}, "pad + 1"),  # declared: one name
        ("lr*dW", {"names": ("lr", "dW")}, "lr·dW"),
        ("stride*x", {"any_names": True}, "stride·x"),
    ],
)
def test_parse_math_under_the_limit_reads_declared_names(text: str, kwargs: dict[str, Any], pretty: str) -> None:
    """dlquiz.symbolic.parse_math (the worker's) forwards names= and any_names= to the parser."""
    from dlquiz.symbolic import parse_math
    from dlquiz.symbolic.parse import parse_math as parse_here

    assert parse_math(text, **kwargs).pretty == pretty
    assert parse_math(text, **kwargs).expr == parse_here(text, **kwargs).expr  # same as in process
    assert parse_math(text, **kwargs).names == parse_here(text, **kwargs).names


def test_in_process_mode_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLQUIZ_CHECK_WORKERS", "0")
    assert worker.run(_pid, seconds=5) == os.getpid()
    assert check_equivalence(expected="sigma(x)", given="1/(1+exp(-x))").verdict is Verdict.EQUAL


# --------------------------------------------------------------------------- batches


def test_map_ordered_keeps_order_and_reads_lazily() -> None:
    pulled = 0

    def items() -> Any:
        nonlocal pulled
        for i in range(100_000):
            pulled += 1
            yield i

    seen = []
    gen = worker.map_ordered(lambda i: i * i, items(), jobs=3, window=6)
    for k, value in enumerate(gen):
        seen.append(value)
        assert pulled <= k + 1 + 6  # never more than the window ahead of the output
        if k == 99:
            break
    gen.close()
    assert seen == [i * i for i in range(100)]


def test_map_ordered_with_uneven_work() -> None:
    delays = [0.2, 0.0, 0.1, 0.0, 0.05, 0.0]
    out = list(worker.map_ordered(lambda d: (d, _sleep(d)), delays, jobs=3))
    assert [d for d, _ in out] == delays


FAST = [
    ({"reference": "x", "candidate": "x"}, "equal"),
    ({"reference": "x", "candidate": "x^2"}, "not_equal"),
    ({"reference": "sigma(x)", "candidate": "1/(1+exp(-x))"}, "equal"),
    ({"reference": "x", "candidate": "x +"}, "error"),
    ({"reference": "x", "candidate": "sqrt(x^2)"}, "domain_only"),
    ("not json", "error"),
]
SLOW = ({"reference": "x", "candidate": "sum(k^k,k,1,5000)"}, "undecided")  # big integers


def _batch(lines: list[Any], jobs: int) -> tuple[list[dict[str, Any]], float]:
    from dlquiz.cli.equiv_cmd import run_batch

    text = "".join(
        (json.dumps({"id": i, **case}) if isinstance(case, dict) else case) + "\n" for i, case in enumerate(lines)
    )
    out = io.StringIO()
    t0 = time.monotonic()
    n = run_batch(io.StringIO(text), jobs, LIMIT, 0, out)
    took = time.monotonic() - t0
    rows = [json.loads(r) for r in out.getvalue().splitlines()]
    assert n == len(rows) == len(lines)
    return rows, took


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*FAST, SLOW]), min_size=1, max_size=5), st.integers(min_value=1, max_value=3))
def test_batch_with_slow_lines_finishes_in_order(cases: list[tuple[Any, str]], jobs: int) -> None:
    rows, took = _batch([c for c, _ in cases], jobs)
    assert [r["line"] for r in rows] == list(range(1, len(cases) + 1))
    assert [r["verdict"] for r in rows] == [v for _, v in cases]
    slow = sum(1 for c in cases if c is SLOW)
    assert took < len(cases) * 3.0 + slow * (LIMIT + GRACE)  # finishes: no line holds the rest


def test_batch_jobs_give_the_same_verdicts() -> None:
    lines = [c for c, _ in FAST] * 2 + [SLOW[0]]
    one, _ = _batch(lines, 1)
    three, _ = _batch(lines, 3)
    assert [r["verdict"] for r in one] == [r["verdict"] for r in three]
    assert [r["id"] for r in one if "id" in r] == [r["id"] for r in three if "id" in r]


def test_an_answer_too_slow_to_read_is_not_read_again() -> None:
    """Grading reads an answer in several steps; one that ran past its reading limit is
    refused at once by the next step instead of costing the limit again."""
    from dlquiz.errors import ParseError
    from dlquiz.symbolic import parse_math

    # a text no other test reads (results are cached per process) that takes tens of
    # milliseconds to read, against a limit of 5 ms: too slow on any machine
    text = "tanh(" * 50 + "q" + ")" * 50
    limit = 0.005
    t0 = time.monotonic()
    with pytest.raises(ParseError, match="too long to read"):
        parse_math(text, timeout=limit)
    first = time.monotonic() - t0
    assert first < limit + 1.0
    t0 = time.monotonic()
    with pytest.raises(ParseError, match="too long to read"):
        parse_math(text, timeout=limit)
    res = check_equivalence(expected="q", given=text, timeout=limit)
    assert time.monotonic() - t0 < 0.2
    assert res.verdict is Verdict.UNDECIDED and "reading" in res.message
    assert limited.known_slow(text, timeout=1.0) == ""  # a longer limit may still read it


def test_grading_a_hostile_answer_stays_within_its_limits() -> None:
    from dlquiz.bank import load_bank
    from dlquiz.quiz.grade import grade

    item = next(i for i in load_bank(FIXTURE_BANK).items if i.kind == "formula")
    t0 = time.monotonic()
    result = grade(item, "sum(k^k,k,1,6000) + x")
    took = time.monotonic() - t0
    assert str(getattr(result.status, "value", result.status)) in ("undecided", "invalid", "wrong")
    assert took < 2.0 + GRACE + 3.0 + 1.0  # one reading limit (2 s) and one check (3 s) at most


@pytest.mark.parametrize("deadline", [None, 1.5])
@pytest.mark.parametrize("text", [*HOSTILE, "sum(k^k,k,1,6000) + x", "x + step(x^999) + heaviside(x^1000)"])
def test_a_hostile_quiz_answer_keeps_the_answer_deadline(
    text: str, deadline: float | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inputs of issue 15 typed as quiz answers: grading one answer (reading it twice, the
    check, the diagnosis) ends within the answer's deadline (ANSWER_SECONDS, here also a short
    one) + 1 s, and never as correct."""
    import importlib
    from dataclasses import replace

    from dlquiz.bank import load_bank

    grading = importlib.import_module("dlquiz.quiz.grade")  # the module (dlquiz.quiz.grade is also a function)
    if deadline is not None:
        monkeypatch.setattr(grading, "ANSWER_SECONDS", deadline, raising=False)
        monkeypatch.setattr("dlquiz.quiz.formulas.ANSWER_SECONDS", deadline)  # where the deadline is read
    base = next(i for i in load_bank(FIXTURE_BANK).items if i.id == "act.sigmoid.derivative")
    item = (
        base if deadline is None else replace(base, id="test.answer-x", answer="x", canonical=None, let={}, mistakes=())
    )
    grading.grade(item, "x")  # SymPy loaded in this process too before timing starts
    t0 = time.monotonic()
    result = grading.grade(item, text)
    took = time.monotonic() - t0
    assert took < grading.ANSWER_SECONDS + 1.0, f"{text[:40]!r} took {took:.2f} s"
    assert str(result.status) in ("undecided", "invalid", "wrong", "sent_back"), result


def test_a_job_the_worker_cannot_load_is_a_failure_and_the_worker_lives() -> None:
    import sys
    import types

    module = types.ModuleType("dlquiz_only_in_this_process")  # like a script's __main__
    fake = types.FunctionType(_pid.__code__, {"os": os}, "job")
    fake.__module__ = module.__name__
    fake.__qualname__ = "job"
    module.job = fake  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    try:
        before = worker.run(_pid, seconds=5)
        with pytest.raises(worker.WorkerFailed, match="cannot be run"):
            worker.run(fake, seconds=5)
        assert worker.run(_pid, seconds=5) == before  # the same worker goes on
    finally:
        del sys.modules[module.__name__]


def test_an_idle_worker_killed_from_outside_is_replaced() -> None:
    import signal

    pid = worker.run(_pid, seconds=5)
    os.kill(pid, signal.SIGKILL)  # e.g. the out-of-memory killer
    time.sleep(0.2)
    fresh = worker.run(_pid, seconds=5)
    assert fresh != pid
    assert check_equivalence(expected="x", given="x").verdict is Verdict.EQUAL


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('{"id": 1, "reference": ' + "[" * 3000 + "]" * 3000 + "}", "nested too deeply"),
        ('{"id": 1, "reference": ' + "7" * 5000 + "}", "too many digits"),
        ('{"id": [1, 2], "reference": "x", "candidate": "x"}', "'id' must be"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_batch_line_that_cannot_be_read_is_an_error_row(line: str, words: str) -> None:
    rows, _ = _batch([line, FAST[0][0]], 1)
    assert rows[0]["verdict"] == "error" and words in rows[0]["message"]
    assert rows[1]["verdict"] == "equal"  # the batch goes on


def test_batch_file_with_a_line_that_is_not_utf8(tmp_path: Any) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"id": "a", "reference": "x", "candidate": "x"}\r\n'
        b'{"id": "caf\xe9"}\n{"id": "b", "reference": "x", "candidate": "x^2"}\n'
    )
    proc = subprocess.run(
        [*dlquiz_cmd(), "equiv", "--batch", str(path)], capture_output=True, text=True, env=subprocess_env(), timeout=60
    )
    rows = [json.loads(r) for r in proc.stdout.splitlines()]
    assert [r["verdict"] for r in rows] == ["equal", "error", "not_equal"]
    assert "not UTF-8" in rows[1]["message"] and "Traceback" not in proc.stderr

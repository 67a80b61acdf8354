"""Fuzz: case files, query files, ``--set`` values and CSV tables, mutated, through the
command line (``eval``, ``whatif``, ``batch``) and the CSV reader."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from contract import cached_load, check_diagnostics, run_cli
from hypothesis import given
from hypothesis import strategies as st
from lexlux.diagnostics import Diagnostic
from lexlux.whatif.batch import read_case_table
from mutations import NASTY_SCALARS, budget, count_input, csv_table, mutated_file

from paths import REPO

EXAMPLES = REPO / "examples"
INPUTS = sorted([*EXAMPLES.glob("*.case.yaml"), *EXAMPLES.glob("*.query.yaml"),
                 *(REPO / "tests" / "cases" / "bad").glob("*/*.case.yaml")])
REFORM = EXAMPLES / "limit-52-weeks-from-2027.reform.yaml"
_SCRATCH: dict[str, Path] = {}


def scratch(factory: Any, name: str) -> Path:
    """One working folder per test session: removing a folder per input costs more than the
    input (the contract still checks, input by input, that nothing else is written)."""
    if name not in _SCRATCH:
        _SCRATCH[name] = factory.mktemp(name)
    return _SCRATCH[name]


@functools.cache
def outputs() -> list[str]:
    return sorted(cached_load().kb.vocabularies["lu"].outputs)


@st.composite
def mutated_input(draw: st.DrawFn) -> tuple[str, bytes]:
    source = draw(st.sampled_from(INPUTS))
    return source.name, draw(mutated_file(source.read_text(encoding="utf-8")))


@pytest.mark.usefixtures("cached_kb")
@budget(short=40, long=25_000)
@given(case=mutated_input(), fmt=st.sampled_from(["text", "json"]),
       asked=st.one_of(st.none(), st.sampled_from(["dismissal_sanction", "certificate_in_time",
                                                   "continuation_limit_reached", "nope"])))
def test_a_mutated_case_or_query_keeps_the_contract(case: tuple[str, bytes], fmt: str,
                                                    asked: str | None,
                                                    tmp_path_factory: Any) -> None:
    count_input("cases")
    name, raw = case
    folder = scratch(tmp_path_factory, "fuzz-cases")
    (folder / "dismissal-during-sickness.case.yaml").write_bytes(
        (EXAMPLES / "dismissal-during-sickness.case.yaml").read_bytes())  # a query's case
    path = folder / name
    path.write_bytes(raw)
    argv = ["eval", str(path), "--format", fmt] + (["--output", asked] if asked else [])
    run_cli(argv, folder)


_SET_VALUE = st.one_of(st.sampled_from(NASTY_SCALARS), st.text(max_size=40),
                       st.sampled_from(["[{from: 2019-03-01, to: 2019-03-20}]",
                                        "[{from: 2019-03-20, to: 2019-03-01}]",
                                        "2019-03-08", "dismissal", "true", "[]", "{}"]))
_FACT = st.one_of(st.sampled_from(["incapacity", "certificate_received_on", "employer_act",
                                   "person_age", "absence_start", "facts.incapacity_start",
                                   "nope", "", "="]),
                  st.text(max_size=12))


@pytest.mark.usefixtures("cached_kb")
@budget(short=40, long=10_000)
@given(settings_=st.lists(st.tuples(_FACT, _SET_VALUE), min_size=1, max_size=3),
       fmt=st.sampled_from(["text", "json"]))
def test_whatif_set_values_keep_the_contract(settings_: list[tuple[str, str]], fmt: str,
                                             tmp_path_factory: Any) -> None:
    count_input("set")
    folder = scratch(tmp_path_factory, "fuzz-set")
    argv = ["whatif", str(EXAMPLES / "dismissal-during-sickness.case.yaml"), "--format", fmt,
            "--output", "dismissal_sanction"]
    for fact, value in settings_:
        argv += ["--set", f"{fact}={value}"]
    run_cli(argv, folder)


@budget(short=80, long=25_000)
@given(table=csv_table())
def test_a_random_csv_table_gives_cases_or_located_problems(table: bytes,
                                                            tmp_path_factory: Any) -> None:
    count_input("csv")
    folder = scratch(tmp_path_factory, "fuzz-csv")
    path = folder / "table.csv"
    path.write_bytes(table)
    problems = []
    for item in read_case_table(path, cached_load().kb):
        if isinstance(item, Diagnostic):
            assert item.span is not None and item.span.file == str(path), item
            problems.append(item)
    check_diagnostics(problems)


@pytest.mark.usefixtures("cached_kb")
@budget(short=6, long=1_000)
@given(table=csv_table(), fmt=st.sampled_from(["text", "json"]))
def test_lexlux_batch_on_a_random_csv_table_keeps_the_contract(table: bytes, fmt: str,
                                                               tmp_path_factory: Any) -> None:
    count_input("batch")
    folder = scratch(tmp_path_factory, "fuzz-batch")
    path = folder / "table.csv"
    path.write_bytes(table)
    run_cli(["batch", str(path), "--reform", str(REFORM), "--format", fmt,
             "--output", "dismissal_sanction"], folder)

"""The vector backend pauses the cycle collector for a block of outcomes, the consumer's work
on them included, and lets it run again (if it was running) once the block is done or the
consumer stops early."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from lexlux.evaluate.case import Case
from lexlux.evaluate.interpreter import outputs_in_force
from lexlux.pipeline import LoadResult

pytest.importorskip("numpy")
from lexlux.vector.outcomes import VectorRun

OUTPUTS = ["monthly_payer", "dismissal_ban", "twelve_month_count"]


def _cases(bundled: LoadResult, size: int) -> list[Case]:
    from lexlux.whatif.needs import facts_needed
    from lexlux.whatif.population import Generator, load_population
    vocabulary = bundled.kb.vocabularies["lu"]
    generator = Generator(load_population(None, vocabulary), vocabulary,
                          facts_needed(bundled.kb, "lu", outputs_in_force(bundled.kb, "lu")),
                          date(2018, 1, 1), date(2018, 1, 1) + timedelta(days=500), seed=5)
    return list(generator.cases(size))


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_paused_while_a_block_is_consumed_and_running_after(bundled: LoadResult) -> None:
    run = VectorRun(bundled.kb, OUTPUTS)
    seen = []
    for outcome in run.outcomes(_cases(bundled, 6)):
        seen.append(gc.isenabled())
        assert set(outcome.results) == set(OUTPUTS)
    assert seen == [False] * 6
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_running_again_when_the_consumer_stops_early(bundled: LoadResult) -> None:
    outcomes = VectorRun(bundled.kb, OUTPUTS).outcomes(_cases(bundled, 6))
    next(outcomes)
    assert not gc.isenabled()
    outcomes.close()
    assert gc.isenabled()


def test_left_off_when_it_was_off(bundled: LoadResult) -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        assert len(list(VectorRun(bundled.kb, OUTPUTS).outcomes(_cases(bundled, 3)))) == 3
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()

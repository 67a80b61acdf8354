"""The vector backend in ``lexlux batch --backend vector``: outcomes as the interpreter's,
computed block by block — the outputs the backend compiles column-wise, the others (and any
person it leaves) by the interpreter.  ``fallbacks`` says which outputs were left to the
interpreter, and why."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

import numpy as np

from ..compile.model import KnowledgeBase
from ..evaluate.case import Case
from ..evaluate.interpreter import Outcome, OutputResult, evaluate, outputs_in_force
from ..whatif.batch import BatchReport, compare_outcomes
from .backend import NO_VALUE, VALUE, evaluate_block, missing_diagnostic

BLOCK = 4096


@dataclass
class VectorRun:
    kb: KnowledgeBase
    outputs: list[str] | None
    law_as_of: date | None = None
    reading: str | None = None
    fallbacks: dict[str, str] = field(default_factory=dict)   # output -> why
    vectorised: set[str] = field(default_factory=set)
    persons_left: int = 0
    left_results: int = 0        # persons × outputs computed column-wise left to it

    def outcomes(self, cases: Iterable[Case]) -> Iterator[Outcome]:
        stream = iter(cases)
        while True:
            block = list(islice(stream, BLOCK))
            if not block:
                return
            yield from self._block(block)

    def _block(self, cases: list[Case]) -> Iterator[Outcome]:
        """The outcomes of a block, with the cycle collector paused from the block's first
        outcome to its last, the consumer's work on them included: a block allocates a
        few objects per person and output, freed by reference counting (the interpreter
        leaves no cyclic garbage: tests/evaluate/test_no_cycles.py), and the collector's
        passes over them were a sixth of the time (paused only while each outcome was
        built, it ran in the consumer instead).  It runs again (if it was running) when
        the block is done or the consumer stops; anything cyclic is collected then."""
        running = gc.isenabled()
        gc.disable()
        try:
            yield from self._outcomes(cases)
        finally:
            if running:
                gc.enable()

    def _outcomes(self, cases: list[Case]) -> Iterator[Outcome]:
        names = self.outputs or outputs_in_force(self.kb, cases[0].jurisdiction)
        columns = evaluate_block(self.kb, cases, names, self.reading, self.law_as_of)
        for name, column in columns.items():
            if column.values is None:
                self.fallbacks.setdefault(name, column.fallback or "")
            else:
                self.vectorised.add(name)
        vocabulary = self.kb.vocabularies[cases[0].jurisdiction]
        whole = [n for n in names if columns[n].values is None]
        jurisdiction = cases[0].jurisdiction
        computed = [(n, found) for n in names if (found := columns[n].output_results(
            vocabulary.outputs[n].type, self.kb, jurisdiction, self.reading)) is not None]
        # who is left to the interpreter for an output the backend computes
        partly = np.zeros(len(cases), np.bool_)
        for name, _ in computed:
            values = columns[name].values
            assert values is not None
            left_here = (values.status != VALUE) & (values.status != NO_VALUE)
            if values.missing:                 # a "missing" answer built column-wise
                left_here[list(values.missing)] = False
            count = int(left_here.sum())
            if count:
                partly |= left_here
                self.left_results += count
        self.persons_left += int(partly.sum())
        # per person, the outputs with a "missing" answer built column-wise, in the order
        # of the outputs (each gets its LX401)
        missing_of: dict[int, list[str]] = {}
        for name, _ in computed:
            values = columns[name].values
            assert values is not None
            for i in values.missing or ():
                missing_of.setdefault(i, []).append(name)
        texts: dict[int, Any] = {}   # see missing_diagnostic
        computed_names = [name for name, _ in computed]
        in_order = not whole          # the outputs computed are every output, in order
        rows = zip(*(found for _, found in computed), strict=True) if computed else \
            iter([()] * len(cases))
        partly_left = partly.tolist()
        for i, (case, row) in enumerate(zip(cases, rows, strict=True)):
            # per output computed, its result (None: left to the interpreter), in place
            results: dict[str, OutputResult] = dict(zip(computed_names, row, strict=True))
            left = list(whole)
            if partly_left[i]:
                left += [name for name, got in results.items() if got is None]
            as_of = case.as_of or date.today()
            # the interpreter, for what is left: it reads the outputs computed column-wise
            # as they are (an output they depend on is not evaluated again)
            # (not a "missing" answer: the interpreter reads the parameter itself, and its
            # message names the day it did)
            interpreted = evaluate(self.kb, case, as_of, outputs=left, law_as_of=self.law_as_of,
                                   reading=self.reading, known={
                                       k: v for k, v in results.items()
                                       if v is not None and v.status != "missing"}
                                   ) if left else None
            if interpreted is not None:
                results.update((name, interpreted.results[name]) for name in left)
            diagnostics = interpreted.diagnostics if interpreted else []
            # the LX401 of a "missing" answer built column-wise, as the interpreter gives it
            if i in missing_of:
                diagnostics += [missing_diagnostic(self.kb, case, results[name], texts)
                                for name in missing_of[i] if name not in left
                                and results[name].status == "missing"]
            yield Outcome(case, as_of, self.law_as_of, self.reading,
                          results if in_order else {name: results[name] for name in names},
                          diagnostics)

    def note(self) -> str:
        done = ", ".join(sorted(self.vectorised)) or "none"
        left = "; ".join(f"{n} ({why})" for n, why in sorted(self.fallbacks.items())[:20])
        more = len(self.fallbacks) - 20
        return (f"vector backend: computed column-wise: {done}; left to the interpreter: "
                f"{left or 'none'}" + (f" and {more} more" if more > 0 else "") + "\n")


def run_batch_vector(cases: Iterable[Case], baseline: VectorRun, reform: VectorRun,
                     progress: Callable[[int], None] | None = None) -> BatchReport:
    """``run_batch`` with both laws evaluated block by block by the vector backend."""
    report = BatchReport()
    stream = iter(cases)
    while True:
        block = list(islice(stream, BLOCK))
        if not block:
            return report
        for a, b in zip(baseline._block(block), reform._block(block), strict=True):
            compare_outcomes(report, a, b)
        if progress is not None:
            progress(report.cases)

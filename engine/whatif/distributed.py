"""What-if: a population evaluated on a Dask cluster (``lexlux batch --dask`` or
``--scheduler ADDRESS``; the optional extra ``lexlux[dask]``: dask.distributed).

The persons are cut into partitions in a fixed order: the cases read from files first (the
client reads them and sends each partition), then the generated persons (a partition is a
range of person numbers: each worker draws its persons itself, from the same seeded
generator, so that only the numbers travel).  The compiled knowledge bases and the generator
are sent once to every worker (``Client.scatter``, broadcast, not hashed): the workers need
neither the rule files nor lexlux's cache.  Partial results are combined as they arrive:

* with a reform, the partial reports are added (:meth:`BatchReport.merge`: counts, change
  kinds, shifts and exact totals are sums, and every list in the report is sorted), so the
  report is the same as on one machine;
* without one, the table's slices are written in partition order (a slice that arrives early
  waits for the ones before it), through the same writer as on one machine.

So the output is the same, byte for byte, as ``lexlux batch`` without Dask
(``tests/whatif/test_distributed.py`` checks it on a ``LocalCluster``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..compile.model import KnowledgeBase
from ..diagnostics import LexluxError, error
from ..evaluate.case import Case
from .batch import BatchReport, run_batch
from .tables import Rows, evaluate_population, rows_of

PARTITION = 500


@dataclass(frozen=True)
class Partition:
    """Persons ``start`` .. ``start + count - 1`` of the generator, or a list of cases."""

    start: int = 0
    count: int = 0
    cases: tuple[Case, ...] = ()


def partitions(cases: Iterable[Case], generated: int, size: int = PARTITION
               ) -> Iterator[Partition]:
    batch: list[Case] = []
    for case in cases:
        batch.append(case)
        if len(batch) == size:
            yield Partition(cases=tuple(batch))
            batch = []
    if batch:
        yield Partition(cases=tuple(batch))
    for start in range(0, generated, size):
        yield Partition(start, min(size, generated - start))


def _persons(partition: Partition, generator: Any) -> Iterator[Case]:
    yield from partition.cases
    if partition.count:
        yield from generator.cases(partition.count, start=partition.start)


def compare_partition(baseline: KnowledgeBase, reform: KnowledgeBase, generator: Any,
                      partition: Partition, outputs: list[str] | None,
                      law_as_of: date | None) -> BatchReport:
    return run_batch(_persons(partition, generator), baseline, reform, outputs,
                     law_as_of=law_as_of)


def table_partition(kb: KnowledgeBase, generator: Any, partition: Partition,
                    outputs: list[str] | None, law_as_of: date | None, reading: str | None,
                    fmt: str) -> Rows:
    return rows_of(evaluate_population(_persons(partition, generator), kb, outputs,
                                       law_as_of, reading), fmt)


@contextlib.contextmanager
def connect(scheduler: str | None) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a new local cluster (one worker
    process per CPU) when it is None."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise LexluxError([error("LX703", "--dask and --scheduler need dask.distributed, "
                                 "which is not installed",
                                 hint="pip install 'lexlux[dask]'")]) from None
    if scheduler is not None:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    cluster = LocalCluster(processes=True, threads_per_worker=1,  # type: ignore[no-untyped-call]
                           dashboard_address=None)
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


def _in_order(futures: list[Any], as_completed: Callable[..., Any]) -> Iterator[Any]:
    """Results in the order of ``futures``, fetched as they complete."""
    index = {future.key: i for i, future in enumerate(futures)}
    waiting: dict[int, Any] = {}
    following = 0
    for future in as_completed(futures):
        waiting[index[future.key]] = future.result()
        future.release()
        while following in waiting:
            yield waiting.pop(following)
            following += 1


def run_batch_distributed(client: Any, parts: Iterable[Partition], baseline: KnowledgeBase,
                          reform: KnowledgeBase, generator: Any, outputs: list[str] | None,
                          law_as_of: date | None,
                          progress: Callable[[int], None] | None = None) -> BatchReport:
    from distributed import as_completed
    shared = client.scatter([baseline, reform, generator], broadcast=True, hash=False)
    futures = [client.submit(compare_partition, *shared, part, outputs, law_as_of, pure=False)
               for part in parts]
    report = BatchReport()
    for partial in _in_order(futures, as_completed):
        report.merge(partial)
        if progress is not None:
            progress(report.cases)
    return report


def table_distributed(client: Any, parts: Iterable[Partition], kb: KnowledgeBase,
                      generator: Any, outputs: list[str] | None, law_as_of: date | None,
                      reading: str | None, fmt: str,
                      progress: Callable[[int], None] | None = None) -> Iterator[Rows]:
    from distributed import as_completed
    shared = client.scatter([kb, generator], broadcast=True, hash=False)
    futures = [client.submit(table_partition, *shared, part, outputs, law_as_of, reading, fmt,
                             pure=False) for part in parts]
    done = 0
    for rows in _in_order(futures, as_completed):
        done += rows.summary.cases
        if progress is not None:
            progress(done)
        yield rows

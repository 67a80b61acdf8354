"""The table-based distinct values of integer grids give what ``np.unique`` gives."""

from __future__ import annotations

import numpy as np
import pytest
from lexlux.vector.backend import _unique_inverse


@pytest.mark.parametrize("dtype", [np.int16, np.int64])
def test_same_as_numpy_unique(dtype: type) -> None:
    rng = np.random.default_rng(7)
    for _ in range(300):
        spread = int(rng.choice([3, 100, 10**9]))        # narrow ranges and wide ones
        shape = (int(rng.integers(0, 12)), int(rng.integers(1, 6)))
        data = rng.integers(-spread, spread, size=shape).astype(dtype)
        unique, inverse = _unique_inverse(data)
        expected_unique, expected_inverse = np.unique(data, return_inverse=True)
        assert unique.dtype == expected_unique.dtype
        assert unique.tolist() == expected_unique.tolist()
        assert inverse.reshape(-1).tolist() == expected_inverse.reshape(-1).tolist()
        assert (unique[inverse.reshape(data.shape)] == data).all()


def test_distinct_rows_same_as_numpy_unique() -> None:
    """The distinct dates (or pairs of dates) of obligations and bans, found through one
    integer key per row, are those of ``np.unique(..., axis=0)`` in the same order."""
    from lexlux.vector.backend import _unique_rows
    rng = np.random.default_rng(11)
    for _ in range(300):
        n = int(rng.integers(0, 40))
        spread = int(rng.choice([2, 400, 3_000_000]))     # day numbers over the calendar
        columns = [rng.integers(-spread, spread, n) for _ in range(int(rng.integers(1, 3)))]
        if len(columns) == 2 and rng.random() < 0.3:
            columns[1] = columns[0].copy()                   # start and end the same day
        unique, inverse = _unique_rows(columns)
        expected, expected_inverse = np.unique(np.stack(columns, axis=1), axis=0,
                                               return_inverse=True)
        assert [u.tolist() for u in unique] == [expected[:, k].tolist()
                                                for k in range(len(columns))]
        assert inverse.reshape(-1).tolist() == expected_inverse.reshape(-1).tolist()

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

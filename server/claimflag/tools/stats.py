"""The one percentile the bench and the soak print."""

from __future__ import annotations

import numpy as np


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0 to 1) of ``values``, interpolated linearly
    between the two nearest ranks (numpy's default, Excel's PERCENTILE.INC)."""
    if not values:
        raise ValueError("no values")
    return float(np.percentile(values, q * 100))

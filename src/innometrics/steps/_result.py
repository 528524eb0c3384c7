"""The return type shared by every step."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np


class StepResult(NamedTuple):
    """The array a step produced and a record of what it did.

    ``info`` holds arrays aligned with the input's units and/or indicators (e.g. a mask of the
    imputed points) and scalars; the recipe runner labels them with unit and indicator codes.
    """

    values: np.ndarray
    info: dict[str, Any]

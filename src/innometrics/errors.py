"""Error types: one for bad input files, one for bad parameters.

Both subclass :class:`ValueError` so callers can catch them as such. Their message is a single line
that names the place (file, row, column, or parameter and owner) and the fix.
"""

from __future__ import annotations

__all__ = ["InputError", "InvalidParameter", "DataWarning"]


class InputError(ValueError):
    """A data or framework file that cannot be used as it is.

    Parameters
    ----------
    source : str
        File name (or a description such as ``"data"`` for in-memory tables).
    problem : str
        What is wrong, in a few words.
    fix : str
        What the user should change.
    row : int, optional
        Row as a spreadsheet shows it: the header is row 1, the first record row 2.
    column : str, optional
        Column name.
    key : str, optional
        The recipe or claims-file key, where the problem is in one.
    """

    def __init__(
        self,
        source: str,
        problem: str,
        fix: str,
        *,
        row: int | None = None,
        column: str | None = None,
        key: str | None = None,
    ) -> None:
        self.source = source
        self.problem = problem
        self.fix = fix
        self.row = row
        self.column = column
        place = [str(source)]
        if row is not None:
            place.append(f"row {row}")
        if column is not None:
            place.append(f"column '{column}'")
        if key is not None:
            place.append(f"key '{key}'")
        end = "" if problem.endswith((".", "?", "!")) else "."
        super().__init__(f"{', '.join(place)}: {problem}{end} Fix: {fix}")


class InvalidParameter(ValueError):
    """A setting outside its accepted values.

    The message follows one template: ``'name' of owner must be ...; got value.``
    """


class DataWarning(UserWarning):
    """Data that can be used but deserve a look: units with no data, indicators without
    variance, values blanked by a missing denominator. The message names them."""

"""The stages a recipe makes and which one each step reads.

Every step writes one stage (COINr's data sets: ``Denominated``, ``Screened``, ``Imputed``,
``Treated``, ``Normalised``, ``Aggregated``; the input is ``Raw``) and reads the stage before
it, or the one its ``from_stage`` names (COINr's ``dset``), which must be made before it. What
a step's input went through (its *lineage*) decides what an unusual order means: ``treat``
after ``normalise`` treats normalised scores only if the data it reads went through the
normalisation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._params import did_you_mean
from .errors import InvalidParameter

__all__ = ["STAGE_NAMES", "STEP_NAMES", "ORDER_NOTES", "is_panel_impute", "stage_names",
           "stages_before", "check_from_stage", "lineage", "order_notes"]

#: Steps a recipe may use, and the name of the data set each one produces (COINr's names).
STAGE_NAMES = {
    "denominate": "Denominated",
    "screen": "Screened",
    "impute": "Imputed",
    "treat": "Treated",
    "normalise": "Normalised",
    "aggregate": "Aggregated",
}
STEP_NAMES = tuple(STAGE_NAMES)

#: (earlier, later, what it means when ``later`` comes first): orders that run, as in COINr,
#: but change what a step means; each gives one DataWarning.
ORDER_NOTES = (
    ("denominate", "treat", "outliers are judged on the values before denominating, and "
     "the treated values are then divided"),
    ("denominate", "normalise", "the normalised scores are divided by the denominators, so "
     "they leave the normalised scale"),
    ("screen", "impute", "screening counts imputed values as present, so units are kept or "
     "dropped on imputed data"),
    ("treat", "normalise", "outliers are treated on the normalised scores, so the scores no "
     "longer span the normalised range"),
)


def is_panel_impute(name: str, settings: Any) -> bool:
    """Whether a step is a panel imputation (``impute: {method: panel}``)."""
    return (name == "impute" and isinstance(settings, Mapping)
            and settings.get("method") == "panel")


def stage_names(steps: Sequence[tuple[str, Any]]) -> list[tuple[str, str]]:
    """Each step's (stage name, record key): the :data:`STAGE_NAMES`, except a panel impute
    followed by another impute, which is ``PanelImputed`` / ``impute_panel`` (the data after
    all imputation stays ``Imputed``)."""
    out = []
    for i, (name, settings) in enumerate(steps):
        later_impute = any(n == "impute" for n, _ in steps[i + 1:])
        if is_panel_impute(name, settings) and later_impute:
            out.append(("PanelImputed", "impute_panel"))
        else:
            out.append((STAGE_NAMES[name], name))
    return out


def stages_before(steps: Sequence[tuple[str, Any]], step: str) -> list[str]:
    """The stages a ``step`` can read: ``Raw`` and the stages of the steps before it (of a
    step the recipe lacks, those before the place :meth:`Recipe.with_step` would add it)."""
    order = {name: i for i, name in enumerate(STEP_NAMES)}
    names = [n for n, _ in steps]
    at = names.index(step) if step in names else next(
        (i for i, n in enumerate(names) if order[n] > order[step]), len(names))
    return ["Raw", *(stage for stage, _ in stage_names(steps)[:at])]


def check_from_stage(steps: Sequence[tuple[str, Mapping]]) -> None:
    """Each ``from_stage`` names a stage produced before its step (COINr's ``dset``: a step
    may read any data set the coin holds by then; later steps continue from its output).

    Raises
    ------
    InvalidParameter
        ``steps[2].treat: from_stage 'Normalised' is not a stage produced before it. Stages
        available: Raw, Imputed.``
    """
    available = ["Raw"]
    for i, ((name, settings), (stage, _)) in enumerate(zip(steps, stage_names(steps),
                                                          strict=True)):
        wanted = settings.get("from_stage")
        if wanted is not None and wanted not in available:
            raise InvalidParameter(f"steps[{i}].{name}: from_stage '{wanted}' is not a "
                                   f"stage produced before it.{did_you_mean(wanted, available)} "
                                   f"Stages available: {', '.join(available)}.")
        available.append(stage)


def lineage(steps: Sequence[tuple[str, Mapping]]) -> list[set[str]]:
    """For each step, the steps whose output the data it reads went through (its
    ``from_stage`` checked by :func:`check_from_stage`).

    >>> lineage([("impute", {}), ("treat", {"from_stage": "Raw"}), ("normalise", {})])
    [set(), set(), {'treat'}]
    """
    through = {"Raw": set()}
    previous: set[str] = set()
    out = []
    for (name, settings), (stage, _) in zip(steps, stage_names(steps), strict=True):
        reads = through[settings["from_stage"]] if settings.get("from_stage") else previous
        out.append(reads)
        previous = through[stage] = reads | {name}
    return out


def order_notes(steps: Sequence[tuple[str, Mapping]]) -> list[str]:
    """What each unusual but runnable order of ``steps`` means (:data:`ORDER_NOTES`), one
    line each, e.g. ``"'screen' (steps[2]) comes after 'impute' (steps[1]): screening counts
    imputed values as present, ..."``; only where the data the step reads went through the
    other step (a ``from_stage`` before it makes the order mean nothing unusual)."""
    at = {name: i for i, (name, _) in enumerate(steps)}
    upstream = lineage(steps)
    return [f"'{earlier}' (steps[{at[earlier]}]) comes after '{later}' (steps[{at[later]}]): "
            f"{means}" for earlier, later, means in ORDER_NOTES
            if earlier in at and later in upstream[at[earlier]]]

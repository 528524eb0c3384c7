"""WIPO's Global Innovation Index from its own data workbook.

- :mod:`~innometrics.gii.workbook`: read and validate any edition's workbook (sheets
  ``Index Structure``, ``Economies``, ``Data``) or a bundled CSV copy of it.
- :mod:`~innometrics.gii.calibrate`: per-indicator rules, inferred from ``VALUE_SCREEN`` vs
  ``SCORE`` ("calibrated") or from WIPO's documented outlier rule ("documented").
- :mod:`~innometrics.gii.directions`: each indicator's direction and its evidence (never
  assumed).
- :mod:`~innometrics.gii.weights`, :mod:`~innometrics.gii.coverage`: node weights and the
  data-minimum-coverage (DMC) rule, recovered from the aggregate scores and flags.
- :mod:`~innometrics.gii.scoring`: a numpy reference that scores the workbook from the rules.
- :mod:`~innometrics.gii.recipe`: framework, data and recipe for the engine.
- :mod:`~innometrics.gii.profile`: strengths and weaknesses, overall and by income group.
- :mod:`~innometrics.gii.importer`: ``innometrics gii import``: the workbook rebuilt by the
  engine and compared with WIPO's published values.
- :mod:`~innometrics.gii.robustness`: the JRC audit's Monte Carlo design.

>>> from innometrics import gii
>>> book = gii.read_workbook("GII_2023.xlsx")                     # doctest: +SKIP
>>> rules = gii.calibrated_rules(book)                             # doctest: +SKIP
>>> gii.write_recipe("out/gii2023", book, rules,
...                  node_weights=gii.infer_weights(book))         # doctest: +SKIP
"""

from .bundled import GII_ERRATA, gii_published, gii_recipe, gii_workbook
from .calibrate import (
    RULE_COLUMNS,
    IndicatorRule,
    calibrated_rules,
    describe_rule,
    documented_indicator_rule,
    documented_rules,
    infer_indicator_rule,
    reproduction,
    rule_differences,
)
from .coverage import coverage_shares, dmc_flags, infer_dmc_rule
from .directions import indicator_directions, infer_direction
from .importer import GiiImport, import_gii
from .profile import (
    comparison_groups,
    data_age,
    economy_profile,
    excel_percent_rank,
    flag_agreement,
    group_statistics,
    income_group_comparison,
    income_group_strengths_weaknesses,
    overall_strengths_weaknesses,
)
from .recipe import data_table, framework_table, recipe_dict, treat_override, write_recipe
from .scoring import aggregate_scores, rank_scores, score_indicators
from .weights import constrained_weights, infer_weights, weights_of
from .workbook import (
    Workbook,
    read_workbook,
    read_workbook_tables,
    workbook_from_frames,
    write_workbook_tables,
)

__all__ = [
    "GII_ERRATA", "gii_published", "gii_recipe", "gii_workbook",
    "RULE_COLUMNS", "GiiImport", "IndicatorRule", "Workbook", "aggregate_scores",
    "calibrated_rules", "economy_profile", "import_gii",
    "comparison_groups", "constrained_weights", "coverage_shares", "data_age", "data_table",
    "describe_rule", "dmc_flags", "documented_indicator_rule", "documented_rules",
    "excel_percent_rank", "flag_agreement", "framework_table", "group_statistics",
    "income_group_comparison", "income_group_strengths_weaknesses", "indicator_directions",
    "infer_direction",
    "infer_dmc_rule", "infer_indicator_rule", "infer_weights", "overall_strengths_weaknesses",
    "rank_scores", "read_workbook", "read_workbook_tables", "recipe_dict", "reproduction",
    "rule_differences", "score_indicators", "treat_override", "weights_of",
    "workbook_from_frames", "write_recipe", "write_workbook_tables",
]

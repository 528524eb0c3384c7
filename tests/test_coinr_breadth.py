"""COINr 1.1.14's normalisations and aggregations beyond the main pipeline, reproduced to 1e-9.

References in ``tests/reference/coinr-breadth/`` (made by ``make_references.R`` there; see its
SOURCE.md): COINr's ASEM data and a random framework with ties, gaps, negative values, mixed
directions and uneven weights. Tolerance: ``rtol=1e-9`` with ``atol=1e-12`` so exact zeros
compare; missing cells must be missing in both.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import innometrics as im

RTOL, ATOL = 1e-9, 1e-12
HERE = Path(__file__).parent / "reference" / "coinr-breadth"
ASEM_STEPS = "  - denominate: {}\n  - impute: {method: mean}\n  - treat: {}\n"
RANDOM_IMPUTED = "  - impute: {method: mean}\n"


#: folder → (inputs, steps before normalise, normalise, aggregate)
CASES = {
    "asem-borda-genmean2": ("asem", ASEM_STEPS, "{method: borda}",
                            "{method: generalised, p: 2}"),
    "asem-scaled-copeland": ("asem", ASEM_STEPS, "{method: scaled, bounds: [0, 50]}",
                             "{method: {4: copeland, default: arithmetic}}"),
    "asem-dist2ref-cap": ("asem", ASEM_STEPS,
                          "{method: dist2ref, reference: REFERENCE_UNIT, cap: true}",
                          "{method: arithmetic}"),
    "random-borda-gaps": ("random", "", "{method: borda}", "{method: arithmetic}"),
    "random-scaled-gaps": ("random", "", "{method: scaled, bounds: [-30, 20], scale: 10}",
                           "{method: arithmetic}"),
    "random-scaled-imeta": ("random-scaled", "", "{method: scaled, bounds: framework}",
                            "{method: arithmetic}"),
    "random-dist2ref": ("random", RANDOM_IMPUTED,
                        "{method: dist2ref, reference: REFERENCE_UNIT}",
                        "{method: arithmetic}"),
    "random-genmean-gaps": ("random", "", "{method: minmax, range: [1, 100]}",
                            "{method: generalised, p: 2}"),
    "random-genmean-perlevel": ("random", RANDOM_IMPUTED, "{method: minmax, range: [1, 100]}",
                                "{method: generalised, p: {2: -1.5, 3: 0.5, 4: 3}}"),
    "random-copeland-top": ("random", RANDOM_IMPUTED, "{method: minmax, range: [0, 100]}",
                            "{method: {4: copeland, default: arithmetic}}"),
    "random-copeland-all": ("random", RANDOM_IMPUTED, "{method: minmax, range: [0, 100]}",
                            "{method: copeland}"),
}


def _recipe(tmp_path: Path, folder: str) -> Path:
    inputs, before, normalise, aggregate = CASES[folder]
    if "REFERENCE_UNIT" in normalise:  # the unit at COINr's iref, named in the reference
        unit = (HERE / folder / "reference_unit.txt").read_text().strip()
        normalise = normalise.replace("REFERENCE_UNIT", unit)
    framework, data = {
        "asem": (HERE / "asem" / "ASEM_iMeta.csv", HERE / "asem" / "ASEM_iData.csv"),
        "random": (HERE / "random" / "iMeta.csv", HERE / "random" / "iData.csv"),
        "random-scaled": (HERE / "random" / "iMeta_scaled.csv", HERE / "random" / "iData.csv"),
    }[inputs]
    path = tmp_path / f"{folder}.yaml"
    path.write_text(f"framework: {framework}\ndata: {data}\nsteps:\n{before}"
                    f"  - normalise: {normalise}\n  - aggregate: {aggregate}\n")
    return path


def _compare(mine: pd.DataFrame, folder: str) -> None:
    ref = pd.read_csv(HERE / folder / "dset_Aggregated.csv").set_index("uCode")
    assert sorted(ref.index) == sorted(mine.index)
    columns = list(mine.columns)
    np.testing.assert_allclose(mine.loc[ref.index, columns].to_numpy(float),
                               ref[columns].to_numpy(float), rtol=RTOL, atol=ATOL,
                               err_msg=folder)


@pytest.mark.filterwarnings("ignore::innometrics.errors.DataWarning")
@pytest.mark.parametrize("folder", list(CASES))
def test_normalised_like_coinr(tmp_path, folder):
    result = im.build(im.load_recipe(_recipe(tmp_path, folder)))
    _compare(result.stages["Normalised"], folder)


@pytest.mark.filterwarnings("ignore::innometrics.errors.DataWarning")
@pytest.mark.parametrize("folder", list(CASES))
def test_aggregated_like_coinr(tmp_path, folder):
    result = im.build(im.load_recipe(_recipe(tmp_path, folder)))
    _compare(result.stages["Aggregated"], folder)


@pytest.mark.filterwarnings("ignore::innometrics.errors.DataWarning")
def test_framework_scaled_columns_travel_with_the_run(tmp_path):
    result = im.build(im.load_recipe(_recipe(tmp_path, "random-scaled-imeta")))
    rebuilt = im.open_run(result.write(tmp_path / "run")).rebuild()
    pd.testing.assert_frame_equal(rebuilt.scores, result.scores)
    meta = (HERE / "random" / "iMeta_scaled.csv").read_text().replace(",-40,26,100", ",-40,,100")
    (tmp_path / "iMeta.csv").write_text(meta)
    recipe = _recipe(tmp_path, "random-scaled-imeta")
    recipe.write_text(recipe.read_text().replace(str(HERE / "random" / "iMeta_scaled.csv"),
                                                 str(tmp_path / "iMeta.csv")))
    with pytest.raises(im.InputError, match="'x01' has no scaled_upper"):
        im.build(im.load_recipe(recipe))

"""Shared fixtures: where the peer reference outputs live, and the two COINr ASEM recipes.

The reference files the parity tests read (COINr's ASEM outputs, WIPO's published GII panel, the
NCSES table and the fingerprints of the bundled OECD/NCSES files) are committed under
``tests/reference/<folder>/``, each folder with a SOURCE.md, so that every clone runs them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"
ASEM = REFERENCE / "coinr-asem"

ASEM_MAIN_STEPS = """
steps:
  - denominate: {}
  - impute: {method: mean}
  - treat: {skew: 2.0, kurtosis: 3.5, max_winsorised: 5, fallback: log_ct}
  - normalise: {method: minmax, range: [0, 100]}
  - aggregate: {method: arithmetic}
"""

ASEM_VARIANT_STEPS = """
steps:
  - denominate: {}
  - impute: {method: median}
  - treat: {skew: 2.0, kurtosis: 3.5, max_winsorised: 1, fallback: log_ct}
  - normalise: {method: minmax, range: [1, 100]}
  - aggregate: {method: geometric}
"""


@pytest.fixture(autouse=True)
def _own_run_store(tmp_path, monkeypatch):
    """Every test records into its own run store, never the user's."""
    monkeypatch.setenv("INNOMETRICS_STORE", str(tmp_path / "runs.duckdb"))


@pytest.fixture
def asem_dir() -> Path:
    """COINr 1.1.14's ASEM reference outputs (``tests/reference/coinr-asem``)."""
    return ASEM


@pytest.fixture
def gii_panel_dir() -> Path:
    """WIPO's published GII and pillar scores 2011-2022 (``tests/reference/gii-panel``)."""
    return REFERENCE / "gii-panel"


def write_asem_recipe(tmp_path: Path, steps: str, name: str = "asem") -> Path:
    """A recipe file pointing at COINr's ASEM iMeta/iData, with the given steps block."""
    recipe = tmp_path / f"{name}.yaml"
    recipe.write_text(f"framework: {ASEM / 'ASEM_iMeta.csv'}\n"
                      f"data: {ASEM / 'ASEM_iData.csv'}\n{steps}")
    return recipe


@pytest.fixture
def asem_main_recipe(asem_dir: Path, tmp_path: Path) -> Path:
    """Recipe of COINr's main ASEM build (mean imputation, winsorise ≤5, min-max, mean)."""
    return write_asem_recipe(tmp_path, ASEM_MAIN_STEPS, "asem_main")


@pytest.fixture
def asem_variant_recipe(asem_dir: Path, tmp_path: Path) -> Path:
    """Recipe of COINr's variant build (median, winsorise ≤1 then log_CT, [1,100], geometric)."""
    return write_asem_recipe(tmp_path, ASEM_VARIANT_STEPS, "asem_variant")

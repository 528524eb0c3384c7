"""A small framework and data set written to disk, for input-validation and recipe tests."""

from __future__ import annotations

from pathlib import Path

META = """iCode,iName,Level,Parent,Direction,Weight,Type,Denominator
a,Alpha,1,P,1,1,Indicator,
b,Beta,1,P,1,2,Indicator,Pop
c,Gamma,1,Q,-1,1,Indicator,
d,Delta,1,Q,1,1,Indicator,
P,Pillar P,2,Index,1,1,Aggregate,
Q,Pillar Q,2,Index,1,1,Aggregate,
Index,Index,3,,1,1,Aggregate,
Pop,Population,,,,,Denominator,
G,Group,,,,,Group,
"""

DATA = """uCode,uName,G,Pop,a,b,c,d
AAA,Aland,x,10,1,20,5,0.5
BBB,Bland,x,20,2,,4,0.7
CCC,Cland,y,5,3,10,,0.2
DDD,Dland,y,40,4,80,1,0.9
EEE,Eland,y,8,10,24,2,
"""

STEPS = """steps:
  - denominate: {}
  - impute: {method: group_mean, group: G}
  - normalise: {method: minmax, range: [0, 100]}
  - aggregate: {method: arithmetic}
"""


def write_toy(tmp_path: Path, meta: str = META, data: str = DATA, steps: str = STEPS) -> Path:
    """Write iMeta.csv, iData.csv and recipe.yaml into ``tmp_path``; return the recipe path."""
    (tmp_path / "iMeta.csv").write_text(meta)
    (tmp_path / "iData.csv").write_text(data)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(f"framework: iMeta.csv\ndata: iData.csv\n{steps}")
    return recipe

"""Random data for the element-removal reference: values to one decimal (ties within indicators,
negative values), gaps, uneven weights, a pillar with one indicator (P4), units without P1, P4 or
S2, tied units (identical rows). Run from this folder: writes iMeta.csv and iData.csv."""
import numpy as np
import pandas as pd

rng = np.random.default_rng(20261205)
meta = pd.DataFrame({
    "iCode": [f"i{k}" for k in range(1, 10)] + ["P1", "P2", "P3", "P4", "S1", "S2", "Index"],
    "Level": [1] * 9 + [2] * 4 + [3, 3, 4],
    "Parent": ["P1", "P1", "P1", "P2", "P2", "P3", "P3", "P3", "P4",
               "S1", "S1", "S2", "S2", "Index", "Index", None],
    "Direction": [1, 1, -1, 1, 1, 1, -1, 1, 1] + [1] * 7,
    "Weight": [1, 2, 0.5, 1, 3, 1, 1, 2, 1, 1, 0.7, 1, 2, 1, 0.5, 1],
})
meta["iName"] = meta["iCode"]
meta["Type"] = np.where(meta["Level"] == 1, "Indicator", "Aggregate")
n = 40
x = np.round(rng.normal(0, 3, size=(n, 9)), 1)  # one decimal: ties within indicators, negatives
x[rng.random((n, 9)) < 0.15] = np.nan
x[5:8] = x[4]            # units 5-8 identical: tied index scores
x[12] = x[11]
x[20, :3] = np.nan       # no P1
x[21, 8] = np.nan        # no P4
x[22, 5:9] = np.nan      # no S2
data = pd.DataFrame(x, columns=meta["iCode"][:9])
codes = [f"U{k:02d}" for k in range(1, n + 1)]
data.insert(0, "uName", codes)
data.insert(0, "uCode", codes)
columns = ["iCode", "iName", "Level", "Parent", "Direction", "Weight", "Type"]
meta[columns].to_csv("iMeta.csv", index=False)
data.to_csv("iData.csv", index=False)

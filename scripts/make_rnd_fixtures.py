"""Write the small SDMX fixtures of tests/test_rnd.py from a slice of the bundled OECD file.

The slice (China, the United States, Germany and the OECD total; G_NC and G_BRXG; 2019 on,
plus the "latest year" 2999 rows) is copied, observation by observation and attribute by
attribute, from the bundled SDMX-ML 3.0 files into:

- ``sbrd_slice_v21.xml``: SDMX-ML 2.1 structure-specific data (unqualified Series/Obs,
  structure named in the header, as SDMX 2.1 services write it);
- ``sbrd_slice_v30.xml``: the same slice in the OECD's SDMX-ML 3.0 layout;
- ``sbrd_slice_csv20.csv``: SDMX-CSV 2.0 (STRUCTURE, STRUCTURE_ID, ACTION, ...);
- ``sbrd_slice_csv10.csv``: SDMX-CSV 1.0 (DATAFLOW, ...).

Parsed with xml.etree only, so the fixtures do not depend on the reader they test.

    .venv/bin/python scripts/make_rnd_fixtures.py
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import quoteattr

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "src" / "innometrics" / "datasets" / "oecd_rnd"
OUT = ROOT / "tests" / "fixtures" / "rnd"
FILES = ("G_NC_V8.txt", "G_BRXG_V8.txt")
ECONOMIES = ("CHN", "USA", "DEU", "OECD")
FIRST_YEAR = 2019
ATTRIBUTES = ("OBS_STATUS", "OBS_STATUS_2", "OBS_STATUS_3")
URN = "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=OECD.STI.STP:DSD_SBRD(1.2)"
V21 = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1"
V30 = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0"


def _slice() -> list[dict[str, str]]:
    rows = []
    for name in FILES:
        for series in ET.parse(BUNDLE / name).getroot().iter():
            if not series.tag.endswith("}Series") or series.get("LOCATION") not in ECONOMIES:
                continue
            for obs in series:
                period = obs.get("TIME_PERIOD")
                if period == "2999" or int(period) >= FIRST_YEAR:
                    rows.append({"LOCATION": series.get("LOCATION"), "VAR": series.get("VAR"),
                                 **obs.attrib})
    return sorted(rows, key=lambda r: (r["VAR"], r["LOCATION"], r["TIME_PERIOD"]))


def _obs(row: dict[str, str], prefix: str = "") -> str:
    attrs = " ".join(f"{k}={quoteattr(row[k])}" for k in ("TIME_PERIOD", "OBS_VALUE",
                                                          *ATTRIBUTES) if k in row)
    return f"<{prefix}Obs {attrs} />"


def _series(rows: list[dict[str, str]], prefix: str = "") -> str:
    out, key = [], None
    for row in rows:
        if (row["LOCATION"], row["VAR"]) != key:
            if key is not None:
                out.append(f"</{prefix}Series>")
            key = (row["LOCATION"], row["VAR"])
            out.append(f'<{prefix}Series LOCATION="{key[0]}" VAR="{key[1]}">')
        out.append(_obs(row, prefix))
    out.append(f"</{prefix}Series>")
    return "\n".join(out)


def write_v21(rows: list[dict[str, str]]) -> None:
    ns = f"{URN}:ObsLevelDim:TIME_PERIOD"
    text = f"""<?xml version="1.0" encoding="utf-8"?>
<message:StructureSpecificData xmlns:ss="{V21}/data/structurespecific" xmlns:ns1="{ns}" \
xmlns:message="{V21}/message" xmlns:common="{V21}/common" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<message:Header><message:ID>innometrics-fixture</message:ID><message:Test>true</message:Test>\
<message:Prepared>2026-04-13T16:23:42</message:Prepared><message:Sender id="innometrics" />\
<message:Structure structureID="OECD_STI_STP_DSD_SBRD_1_2" namespace="{ns}" \
dimensionAtObservation="TIME_PERIOD"><common:Structure>\
<Ref agencyID="OECD.STI.STP" id="DSD_SBRD" version="1.2" /></common:Structure>\
</message:Structure></message:Header>
<message:DataSet ss:structureRef="OECD_STI_STP_DSD_SBRD_1_2" xsi:type="ns1:DataSetType" \
ss:dataScope="DataStructure" action="Information">
{_series(rows)}
</message:DataSet></message:StructureSpecificData>
"""
    (OUT / "sbrd_slice_v21.xml").write_text(text, encoding="utf-8")


def write_v30(rows: list[dict[str, str]]) -> None:
    text = f"""<?xml version="1.0" encoding="utf-8"?>
<message:StructureSpecificData xmlns:ss="{V30}/data/structurespecific" \
xmlns:ns1="{URN}:compact" xmlns:message="{V30}/message" xmlns:common="{V30}/common" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<message:Header><message:ID>innometrics-fixture</message:ID><message:Test>true</message:Test>\
<message:Prepared>2026-04-13T16:23:42</message:Prepared><message:Sender id="innometrics" />\
<message:DataSetID>DSD_SBRD</message:DataSetID></message:Header>
<ns1:DataSet action="Information">
{_series(rows, "ns1:")}
</ns1:DataSet></message:StructureSpecificData>
"""
    (OUT / "sbrd_slice_v30.xml").write_text(text, encoding="utf-8")


def write_csv(rows: list[dict[str, str]], name: str, lead: dict[str, str]) -> None:
    columns = [*lead, "LOCATION", "VAR", "TIME_PERIOD", "OBS_VALUE", *ATTRIBUTES]
    with open(OUT / name, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([*lead.values(), *(row.get(c, "") for c in columns[len(lead):])])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rows = _slice()
    write_v21(rows)
    write_v30(rows)
    write_csv(rows, "sbrd_slice_csv20.csv", {"STRUCTURE": "datastructure",
                                             "STRUCTURE_ID": "OECD.STI.STP:DSD_SBRD(1.2)",
                                             "ACTION": "I"})
    write_csv(rows, "sbrd_slice_csv10.csv", {"DATAFLOW": "OECD.STI.STP:DSD_SBRD(1.2)"})
    print(f"{len(rows)} observations → {OUT}")


if __name__ == "__main__":
    main()

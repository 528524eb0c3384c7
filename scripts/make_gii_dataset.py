"""Build the bundled GII pillar dataset from the reference panel (run once by a maintainer).

Reads ../shared/reference/gii/panel-2011-2022/gii_panel_2011_2022.csv (WIPO's published GII and
pillar scores 2011-2022 as compiled in Mendeley Data doi:10.17632/cvkdzr8tv3) and writes
src/innometrics/datasets/gii_panel/: the tidy panel with ISO3 codes, one iData file per edition,
the framework and one recipe per edition. Only published figures are copied; nothing computed.

    .venv/bin/python scripts/make_gii_dataset.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (ROOT.parent / "shared" / "reference" / "gii" / "panel-2011-2022"
          / "gii_panel_2011_2022.csv")
OUT = ROOT / "src" / "innometrics" / "datasets" / "gii_panel"

#: Panel name → (ISO3, name as WIPO writes it in recent editions).
ECONOMIES = {
    "Albania": ("ALB", "Albania"), "Algeria": ("DZA", "Algeria"), "Angola": ("AGO", "Angola"),
    "Argentina": ("ARG", "Argentina"), "Armenia": ("ARM", "Armenia"),
    "Australia": ("AUS", "Australia"), "Austria": ("AUT", "Austria"),
    "Azerbaijan": ("AZE", "Azerbaijan"), "Bahrain": ("BHR", "Bahrain"),
    "Bangladesh": ("BGD", "Bangladesh"), "Barbados": ("BRB", "Barbados"),
    "Belarus": ("BLR", "Belarus"), "Belgium": ("BEL", "Belgium"), "Belize": ("BLZ", "Belize"),
    "Benin": ("BEN", "Benin"), "Bhutan": ("BTN", "Bhutan"),
    "Bolivia (Plurinational State of)": ("BOL", "Bolivia (Plurinational State of)"),
    "Bosnia and Herzegovina": ("BIH", "Bosnia and Herzegovina"),
    "Botswana": ("BWA", "Botswana"), "Brazil": ("BRA", "Brazil"),
    "Brunei Darussalam": ("BRN", "Brunei Darussalam"), "Bulgaria": ("BGR", "Bulgaria"),
    "Burkina Faso": ("BFA", "Burkina Faso"), "Burundi": ("BDI", "Burundi"),
    "Cabo Verde": ("CPV", "Cabo Verde"), "Cambodia": ("KHM", "Cambodia"),
    "Cameroon": ("CMR", "Cameroon"), "Canada": ("CAN", "Canada"), "Chile": ("CHL", "Chile"),
    "China": ("CHN", "China"), "Colombia": ("COL", "Colombia"),
    "Costa Rica": ("CRI", "Costa Rica"), "Cote dIvoire": ("CIV", "Côte d'Ivoire"),
    "Croatia": ("HRV", "Croatia"), "Cyprus": ("CYP", "Cyprus"),
    "Czech Republic": ("CZE", "Czech Republic"), "Denmark": ("DNK", "Denmark"),
    "Dominican Republic": ("DOM", "Dominican Republic"), "Ecuador": ("ECU", "Ecuador"),
    "Egypt": ("EGY", "Egypt"), "El Salvador": ("SLV", "El Salvador"),
    "Estonia": ("EST", "Estonia"), "Ethiopia": ("ETH", "Ethiopia"), "Fiji": ("FJI", "Fiji"),
    "Finland": ("FIN", "Finland"), "France": ("FRA", "France"), "Gabon": ("GAB", "Gabon"),
    "Gambia": ("GMB", "Gambia"), "Georgia": ("GEO", "Georgia"), "Germany": ("DEU", "Germany"),
    "Ghana": ("GHA", "Ghana"), "Greece": ("GRC", "Greece"), "Guatemala": ("GTM", "Guatemala"),
    "Guinea": ("GIN", "Guinea"), "Guyana": ("GUY", "Guyana"), "Honduras": ("HND", "Honduras"),
    "Hong Kong (China)": ("HKG", "Hong Kong, China"), "Hungary": ("HUN", "Hungary"),
    "Iceland": ("ISL", "Iceland"), "India": ("IND", "India"),
    "Indonesia": ("IDN", "Indonesia"),
    "Iran (Islamic Republic of)": ("IRN", "Iran (Islamic Republic of)"),
    "Iraq": ("IRQ", "Iraq"), "Ireland": ("IRL", "Ireland"), "Israel": ("ISR", "Israel"),
    "Italy": ("ITA", "Italy"), "Jamaica": ("JAM", "Jamaica"), "Japan": ("JPN", "Japan"),
    "Jordan": ("JOR", "Jordan"), "Kazakhstan": ("KAZ", "Kazakhstan"),
    "Kenya": ("KEN", "Kenya"), "Kuwait": ("KWT", "Kuwait"),
    "Kyrgyzstan": ("KGZ", "Kyrgyzstan"),
    "Lao People's Democratic Republic": ("LAO", "Lao People's Democratic Republic"),
    "Latvia": ("LVA", "Latvia"), "Lebanon": ("LBN", "Lebanon"), "Lesotho": ("LSO", "Lesotho"),
    "Lithuania": ("LTU", "Lithuania"), "Luxembourg": ("LUX", "Luxembourg"),
    "Madagascar": ("MDG", "Madagascar"), "Malawi": ("MWI", "Malawi"),
    "Malaysia": ("MYS", "Malaysia"), "Mali": ("MLI", "Mali"), "Malta": ("MLT", "Malta"),
    "Mauritania": ("MRT", "Mauritania"), "Mauritius": ("MUS", "Mauritius"),
    "Mexico": ("MEX", "Mexico"), "Mongolia": ("MNG", "Mongolia"),
    "Montenegro": ("MNE", "Montenegro"), "Morocco": ("MAR", "Morocco"),
    "Mozambique": ("MOZ", "Mozambique"), "Myanmar": ("MMR", "Myanmar"),
    "Namibia": ("NAM", "Namibia"), "Nepal": ("NPL", "Nepal"),
    "Netherlands": ("NLD", "Netherlands"), "New Zealand": ("NZL", "New Zealand"),
    "Nicaragua": ("NIC", "Nicaragua"), "Niger": ("NER", "Niger"),
    "Nigeria": ("NGA", "Nigeria"), "North Macedonia*": ("MKD", "North Macedonia"),
    "Norway": ("NOR", "Norway"), "Oman": ("OMN", "Oman"), "Pakistan": ("PAK", "Pakistan"),
    "Panama": ("PAN", "Panama"), "Paraguay": ("PRY", "Paraguay"), "Peru": ("PER", "Peru"),
    "Philippines": ("PHL", "Philippines"), "Poland": ("POL", "Poland"),
    "Portugal": ("PRT", "Portugal"), "Qatar": ("QAT", "Qatar"),
    "Republic of Korea (the)": ("KOR", "Republic of Korea"),
    "Republic of Moldova (the)": ("MDA", "Republic of Moldova"),
    "Romania": ("ROU", "Romania"), "Russian Federation": ("RUS", "Russian Federation"),
    "Rwanda": ("RWA", "Rwanda"), "Saudi Arabia": ("SAU", "Saudi Arabia"),
    "Senegal": ("SEN", "Senegal"), "Serbia": ("SRB", "Serbia"),
    "Seychelles": ("SYC", "Seychelles"), "Singapore": ("SGP", "Singapore"),
    "Slovakia": ("SVK", "Slovakia"), "Slovenia": ("SVN", "Slovenia"),
    "South Africa": ("ZAF", "South Africa"), "Spain": ("ESP", "Spain"),
    "Sri Lanka": ("LKA", "Sri Lanka"), "Sudan": ("SDN", "Sudan"),
    "Swaziland - Eswatini": ("SWZ", "Eswatini"), "Sweden": ("SWE", "Sweden"),
    "Switzerland": ("CHE", "Switzerland"),
    "Syrian Arab Republic": ("SYR", "Syrian Arab Republic"),
    "Tajikistan": ("TJK", "Tajikistan"), "Thailand": ("THA", "Thailand"),
    "Togo": ("TGO", "Togo"), "Trinidad and Tobago": ("TTO", "Trinidad and Tobago"),
    "Tunisia": ("TUN", "Tunisia"), "Turkey": ("TUR", "Türkiye"), "Uganda": ("UGA", "Uganda"),
    "Ukraine": ("UKR", "Ukraine"), "United Arab Emirates": ("ARE", "United Arab Emirates"),
    "United Kingdom": ("GBR", "United Kingdom"),
    "United Republic of Tanzania (the)": ("TZA", "United Republic of Tanzania"),
    "United States of America": ("USA", "United States of America"),
    "Uruguay": ("URY", "Uruguay"), "Uzbekistan": ("UZB", "Uzbekistan"),
    "Venezuela, Bolivarian Republic of": ("VEN", "Venezuela (Bolivarian Republic of)"),
    "Vietnam": ("VNM", "Viet Nam"), "Yemen": ("YEM", "Yemen"), "Zambia": ("ZMB", "Zambia"),
    "Zimbabwe": ("ZWE", "Zimbabwe"),
}

#: Panel column → framework code (codes follow WIPO's IN.x / OUT.x numbering).
PILLARS = {
    "Institutions": "IN.1",
    "Human capital and research": "IN.2",
    "Infrastructure": "IN.3",
    "Market sophistication": "IN.4",
    "Business sophistication": "IN.5",
    "Knowledge and technology outputs": "OUT.6",
    "Creative outputs": "OUT.7",
}
INCOME = {1.0: "Low income", 2.0: "Lower-middle income", 3.0: "Upper-middle income",
          4.0: "High income"}

FRAMEWORK = """iCode,iName,Level,Parent,Direction,Weight,Type
IN.1,Institutions,1,IN,1,1,Indicator
IN.2,Human capital and research,1,IN,1,1,Indicator
IN.3,Infrastructure,1,IN,1,1,Indicator
IN.4,Market sophistication,1,IN,1,1,Indicator
IN.5,Business sophistication,1,IN,1,1,Indicator
OUT.6,Knowledge and technology outputs,1,OUT,1,1,Indicator
OUT.7,Creative outputs,1,OUT,1,1,Indicator
IN,Innovation Input Sub-Index,2,GII,1,1,Aggregate
OUT,Innovation Output Sub-Index,2,GII,1,1,Aggregate
GII,Global Innovation Index,3,,1,1,Aggregate
Income,Income group (World Bank GNI thresholds),,,,,Group
"""

RECIPE = """# GII {year}: WIPO's published pillar scores recomposed into the index.
# Input Sub-Index = mean of pillars 1-5, Output Sub-Index = mean of pillars 6-7,
# GII = mean of the two sub-indices (WIPO's published method).
name: Global Innovation Index {year} (from published pillar scores)
framework: ../framework.csv
data: gii_{year}.csv
steps:
  - aggregate: {{method: arithmetic}}
uncertainty:
  runs: 1000
  seed: 1
  weights: {{noise: 0.25, levels: [1]}}   # pillar weights ±25%
  alternatives:
    aggregate: [{{method: arithmetic}}, {{method: geometric}}]
"""


def main() -> None:
    panel = pd.read_csv(SOURCE)
    unknown = sorted(set(panel["Economies"]) - set(ECONOMIES))
    if unknown:
        raise SystemExit(f"economies without an ISO3 code: {unknown}")
    panel = panel.dropna(subset=["Global Innovation Index"])
    tidy = pd.DataFrame({
        "uCode": panel["Economies"].map(lambda n: ECONOMIES[n][0]),
        "uName": panel["Economies"].map(lambda n: ECONOMIES[n][1]),
        "edition": panel["Year"].astype(int),
        **{code: panel[col] for col, code in PILLARS.items()},
        "GII_published": panel["Global Innovation Index"],
        "Income": panel["Income level (GNI Thresholds)"].map(INCOME),
    }).sort_values(["edition", "uCode"])
    (OUT / "data").mkdir(parents=True, exist_ok=True)
    tidy.to_csv(OUT / "gii_panel_2011_2022.csv", index=False)
    (OUT / "framework.csv").write_text(FRAMEWORK)
    for year, rows in tidy.groupby("edition"):
        rows[["uCode", "uName", "Income", *PILLARS.values()]].to_csv(
            OUT / "data" / f"gii_{year}.csv", index=False)
        (OUT / "data" / f"gii_{year}.yaml").write_text(RECIPE.format(year=year))


if __name__ == "__main__":
    main()

"""``innometrics rnd show`` prints the compound annual growth of GERD over the span shown."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from innometrics.cli import app
from innometrics.rnd import economy_table


def test_rnd_show_gives_cagr_over_the_span():
    run = CliRunner().invoke(app, ["rnd", "show", "CHN", "--from", "2015", "--to", "2023"])
    assert run.exit_code == 0, run.output
    text = " ".join(run.output.split())
    table = economy_table("CHN", 2015, 2023).set_index("year")["gerd_nc"].dropna()
    first, last = table.index[0], table.index[-1]
    expected = (table.iloc[-1] / table.iloc[0]) ** (1 / (last - first)) - 1
    found = re.search(rf"CAGR {first}-{last} of GERD \(national currency\): ([\d.]+)% a year",
                      text)
    assert found, text[-600:]
    assert abs(float(found.group(1)) - 100 * expected) < 0.005

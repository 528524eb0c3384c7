"""A small HTML summary table (base layer): what a run or a result shows in a notebook
(``_repr_html_``) and the report's summaries, everything escaped, no scripts."""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd

__all__ = ["summary_table"]


def summary_table(head: Iterable[tuple[str, str]], top: pd.DataFrame | None = None) -> str:
    """``head`` as a two-column table (label, value), then ``top`` (the top units) as a
    table with two decimals.

    >>> print(summary_table([("kind", "build <x>")]))
    <table>
    <tr><th style='text-align:left'>kind</th><td>build &lt;x&gt;</td></tr>
    </table>
    """
    out = ["<table>"] + [f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>"
                         f"<td>{html.escape(str(v))}</td></tr>" for k, v in head] + ["</table>"]
    if top is not None:
        out.append(top.to_html(float_format=lambda v: f"{v:.2f}", escape=True))
    return "\n".join(out)

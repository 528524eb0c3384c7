"""What the console shows: user text with control characters escaped, each warning once,
IPv6 URLs in brackets, and --help texts that say what each command writes."""

from __future__ import annotations

import warnings

import pytest
import typer
from toy_index import DATA, write_toy
from typer.testing import CliRunner

from innometrics._cli_util import friendly_errors, shown
from innometrics.cli import app
from innometrics.serve import url


def test_unit_names_with_escape_sequences_are_shown_escaped(tmp_path):
    recipe = write_toy(tmp_path, data=DATA.replace("Eland", "E\x1b[2J\x1b]0;pwned\x07land"))
    result = CliRunner().invoke(app, ["build", str(recipe), "--out", str(tmp_path / "r"),
                                      "--no-store"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "E\\x1b[2J\\x1b]0;pwned\\x07land" in result.output


def test_errors_naming_a_file_with_control_characters_are_escaped(tmp_path):
    result = CliRunner().invoke(app, ["build", str(tmp_path / "no\x1b[31mpe.yaml"), "--out",
                                      str(tmp_path / "r")])
    assert result.exit_code == 2 and "\x1b" not in result.output
    assert "no\\x1b[31mpe.yaml" in result.output


def test_shown_keeps_newlines_tabs_and_letters():
    assert shown("Côte d’Ivoire\t→\n") == "Côte d’Ivoire\t→\n"
    assert shown("\x00\x7f\x9b") == "\\x00\\x7f\\x9b"


def test_each_warning_prints_once():
    mini = typer.Typer()

    @mini.command()
    @friendly_errors
    def noisy() -> None:
        for _ in range(3):
            warnings.warn("indicator x has one value", UserWarning, stacklevel=1)
        warnings.warn("indicator x has one value", UserWarning, stacklevel=1)
        warnings.warn("another", UserWarning, stacklevel=1)

    result = CliRunner().invoke(mini, [])
    assert result.output.count("indicator x has one value") == 1
    assert result.output.count("another") == 1


@pytest.mark.parametrize("host, expected", [("127.0.0.1", "http://127.0.0.1:8050"),
                                            ("::1", "http://[::1]:8050"),
                                            ("fe80::1%eth0", "http://[fe80::1%eth0]:8050"),
                                            ("localhost", "http://localhost:8050")])
def test_urls_put_ipv6_addresses_in_brackets(host, expected):
    assert url(host, 8050) == expected


@pytest.mark.parametrize("command, words", [
    ("demo", ["2023", "2021", "claims", "clusters", "report", "Monte Carlo", "--store"]),
    ("build", ["scores.csv", "ranks.csv", "report", "run store"]),
    ("uncertainty", ["rank_intervals.csv", "design.csv", "Sobol", "report", "run store"]),
    ("report", ["provenance", "run store"]),
])
def test_help_says_what_the_command_does(command, words):
    text = " ".join(CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
                    .output.split())
    for word in words:
        assert word in text, (command, word)

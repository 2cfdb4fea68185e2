"""Docs coverage: every problem code, command and command option is in ``docs/reference.md``."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from observatory.cli.main import app
from observatory.model.problem import PROBLEM_TYPES

REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "reference.md"


@pytest.fixture(scope="module")
def reference() -> str:
    if not REFERENCE.is_file():
        pytest.fail(f"{REFERENCE} is missing")
    return REFERENCE.read_text(encoding="utf-8")


def _commands() -> list[tuple[str, list[str]]]:
    """Every command path (``import``, ``iccs show``) with its long options (``--json``)."""
    found: list[tuple[str, list[str]]] = []
    pending = [("", typer.main.get_command(app))]
    while pending:
        prefix, group = pending.pop()
        for name, command in getattr(group, "commands", {}).items():
            path = f"{prefix} {name}".strip()
            if getattr(command, "commands", None):
                pending.append((path, command))
                continue
            options = [
                next(o for o in param.opts if o.startswith("--"))
                for param in command.params
                if any(o.startswith("--") for o in param.opts)
            ]
            found.append((path, options))
    return sorted(found)


COMMANDS = _commands()


def test_the_command_list_is_complete() -> None:
    names = {path for path, _ in COMMANDS}
    assert {"import", "export", "releases", "areas", "iccs show", "iccs load", "init"} <= names


@pytest.mark.parametrize("code", sorted(PROBLEM_TYPES))
def test_problem_code_is_documented(reference: str, code: str) -> None:
    assert f"`{code}`" in reference


@pytest.mark.parametrize(("command", "options"), COMMANDS, ids=[path for path, _ in COMMANDS])
def test_command_and_its_options_are_documented(reference: str, command: str, options: list[str]) -> None:
    line = next((row for row in reference.splitlines() if f"`observatory {command}" in row), None)
    assert line is not None, f"`observatory {command}` is not in {REFERENCE.name}"
    missing = [option for option in options if option not in line]
    assert not missing, f"options of `observatory {command}` missing from its row: {missing}"


def test_global_debug_option_is_documented(reference: str) -> None:
    assert "--debug" in reference

"""The command line imports the module of the command asked for only: its map of commands
to modules must say what the modules register."""

from __future__ import annotations

import argparse
import importlib

import pytest
from lexlux.cli.main import COMMAND_MODULES, COMMANDS, build_parser, command_of


def _registered(module_name: str) -> set[str]:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    try:
        module = importlib.import_module(f"lexlux.cli.{module_name}")
    except ModuleNotFoundError:            # an optional part not installed
        pytest.skip(f"lexlux.cli.{module_name} cannot be imported here")
    module.register(sub)
    return set(sub.choices)


@pytest.mark.parametrize("module_name", COMMAND_MODULES)
def test_each_module_registers_the_commands_the_map_gives_it(module_name: str) -> None:
    assert _registered(module_name) == {c for c, m in COMMANDS.items() if m == module_name}


def test_the_command_is_found_after_the_global_options() -> None:
    assert command_of(["eval", "case.yaml"]) == "eval"
    assert command_of(["--debug", "--limit", "max_list_items=5", "test", "-k", "x"]) == "test"
    assert command_of(["--limit=max_list_items=5", "diff"]) == "diff"
    assert command_of(["--limit", "eval"]) is None          # 'eval' is the option's value
    assert command_of(["--help"]) is None
    assert command_of(["evl"]) is None


def test_a_parser_for_one_command_parses_it_as_the_whole_parser_does() -> None:
    argv = ["eval", "x.case.yaml", "--output", "dismissal_sanction", "--explain"]
    one = vars(build_parser(argv).parse_args(argv))
    whole = vars(build_parser().parse_args(argv))
    assert one == whole
    assert set(build_parser(argv)._subparsers._group_actions[0].choices) == {"eval"}  # type: ignore[union-attr]

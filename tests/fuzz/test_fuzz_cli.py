"""Fuzz: command lines built from the options of each command, with values that are right,
wrong, empty, option-like, out of range or paths to the wrong thing.

``verify``, ``diff`` and ``solve`` run the Z3 solver (seconds per input): they are fuzzed
with the small test knowledge base and arguments that fail before the solver, or not at
all; docs/fuzzing.md says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from contract import run_cli
from hypothesis import given
from hypothesis import strategies as st
from mutations import NASTY_SCALARS, budget, count_input

from paths import REPO

EXAMPLES = REPO / "examples"
CASE = str(EXAMPLES / "dismissal-during-sickness.case.yaml")
QUERY = str(EXAMPLES / "fourth-day-certificate.query.yaml")
REFORM = str(EXAMPLES / "limit-52-weeks-from-2027.reform.yaml")
TEST_KB = str(REPO / "tests" / "evaluate" / "kb" / "rules")

_PATHS = ["{out}", "{out}/x.md", "{out}/x.case.yaml", "{out}/sub/dir/x.md", "/dev/null",
          "/nonexistent/x", CASE, QUERY, REFORM, TEST_KB, "", "-", "--", "-x", str(REPO)]
_DATES = ["2019-05-01", "2019-02-29", "9999-12-31", "0001-01-01", "2019-13-01", "x", "",
          "2019-5-1", "-2019-05-01"]
_VALUES = st.one_of(st.sampled_from(_PATHS + _DATES + NASTY_SCALARS[:40]),
                    st.text(max_size=20))

#: per command: its options and the values that make sense (plus the fuzzed ones)
COMMANDS: dict[str, dict[str, list[str]]] = {
    "check": {"": [TEST_KB, CASE, "/nonexistent"], "--format": ["text", "json", "xml"]},
    "eval": {"": [CASE, QUERY, REFORM], "--as-of": _DATES, "--law-as-of": _DATES,
             "--output": ["dismissal_sanction", "nope"], "--reading": ["statute", "nope"],
             "--reform": [REFORM, CASE], "--explain": [], "--format": ["text", "json"]},
    "whatif": {"": [CASE], "--set": ["certificate_received_on=2019-03-08", "x=1", "=",
                                     "incapacity=[]"],
               "--reform": [REFORM], "--as-of": _DATES, "--output": ["dismissal_sanction"],
               "--format": ["text", "json"]},
    "batch": {"": [str(EXAMPLES), CASE], "--reform": [REFORM, CASE],
              "--generate": ["1", "3", "0", "-1"], "--seed": ["1", "x"],
              "--output": ["dismissal_sanction", "nope"], "--law-as-of": _DATES,
              "--format": ["text", "json"]},
    "coverage": {"--open-questions": [], "--format": ["text", "json", "markdown"]},
    "impact": {"--base": ["--output={out}/x", "nope", "-", "HEAD^{{tree}}"],
               "--head": ["--remote=x", "nope"], "--base-rules": ["/nonexistent"],
               "--head-rules": ["/nonexistent"], "--report": ["{out}/report.md", "{out}"],
               "--format": ["text", "json"], "--repo": [str(REPO), "{out}"]},
    "schema": {"": ["rule", "case", "nope"]},
    "graph": {"--format": ["dot", "json", "graphml"], "--focus": ["nope"],
              "--used-by": ["dismissal_sanction", "nope"]},
    "verify": {"--rules": [TEST_KB], "--accepted": ["/nonexistent/a.yaml", CASE],
               "--witness-dir": [CASE], "--check": ["nope", ""], "--rule": ["nope"]},
    "solve": {"": [CASE, "/nonexistent.query.yaml"], "--rules": [TEST_KB],
              "--witness": ["{out}"]},
}
#: values whose options are sure to stop these commands before the solver runs
_BEFORE_THE_SOLVER = {"verify": ("--accepted", "--witness-dir", "--check", "--rule"),
                      "solve": ("",), "impact": ("--base", "--head")}


@st.composite
def command_line(draw: st.DrawFn, out: str) -> tuple[list[str], list[str]]:
    """(argv, outputs it names) for one command."""
    command = draw(st.sampled_from(sorted(COMMANDS)))
    options = COMMANDS[command]
    argv = [command]
    chosen = draw(st.lists(st.sampled_from(sorted(options)), max_size=5))
    if command in _BEFORE_THE_SOLVER:
        needed = draw(st.sampled_from(_BEFORE_THE_SOLVER[command]))
        chosen = [needed, *chosen]
    for option in chosen:
        known = options[option]
        value = draw(st.sampled_from(known)) if known and draw(st.integers(0, 3)) else \
            draw(_VALUES) if known or option == "" else None
        if command in _BEFORE_THE_SOLVER and option in _BEFORE_THE_SOLVER[command]:
            value = draw(st.sampled_from(known))       # (never a value that reaches Z3)
        if option:
            argv.append(option if value is None else
                        draw(st.sampled_from([f"{option}={value}", option])))
            if value is not None and not argv[-1].startswith(f"{option}="):
                argv.append(value)
        elif value is not None:
            argv.append(value)
    if draw(st.integers(0, 9)) == 0:
        argv.insert(draw(st.integers(0, len(argv))), draw(_VALUES))   # a stray argument
    argv = [a.replace("{out}", out) for a in argv]
    if command == "impact" and any(a in argv for a in ("HEAD", str(REPO))) and \
            "--base" not in " ".join(argv):
        argv = [command, "--base", "nope", "--head", "HEAD"]
    if command in ("verify", "solve") and not _stops_early(argv):
        argv = [command, "--rules", TEST_KB, "--check", "nope"] if command == "verify" \
            else [command, "/nonexistent.query.yaml"]
    named = [a.split("=", 1)[-1] for a in argv if out in a]
    return argv, named


def _stops_early(argv: list[str]) -> bool:
    text = " ".join(argv)
    early = any(bad in text for bad in ("/nonexistent", "--check nope", "--check=nope",
                                        "--check ", f"--witness-dir {CASE}", "--rule nope",
                                        f"--accepted {CASE}", "--witness-dir=", "--rule=",
                                        "--accepted="))
    if argv[0] == "solve":
        return CASE in argv or "/nonexistent.query.yaml" in argv
    return early and "--rules" in text


@pytest.mark.usefixtures("cached_kb")
@budget(short=50, long=12_000)
@given(data=st.data())
def test_a_fuzzed_command_line_keeps_the_contract(data: Any, tmp_path_factory: Any) -> None:
    folder = tmp_path_factory.mktemp("fuzz-cli") if not _SCRATCH else _SCRATCH[0]
    if not _SCRATCH:
        _SCRATCH.append(folder)
    out = str(folder / "out")
    argv, named = data.draw(command_line(out))
    count_input("cli")
    run_cli(argv, folder, allowed=[Path(p) for p in named])


_SCRATCH: list[Path] = []

"""Hypothesis strategies that mutate real inputs: lines, keys, scalars, indentation, YAML
features and encodings of a text, the cells of a CSV table, and command lines.

The budget of each fuzz test is :func:`budget`: short in the normal suite, long (at least
100,000 inputs over the suite) with ``HYPOTHESIS_PROFILE=fuzz`` (see docs/fuzzing.md).
"""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"


_COUNTS: dict[str, int] = {}


def count_input(test: str) -> None:
    """Count one input of ``test``; with ``LEXLUX_FUZZ_PROGRESS=FILE`` the counts are written
    to FILE every 500 inputs (to follow a long run)."""
    _COUNTS[test] = _COUNTS.get(test, 0) + 1
    progress = os.environ.get("LEXLUX_FUZZ_PROGRESS")
    if progress and sum(_COUNTS.values()) % 500 == 0:
        import json
        import time
        from pathlib import Path
        with Path(progress).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"time": time.strftime("%H:%M:%S"), "total":
                                     sum(_COUNTS.values()), **_COUNTS}) + "\n")


def budget(short: int, long: int) -> settings:
    """Settings with ``short`` examples in the suite and ``long`` in the fuzz profile."""
    return settings(max_examples=long if LONG else short, deadline=None, derandomize=not LONG,
                    suppress_health_check=list(HealthCheck), database=None,
                    phases=[Phase.explicit, Phase.generate])   # (a failure is shown unshrunk)


#: scalars that broke, or could break, a loader: numbers past every limit, dates at the ends
#: of the calendar, YAML 1.1 booleans, special floats, syntax characters, unicode
NASTY_SCALARS = [
    "", "~", "null", "yes", "no", "on", "off", "true", "false", "0", "-1", "1", "010", "0x10",
    "1_000", "1e999", "-1e999", ".nan", ".inf", "-.inf", "9" * 101, "9" * 5000, "1.5",
    "0.000001", "1/3", "80%", "-80%", "2019-02-29", "2019-02-30", "2020-02-29", "0000-01-01",
    "0001-01-01", "9999-12-31", "10000-01-01", "2019-1-1", "2019-01-01T00:00:00",
    "2019-01-01 to 2019-02-01", "'", '"', "[", "]", "{", "}", "&a x", "*a",
    "!!python/object:os.system",
    "!!binary aGVsbG8=", "!custom x", "|", ">", "%", "@", "`", "#", "- x", "? x", ": x",
    "x: y", "[1, [2, [3]]]", "{from: 2019-01-01, to: 2018-01-01}", "[{from: 2019-01-01}]",
    "{days: -5}", "{days: 1e9}", "{months: 99999999}", "3 days", "-3 days", "99999999999 weeks",
    "é", "\u202e", "\u0000", "\ufeff", "日本", "a\tb", "\\x00", "$x", "${HOME}", "../../etc/passwd",
    "[" * 60 + "]" * 60, "[" + ", ".join(["1"] * 300) + "]", "x" * 3000,
    "if true then 1 else 2", "nth_day(absence_start, 999999999)", "1 +", "((((((((1))))))))",
    "days(99999999999)", "add_months(absence_start, 999999, 'clamp')", "weeks(-1)",
    "1 / 0", "not not not true", "absence_start + days(3000000)", "max()", "min(1)",
]

_IDENTIFIER = st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True)
_KEY_LINE = re.compile(r"^(\s*(?:- )?)([^\s:#'\"][^:#]*?):(\s|$)(.*)$")


def _lines(text: str) -> list[str]:
    return text.split("\n")


@st.composite
def mutated_text(draw: st.DrawFn, text: str) -> str:
    """``text`` after one to three line-level mutations."""
    lines = _lines(text)
    for _ in range(draw(st.integers(1, 3))):
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from([
            "delete", "duplicate", "swap", "indent", "dedent", "tab", "scalar", "scalar",
            "scalar", "key", "insert", "feature", "truncate"]))
        line = lines[i]
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, line)
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            lines[i] = " " * draw(st.sampled_from([1, 2, 4, 8])) + line
        elif kind == "dedent":
            lines[i] = line[draw(st.integers(1, 4)):] if line.startswith(" ") else line
        elif kind == "tab":
            lines[i] = "\t" + line.lstrip(" ")
        elif kind in ("scalar", "key"):
            match = _KEY_LINE.match(line)
            if match is None:
                lines[i] = line + draw(st.sampled_from(NASTY_SCALARS))
            elif kind == "scalar":
                value = draw(st.one_of(st.sampled_from(NASTY_SCALARS),
                                       st.text(max_size=30)))
                lines[i] = f"{match.group(1)}{match.group(2)}: {value}"
            else:
                key = draw(st.one_of(_IDENTIFIER, st.sampled_from(
                    [match.group(2)[:-1], match.group(2) + "s", match.group(2).upper(), "<<",
                     "? complex", "[a, b]", "'quoted'", "", "-"])))
                lines[i] = f"{match.group(1)}{key}:{match.group(3)}{match.group(4)}"
        elif kind == "insert":
            lines.insert(i, draw(st.one_of(st.text(max_size=40),
                                           st.sampled_from(NASTY_SCALARS))))
        elif kind == "feature":
            feature = draw(st.sampled_from([
                "%YAML 1.1\n---", "---", "...", "--- !!map", "# comment", "x: &anchor 1",
                "y: *anchor", "<<: {a: 1}", "!!python/name:os.system x", "? [a]\n: b",
                "z: !!set {a, b}", "w: !!omap [a: 1]", "%TAG ! tag:example.com,2000:"]))
            lines.insert(i, feature)
        else:  # truncate
            lines = lines[: i + 1]
            lines[-1] = line[: draw(st.integers(0, len(line)))]
    return "\n".join(lines)


@st.composite
def encoded(draw: st.DrawFn, text: str) -> bytes:
    """``text`` as bytes: mostly UTF-8, sometimes another encoding or broken bytes."""
    how = draw(st.sampled_from(["utf-8"] * 6 + ["bom", "utf-16", "latin-1", "crlf", "cr",
                                                "bytes", "nul"]))
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if how == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    if how == "latin-1":
        return text.encode("latin-1", "replace")
    if how == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8", "surrogatepass")
    if how == "cr":
        return text.replace("\n", "\r").encode("utf-8", "surrogatepass")
    raw = text.encode("utf-8", "surrogatepass")
    if how in ("bytes", "nul"):
        at = draw(st.integers(0, len(raw)))
        junk = draw(st.binary(min_size=1, max_size=4)) if how == "bytes" else b"\x00"
        raw = raw[:at] + junk + raw[at:]
    return raw


@st.composite
def mutated_file(draw: st.DrawFn, text: str) -> bytes:
    return draw(encoded(draw(mutated_text(text))))


_CELL = st.one_of(
    st.sampled_from(["", "2019-01-01..2019-01-05", "2019-01-01..2019-01-05;2019-02-01..2019-02-03",
                     "a..b..c", "..", ";", "2019-01-05..2019-01-01", "true", "false", "yes", "-1",
                     "9" * 5000, "2019-02-30", "9999-12-31", "lu", "be", "xx", '"', '""', "a,b",
                     "2019-01-01..", "..2019-01-01", "\u00e9", "1e999", "2019-03-01"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=25),
)
_COLUMN = st.one_of(
    st.sampled_from(["case", "as_of", "jurisdiction", "incapacity", "incapacity_start",
                     "absence_start", "certificate_received_on", "employer_act",
                     "person_age", "incapacity_caused_by_crime", "unknown_fact", ""]),
    _IDENTIFIER)


@st.composite
def csv_table(draw: st.DrawFn) -> bytes:
    """A CSV table of cases: a header, rows of random cells (ragged rows, quotes, encodings)."""
    header = draw(st.lists(_COLUMN, min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(_CELL, min_size=0, max_size=len(header) + 2), max_size=5))

    def quote(cell: str) -> str:
        if draw(st.booleans()) and any(c in cell for c in ',"\n'):
            return '"' + cell.replace('"', '""') + '"'
        return cell
    text = "\n".join(",".join(quote(c) for c in row) for row in [header, *rows]) + "\n"
    return draw(encoded(text))

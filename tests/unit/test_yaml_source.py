"""The loader keeps positions, refuses duplicate keys, and never reads a value silently wrong."""

from __future__ import annotations

from lexlux.load.yaml_source import load_text


def test_dates_stay_strings_so_the_schema_can_report_them() -> None:
    doc, problems = load_text("a: 2019-13-01\nb: 2019-01-01\n", "f.yaml")
    assert problems == [] and doc is not None
    assert doc.data == {"a": "2019-13-01", "b": "2019-01-01"}


def test_no_is_not_false() -> None:
    doc, _ = load_text("a: no\nb: yes\nc: true\nd: False\n", "f.yaml")
    assert doc is not None
    assert doc.data == {"a": "no", "b": "yes", "c": True, "d": False}


def test_a_leading_zero_is_not_octal() -> None:
    doc, _ = load_text("a: 010\nb: 0x10\n", "f.yaml")
    assert doc is not None
    assert doc.data == {"a": 10, "b": "0x10"}


def test_duplicate_key_points_at_the_second_one() -> None:
    _, problems = load_text("a: 1\nb: 2\na: 3\n", "f.yaml")
    assert [p.code for p in problems] == ["LX102"]
    assert problems[0].span is not None and (problems[0].span.line, problems[0].span.column) \
        == (3, 1)
    assert problems[0].related[0][1].line == 1


def test_every_value_knows_its_line_column_and_path() -> None:
    doc, _ = load_text("versions:\n  - valid_from: '2019-01-01'\n    then: []\n", "f.yaml")
    assert doc is not None
    span = doc.span_at(("versions", 0, "valid_from"))
    assert (span.line, span.column, span.yaml_path) == (2, 17, "$.versions[0].valid_from")
    key = doc.span_at(("versions", 0, "then"), key=True)
    assert (key.line, key.column) == (3, 5)


def test_expression_offsets_map_into_the_line() -> None:
    doc, _ = load_text('when: "a <= b"\n', "f.yaml")
    assert doc is not None
    span = doc.expression_span(("when",), 5, 1)
    assert (span.line, span.column) == (1, 13)  # the "b"


def test_aliases_and_python_tags_are_refused() -> None:
    _, problems = load_text("a: &x {k: 1}\nb: *x\n", "f.yaml")
    assert [p.code for p in problems] == ["LX103"]
    _, problems = load_text("a: !!python/name:os.system\n", "f.yaml")
    assert [p.code for p in problems] == ["LX103"]


def test_syntax_error_has_a_position_and_no_traceback() -> None:
    doc, problems = load_text("a: [1, 2\nb: 3\n", "f.yaml")
    assert doc is None
    assert problems[0].code == "LX101" and problems[0].span is not None

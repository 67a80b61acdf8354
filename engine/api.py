"""The public Python API of lexlux: the commands as functions, with plain data results.

Everything a program needs is here (see ``docs/api-python.md``)::

    from lexlux.api import load, evaluate
    law = load()                                   # the bundled rules
    answer = evaluate(law, "my.case.yaml", as_of="2019-05-01")
    answer["outputs"]["dismissal_sanction"]["value"]

* :func:`load` reads, validates and compiles a knowledge base (optionally with a reform)
  into a :class:`Law`, which the other functions take;
* :func:`check` says what is wrong with a knowledge base, without raising;
* :func:`evaluate`, :func:`whatif` and :func:`batch` answer cases (a case is a path to a
  ``*.case.yaml`` file, or a mapping written like one);
* :func:`diff`, :func:`verify` and :func:`solve` ask the Z3 verifier.

Results are JSON-ready dicts (``json.dumps`` accepts them as they are), the same as the
commands print with ``--format json``: ``evaluate`` follows
``schemas/eval-output.schema.json``.  Bad input raises :class:`InvalidInput`, whose
``diagnostics`` are the diagnostics of the command line, as dicts (code, message, file,
line, column, hint).  Dates are :class:`datetime.date` or ``"YYYY-MM-DD"`` strings.

The functions reuse the stages of the command line (load, validate, compile, evaluate,
whatif, verify); this module only translates arguments and results.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .calendar.dates import DateFormatError, parse_date
from .diagnostics import Diagnostic, LexluxError, Severity, error, render_text
from .evaluate.case import Case, case_from_text
from .evaluate.explain import render_json
from .evaluate.interpreter import Outcome
from .evaluate.interpreter import evaluate as _evaluate
from .inputs import check_outputs, load_baseline, load_case_or_fail, load_reformed, require_as_of
from .pipeline import LoadResult, load_knowledge_base
from .verify.checks.question import NotAnswerable, answer_question
from .verify.checks.question_file import answer_to_json, question_from_text, read_question
from .verify.checks.run import CHECKS, run_audit, run_diff, unknown_rule
from .whatif.batch import run_batch
from .whatif.compare import changes_json
from .whatif.overrides import parse_overrides

__all__ = ["CHECKS", "CaseInput", "DateInput", "InvalidInput", "Law", "PathInput", "batch",
           "check", "diff", "evaluate", "load", "needs", "solve", "verify", "whatif"]

PathInput = str | os.PathLike[str]
#: a case: the path of a ``*.case.yaml`` file, or a mapping written like one
CaseInput = PathInput | Mapping[str, Any]
DateInput = date | str


class InvalidInput(Exception):  # noqa: N818 - the name says what the caller gave
    """The rules, a case, a query or an argument is wrong.  ``diagnostics`` lists every
    problem as a dict (``code``, ``severity``, ``message``, ``file``, ``line``, ``column``,
    ``hint``, …); ``str()`` renders them as the command line does."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics: list[dict[str, Any]] = [d.to_json() for d in diagnostics]
        super().__init__("\n".join(render_text(d) for d in diagnostics))


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except LexluxError as exc:
        raise InvalidInput(exc.diagnostics) from None


@dataclass(frozen=True)
class Law:
    """A loaded and compiled knowledge base: pass it to the functions of this module.

    ``warnings`` are the non-blocking diagnostics of loading, as dicts.
    """

    loaded: LoadResult
    source: str

    @property
    def warnings(self) -> list[dict[str, Any]]:
        return [d.to_json() for d in self.loaded.diagnostics if d.severity is not Severity.ERROR]

    @property
    def jurisdictions(self) -> list[str]:
        return sorted(self.loaded.kb.vocabularies)

    @property
    def rules(self) -> list[str]:
        """The ids of the rules."""
        return sorted(self.loaded.kb.rules)

    @property
    def parameters(self) -> list[str]:
        return sorted(self.loaded.kb.parameters)

    def outputs(self, jurisdiction: str = "lu") -> list[str]:
        """The outputs of the vocabulary of ``jurisdiction``."""
        return sorted(self._vocabulary(jurisdiction).outputs)

    def facts(self, jurisdiction: str = "lu") -> list[str]:
        """The facts a case of ``jurisdiction`` can give."""
        return sorted(self._vocabulary(jurisdiction).facts)

    def _vocabulary(self, jurisdiction: str) -> Any:
        vocabularies = self.loaded.kb.vocabularies
        if jurisdiction not in vocabularies:
            raise InvalidInput([error("LX314", f"no rules are loaded for the jurisdiction "
                                      f"{jurisdiction!r}",
                                      expected="one of: " + ", ".join(sorted(vocabularies)))])
        return vocabularies[jurisdiction]

    def __repr__(self) -> str:
        return f"<Law {self.source}: {len(self.rules)} rules>"


def _paths(rules: PathInput | Sequence[PathInput] | None) -> list[Path] | None:
    if rules is None:
        return None
    if isinstance(rules, str | os.PathLike):
        return [Path(rules)]
    return [Path(p) for p in rules]


def _reformed(law: Law, reform: PathInput | Law) -> Law:
    if isinstance(reform, Law):
        return reform
    with _translated():
        return Law(load_reformed(law.loaded, Path(reform)), f"{law.source} + {reform}")


def load(rules: PathInput | Sequence[PathInput] | None = None, *,
         reform: PathInput | None = None) -> Law:
    """Load, validate and compile the rules in ``rules`` (files or folders; default: the
    bundled rules), then apply ``reform`` (a ``*.reform.yaml`` file) to a copy.

    Raises :class:`InvalidInput` with every error of ``lexlux check``.
    """
    paths = _paths(rules)
    with _translated():
        loaded = load_baseline(paths)
    law = Law(loaded, "the bundled rules" if paths is None else
              ", ".join(str(p) for p in paths))
    return law if reform is None else _reformed(law, reform)


def check(rules: PathInput | Sequence[PathInput] | None = None) -> dict[str, Any]:
    """What ``lexlux check`` reports, without raising: ``{"ok", "diagnostics",
    "summary"}``."""
    loaded = load_knowledge_base(_paths(rules))
    kb = loaded.kb
    return {"ok": loaded.ok, "diagnostics": [d.to_json() for d in loaded.diagnostics],
            "summary": {"files": len(loaded.files), "rules": len(kb.rules),
                        "versions": sum(len(r.versions) for r in kb.rules.values()),
                        "parameters": len(kb.parameters)}}


def _date(value: DateInput | None, what: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return parse_date(value)
    except DateFormatError as exc:
        raise InvalidInput([error("LX204", f"{what}: {exc.message}", hint=exc.hint)]) from None


def _case(law: Law, case: CaseInput) -> Case:
    kb = law.loaded.kb
    if isinstance(case, Mapping):
        text = yaml.safe_dump(dict(case), allow_unicode=True, sort_keys=False)
        loaded, problems = case_from_text(text, kb, "<case>")
    else:
        with _translated():
            return load_case_or_fail(Path(case), law.loaded)
    if loaded is None:
        raise InvalidInput(problems)
    return loaded


def _outputs(law: Law, outputs: Sequence[str] | None, jurisdiction: str) -> list[str] | None:
    if outputs is None:
        return None
    names = [outputs] if isinstance(outputs, str) else list(outputs)
    law._vocabulary(jurisdiction)
    with _translated():
        check_outputs(names, law.loaded, jurisdiction)
    return names


def _as_of(case: Case, as_of: DateInput | None) -> date:
    with _translated():
        return require_as_of(_date(as_of, "as_of"), case, how="as_of=")


def _run(law: Law, case: Case, as_of: date, law_as_of: DateInput | None,
         outputs: list[str] | None, reading: str | None) -> Outcome:
    return _evaluate(law.loaded.kb, case, as_of, law_as_of=_date(law_as_of, "law_as_of"),
                     outputs=outputs, reading=reading)


def evaluate(law: Law, case: CaseInput, *, as_of: DateInput | None = None,
             law_as_of: DateInput | None = None, outputs: Sequence[str] | None = None,
             reading: str | None = None) -> dict[str, Any]:
    """What the law says about ``case`` as of ``as_of`` (default: the case's ``as_of``),
    with the explanation citing article and version: the JSON of ``lexlux eval``
    (``schemas/eval-output.schema.json``).  ``law_as_of`` applies the law of another date
    to the whole case; ``outputs`` limits the answer; ``reading`` follows a reading where
    sources disagree."""
    the_case = _case(law, case)
    names = _outputs(law, outputs, the_case.jurisdiction)
    outcome = _run(law, the_case, _as_of(the_case, as_of), law_as_of, names, reading)
    return render_json(outcome)


def needs(law: Law, outputs: Sequence[str], case: CaseInput | None = None, *,
          as_of: DateInput | None = None, law_as_of: DateInput | None = None,
          reading: str | None = None, jurisdiction: str = "lu") -> dict[str, Any]:
    """The facts that could still change ``outputs`` for ``case`` — a questionnaire, each
    fact in the vocabulary's words with the articles that ask for it — or, without a case,
    every fact the outputs can depend on: the JSON of ``lexlux needs``."""
    from .evaluate.needs import needs as find
    from .evaluate.needs import needs_json
    if case is None:
        names = _outputs(law, outputs, jurisdiction) or []
        return needs_json(find(law.loaded.kb, names, jurisdiction=jurisdiction))
    the_case = _case(law, case)
    names = _outputs(law, outputs, the_case.jurisdiction) or []
    return needs_json(find(law.loaded.kb, names, case=the_case,
                           as_of=_as_of(the_case, as_of),
                           law_as_of=_date(law_as_of, "law_as_of"), reading=reading,
                           jurisdiction=the_case.jurisdiction))


def _settings(changes: Mapping[str, Any]) -> list[str]:
    """``--set`` settings from values written as in a case file (JSON is YAML)."""
    import json
    return [f"{name}={json.dumps(value, default=str, ensure_ascii=False)}"
            for name, value in changes.items()]


def whatif(law: Law, case: CaseInput, *, changes: Mapping[str, Any] | None = None,
           reform: PathInput | Law | None = None, as_of: DateInput | None = None,
           law_as_of: DateInput | None = None,
           outputs: Sequence[str] | None = None) -> dict[str, Any]:
    """``case`` and its variant side by side: with the facts in ``changes`` (values
    written as in a case file) and/or under ``reform`` (a reform file, or a :class:`Law`
    loaded with one).  ``changes`` in the result lists each output that changes, before,
    after, and the first reason that differs."""
    the_case = _case(law, case)
    if not changes and reform is None:
        raise InvalidInput([error("LX314", "nothing to compare: give changes or a reform")])
    names = _outputs(law, outputs, the_case.jurisdiction)
    day = _as_of(the_case, as_of)
    overrides, problems = parse_overrides(_settings(changes or {}), the_case, law.loaded.kb)
    if problems:
        raise InvalidInput(problems)
    variant_law = _reformed(law, reform) if reform is not None else law
    before = _run(law, the_case, day, law_as_of, names, None)
    after = _run(variant_law, the_case.with_facts(overrides), day, law_as_of, names, None)
    first = "the law as it is" if reform is not None and not changes else "as the case is"
    second = ", ".join(f"{k}={v}" for k, v in (changes or {}).items())
    if reform is not None:
        second += (" and " if second else "") + f"the reform {variant_law.source}"
    return changes_json(before, after, first, second)


def batch(law: Law, cases: Iterable[CaseInput], *, reform: PathInput | Law,
          outputs: Sequence[str] | None = None, law_as_of: DateInput | None = None,
          progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """How many ``cases`` ``reform`` changes, and how, output by output: the JSON of
    ``lexlux batch``.  A case that cannot be read is counted in ``problems`` (the others
    are still evaluated)."""
    reformed = _reformed(law, reform)
    names = _outputs(law, outputs, "lu")
    problems: list[str] = []

    def readable() -> Iterator[Case]:
        for case in cases:
            try:
                yield _case(law, case)
            except InvalidInput as exc:
                problems.extend(d["message"] for d in exc.diagnostics)

    report = run_batch(readable(), law.loaded.kb, reformed.loaded.kb, names, progress,
                       _date(law_as_of, "law_as_of"))
    report.problems = problems
    return report.to_json()


def diff(law: Law, first: DateInput, second: DateInput, *,
         outputs: Sequence[str] | None = None, max_regions: int = 3, jobs: int = 1,
         cache: PathInput | None = None) -> dict[str, Any]:
    """Where the law of ``first`` and the law of ``second`` give different results, for
    any case: per output, ``same`` (proved; for a timeline output only within the frames
    its ``bound`` states), ``differ`` (with witness cases replayed by the
    evaluator), ``unknown`` or ``not verified``; an output with readings again under each
    other reading (key ``reading``).  The JSON of ``lexlux diff``.  ``jobs``: processes
    working out the outputs (``lexlux diff --jobs``); ``cache``: a folder keeping each
    output's diff by the content of the rules it reads (``lexlux diff --cache``: the JSON
    then says how many came from it, key ``cache``; a damaged cache file is ignored, its
    warning in ``warnings``)."""
    a, b = _date(first, "first"), _date(second, "second")
    assert a is not None and b is not None
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InvalidInput([error("LX314", f"jobs must be a number of processes (1 or "
                                  f"more), not {jobs!r}")])
    with _translated():
        report = run_diff(law.loaded.kb, a, b, outputs=list(outputs) if outputs else None,
                          max_regions=max_regions, jobs=jobs,
                          cache=Path(cache) if cache is not None else None)
    data = report.to_json(law.loaded.kb)
    if report.warnings:
        data["warnings"] = list(report.warnings)
    return data


def verify(law: Law, *, checks: Sequence[str] | None = None, as_of: DateInput | None = None,
           rule: str | None = None, accepted: PathInput | None = None) -> dict[str, Any]:
    """Audit the rules with Z3 (``checks``: some of :data:`CHECKS`, default all): each
    finding with a witness case replayed by the evaluator.  ``accepted`` is a file of
    accepted findings (``audit/accepted.yaml``); ``summary.problems`` counts the others.
    The JSON of ``lexlux verify``."""
    unknown = [c for c in checks or () if c not in CHECKS]
    if unknown:
        raise InvalidInput([error("LX314", f"unknown check {unknown[0]!r}",
                                  expected="one of: " + ", ".join(CHECKS))])
    if rule is not None and (problem := unknown_rule(law.loaded.kb, rule)) is not None:
        raise InvalidInput([error("LX314", problem)])
    with _translated():
        report = run_audit(law.loaded.kb, checks=checks, as_of=_date(as_of, "as_of"),
                           rule=rule, accepted=Path(accepted) if accepted else None)
    return report.to_json(law.loaded.kb)


def solve(law: Law, query: PathInput | Mapping[str, Any]) -> dict[str, Any]:
    """Answer the ``solve:`` question of a query (a ``*.query.yaml`` file, or a mapping
    written like one): a case with the answers asked (``found``), a proof that none exists,
    or the earliest / latest date of a fact.  The JSON of ``lexlux solve``."""
    with _translated():
        if isinstance(query, Mapping):
            text = yaml.safe_dump(dict(query), allow_unicode=True, sort_keys=False)
            question = question_from_text(text, law.loaded, Path.cwd())
        else:
            path = Path(query)
            if not path.is_file():
                raise InvalidInput([error("LX104", f"no such query file: {path}")])
            question = read_question(path, law.loaded)
    try:
        answer = answer_question(law.loaded.kb, question)
    except NotAnswerable as exc:
        raise InvalidInput([error("LX520", f"the solver cannot answer this question: "
                                  f"{exc}")]) from None
    return answer_to_json(answer, question, law.loaded)

"""The workbench's verifier and population operations: diff, verify, solve and batch.

Like :mod:`.operations`, plain data in and out and no HTTP: each function takes the
:class:`Workbench` and a request body (shape-checked by the route's pydantic model) and
returns JSON-ready data or raises :class:`RequestError` with the command line's diagnostics.
They call the public stages (``verify.checks.run``, ``verify.checks.question``,
``whatif.batch``) and add what a server needs:

* results of diff and verify are cached in memory per knowledge-base hash and request, so
  that a rule page and a client asking again do not run Z3 again;
* Z3's budget is a deterministic resource limit (``rlimit``), capped by the server: a query
  that exceeds it is reported "unknown" with its reason, never as proved;
* no file paths are accepted: cases, queries and reforms are inline, and a reform may also
  be one of the bundled example reforms, by name.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Diagnostic, LexluxError, error
from ..load.discover import bundled_root
from .jobs import JobControl
from .operations import SUBMITTED, RequestError, read_case, read_date
from .workbench import Workbench

SUBMITTED_REFORM = "<submitted reform>"
SUBMITTED_QUERY = "<submitted query>"
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _cached(wb: Workbench, kind: str, request: dict[str, Any], compute: Any
            ) -> dict[str, Any]:
    """``compute()`` once per knowledge base and request (concurrent equal requests wait
    for the first); the answer says whether it came from the cache."""
    key = kind + "|" + wb.kb_hash + "|" + json.dumps(request, sort_keys=True, default=str)
    cache = wb.verify_cache.setdefault(kind, {})
    if key in cache:
        return {**cache[key], "cached": True}
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        if key not in cache:
            cache[key] = compute()
    return {**cache[key], "cached": False}


def _rlimit(wb: Workbench, given: int | None) -> int:
    from ..verify.encoding.solve import DEFAULT_RLIMIT
    cap = wb.max_rlimit or DEFAULT_RLIMIT
    if given is None:
        return cap
    if given < 1:
        raise RequestError(422, [error("LX314", "rlimit must be a positive number of Z3 "
                                       "resource units")])
    return min(given, cap)


def _translated(exc: LexluxError, name: str | None = None, status: int = 422) -> RequestError:
    """The diagnostics of a submitted document, located in it (not in a temporary file)."""
    out: list[Diagnostic] = []
    for d in exc.diagnostics:
        if name is not None and d.span is not None and d.span.file.startswith(
                tempfile.gettempdir()):
            d = replace(d, span=replace(d.span, file=name))
        out.append(d)
    return RequestError(status, out)


# -- diff and verify ---------------------------------------------------------------------

def diff_of(wb: Workbench, body: dict[str, Any]) -> dict[str, Any]:
    """Where the law of ``first`` and of ``second`` give different results for any case
    (``lexlux diff``): per output same / differ (with witnesses) / unknown / horizon.  With
    ``lexlux serve --diff-cache DIR``, each output's diff is kept there (``lexlux diff
    --cache``; the answer's ``cache``); the number of processes is not a request's to
    choose (the server's ``--workers`` share the machine)."""
    from ..verify.checks.run import run_diff
    first = read_date(body.get("first"), "first")
    second = read_date(body.get("second"), "second")
    if first is None or second is None:
        raise RequestError(422, [error("LX314", "give the two dates of the law: "
                                       "\"first\" and \"second\"")])
    outputs = list(body.get("outputs") or []) or None
    max_regions = int(body.get("max_regions") or 3)
    rlimit = _rlimit(wb, body.get("rlimit"))
    request = {"first": first, "second": second, "outputs": outputs,
               "max_regions": max_regions, "rlimit": rlimit}

    def compute() -> dict[str, Any]:
        try:
            report = run_diff(wb.kb, first, second, outputs=outputs, max_regions=max_regions,
                              rlimit=rlimit, cache=wb.diff_cache)
        except LexluxError as exc:
            raise _translated(exc) from None
        data = report.to_json(wb.kb)
        data["hidden_horizon_regions"] = report.hidden
        if report.warnings:         # a damaged cache file (ignored, written again)
            data["warnings"] = list(report.warnings)
        return data
    return _cached(wb, "diff", request, compute)


def verify_of(wb: Workbench, body: dict[str, Any]) -> dict[str, Any]:
    """The audit (``lexlux verify``): every finding with its witness replayed by the
    evaluator, the accepted ones with their reason; cached per knowledge base."""
    from ..verify.checks.run import CHECKS, unknown_rule
    checks = list(body.get("checks") or []) or None
    unknown = [c for c in checks or () if c not in CHECKS]
    if unknown:
        raise RequestError(422, [error("LX314", f"unknown check {unknown[0]!r}",
                                       expected="one of: " + ", ".join(CHECKS))])
    rule = body.get("rule")
    if rule is not None and (problem := unknown_rule(wb.kb, rule)) is not None:
        raise RequestError(404, [error("LX801", problem)])
    as_of = read_date(body.get("as_of"), "as_of")
    rlimit = _rlimit(wb, body.get("rlimit"))
    request = {"checks": checks, "rule": rule, "as_of": as_of, "rlimit": rlimit}
    return _cached(wb, "verify", request, lambda: audit(wb, checks, rule, as_of, rlimit))


def audit(wb: Workbench, checks: list[str] | None, rule: str | None, as_of: date | None,
          rlimit: int) -> dict[str, Any]:
    import time

    from ..verify.checks.run import run_audit
    accepted = wb.accepted_path if wb.accepted_path and wb.accepted_path.is_file() else None
    started = time.perf_counter()
    try:
        report = run_audit(wb.kb, checks=checks, as_of=as_of, rule=rule, accepted=accepted,
                           rlimit=rlimit)
    except LexluxError as exc:
        raise _translated(exc, status=500) from None
    data = report.to_json(wb.kb, time.perf_counter() - started)
    data["summary"]["unknown"] = sum("UNKNOWN" in f["message"] or f["code"] == "LX510"
                                     for f in data["findings"])
    data["rlimit"] = rlimit
    data["accepted_file"] = accepted.name if accepted else None
    return data


def findings_of_rule(wb: Workbench, rule_id: str) -> dict[str, Any] | None:
    """The findings naming a version of ``rule_id`` in the audits that have run in this
    server over the whole knowledge base or over this rule (any checks, no ``as_of``
    filter): None when none has, else ``{"checks": [...], "findings": [...]}``."""
    from ..verify.checks.run import CHECKS
    audits = [(json.loads(k.split("|", 2)[2]), v)
              for k, v in wb.verify_cache.get("verify", {}).items()
              if k.startswith("verify|" + wb.kb_hash + "|")]
    whole = [(r, v) for r, v in audits if r["rule"] in (None, rule_id) and r["as_of"] is None]
    if not whole:
        return None
    checks: set[str] = set()
    seen: set[str] = set()
    found: list[dict[str, Any]] = []
    prefix = rule_id + "@"
    for request, data in whole:
        checks.update(request["checks"] or CHECKS)
        for f in data["findings"]:
            if f["fingerprint"] not in seen and any(v["id"].startswith(prefix)
                                                     for v in f["versions"]):
                seen.add(f["fingerprint"])
                found.append(f)
    return {"checks": [c for c in CHECKS if c in checks], "findings": found}


# -- solve --------------------------------------------------------------------------------

def solve_of(wb: Workbench, body: dict[str, Any]) -> dict[str, Any]:
    """The ``solve:`` question of an inline query (``lexlux solve``): a case with the asked
    answers, a proof that none exists, the earliest/latest date of a fact, or "unknown"
    when Z3's budget runs out."""
    from ..verify.checks.question import NotAnswerable, answer_question
    from ..verify.checks.question_file import answer_to_json, question_from_text
    query = body["query"]
    data = query if isinstance(query, dict) else _yaml_mapping(query)
    if isinstance(data.get("case"), str):
        raise RequestError(422, [error("LX314", "the API accepts no file paths: write the "
                                       "case inside the query (case: {case: …, facts: …})")])
    text = query if isinstance(query, str) else json.dumps(query, indent=2,
                                                            ensure_ascii=False)
    try:
        question = question_from_text(text, wb.loaded, Path(tempfile.gettempdir()),
                                      SUBMITTED_QUERY)
    except LexluxError as exc:
        raise _translated(exc, SUBMITTED_QUERY) from None
    try:
        answer = answer_question(wb.kb, question, rlimit=_rlimit(wb, body.get("rlimit")))
    except NotAnswerable as exc:
        raise RequestError(422, [error("LX520", f"the solver cannot answer this question: "
                                       f"{exc}")]) from None
    return answer_to_json(answer, question, wb.loaded)


def _yaml_mapping(text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None     # the loader below reports where
    return data if isinstance(data, dict) else {}


# -- batch (a job) --------------------------------------------------------------------------

def bundled_reforms() -> dict[str, Path]:
    folder = bundled_root("examples")
    return {p.name: p for p in sorted(folder.glob("*.reform.yaml"))} if folder.is_dir() else {}


def reformed_law(wb: Workbench, reform: str) -> Any:
    """The knowledge base under ``reform``: a bundled example reform's file name, or the
    text of a reform; built once per reform text."""
    named = bundled_reforms().get(reform.strip())
    text = named.read_text(encoding="utf-8") if named else reform
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    cache = wb.verify_cache.setdefault("reforms", {})
    if key in cache:
        return cache[key]
    from ..inputs import load_reformed
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "submitted.reform.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            reformed = load_reformed(wb.loaded, path)
        except LexluxError as exc:
            raise _translated(exc, named.name if named else SUBMITTED_REFORM) from None
    if len(cache) >= 8:
        cache.pop(next(iter(cache)))
    cache[key] = reformed
    return reformed


def batch_plan(wb: Workbench, body: dict[str, Any]) -> tuple[int, Any]:
    """Check a batch request before its job is created (bad input is a 422 now, not a failed
    job later): the number of persons and the work of the job."""
    from ..evaluate.case import unknown_output
    from ..whatif.batch import run_batch
    reformed = reformed_law(wb, body["reform"])
    outputs = list(body.get("outputs") or []) or None
    vocabulary = wb.kb.vocabularies["lu"]
    unknown = [unknown_output(n, vocabulary) for n in outputs or ()
               if n not in vocabulary.outputs]
    if unknown:
        raise RequestError(422, unknown)
    law_as_of = read_date(body.get("law_as_of"), "law_as_of")
    cases = []
    for index, written in enumerate(body.get("cases") or []):
        try:
            cases.append(read_case(wb, written))
        except RequestError as exc:
            raise RequestError(422, [_in_case(d, index) for d in exc.diagnostics]) from None
    generate = body.get("generate")
    try:
        generator = _generator(wb, generate, body["reform"], outputs) if generate else None
    except LexluxError as exc:
        raise _translated(exc) from None
    count = int(generate["count"]) if generate else 0
    if not cases and not count:
        raise RequestError(422, [error("LX314", "no population: give \"cases\" (inline "
                                       "cases) or \"generate\": {\"count\": N}")])
    if len(cases) + count > wb.max_batch:
        raise RequestError(422, [error("LX314", f"{len(cases) + count} persons is more than "
                                       f"this server evaluates in one job ({wb.max_batch})",
                                       hint="use lexlux batch on the command line for "
                                            "larger populations")])

    def work(control: JobControl) -> dict[str, Any]:
        def everyone() -> Any:
            yield from cases
            if generator is not None:
                yield from generator.cases(count)
        report = run_batch(everyone(), wb.kb, reformed.kb, outputs, control.advance,
                           law_as_of)
        data: dict[str, Any] = report.to_json()
        if generator is not None:
            data["generated"] = {"count": count, "seed": generator.seed,
                                 "ill_from": generator.first.isoformat(),
                                 "ill_to": generator.last.isoformat()}
        return data
    return len(cases) + count, work


def _in_case(d: Diagnostic, index: int) -> Diagnostic:
    if d.span is not None and d.span.file == SUBMITTED:
        return replace(d, span=replace(d.span, file=f"<submitted case {index + 1}>"))
    return replace(d, message=f"case {index + 1}: {d.message}")


def _generator(wb: Workbench, generate: dict[str, Any], reform: str,
               outputs: list[str] | None) -> Any:
    from ..evaluate.interpreter import outputs_in_force
    from ..whatif.needs import facts_needed
    from ..whatif.population import Generator, load_population, reform_window
    vocabulary = wb.kb.vocabularies["lu"]
    population = load_population(None, vocabulary)
    first, last = population.window
    named = bundled_reforms().get(reform.strip())
    around = reform_window(yaml.safe_load(named.read_text(encoding="utf-8") if named
                                          else reform))
    if around is not None:
        first, last = around
    first = read_date(generate.get("ill_from"), "ill_from") or first
    last = read_date(generate.get("ill_to"), "ill_to") or last
    names = outputs or outputs_in_force(wb.kb, "lu")
    return Generator(population, vocabulary, facts_needed(wb.kb, "lu", names), first, last,
                     int(generate.get("seed", 2026)))

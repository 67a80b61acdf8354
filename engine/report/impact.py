"""Reports: the impact of an amendment — two revisions of the rules compared.

What changed (rules, versions, parameters), which scenario tests give other results, and —
when the verifier is available — the audit findings that appear or disappear.  Revisions are
git revisions of the repository (materialised with ``git archive``) or two rule folders.
"""

from __future__ import annotations

import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, LexluxError, error
from ..evaluate.interpreter import Outcome
from ..load.discover import FileKind
from ..pipeline import LoadResult, load_knowledge_base
from ..whatif.compare import written
from .scenarios import check_scenario, load_scenarios, run_scenario, scenario_case


@dataclass
class ScenarioChange:
    file: str
    line: int
    name: str
    outputs: dict[str, tuple[Any, Any]]          # output: (base, head)
    passes_base: bool
    passes_head: bool


@dataclass
class Impact:
    base: str
    head: str
    rules_added: list[str] = field(default_factory=list)
    rules_removed: list[str] = field(default_factory=list)
    rules_changed: list[str] = field(default_factory=list)
    parameters_changed: list[str] = field(default_factory=list)
    scenarios: list[ScenarioChange] = field(default_factory=list)
    scenarios_run: int = 0
    audit: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base, "head": self.head,
            "rules": {"added": self.rules_added, "removed": self.rules_removed,
                      "changed": self.rules_changed},
            "parameters_changed": self.parameters_changed,
            "scenarios_run": self.scenarios_run,
            "scenarios_changed": [{"file": s.file, "line": s.line, "name": s.name,
                                   "outputs": {k: {"base": a, "head": b}
                                               for k, (a, b) in s.outputs.items()},
                                   "passes_base": s.passes_base, "passes_head": s.passes_head}
                                  for s in self.scenarios],
            "audit": self.audit,
        }


def resolve_revision(repo: Path, revision: str, option: str) -> str:
    """The commit that ``revision`` names in ``repo``, verified by ``git rev-parse --verify``;
    a text that git would read as an option (``--output=...``, ``--remote=...``) or that is not
    a revision of the repository is LX112.  The answer is a full commit hash, so nothing the
    user typed reaches ``git archive``."""
    hint = ("give a commit, branch or tag of this repository (e.g. HEAD~1), or two rule "
            "folders with --base-rules/--head-rules")
    if not revision or revision.startswith("-") or any(c in revision for c in "\0\n\r"):
        raise LexluxError([error("LX112", f"{option} {revision!r}: not a revision",
                                 expected="a commit, branch or tag", hint=hint)])
    done = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet",
                           "--end-of-options", f"{revision}^{{commit}}"],
                          capture_output=True, check=False, stdin=subprocess.DEVNULL)
    commit = done.stdout.decode(errors="replace").strip()
    if done.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40,64}", commit):
        raise LexluxError([error("LX112", f"{option} {revision!r}: not a revision of the "
                                 f"repository {repo}", expected="a commit, branch or tag",
                                 hint=hint)])
    return commit


def materialise(repo: Path, revision: str, into: Path, option: str = "--base") -> Path:
    """Extract ``rules/`` and ``tests/law/`` of ``revision`` into ``into``."""
    commit = resolve_revision(repo, revision, option)
    done = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit, "--",
                           "rules", "tests/law"], capture_output=True, check=False,
                          stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise LexluxError([error("LX104", f"cannot read the revision {revision!r}: {message}",
                                 hint="give a commit, branch or tag of this repository, or "
                                      "two rule folders with --base-rules/--head-rules")])
    with tarfile.open(fileobj=BytesIO(done.stdout)) as archive:
        archive.extractall(into, filter="data")
    return into


def _documents(loaded: LoadResult, kind: FileKind) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for file in loaded.files:
        doc = loaded.documents.get(file.display)
        if file.kind is kind and doc is not None and isinstance(doc.data, dict):
            out[file.display] = doc.data
    return out


def _rules(loaded: LoadResult) -> dict[str, Any]:
    return {data["id"]: data for data in _documents(loaded, FileKind.RULE).values()}


def _parameters(loaded: LoadResult) -> dict[str, Any]:
    out = {}
    for display, data in _documents(loaded, FileKind.PARAMETERS).items():
        for name, param in data["parameters"].items():
            out[f"{data['jurisdiction']}.{Path(display).stem}.{name}"] = param
    return out


def _scenario_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.yaml")) if root.is_dir() else []


def compare_revisions(base: LoadResult, head: LoadResult, base_law: Path, head_law: Path,
                      labels: tuple[str, str]) -> Impact:
    impact = Impact(*labels)
    old, new = _rules(base), _rules(head)
    impact.rules_added = sorted(set(new) - set(old))
    impact.rules_removed = sorted(set(old) - set(new))
    impact.rules_changed = sorted(r for r in set(old) & set(new) if old[r] != new[r])
    old_p, new_p = _parameters(base), _parameters(head)
    impact.parameters_changed = sorted(p for p in set(old_p) | set(new_p)
                                       if old_p.get(p) != new_p.get(p))
    seen: set[tuple[str, str]] = set()
    for law_root in (head_law, base_law):
        for path in _scenario_files(law_root):
            scenarios, problem = load_scenarios(path, law_root)
            for scenario in scenarios if problem is None else []:
                key = (str(path.relative_to(law_root)), scenario.name)
                if key in seen:
                    continue
                seen.add(key)
                change = _scenario_change(scenario, base, head, key[0])
                impact.scenarios_run += 1
                if change is not None:
                    impact.scenarios.append(change)
    return impact


def _scenario_change(scenario: Any, base: LoadResult, head: LoadResult,
                     display: str) -> ScenarioChange | None:
    runs: list[tuple[Outcome, bool] | None] = []
    for loaded in (base, head):
        case, _ = scenario_case(scenario, loaded.kb)
        if case is None:
            runs.append(None)
            continue
        outcome = run_scenario(scenario, loaded.kb, case)
        runs.append((outcome, not check_scenario(scenario, loaded.kb, outcome)))
    first, second = runs
    if first is None or second is None:
        return ScenarioChange(display, scenario.line, scenario.name,
                              {"(case)": ("readable" if first else "not readable",
                                          "readable" if second else "not readable")},
                              first is not None, second is not None)
    (a, pass_a), (b, pass_b) = first, second
    outputs = {}
    for name in dict.fromkeys([*a.results, *b.results]):
        before, after = written(a.results.get(name)), written(b.results.get(name))
        if before != after:
            outputs[name] = (before, after)
    if not outputs and pass_a == pass_b:
        return None
    return ScenarioChange(display, scenario.line, scenario.name, outputs, pass_a, pass_b)


def impact_of(repo: Path, base_rev: str | None, head_rev: str | None,
              base_rules: Path | None, head_rules: Path | None) -> tuple[Impact, list[Diagnostic]]:
    with tempfile.TemporaryDirectory(prefix="lexlux-impact-") as tmp:
        roots = []
        for side, rev, rules in (("base", base_rev, base_rules), ("head", head_rev, head_rules)):
            if rules is not None:
                roots.append((rules, rules.parent / "tests" / "law", str(rules)))
            else:
                assert rev is not None
                folder = materialise(repo, rev, Path(tmp) / side, f"--{side}")
                roots.append((folder / "rules", folder / "tests" / "law", rev))
        base = load_knowledge_base([roots[0][0]])
        head = load_knowledge_base([roots[1][0]])
        problems = [d for d in base.diagnostics + head.diagnostics if d.severity.value == "error"]
        if problems:
            return Impact(roots[0][2], roots[1][2]), problems
        impact = compare_revisions(base, head, roots[0][1], roots[1][1],
                                   (roots[0][2], roots[1][2]))
        impact.audit = _audit(base, head)
        return impact, []


def _audit(base: LoadResult, head: LoadResult) -> dict[str, Any] | None:
    """New and resolved audit findings, if the verifier is installed."""
    import importlib
    try:   # the verifier's public function, when the verifier is part of the package
        api = importlib.import_module(f"{__package__.rsplit('.', 1)[0]}.verify.checks.api")
    except ImportError:
        return None
    old, new = api.finding_fingerprints(base.kb), api.finding_fingerprints(head.kb)
    return {"new": [f"{k}: {new[k]}" for k in sorted(set(new) - set(old))],
            "resolved": [f"{k}: {old[k]}" for k in sorted(set(old) - set(new))]}


def render_markdown(impact: Impact) -> str:
    out = [f"# Impact of the amendment: {impact.base} → {impact.head}", ""]
    out += ["## Provisions changed", ""]
    for title, items in (("Rules added", impact.rules_added),
                         ("Rules removed", impact.rules_removed),
                         ("Rules changed", impact.rules_changed),
                         ("Parameters changed", impact.parameters_changed)):
        out.append(f"* {title}: " + (", ".join(f"`{i}`" for i in items) or "none"))
    out += ["", f"## Scenarios whose results change ({len(impact.scenarios)} of "
                f"{impact.scenarios_run})", ""]
    for s in impact.scenarios:
        verdict = ("still passes" if s.passes_head else "now FAILS") if s.passes_base else \
            ("now passes" if s.passes_head else "fails before and after")
        out.append(f"### {s.name}")
        out.append("")
        out.append(f"`{s.file}` line {s.line} — {verdict} against its expectations.")
        out.append("")
        out.append("| output | before | after |")
        out.append("|---|---|---|")
        for name, (a, b) in s.outputs.items():
            out.append(f"| {name} | `{a}` | `{b}` |")
        out.append("")
    if impact.audit is not None:
        out += ["## Audit", ""]
        out.append("* New findings: " + (", ".join(impact.audit["new"]) or "none"))
        out.append("* Resolved findings: " + (", ".join(impact.audit["resolved"]) or "none"))
    else:
        out += ["## Audit", "", "The verifier was not run (not available)."]
    return "\n".join(out) + "\n"


def render_text(impact: Impact) -> str:
    lines = [f"Impact {impact.base} → {impact.head}",
             f"  rules added {len(impact.rules_added)}, removed {len(impact.rules_removed)}, "
             f"changed {len(impact.rules_changed)}; parameters changed "
             f"{len(impact.parameters_changed)}"]
    for rule in impact.rules_changed + impact.rules_added:
        lines.append(f"    {rule}")
    for param in impact.parameters_changed:
        lines.append(f"    parameter {param}")
    lines.append(f"  scenarios whose results change: {len(impact.scenarios)} of "
                 f"{impact.scenarios_run}")
    for s in impact.scenarios:
        lines.append(f"    {s.file}:{s.line}: {s.name}")
        for name, (a, b) in s.outputs.items():
            lines.append(f"        {name}: {a} → {b}")
    if impact.audit is not None:
        lines.append(f"  audit: {len(impact.audit['new'])} new findings, "
                     f"{len(impact.audit['resolved'])} resolved")
    return "\n".join(lines) + "\n"

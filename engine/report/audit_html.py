"""Stage 6 (report): the audit as one self-contained HTML page (``lexlux audit --format
html`` / ``--html FILE``).

The same content as the Markdown report (:mod:`.audit_report`): a summary, the findings
grouped by article with the provisions' texts quoted, the details, the unsat core, the
witness as a small table, the evaluator's replay and, for accepted findings, the reason;
then the invariants with their windows and the outputs not verified.  One file, its style
inline, no script and no external asset (it opens offline and can be filed as is); every
text from the rules is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..compile.model import KnowledgeBase
from ..verify.checks.findings import NOTE_CODES, Finding
from .audit_report import InvariantResult, _article, _version

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;line-height:1.45;color:#1b1b1b}
h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:1px solid #ccc;margin-top:2rem}
h3{font-size:1.05rem;margin-bottom:.3rem}
section.finding{border-left:4px solid #b00020;padding:.2rem 0 .2rem 1rem;margin:1rem 0}
section.finding.accepted{border-color:#2e7d32}section.finding.note{border-color:#777}
blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.8rem;border-left:3px solid #ddd;color:#333}
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem;
text-align:left;vertical-align:top}code{background:#f3f3f3;padding:0 .2rem}
.reason{background:#eef7ee;padding:.4rem .6rem}.small{color:#555;font-size:.9rem}
"""


def _cell(value: object) -> str:
    if isinstance(value, tuple):
        return escape("[" + ", ".join(str(p) for p in value) + "]")
    return escape(str(value))


def _finding(kb: KnowledgeBase, finding: Finding) -> list[str]:
    state = ("accepted" if finding.accepted is not None else
             "note" if finding.code in NOTE_CODES else "finding")
    out = [f'<section class="finding {state}" id="{escape(finding.fingerprint)}">',
           f"<h3>{state} {escape(finding.code)} ({escape(finding.kind)}): "
           f"{escape(finding.message)}</h3>",
           f'<p class="small">Fingerprint <code>{escape(finding.fingerprint)}</code> — '
           f"docs/diagnostics/{escape(finding.code)}.md</p>"]
    if finding.output:
        out.append(f"<p>Output: <code>{escape(finding.output)}</code></p>")
    quoted = False
    if finding.versions:
        out.append("<ul class=\"provisions\">")
        for vid in finding.versions:
            rule, version = _version(kb, vid)
            if rule is None or version is None:
                out.append(f"<li><code>{escape(vid)}</code></li>")
                continue
            until = version.valid_until.isoformat() if version.valid_until else "today"
            out.append(f"<li><strong>{escape(str(rule.citation))}</strong> "
                       f"({escape(rule.authority)}), version in force {version.valid_from} "
                       f"to {until} — <code>{escape(str(rule.file))}</code>")
            for source in version.sources:
                out.append(f"<blockquote>«{escape(source.excerpt.strip())}» — "
                           f"{escape(source.file)}, lines {source.first_line}–"
                           f"{source.last_line}</blockquote>")
                quoted = True
            out.append("</li>")
        out.append("</ul>")
    if finding.details:
        out.append("<ul class=\"details\">")
        out += [f"<li>{escape(line)}</li>" for line in finding.details]
        out.append("</ul>")
    if finding.core:
        out.append("<p>Unsat core (the provisions that together exclude it): "
                   + ", ".join(f"<code>{escape(c)}</code>" for c in finding.core) + "</p>")
    if finding.facts is not None:
        out += [f"<p>Witness case (as of {escape(str(finding.as_of))}):</p>",
                '<table class="witness"><thead><tr><th>fact</th><th>value</th></tr>'
                "</thead><tbody>"]
        out += [f"<tr><td><code>{escape(k)}</code></td><td>{_cell(v)}</td></tr>"
                for k, v in finding.facts.items()] or ["<tr><td>(none)</td><td></td></tr>"]
        out.append("</tbody></table>")
    if finding.replay:
        out.append(f"<p>Replayed by the evaluator: {escape(finding.replay)}</p>")
    if finding.accepted is not None:
        out.append(f'<p class="reason"><strong>Accepted</strong>: '
                   f"{escape(' '.join(finding.accepted.split()))}</p>")
    if not quoted and not finding.versions and finding.code not in NOTE_CODES:
        out.append("<p>(no provision text: the finding is about parameters or the "
                   "vocabulary)</p>")
    out.append("</section>")
    return out


def render_html(kb: KnowledgeBase, findings: Sequence[Finding],
                invariants: Sequence[InvariantResult], *, scope: str,
                queries: int, seconds: float) -> str:
    problems = [f for f in findings if f.is_problem]
    accepted = [f for f in findings if f.accepted is not None]
    notes = [f for f in findings if f.code in NOTE_CODES and f.accepted is None]
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           "<title>Audit of the rules</title>", f"<style>{STYLE}</style>", "</head>",
           "<body>", "<h1>Audit of the rules</h1>",
           f'<p class="summary">Scope: {escape(scope)}. {len(problems)} finding(s) to fix, '
           f"{len(accepted)} accepted, {len(notes)} note(s); {len(kb.invariants)} "
           f"invariant(s) and assumption(s); {queries} solver queries in {seconds:.1f} s. "
           "Every witness below was replayed through the evaluator.</p>"]
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.code in NOTE_CODES and finding.accepted is None:
            continue
        groups.setdefault(_article(kb, finding), []).append(finding)
    out.append("<h2>Findings by article</h2>")
    if not groups:
        out.append("<p>No finding.</p>")
    for article in sorted(groups):
        out.append(f'<h2 class="article">{escape(article)}</h2>')
        ordered = sorted(groups[article], key=lambda f: (not f.is_problem, f.code,
                                                         f.fingerprint))
        for finding in ordered:
            out += _finding(kb, finding)
    out.append("<h2>Invariants</h2>")
    if not invariants:
        out.append("<p>No invariant declared.</p>")
    else:
        out.append('<table class="invariants"><thead><tr><th>invariant</th><th>provisions'
                   "</th><th>windows (as-of dates)</th></tr></thead><tbody>")
        for inv in invariants:
            windows = "; ".join(f"{a} to {b}: {s}" for a, b, s in inv.windows) or \
                (inv.note or "—")
            out.append(f"<tr><td><code>{escape(inv.id)}</code> — {escape(inv.title)}</td>"
                       f"<td>{escape(inv.citation)}</td><td>{escape(windows)}</td></tr>")
        out.append("</tbody></table>")
    if notes:
        out += ["<h2>Not verified</h2>", "<ul>"]
        out += [f"<li><code>{escape(n.output or n.key)}</code>: {escape(n.message)} "
                f"({escape(n.code)})</li>" for n in notes]
        out.append("</ul>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)

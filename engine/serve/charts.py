"""Charts drawn as inline SVG on the server (no JavaScript library, nothing from the internet).

``step_chart`` draws a parameter's values over time; the playground draws its charts in the
browser from the same JSON the API returns (static/playground.js).
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any


def step_chart(history: list[dict[str, Any]], *, width: int = 640, height: int = 160,
               until: date | None = None) -> str:
    """A step chart of numeric values over time; non-numeric values are drawn as labelled bands.

    >>> history = [{"from": "2009-01-01", "value": 364}, {"from": "2019-01-01", "value": 546}]
    >>> svg = step_chart(history, until=date(2027, 1, 1))
    >>> svg.startswith("<svg") and "546" in svg and "2019-01-01" in svg
    True
    """
    points = [(date.fromisoformat(h["from"]), h["value"]) for h in history]
    labels = [str(h.get("shown", _text(h["value"]))) for h in history]
    if not points:
        return ""
    end = until or date(max(date.today().year + 1, points[-1][0].year + 2), 1, 1)
    start = points[0][0]
    span = max((end - start).days, 1)
    numbers = [_number(v) for _, v in points]
    numeric = [n for n in numbers if n is not None]
    top = max(numeric) if numeric else 1.0
    top = top if top > 0 else 1.0
    pad, inner_h = 40, height - 60

    def x(day: date) -> float:
        return pad + (width - 2 * pad) * (day - start).days / span

    def y(value: float) -> float:
        return 22 + (inner_h - 12) * (1 - value / top)

    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="{pad}" y1="{10 + inner_h}" x2="{width - pad}" y2="{10 + inner_h}" '
             'class="axis"/>']
    for i, (day, value) in enumerate(points):
        following = points[i + 1][0] if i + 1 < len(points) else end
        x0, x1 = x(day), x(following)
        n = numbers[i]
        label = escape("repealed" if value is None else labels[i])
        if n is None:
            parts.append(f'<rect x="{x0:.1f}" y="10" width="{max(x1 - x0, 1):.1f}" '
                         f'height="{inner_h}" class="band"><title>{label} from {day}</title>'
                         '</rect>')
            parts.append(f'<text x="{x0 + 4:.1f}" y="{10 + inner_h / 2:.1f}">{label}</text>')
        else:
            parts.append(f'<line x1="{x0:.1f}" y1="{y(n):.1f}" x2="{x1:.1f}" y2="{y(n):.1f}" '
                         f'class="step"><title>{label} from {day}</title></line>')
            parts.append(f'<text x="{x0 + 4:.1f}" y="{y(n) - 4:.1f}">{label}</text>')
        parts.append(f'<text x="{x0:.1f}" y="{height - 8}" class="tick">{day.isoformat()}'
                     '</text>')
    parts.append("</svg>")
    return "".join(parts)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict) and isinstance(value.get("days"), int):
        return float(value["days"])
    if isinstance(value, str):
        try:
            return float(value.rstrip("%").split()[0])
        except (ValueError, IndexError):
            return None
    return None


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value)

"""The study chart as data for an inline SVG: one mark per study, placed by effect direction and by N
(log scale), shaped by design.

Two layouts from the same studies: ``wide`` (directions as columns, N upwards) for desktop widths and
``narrow`` (directions as rows, N rightwards) drawn at phone size so labels stay legible; CSS shows the
one that fits. Each mark is a link to its row in the study table (tap, click or keyboard), with the
same details as its label. Pure geometry: the template draws it (autoescaped), so no record text ever
reaches the SVG unescaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..models import StudySummary

COLUMNS: tuple[str, ...] = ("worse", "no difference", "mixed", "better", "unclear")

# design family -> (label, shape); shapes and Okabe-Ito colours are set in app.css by family
FAMILIES: dict[str, tuple[str, str]] = {
    "pooled": ("meta-analysis / systematic review / guideline", "diamond"),
    "rct": ("randomised trial", "circle"),
    "observational": ("other study in people", "square"),
    "experimental": ("experimental pain model", "triangle"),
    "lab": ("animal / in vitro", "cross"),
    "other": ("other / unclassified", "ring"),
}
_FAMILY_OF = {
    "meta-analysis": "pooled", "systematic review": "pooled", "guideline": "pooled",
    "rct": "rct",
    "non-randomised trial": "observational", "cohort": "observational", "case-control": "observational",
    "cross-sectional": "observational", "case series": "observational", "case report": "observational",
    "experimental pain model": "experimental",
    "animal": "lab", "in vitro": "lab",
}
R = 7


def family(design: str) -> str:
    return _FAMILY_OF.get(design, "other")


@dataclass
class Mark:
    x: float
    y: float
    family: str
    shape: str
    label: str  # the details: id, year, design, N, direction, condition, title
    study_id: str
    path: str  # SVG path data of the shape, centred on (x, y)

    @property
    def anchor(self) -> str:
        return "study-" + self.study_id.replace(":", "-")


@dataclass
class Line:
    cls: str
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Label:
    cls: str
    x: float
    y: float
    text: str
    anchor: str = "middle"
    rotate: bool = False


@dataclass
class Chart:
    layout: str
    width: int
    height: int
    plot: tuple[float, float, float, float]
    marks: list[Mark] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)


@dataclass
class Charts:
    wide: Chart
    narrow: Chart
    families: list[tuple[str, str, str, str]] = field(default_factory=list)  # (family, label, shape, legend path)
    summary: str = ""

    def __bool__(self) -> bool:
        return bool(self.wide.marks)


def shape_path(shape: str, x: float, y: float, r: float = R) -> str:
    """SVG path data for a mark shape centred on (x, y)."""
    if shape == "diamond":
        d = r * 1.3
        return f"M{x:.1f},{y - d:.1f}L{x + d:.1f},{y:.1f}L{x:.1f},{y + d:.1f}L{x - d:.1f},{y:.1f}Z"
    if shape == "square":
        return f"M{x - r:.1f},{y - r:.1f}h{2 * r:.1f}v{2 * r:.1f}h{-2 * r:.1f}Z"
    if shape == "triangle":
        d = r * 1.25
        return f"M{x:.1f},{y - d:.1f}L{x + d:.1f},{y + d * 0.8:.1f}L{x - d:.1f},{y + d * 0.8:.1f}Z"
    if shape == "cross":
        a = r * 0.9
        return (f"M{x - a:.1f},{y - a:.1f}L{x + a:.1f},{y + a:.1f}"
                f"M{x + a:.1f},{y - a:.1f}L{x - a:.1f},{y + a:.1f}")
    # circle and ring: two arcs
    return f"M{x - r:.1f},{y:.1f}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0Z"


def details(s: StudySummary) -> str:
    bits = [s.id, s.design, f"N={s.n:,}" if s.n else "N not reported", f"direction: {s.direction}"]
    if s.year:
        bits.insert(1, str(s.year))
    if s.condition:
        bits.append(s.condition)
    if s.title:
        bits.append(s.title)
    return " · ".join(bits)


def _column(s: StudySummary) -> str:
    return s.direction if s.direction in COLUMNS else "unclear"


def _ordered(studies: list[StudySummary]) -> list[StudySummary]:
    return sorted(studies, key=lambda s: (-(s.n or 0), s.id))


def _top_exp(studies: list[StudySummary]) -> int:
    ns = [s.n for s in studies if s.n and s.n > 0]
    return max(2, math.ceil(math.log10(max(ns)))) if ns else 2


def _mark(s: StudySummary, x: float, y: float) -> Mark:
    fam = family(s.design)
    shape = FAMILIES[fam][1]
    return Mark(x, y, fam, shape, details(s), s.id, shape_path(shape, x, y))


def wide_chart(studies: list[StudySummary]) -> Chart:
    """Directions as columns, N (log) upwards; studies without N in a band at the bottom."""
    width, height, left, right, top, bottom, band = 760, 320, 70, 20, 16, 56, 30
    c = Chart("wide", width, height, (left, top, width - right, height - bottom))
    x0, y0, x1, y1 = c.plot
    col_w = (x1 - x0) / len(COLUMNS)
    centres = {d: x0 + col_w * (i + 0.5) for i, d in enumerate(COLUMNS)}
    top_exp = _top_exp(studies)
    band_top = y1 - band
    no_n_y = y1 - band / 2

    def y_of(n: int) -> float:
        return band_top - 8 - math.log10(max(n, 1)) / top_exp * (band_top - 16 - y0)

    for e in range(top_exp + 1):
        c.lines.append(Line("grid", x0, y_of(10**e), x1, y_of(10**e)))
        c.labels.append(Label("tick", x0 - 6, y_of(10**e) + 4, f"{10**e:,}", "end"))
    c.lines.append(Line("grid band", x0, no_n_y - 15, x1, no_n_y - 15))
    c.labels.append(Label("tick", x0 - 6, no_n_y + 4, "N?", "end"))
    c.labels.append(Label("axis-title", 16, (y0 + y1) / 2, "participants (N, log scale)", rotate=True))
    counts = {d: sum(1 for s in studies if _column(s) == d) for d in COLUMNS}
    for i, d in enumerate(COLUMNS):
        if i:
            c.lines.append(Line("col-sep", x0 + col_w * i, y0, x0 + col_w * i, y1))
        c.labels.append(Label("col-label d-" + d.replace(" ", "-"), centres[d], y1 + 20, d))
        c.labels.append(Label("col-count", centres[d], y1 + 38, f"{counts[d]} stud{'y' if counts[d] == 1 else 'ies'}"))
    placed: dict[str, list[tuple[float, float]]] = {d: [] for d in COLUMNS}
    for s in _ordered(studies):
        col = _column(s)
        y = y_of(s.n) if s.n and s.n > 0 else no_n_y
        x = centres[col]
        k = sum(1 for (_, py) in placed[col] if abs(py - y) < 2 * R + 2)
        if k:  # nudge sideways so marks in the same column do not overlap
            step = math.ceil(k / 2) * (2 * R + 3)
            x += step if k % 2 else -step
            x = min(max(x, centres[col] - col_w / 2 + R), centres[col] + col_w / 2 - R)
        placed[col].append((x, y))
        c.marks.append(_mark(s, x, y))
    return c


def narrow_chart(studies: list[StudySummary]) -> Chart:
    """Directions as rows, N (log) rightwards; drawn 340 units wide so it is legible at phone size."""
    width, left, right, top, row_h, axis = 340, 12, 12, 4, 58, 40
    height = top + row_h * len(COLUMNS) + axis
    c = Chart("narrow", width, height, (left, top, width - right, top + row_h * len(COLUMNS)))
    x0, y0, x1, y1 = c.plot
    band = 34  # px at the left for studies without a reported N
    top_exp = _top_exp(studies)

    def x_of(n: int) -> float:
        return x0 + band + 10 + math.log10(max(n, 1)) / top_exp * (x1 - x0 - band - 20)

    for e in range(top_exp + 1):
        c.lines.append(Line("grid", x_of(10**e), y0, x_of(10**e), y1))
        c.labels.append(Label("tick", x_of(10**e), y1 + 14, f"{10**e:,}"))
    c.lines.append(Line("grid band", x0 + band, y0, x0 + band, y1))
    c.labels.append(Label("tick", x0 + band / 2, y1 + 14, "N?"))
    c.labels.append(Label("axis-title", (x0 + x1) / 2, y1 + 32, "participants (N, log scale) →"))
    placed: dict[str, list[tuple[float, float]]] = {d: [] for d in COLUMNS}
    for i, d in enumerate(COLUMNS):
        ry = y0 + row_h * i
        n = sum(1 for s in studies if _column(s) == d)
        if i:
            c.lines.append(Line("col-sep", x0, ry, x1, ry))
        c.labels.append(Label("col-label d-" + d.replace(" ", "-"), x0 + 4, ry + 15,
                              f"{d} ({n} stud{'y' if n == 1 else 'ies'})", "start"))
    for s in _ordered(studies):
        row = _column(s)
        cy = y0 + row_h * COLUMNS.index(row) + 38
        x = x_of(s.n) if s.n and s.n > 0 else x0 + band / 2
        k = sum(1 for (px, _) in placed[row] if abs(px - x) < 2 * R + 2)
        y = cy
        if k:  # alternate above/below the row's centre line, then step sideways
            y = cy + (-9 if k % 2 else 9) * min(1, k)
            x += (k // 2) * (2 * R + 2) * (1 if x < (x0 + x1) / 2 else -1)
            x = min(max(x, x0 + R), x1 - R)
        placed[row].append((x, y))
        c.marks.append(_mark(s, x, y))
    return c


def build_chart(studies: list[StudySummary]) -> Charts:
    """Both layouts, the legend of the designs present and a one-sentence text summary."""
    fams = {family(s.design) for s in studies}
    charts = Charts(wide_chart(studies), narrow_chart(studies))
    charts.families = [(f, FAMILIES[f][0], FAMILIES[f][1], shape_path(FAMILIES[f][1], 9, 9, 5.5))
                       for f in FAMILIES if f in fams]
    if studies:
        counts = {d: sum(1 for s in studies if _column(s) == d) for d in COLUMNS}
        parts = [f"{counts[d]} {d}" for d in COLUMNS if counts[d]]
        no_n = sum(1 for s in studies if not s.n)
        charts.summary = (f"{len(studies)} stud{'y' if len(studies) == 1 else 'ies'} by effect direction: "
                          + ", ".join(parts) + "." + (f" {no_n} without a reported N." if no_n else "")
                          + " The study table lists each one with the same details.")
    else:
        charts.summary = "No studies to chart."
    return charts

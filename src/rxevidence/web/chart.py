"""The study chart as data for an inline SVG: one mark per study, x = direction, y = N (log), shape = design.

Pure geometry from a list of ``StudySummary``; the template draws it (autoescaped), so no record text
ever reaches the SVG unescaped.
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

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 16, 56
NO_N_BAND = 30  # px at the bottom for studies without a reported N
R = 7


def family(design: str) -> str:
    return _FAMILY_OF.get(design, "other")


@dataclass
class Mark:
    x: float
    y: float
    family: str
    shape: str
    label: str  # the <title> tooltip text
    study_id: str
    path: str  # SVG path data of the shape, centred on (x, y)


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    marks: list[Mark] = field(default_factory=list)
    columns: list[tuple[str, float, int]] = field(default_factory=list)  # (direction, centre x, count)
    ticks: list[Tick] = field(default_factory=list)
    plot: tuple[float, float, float, float] = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)
    no_n_y: float = 0.0
    families: list[tuple[str, str, str, str]] = field(default_factory=list)  # (family, label, shape, legend path)
    summary: str = ""


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


def build_chart(studies: list[StudySummary]) -> Chart:
    """Place each study: column by direction, height by log10(N); studies without N sit in a bottom band."""
    chart = Chart()
    x0, y0, x1, y1 = chart.plot
    col_w = (x1 - x0) / len(COLUMNS)
    centres = {d: x0 + col_w * (i + 0.5) for i, d in enumerate(COLUMNS)}
    ns = [s.n for s in studies if s.n and s.n > 0]
    top_exp = max(2, math.ceil(math.log10(max(ns)))) if ns else 2
    band_top = y1 - NO_N_BAND
    chart.no_n_y = y1 - NO_N_BAND / 2

    def y_of(n: int) -> float:
        frac = math.log10(max(n, 1)) / top_exp
        return band_top - 8 - frac * (band_top - 8 - y0 - 8)

    chart.ticks = [Tick(y_of(10**e), f"{10**e:,}") for e in range(0, top_exp + 1)]
    placed: dict[str, list[tuple[float, float]]] = {d: [] for d in COLUMNS}
    counts = dict.fromkeys(COLUMNS, 0)
    seen_families: dict[str, None] = {}
    for s in sorted(studies, key=lambda s: (-(s.n or 0), s.id)):
        col = s.direction if s.direction in centres else "unclear"
        counts[col] += 1
        y = y_of(s.n) if s.n and s.n > 0 else chart.no_n_y
        # nudge sideways to avoid overlapping marks in the same column
        x = centres[col]
        k = sum(1 for (_, py) in placed[col] if abs(py - y) < 2 * R + 2)
        if k:
            step = math.ceil(k / 2) * (2 * R + 3)
            x += step if k % 2 else -step
            x = min(max(x, centres[col] - col_w / 2 + R), centres[col] + col_w / 2 - R)
        placed[col].append((x, y))
        fam = family(s.design)
        seen_families[fam] = None
        shape = FAMILIES[fam][1]
        bits = [s.id, s.design, f"N={s.n:,}" if s.n else "N not reported", f"direction: {s.direction}"]
        if s.year:
            bits.insert(1, str(s.year))
        if s.condition:
            bits.append(s.condition)
        if s.title:
            bits.append(s.title)
        chart.marks.append(Mark(x, y, fam, shape, " · ".join(bits), s.id, shape_path(shape, x, y)))
    chart.columns = [(d, centres[d], counts[d]) for d in COLUMNS]
    chart.families = [(f, FAMILIES[f][0], FAMILIES[f][1], shape_path(FAMILIES[f][1], 9, 9, 5.5))
                      for f in FAMILIES if f in seen_families]
    if studies:
        parts = [f"{counts[d]} {d}" for d in COLUMNS if counts[d]]
        no_n = sum(1 for s in studies if not s.n)
        chart.summary = (f"{len(studies)} stud{'y' if len(studies) == 1 else 'ies'} by effect direction: "
                         + ", ".join(parts) + "." + (f" {no_n} without a reported N." if no_n else "")
                         + " The study table lists each one.")
    else:
        chart.summary = "No studies to chart."
    return chart

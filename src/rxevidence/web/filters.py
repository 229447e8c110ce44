"""Server-side filters for a brief's study list (``/ask?q=...&design=rct&direction=better``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from ..errors import InputError
from ..models import DESIGNS, DIRECTIONS, StudySummary

POPULATIONS: tuple[tuple[str, str], ...] = (
    ("human", "people (any)"),
    ("patients", "patients"),
    ("healthy", "healthy volunteers"),
    ("animal", "animal / laboratory"),
)
_LAB_DESIGNS = {"animal", "in vitro"}
MIN_YEAR, MAX_YEAR = 1900, 2100


@dataclass(frozen=True)
class StudyFilter:
    design: str | None = None
    population: str | None = None
    direction: str | None = None
    year_from: int | None = None
    year_to: int | None = None

    @classmethod
    def from_params(
        cls,
        *,
        design: str | None = None,
        population: str | None = None,
        direction: str | None = None,
        year_from: str | None = None,
        year_to: str | None = None,
    ) -> StudyFilter:
        """Read the query parameters; empty values mean "any".

        :raises InputError: a value outside the known designs, populations, directions or years.
        """
        design = (design or "").strip() or None
        population = (population or "").strip() or None
        direction = (direction or "").strip() or None
        if design and design not in DESIGNS:
            raise InputError(f"Unknown design {design!r}; choose one of: {', '.join(DESIGNS)}.")
        if population and population not in dict(POPULATIONS):
            raise InputError(f"Unknown population {population!r}; choose one of: "
                             f"{', '.join(k for k, _ in POPULATIONS)}.")
        if direction and direction not in DIRECTIONS:
            raise InputError(f"Unknown direction {direction!r}; choose one of: {', '.join(DIRECTIONS)}.")
        return cls(design, population, direction, _year(year_from, "year_from"), _year(year_to, "year_to"))

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.design, self.population, self.direction, self.year_from,
                                           self.year_to))

    def key(self) -> tuple:
        return (self.design, self.population, self.direction, self.year_from, self.year_to)

    def matches(self, s: StudySummary) -> bool:
        if self.design and s.design != self.design:
            return False
        if self.direction and s.direction != self.direction:
            return False
        if self.population == "human" and s.humans is not True:
            return False
        if self.population == "patients" and (s.humans is not True or s.healthy_volunteers):
            return False
        if self.population == "healthy" and not s.healthy_volunteers:
            return False
        if self.population == "animal" and not (s.humans is False or s.design in _LAB_DESIGNS):
            return False
        if self.year_from is not None and (s.year is None or s.year < self.year_from):
            return False
        return not (self.year_to is not None and (s.year is None or s.year > self.year_to))

    def apply(self, studies: Iterable[StudySummary]) -> list[StudySummary]:
        return [s for s in studies if self.matches(s)]

    def params(self) -> dict[str, str]:
        out = {"design": self.design, "population": self.population, "direction": self.direction,
               "year_from": self.year_from, "year_to": self.year_to}
        return {k: str(v) for k, v in out.items() if v is not None}

    def query_string(self, q: str) -> str:
        return urlencode({"q": q, **self.params()})


def _year(value: str | None, name: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or not MIN_YEAR <= int(value) <= MAX_YEAR:
        raise InputError(f"{name} must be a year between {MIN_YEAR} and {MAX_YEAR}, not {value[:20]!r}.")
    return int(value)

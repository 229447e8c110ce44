"""The question as read: drugs, relation, condition, intent, population."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .base import _Model

Relation = Literal["single", "combination", "comparison"]
Intent = Literal["efficacy", "comparison", "combination", "safety"]


class DrugMention(_Model):
    text: str  # the user's words, e.g. "Valium"
    name: str  # canonical ingredient or class name, e.g. "diazepam" / "benzodiazepine"
    is_class: bool = False
    members: list[str] = Field(default_factory=list)  # class members (canonical ingredients)
    classes: list[str] = Field(default_factory=list)  # classes of the ingredient
    rxcui: str | None = None
    drugbank_id: str | None = None
    synonyms: list[str] = Field(default_factory=list)  # names to search with (brands, salts)
    score: float = 1.0


class ConditionMention(_Model):
    text: str  # the user's words
    id: str  # concept id, e.g. "low-back-pain"
    name: str  # "low back pain"
    mesh_id: str | None = None
    tree_numbers: list[str] = Field(default_factory=list)
    narrower: list[str] = Field(default_factory=list)  # concept ids this one widens to
    synonyms: list[str] = Field(default_factory=list)  # search terms
    score: float = 1.0


class Suggestion(_Model):
    word: str
    suggestions: list[str] = Field(default_factory=list)


class Query(_Model):
    text: str
    drugs: list[DrugMention] = Field(default_factory=list)
    relation: Relation = "single"
    condition: ConditionMention | None = None
    intent: Intent = "efficacy"
    population: list[str] = Field(default_factory=list)  # "children", "older adults", "pregnancy"
    # conditions that describe who is treated, not what ("stroke in people with atrial fibrillation")
    population_conditions: list[ConditionMention] = Field(default_factory=list)
    confidence: float = 0.0
    alternatives: list[dict[str, Any]] = Field(default_factory=list)
    unknown: list[Suggestion] = Field(default_factory=list)
    messages: list[str] = Field(default_factory=list)

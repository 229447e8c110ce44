"""The brief behind each claim: the same retrieve + synthesize path as ``ask``, cached per query."""

from __future__ import annotations

from typing import Any

from ..models import Brief, ConditionMention, DrugMention, Query
from ..retrieve import retrieve
from ..store.base import Store
from ..synthesize import synthesize


class _BriefCache:
    def __init__(self, store: Store, vocab: Any) -> None:
        self.store, self.vocab = store, vocab
        self._cache: dict[tuple, Brief] = {}

    def brief(self, drugs: list[str], condition_id: str | None, relation: str = "single") -> Brief | None:
        key = (tuple(sorted(drugs)), condition_id, relation)
        if key in self._cache:
            return self._cache[key]
        mentions = []
        for name in drugs:
            m = self.vocab.resolve_drug(name)
            if m is not None:
                mentions.append(DrugMention(**{**m.model_dump(), "text": name}))
        if not mentions:
            return None
        cond = None
        if condition_id:
            c = self.vocab.condition(condition_id)
            cond = ConditionMention(text=c.name, id=c.id, name=c.name, narrower=self.vocab.narrower(c.id))
        q = Query(text=" + ".join(drugs) + (f" for {cond.name}" if cond else ""), drugs=mentions,
                  relation=relation if len(mentions) > 1 else "single", condition=cond, intent="efficacy")
        ev = retrieve(self.store, q, vocab=self.vocab)
        b = synthesize(q, ev, vocab=self.vocab)
        self._cache[key] = b
        return b

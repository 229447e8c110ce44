"""The Context: everything a question is answered from, built once by :func:`build_context` and passed down.

    store ─┐
    vocabulary (shipped + the store's ingested terms) ─┤
    starter pack (curated facts) ─┤──► Context ──► parse · retrieve · appraise · synthesize · validate
    label facts (the label-facts index) ─┤
    appraiser (record -> Appraisal, for records stored without one) ─┘

No stage below loads data by itself: they read ``context.vocab``, ``context.pack``, ``context.label_facts``
and query ``context.store``. Synthesis receives only :class:`~rxevidence.models.evidence.Facts` (no store).

Writing the pack into the store happens in exactly one place, :func:`install_pack_into`, called (through
:func:`store_with_pack`) by :func:`build_context` when ``install_pack=True`` (the default for ``ask`` and
``audit``): a writable store gets the curated studies and appraisals of the current pack version once, and
later calls find the version key and write nothing. A read-only store is never written: the context answers
from the pack layered over it in memory (:func:`rxevidence.pack.with_pack`).

Module-level caches (the parsed pack, the shipped vocabulary, the label-facts index, the appraiser's
vocabulary, the tagging vocabulary of the stores, the direction model backend) make a second context cheap;
:func:`reset_caches` empties them all (tests, long-running jobs whose data files were rebuilt).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..appraise import appraise_record
from ..appraise import direction as _direction
from ..appraise import resources as _appraise_resources
from ..labelfacts import load_label_facts, reset_label_facts_cache
from ..models import Appraisal, Record
from ..models.evidence import Facts
from ..pack import Pack, ensure_pack, load_pack, reset_pack_cache, with_pack
from ..store.base import Store
from ..store.concepts import reset_tagging_vocabulary
from ..vocab import Vocabulary, load_vocabulary, reset_vocabulary_cache

#: Turns one record into its automatic appraisal (None when there is nothing to appraise).
Appraiser = Callable[[Record], Appraisal | None]


def default_appraiser(model: str | None = None) -> Appraiser:
    """The automatic appraiser; ``model`` picks the effect-direction backend ("linear", "minilm") for its calls."""
    if model is None or model == _direction.backend():
        return appraise_record

    def appraise_with(record: Record) -> Appraisal | None:
        with _direction.using(model):
            return appraise_record(record)

    return appraise_with


@dataclass
class Context:
    """What ``ask`` and ``audit`` answer from. Build it with :func:`build_context`."""

    store: Store
    facts: Facts
    #: appraises records that have no stored appraisal (stores ingested with ``--no-appraise``); None: skip them
    appraiser: Appraiser | None = field(default=appraise_record)

    @property
    def vocab(self) -> Vocabulary:
        return self.facts.vocab

    @property
    def pack(self) -> Pack:
        return self.facts.pack

    @property
    def label_facts(self) -> Any:
        return self.facts.label_facts


def build_facts(
    *, store: Store | None = None, vocab: Vocabulary | None = None, pack: Pack | None = None,
    label_facts: Any = None,
) -> Facts:
    """The read-only knowledge synthesis needs: the vocabulary (extended by ``store``'s ingested terms), the
    starter pack and the label-facts index (the shipped one unless given)."""
    return Facts(vocab=vocab if vocab is not None else load_vocabulary(store),
                 pack=pack if pack is not None else load_pack(),
                 label_facts=label_facts if label_facts is not None else load_label_facts())


def install_pack_into(store: Store, pack: Pack | None = None) -> bool:
    """THE step that writes the starter pack into a store: its studies as records (where missing) and their
    curated appraisals, once per pack version. True when it wrote. Everything else only reads the store."""
    return ensure_pack(store, pack)


def store_with_pack(store: Store, pack: Pack | None = None) -> Store:
    """The store to answer from, holding the current starter pack: ``store`` itself when it is writable (the
    pack installed into it by :func:`install_pack_into` when missing), else the pack layered over it in memory."""
    if store.writable:
        install_pack_into(store, pack)
        return store
    return with_pack(store, pack)


def build_context(
    store: Store,
    *,
    install_pack: bool = True,
    vocab: Vocabulary | None = None,
    pack: Pack | None = None,
    label_facts: Any = None,
    appraise_on_read: bool = True,
    appraise_model: str | None = None,
) -> Context:
    """Build the context for ``store`` once; pass it to :func:`~rxevidence.pipeline.ask` and ``audit``.

    :param install_pack: make the starter pack part of ``store`` first (see :func:`store_with_pack`: written
        into a writable store, layered in memory over a read-only one).
    :param vocab: a vocabulary to use (default: the shipped one extended with the store's ingested terms).
    :param pack: the starter pack (default: the bundled one).
    :param label_facts: the label-facts index for the regulatory rows and drug panel (default: the shipped one,
        :func:`rxevidence.labelfacts.load_label_facts`).
    :param appraise_on_read: appraise records stored without an appraisal (stores ingested with
        ``--no-appraise``) when a question retrieves them; False leaves them out.
    :param appraise_model: the effect-direction model for those appraisals ("linear", "minilm"; default:
        the current one).
    """
    pack = pack if pack is not None else load_pack()
    if install_pack:
        store = store_with_pack(store, pack)
    facts = build_facts(store=store, vocab=vocab, pack=pack, label_facts=label_facts)
    return Context(store=store, facts=facts, appraiser=default_appraiser(appraise_model) if appraise_on_read else None)


def reset_caches() -> None:
    """Forget every module-level cache: the parsed pack, the shipped vocabulary, the label-facts index, the
    appraiser's vocabulary (and what is built from it), the vocabulary records are tagged with at upsert, and the
    direction backend (back to the default). The next context loads everything afresh."""
    reset_pack_cache()
    reset_vocabulary_cache()
    reset_label_facts_cache()
    _appraise_resources.reset()
    _direction.reset_backend()
    reset_tagging_vocabulary()


__all__ = ["Appraiser", "Context", "build_context", "build_facts", "default_appraiser", "install_pack_into",
           "reset_caches", "store_with_pack"]

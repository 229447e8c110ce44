"""bench/audit_articles.py reads article texts from the bench cache by checksum and skips absent ones with a reason.

The repository holds no publisher text; these tests use short texts written here."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench():  # noqa: ANN202 - the benchmark script, imported as a module
    spec = importlib.util.spec_from_file_location("bench_audit_articles", ROOT / "bench" / "audit_articles.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


OWN_TEXT = "Drug A relieved headache better than placebo in one trial.\n"
CLAIMS = "claims:\n  - text: Drug A relieved headache better than placebo\n    verdict: supported\n"


def _write(part_dir: Path, name: str, body: str) -> None:
    part_dir.mkdir(parents=True, exist_ok=True)
    (part_dir / f"{name}.yaml").write_text("source_url: https://example.org/a\n" + body + CLAIMS, encoding="utf-8")


def test_cached_text_loads_and_missing_or_changed_text_is_skipped_with_reason(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    mod = _bench()
    data, texts = tmp_path / "data", tmp_path / "texts"
    monkeypatch.setattr(mod, "DATA", data)
    monkeypatch.setattr(mod, "TEXTS", texts)
    sha = hashlib.sha256(OWN_TEXT.encode()).hexdigest()
    (texts / "dev").mkdir(parents=True)
    (texts / "dev" / "ok.txt").write_text(OWN_TEXT, encoding="utf-8")
    (texts / "dev" / "changed.txt").write_text(OWN_TEXT + "edited\n", encoding="utf-8")
    _write(data / "dev", "01-ok", f"text_file: dev/ok.txt\ntext_sha256: {sha}\n")
    _write(data / "dev", "02-absent", f"text_file: dev/absent.txt\ntext_sha256: {sha}\n")
    _write(data / "dev", "03-changed", f"text_file: dev/changed.txt\ntext_sha256: {sha}\n")
    _write(data / "dev", "04-inline", "text: |\n  " + OWN_TEXT)
    articles, skipped = mod.load_articles(["dev"])
    assert [a.name for a in articles] == ["01-ok", "04-inline"]
    assert articles[0].text == OWN_TEXT
    assert len(skipped) == 2
    assert "02-absent" in skipped[0] and "not cached" in skipped[0] and "https://example.org/a" in skipped[0]
    assert "03-changed" in skipped[1] and "text_sha256" in skipped[1]


def test_no_article_text_in_the_repository() -> None:
    import yaml

    for path in sorted((ROOT / "bench" / "data" / "audit_articles").glob("*/*.yaml")):
        d = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert "text" not in d, f"{path.name} holds article text: keep it in the bench cache (text_file + text_sha256)"
        assert d.get("text_file") and len(d.get("text_sha256", "")) == 64, path.name

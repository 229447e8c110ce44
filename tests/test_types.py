"""The type checker as part of the suite: `mypy src` (configured in pyproject's [tool.mypy]) reports no errors.

It runs here so that the README's test command, which `.ci/run` runs, checks types too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_src_has_no_errors(tmp_path_factory: pytest.TempPathFactory) -> None:
    api = pytest.importorskip("mypy.api", reason="mypy is in the test extra: pip install -e '.[test]'")
    cache = tmp_path_factory.mktemp("mypy-cache")
    stdout, stderr, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(cache),
                                      str(ROOT / "src")])
    assert status == 0, f"mypy src reported errors:\n{stdout}{stderr}"
    assert "Success" in stdout

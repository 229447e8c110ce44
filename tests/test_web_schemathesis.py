"""Schemathesis against the in-process app, every check on (a bounded run: small max-examples, < 60 s).

The response-schema checks validate real bodies against the response models in the spec; the settings
that say which answers are right for schema-valid input are in ``schemathesis.toml`` (repository root).
The full, unbounded run is ``schemathesis run --checks all`` against ``rxevidence serve`` (docs/http-api.md).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="needs schemathesis (pip install 'rxevidence[test]')")
from hypothesis import HealthCheck, settings  # noqa: E402

from rxevidence.web import WebSettings, create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
_TMP = Path(tempfile.mkdtemp(prefix="rxevidence-schemathesis-"))
APP = create_app(str(_TMP / "st.db"), settings=WebSettings(audit_dir=_TMP / "audits"), audit_processes=False)
_cwd = os.getcwd()
os.chdir(ROOT)  # schemathesis.toml is found from the working directory
try:
    SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
finally:
    os.chdir(_cwd)
ALL_CHECKS = list(schemathesis.checks.CHECKS.get_all())
MAX_EXAMPLES = int(os.environ.get("RXEVIDENCE_SCHEMATHESIS_EXAMPLES", "12"))


@SCHEMA.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    case.call_and_validate(checks=ALL_CHECKS)

"""Helpers for the reliability suite (tests/test_faults_*.py): stores of both backends, small mounts,
CLI runs in a subprocess (so exit codes and stderr are exactly what a script sees)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rxevidence.models import Record, Section

PG_URL = os.environ.get("RXEVIDENCE_TEST_PG", "postgresql://rxevidence:rxevidence@127.0.0.1:5432/rxevidence_test")


def require_postgres():  # noqa: ANN201 - the psycopg module, imported lazily
    """psycopg, once the test PostgreSQL server answers; skip with the reason otherwise."""
    try:
        import psycopg

        import rxevidence.store.postgres  # noqa: F401 - the server extra is installed
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'rxevidence[server]')")
    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except psycopg.Error as e:
        pytest.skip(f"no PostgreSQL server at {PG_URL} ({str(e).strip()[:80]}); .ci/run starts one")
    return psycopg


def fresh_pg() -> str:
    """The test PostgreSQL database, emptied; skip when no server is reachable."""
    psycopg = require_postgres()
    with psycopg.connect(PG_URL, autocommit=True) as c:  # raw SQL: the store may refuse to open (tests)
        c.execute("DROP SCHEMA IF EXISTS public CASCADE")  # every table, whichever migrations made it
        c.execute("CREATE SCHEMA public")
    return PG_URL


def store_url(backend: str, tmp_path: Path) -> str:
    return str(tmp_path / "store" / "s.db") if backend == "sqlite" else fresh_pg()


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``rxevidence ARGS`` in a subprocess, as a script would run it."""
    cmd = [sys.executable, "-c", "from rxevidence.cli import main; main()", *args]
    e = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "100", **(env or {})}
    return subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=timeout, input=stdin)


def assert_one_clean_line(err: str, *needles: str) -> None:
    """stderr is one ``Error: ...`` line holding every needle, and no traceback."""
    assert "Traceback" not in err, err[-2000:]
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, err[-2000:]
    assert lines[0].startswith("Error:"), lines[0]
    for n in needles:
        assert n in lines[0], (n, lines[0])


def trial_study(nct: str, **over: object) -> dict:
    """A small, valid ClinicalTrials.gov v2 study (our own words)."""
    ps = {
        "identificationModule": {"nctId": nct, "briefTitle": f"Diazepam for back pain, trial {nct}"},
        "statusModule": {"overallStatus": "COMPLETED", "startDateStruct": {"date": "2015-03"}},
        "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE2"],
                         "enrollmentInfo": {"count": 60, "type": "ACTUAL"},
                         "designInfo": {"allocation": "RANDOMIZED", "maskingInfo": {"masking": "DOUBLE"}}},
        "conditionsModule": {"conditions": ["Low Back Pain"]},
        "descriptionModule": {"briefSummary": "Diazepam versus placebo for acute low back pain."},
        "armsInterventionsModule": {"interventions": [{"type": "DRUG", "name": "Diazepam"}]},
        "outcomesModule": {"primaryOutcomes": [{"measure": "Pain intensity", "timeFrame": "1 week"}]},
    }
    for path, value in over.items():
        *parents, last = path.split(".")
        d = ps
        for k in parents:
            d = d.setdefault(k, {})
        d[last] = value
    return {"protocolSection": ps}


def ctgov_page(path: Path, studies: list) -> Path:
    path.write_text(json.dumps({"studies": studies, "nextPageToken": "abc"}), encoding="utf-8")
    return path


def article(pmid: int, text: str = "Diazepam reduced pain in a randomised trial.") -> Record:
    return Record(id=f"pmid:{pmid}", kind="article", title=f"Trial {pmid} of diazepam", pmid=str(pmid),
                  sections=[Section(text=text)])


def medline_xml(pmids: list[int], *, corrupt: dict[int, bytes] | None = None) -> bytes:
    """A MedlineCitationSet of tiny citations; ``corrupt`` replaces a citation's title bytes."""
    out = [b'<?xml version="1.0" encoding="UTF-8"?>\n<MedlineCitationSet>\n']
    for p in pmids:
        title = (corrupt or {}).get(p, b"Diazepam trial %d" % p)
        out.append(b'<MedlineCitation Status="MEDLINE"><PMID Version="1">%d</PMID><Article><ArticleTitle>%s'
                   b"</ArticleTitle><Abstract><AbstractText>Diazepam and pain, record %d.</AbstractText></Abstract>"
                   b"</Article></MedlineCitation>\n" % (p, title, p))
    out.append(b"</MedlineCitationSet>\n")
    return b"".join(out)


@contextlib.contextmanager
def tmpfs(path: Path, size: str = "1m", *, ro: bool = False) -> Iterator[Path]:
    """A small tmpfs mounted at ``path`` (skip when this machine cannot mount: not root, no CAP_SYS_ADMIN)."""
    path.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.decode().strip()[:80]})")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextlib.contextmanager
def read_only_view(src: Path, at: Path) -> Iterator[Path]:
    """``src`` (a directory) bind-mounted read-only at ``at``: writes fail with EROFS even for root,
    which chmod cannot achieve. Skips when this machine cannot mount."""
    at.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "--bind", str(src), str(at)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot bind-mount here ({r.stderr.decode().strip()[:80]})")
    try:
        r = subprocess.run(["mount", "-o", "remount,bind,ro", str(at)], capture_output=True)
        if r.returncode != 0:
            pytest.skip(f"cannot remount read-only here ({r.stderr.decode().strip()[:80]})")
        yield at
    finally:
        subprocess.run(["umount", "-l", str(at)], capture_output=True)

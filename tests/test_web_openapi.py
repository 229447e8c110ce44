"""The OpenAPI spec describes the API that runs: response models, the brief schema of docs/, every error
status with the real error body, and the same limits as the handlers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rxevidence.errors import error_body
from rxevidence.web import WebSettings, create_app
from rxevidence.web.core import MAX_AUDIT_CHARS, MAX_QUESTION_CHARS, MAX_SEARCH_CHARS, MAX_SEARCH_LIMIT

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    d = tmp_path_factory.mktemp("openapi")
    app = create_app(str(d / "web.db"), settings=WebSettings(audit_dir=d / "audits"), audit_processes=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def spec(client) -> dict:
    return client.get("/openapi.json").json()


def resolve(node: Any, defs: dict[str, Any], prefix: str) -> Any:
    """``node`` with every local ``$ref`` inlined (to compare schemas written with different ref roots);
    ``"default": null`` is dropped (FastAPI leaves it out; it constrains nothing)."""
    if isinstance(node, dict):
        if "$ref" in node and node["$ref"].startswith(prefix):
            return resolve(defs[node["$ref"][len(prefix):]], defs, prefix)
        return {k: resolve(v, defs, prefix) for k, v in node.items()
                if k != "$defs" and not (k == "default" and v is None)}
    if isinstance(node, list):
        return [resolve(v, defs, prefix) for v in node]
    return node


def op(spec: dict, path: str, method: str = "get") -> dict:
    return spec["paths"][path][method]


def schema_ref(operation: dict, status: str = "200") -> str:
    return operation["responses"][status]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]


def test_every_operation_documents_its_real_response_model(spec):
    expected = {("/api/parse", "get"): "Query", ("/api/ask", "get"): "Brief", ("/api/audit", "post"): "AuditResult",
                ("/api/audit/{audit_id}", "get"): "AuditResult", ("/api/search", "get"): "SearchPage",
                ("/api/records/{record_id}", "get"): "RecordPage"}
    documented = {(p, m) for p, ms in spec["paths"].items() for m in ms}
    assert documented == set(expected)
    for (path, method), model in expected.items():
        assert schema_ref(op(spec, path, method)) == model, path
        assert spec["components"]["schemas"][model]["properties"], model


def test_the_brief_schema_is_docs_brief_schema(spec):
    docs = json.loads((DOCS / "brief.schema.json").read_text())
    comps = spec["components"]["schemas"]
    ours = resolve(comps["Brief"], comps, "#/components/schemas/")
    theirs = resolve(docs, docs["$defs"], "#/$defs/")
    for k in ("$id", "title", "description"):
        ours.pop(k, None)
        theirs.pop(k, None)
    assert ours == theirs


def test_every_error_status_is_documented_with_the_real_body(spec):
    body = spec["components"]["schemas"]["ErrorBody"]
    assert set(body["properties"]) == set(error_body("x", status=400)) and set(body["required"]) >= {"error", "errors"}
    need = {("/api/parse", "get"): {400, 405, 422, 500}, ("/api/ask", "get"): {400, 405, 422, 500},
            ("/api/audit", "post"): {400, 405, 413, 415, 422, 429, 500},
            ("/api/audit/{audit_id}", "get"): {404, 405, 422, 500}, ("/api/search", "get"): {405, 422, 500},
            ("/api/records/{record_id}", "get"): {404, 405, 422, 500}}
    for (path, method), statuses in need.items():
        responses = op(spec, path, method)["responses"]
        for s in statuses:
            assert schema_ref(op(spec, path, method), str(s)) == "ErrorBody", (path, s)
        assert "HTTPValidationError" not in json.dumps(responses), path  # FastAPI's {detail} body is never sent
    assert "Allow" in op(spec, "/api/ask")["responses"]["405"]["headers"]
    assert "Retry-After" in op(spec, "/api/audit", "post")["responses"]["429"]["headers"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def params(operation: dict) -> dict[str, dict]:
    return {p["name"]: p["schema"] for p in operation["parameters"]}


def test_limits_in_the_spec_are_the_servers(spec, client):
    for path in ("/api/ask", "/api/parse"):
        q = params(op(spec, path))["q"]
        assert q["maxLength"] == MAX_QUESTION_CHARS and q["minLength"] == 1
    search = params(op(spec, "/api/search"))
    assert search["q"]["maxLength"] == MAX_SEARCH_CHARS and search["limit"]["maximum"] == MAX_SEARCH_LIMIT
    body = op(spec, "/api/audit", "post")["requestBody"]["content"]
    assert set(body) == {"application/json", "text/plain", "text/markdown", "text/html",
                         "application/x-www-form-urlencoded", "multipart/form-data"}
    assert body["application/json"]["schema"]["properties"]["text"]["maxLength"] == MAX_AUDIT_CHARS
    assert body["text/plain"]["schema"]["x-max-characters"] == MAX_AUDIT_CHARS
    assert body["application/x-www-form-urlencoded"]["schema"]["properties"]["text"]["maxLength"] == MAX_AUDIT_CHARS
    # ... and the server agrees at the boundary
    assert client.get("/api/parse", params={"q": "a" * MAX_QUESTION_CHARS}).status_code == 200
    assert client.get("/api/parse", params={"q": "a" * (MAX_QUESTION_CHARS + 1)}).status_code == 422
    assert client.get("/api/search", params={"q": "pain", "limit": MAX_SEARCH_LIMIT}).status_code == 200
    assert client.get("/api/search", params={"q": "pain", "limit": MAX_SEARCH_LIMIT + 1}).status_code == 422
    big = client.post("/api/audit", content=("x" * (MAX_AUDIT_CHARS + 1)).encode(), headers={"content-type": "text/plain"})
    assert big.status_code == 413


def test_real_bodies_validate_against_the_spec(spec, client):
    import jsonschema

    comps = spec["components"]["schemas"]
    bodies = {"Brief": client.get("/api/ask", params={"q": "Does Lyrica help sciatica?"}).json(),
              "Query": client.get("/api/parse", params={"q": "tylenol or advil for a headache"}).json(),
              "SearchPage": client.get("/api/search", params={"q": "pain", "limit": 5}).json(),
              "RecordPage": client.get("/api/records/pmid:28187918").json(),
              "AuditResult": client.post("/api/audit", json={"text": "Diazepam is effective for sciatica."}).json(),
              "ErrorBody": client.get("/api/records/pmid:1").json()}
    for name, body in bodies.items():
        jsonschema.validate(body, resolve(comps[name], comps, "#/components/schemas/"))


def test_docs_assets_are_served_locally(client):
    html = client.get("/docs").text
    assert "cdn." not in html and "https://" not in html
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs-assets/redoc.standalone.js").status_code == 200
    assert "https://" not in client.get("/redoc").text
    csp = client.get("/docs").headers["content-security-policy"]
    assert "script-src 'self';" in csp and "cdn" not in csp


def test_openapi_json_in_docs_is_current(spec):
    path = DOCS / "openapi.json"
    assert path.exists(), "run python scripts/gen_docs.py"
    assert json.loads(path.read_text())["paths"] == spec["paths"]

"""The HTTP API: the same answers, diagnostics and identity as the command line."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from lexlux.cli import run
from lexlux.serve.workbench import Workbench

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "dismissal-during-sickness.case.yaml"


def cli_json(*argv: str) -> dict[str, object]:
    import io
    out, err = io.StringIO(), io.StringIO()
    run([*argv, "--format", "json"], out, err)
    result: dict[str, object] = json.loads(out.getvalue())
    return result


def test_evaluate_gives_the_command_lines_answer_and_explanation(client: TestClient) -> None:
    response = client.post("/api/v1/evaluate", json={"case": EXAMPLE.read_text(),
                                                     "outputs": ["dismissal_sanction"]})
    assert response.status_code == 200
    data = response.json()["data"]
    expected = cli_json("eval", str(EXAMPLE), "--output", "dismissal_sanction")
    got = data["outputs"]["dismissal_sanction"]
    assert got["value"] == "abusive"   # L.121-6 (3) al. 4, 002 line 3889
    want = expected["outputs"]["dismissal_sanction"]  # type: ignore[index]
    assert got["explanation"] == want["explanation"]
    tree = got["explanation_tree"][0]
    assert tree["citation"]["article"] == "L.121-6"
    assert tree["relies_on"][0]["output"] == "act_banned"
    assert tree["relies_on"][0]["nodes"][0]["rule"] == "lu.code_du_travail.L121-6.p3.a1"


def test_a_case_may_be_sent_as_json(client: TestClient) -> None:
    import yaml
    case = yaml.safe_load(EXAMPLE.read_text())
    response = client.post("/api/v1/evaluate", json={"case": case,
                                                     "outputs": ["dismissal_sanction"],
                                                     "explain": False})
    assert response.status_code == 200
    output = response.json()["data"]["outputs"]["dismissal_sanction"]
    assert output["value"] == "abusive" and "explanation" not in output


def test_law_as_of_and_as_of_are_honoured(client: TestClient) -> None:
    case = (REPO / "examples" / "long-illness-2027.case.yaml").read_text()
    response = client.post("/api/v1/evaluate", json={
        "case": case, "outputs": ["sickness_benefit_limit_reached_on"],
        "law_as_of": "2018-06-01"})
    assert response.status_code == 200, response.json()
    assert response.json()["data"]["law_as_of"] == "2018-06-01"


def test_every_answer_carries_the_engine_version_and_the_kb_hash(
        client: TestClient, workbench: Workbench) -> None:
    response = client.get("/api/v1")
    body = response.json()
    assert body["kb_hash"] == workbench.kb_hash and len(body["kb_hash"]) == 64
    assert response.headers["x-lexlux-kb-hash"] == workbench.kb_hash
    assert response.headers["x-lexlux-version"] == body["engine_version"]
    assert client.get("/").headers["x-lexlux-kb-hash"] == workbench.kb_hash


def test_a_bad_case_is_a_422_with_the_diagnostic_located_in_the_submitted_text(
        client: TestClient) -> None:
    case = "case: An employee\njurisdiction: lu\nas_of: \"2019-05-01\"\nfacts:\n" \
           "  incapacity_strat: \"2019-03-04\"\n"
    response = client.post("/api/v1/evaluate", json={"case": case})
    assert response.status_code == 422
    diagnostic = response.json()["diagnostics"][0]
    assert diagnostic["code"] == "LX314"
    assert (diagnostic["file"], diagnostic["line"]) == ("<submitted case>", 5)
    assert "incapacity_start" in (diagnostic["hint"] or "") + diagnostic["message"]


def test_an_unknown_output_is_lx404_with_did_you_mean(client: TestClient) -> None:
    response = client.post("/api/v1/evaluate", json={"case": EXAMPLE.read_text(),
                                                     "outputs": ["dismissal_sanctoin"]})
    assert response.status_code == 422
    diagnostic = response.json()["diagnostics"][0]
    assert diagnostic["code"] == "LX404" and "dismissal_sanction" in diagnostic["hint"]


def test_an_unknown_field_in_the_request_is_refused(client: TestClient) -> None:
    response = client.post("/api/v1/evaluate", json={"case": "x", "path": "/etc/passwd"})
    assert response.status_code == 422


def test_a_body_larger_than_the_limit_is_refused(client: TestClient) -> None:
    response = client.post("/api/v1/evaluate", content=b"{" + b" " * 300_000 + b"}",
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "LX800"


def test_whatif_shows_what_changes_and_the_first_reason(client: TestClient) -> None:
    response = client.post("/api/v1/whatif", json={
        "case": EXAMPLE.read_text(), "set": {"certificate_received_on": "2019-03-08"},
        "outputs": ["certificate_in_time", "dismissal_sanction"]})
    assert response.status_code == 200
    changes = {c["output"]: c for c in response.json()["data"]["changes"]}
    # L.121-6 (2): the certificate is due on the third day of absence (002 lines 3862-3863)
    assert changes["certificate_in_time"]["before"] is True
    assert changes["certificate_in_time"]["after"] is False
    assert "certificate_received_on" in changes["certificate_in_time"]["divergence"]


def test_rules_and_parameters_with_their_history(client: TestClient) -> None:
    rules = client.get("/api/v1/rules").json()["data"]
    assert any(r["id"] == "lu.code_du_travail.L121-6.p3.a1" for r in rules)
    rule = client.get("/api/v1/rules/lu.code_du_travail.L121-6.p3.a1").json()["data"]
    assert rule["versions"][0]["sources"][0]["file"].startswith("002_")
    assert rule["scenarios"], "the rule page lists the scenarios that name the rule"
    limit = client.get("/api/v1/parameters/lu.sickness_benefit.max_weeks").json()["data"]
    # CSS art. 14: 52 weeks, 78 weeks from 1 January 2019 (001), as days
    values = [(h["from"], h["value"]) for h in limit["history"]]
    assert ("2019-01-01", {"days": 78 * 7}) in values
    assert (values[-2][1], values[-1][1]) == ({"days": 52 * 7}, {"days": 78 * 7})


def test_an_unknown_rule_is_a_404_with_did_you_mean(client: TestClient) -> None:
    response = client.get("/api/v1/rules/lu.code_du_travail.L121-6.p3.a9")
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "LX801" and "did you mean" in body["diagnostics"][0]["hint"]


def test_coverage_open_questions_and_search(client: TestClient) -> None:
    coverage = client.get("/api/v1/coverage").json()["data"]
    assert any(doc["instrument"] for doc in coverage)
    questions = client.get("/api/v1/open-questions").json()["data"]
    assert any(q["id"] == "OQ-CT1" for q in questions)
    hits = client.get("/api/v1/search", params={"q": "L.121-6"}).json()["data"]
    assert any(h["kind"] == "rule" and "L121-6" in h["id"] for h in hits)


def test_cors_is_off_unless_configured(client: TestClient, workbench: Workbench) -> None:
    from lexlux.serve.app import create_app
    from lexlux.serve.settings import Settings
    response = client.get("/api/v1", headers={"origin": "http://example.test"})
    assert "access-control-allow-origin" not in response.headers
    allowed = TestClient(create_app(workbench, Settings(cors_origins=("http://a.test",))))
    response = allowed.get("/api/v1", headers={"origin": "http://a.test"})
    assert response.headers["access-control-allow-origin"] == "http://a.test"


def test_the_committed_openapi_description_is_up_to_date(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    committed = json.loads((REPO / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert spec == committed, "run: python -m lexlux.serve.openapi > docs/openapi.json"
    assert {"/api/v1/evaluate", "/api/v1/whatif", "/api/v1/rules/{rule_id}",
            "/api/v1/parameters/{parameter_id}"} <= set(spec["paths"])


def test_needs_lists_the_facts_still_asked_for(client: TestClient) -> None:
    case = (REPO / "examples" / "incomplete-dismissal.case.yaml").read_text()
    response = client.post("/api/v1/needs", json={"case": case,
                                                  "outputs": ["dismissal_sanction"]})
    assert response.status_code == 200
    asked = response.json()["data"]["outputs"]["dismissal_sanction"]
    assert asked["status"] == "missing" and "certificate_received_on" in asked["facts"]
    static = client.post("/api/v1/needs", json={"outputs": ["certificate_in_time"]}).json()
    # L.121-6 (2): the deadline counts from the first day of absence (002 lines 3862-3863)
    assert static["data"]["outputs"]["certificate_in_time"]["facts"] == [
        "absence_start", "certificate_received_on"]
    assert client.post("/api/v1/needs", json={"outputs": ["nope"]}).status_code == 422

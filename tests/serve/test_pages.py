"""The explorer's pages, served in-process: every rule and parameter has a page that renders."""

from __future__ import annotations

from fastapi.testclient import TestClient
from lexlux.serve.workbench import Workbench


def test_every_rule_and_parameter_page_renders(client: TestClient, workbench: Workbench) -> None:
    for rule_id in workbench.kb.rules:
        response = client.get(f"/rules/{rule_id}")
        assert response.status_code == 200, rule_id
        assert rule_id in response.text
    for parameter_id in workbench.kb.parameters:
        assert client.get(f"/parameters/{parameter_id}").status_code == 200, parameter_id


def test_the_rule_page_shows_versions_sources_parameters_and_links(client: TestClient) -> None:
    html = client.get("/rules/lu.code_securite_sociale.art-014.p2").text
    assert "lu.sickness_benefit.max_weeks" in html            # its parameter, linked
    assert 'href="/parameters/lu.sickness_benefit.max_weeks"' in html
    assert "001_" in html or "002_" in html                    # the cited source file
    assert 'class="timeline"' in html


def test_a_parameter_page_reads_as_a_drafter_writes(client: TestClient) -> None:
    html = client.get("/parameters/lu.sickness_benefit.max_weeks").text
    # CSS art. 14 (2): 52 weeks, then 78 weeks from 2019-01-01 (001)
    assert "364 days (52 weeks)" in html and "546 days (78 weeks)" in html
    assert "<svg" in html


def test_french_labels(workbench: Workbench) -> None:
    from lexlux.serve.app import create_app
    from lexlux.serve.settings import Settings
    french = TestClient(create_app(workbench, Settings(lang="fr")))
    html = french.get("/").text
    assert '<html lang="fr">' in html and "Explorateur du droit" in html


def test_search_and_unknown_pages(client: TestClient) -> None:
    assert "L121-6" in client.get("/search", params={"q": "L.121-6 résiliation"}).text
    missing = client.get("/rules/lu.code_du_travail.L121-66")
    assert missing.status_code == 404


def test_the_open_questions_page_links_to_the_rules(client: TestClient) -> None:
    html = client.get("/questions").text
    assert 'id="OQ-CT1"' in html
    assert 'href="/rules/lu.code_du_travail.L121-6.p3.a2.s1"' in html


def test_with_the_sources_folder_a_rule_page_quotes_the_lines_around_the_excerpt(
        workbench: Workbench) -> None:
    from pathlib import Path

    import pytest
    from lexlux.serve.app import create_app
    from lexlux.serve.workbench import Workbench as Bench
    sources = Path(__file__).resolve().parents[3] / "shared" / "sources"
    if not sources.is_dir():
        pytest.skip("../shared/sources is not beside the project")
    with_sources = Bench(workbench.loaded, scenarios_dir=workbench.scenarios_dir,
                         sources_dir=sources)
    html = TestClient(create_app(with_sources)).get(
        "/rules/lu.code_du_travail.L121-6.p3.a1").text
    # 002 lines 3865-3868: the cited lines, the excerpt marked within them
    assert '<span class="n">3866</span>' in html
    assert "<mark>vingt-six semaines au plus" in html


def test_the_rule_page_draws_its_dependency_graph_with_links(client: TestClient,
                                                             workbench: Workbench) -> None:
    rule = "lu.code_du_travail.L121-6.p3.a1"
    html = client.get(f"/rules/{rule}").text
    svg = html[html.index('<svg class="dep-graph"'):]
    svg = svg[:svg.index("</svg>")]
    # it reads certificate_in_time (L.121-6 (2)); L.121-6 (3) al. 4 reads act_banned from it
    assert 'href="/rules/lu.code_du_travail.L121-6.p2"' in svg
    assert 'href="/rules/lu.code_du_travail.L121-6.p3.a4"' in svg
    assert "certificate_in_time" in svg and "act_banned" in svg
    assert workbench.neighbours(rule, "in") == ["lu.code_du_travail.L121-6.p2"]


def test_without_graphviz_the_graph_is_drawn_here_with_the_same_links(
        workbench: Workbench) -> None:
    from lexlux.serve.graph_view import graph_svg
    rule = "lu.code_du_travail.L121-6.p3.a1"
    graph = workbench.rule_graph()
    svg = graph_svg(rule, graph, lambda r: f"/rules/{r}", lambda r: r, use_dot=False)
    links = {*graph.depends_on(rule), *graph.used_by(rule)}
    assert len(links) >= 3
    for other in links:
        assert f'href="/rules/{other}"' in svg
    assert svg.count("<line") == len(links)


def test_the_rule_page_shows_the_audit_findings_with_witness_and_reason(
        client: TestClient) -> None:
    rule = "lu.code_securite_sociale.art-014bis"
    assert "has not run in this server" in client.get(f"/rules/{rule}").text
    data = client.post("/api/v1/verify", json={"checks": ["hierarchy"], "rule": rule}).json()
    accepted = [f for f in data["data"]["findings"] if f["accepted"]]
    assert accepted, data                       # LX502-ac22290b37 in audit/accepted.yaml
    html = client.get(f"/rules/{rule}").text
    assert f'id="{accepted[0]["fingerprint"]}"' in html
    assert "lex superior" in html               # the reason it is accepted
    assert accepted[0]["witness"] is not None and "witness case" in html
    from markupsafe import escape
    assert escape(accepted[0]["witness"]["yaml"].splitlines()[0]) in html
    assert "checks run: hierarchy" in html
    unknown = client.post("/api/v1/verify", json={      # a question Z3 is asked
        "checks": ["dead"], "rule": "lu.code_securite_sociale.art-013", "rlimit": 1}).json()
    assert unknown["data"]["summary"]["unknown"] >= 1
    html = client.get("/rules/lu.code_securite_sociale.art-013").text
    assert 'class="finding problem"' in html and "LX510" in html

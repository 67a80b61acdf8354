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

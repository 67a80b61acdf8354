"""The explorer and the playground in a real browser (Chromium driven by Playwright).

Needs Chromium: `apt-get install chromium` (Debian), or set LEXLUX_CHROMIUM to its path.
Without one these tests are skipped with that message — except under CI (the variable CI is
set), where a missing browser is a failure.  With LEXLUX_SCREENSHOTS=DIR the main pages are
saved there (docs/screenshots/ holds the ones shown in the docs).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LEXLUX_CHROMIUM") or shutil.which("chromium") \
    or shutil.which("chromium-browser")
if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI: the browser tests need Chromium (apt-get install chromium)")
    pytest.skip("no Chromium: apt-get install chromium (or set LEXLUX_CHROMIUM) to run the "
                "browser tests", allow_module_level=True)

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def page(live_server: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(base_url=live_server, viewport={"width": 1280,
                                                                      "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def screenshot(page: Any, name: str) -> None:
    folder = os.environ.get("LEXLUX_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def test_the_explorer_lists_the_instruments_and_opens_a_rule(page: Any) -> None:
    page.goto("/")
    expect = sync_api.expect
    expect(page.get_by_role("heading", name="Law explorer")).to_be_visible()
    expect(page.get_by_role("heading", name="Code du travail (lu)")).to_be_visible()
    screenshot(page, "explorer")
    page.goto("/rules/lu.code_du_travail.L121-6.p3.a1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("L.121-6")
    # the cited passages of the law beside the encoded version (002 lines 3865-3868)
    expect(page.locator("article.version").first).to_contain_text("vingt-six semaines")
    screenshot(page, "rule")


def test_a_parameter_page_charts_its_values_over_time(page: Any) -> None:
    page.goto("/parameters/lu.sickness_benefit.max_weeks")
    sync_api.expect(page.locator("svg.chart")).to_be_visible()
    sync_api.expect(page.locator("table.history")).to_contain_text("2019-01-01")
    screenshot(page, "parameter")


def test_search_finds_a_rule_by_article(page: Any) -> None:
    page.goto("/")
    page.get_by_role("searchbox", name="Search").fill("L.121-6")
    page.get_by_role("button", name="Search").click()
    sync_api.expect(page.get_by_role("link", name="Code du travail, art. L.121-6, "
                                                 "paragraph (3), alinéa 4")).to_be_visible()


def test_a_case_is_evaluated_and_its_explanation_expands(page: Any) -> None:
    page.goto("/playground")
    page.get_by_label("Load an example").select_option("dismissal-during-sickness.case.yaml")
    page.get_by_label("output").fill("dismissal_sanction")
    page.get_by_role("button", name="Evaluate").click()
    answer = page.locator("article[data-output=dismissal_sanction]")
    sync_api.expect(answer.locator(".value")).to_have_text("abusive")
    summary = answer.locator("details.explain > summary").first
    summary.click()
    sync_api.expect(answer.locator("blockquote").first).to_contain_text("abusive")
    screenshot(page, "playground")


def test_the_payer_chart_of_the_ccss_worked_example(page: Any) -> None:
    # 002 lines 1396-1421: the employer pays until the 77th day (April 2009), then the CNS;
    # under the statute's reading (default) the CNS still pays in March 2010 (OQ-CT1)
    page.goto("/playground")
    page.get_by_label("Load an example").select_option("ccss-worked-example.case.yaml")
    page.get_by_label("output").fill("monthly_payer")
    page.get_by_role("button", name="Evaluate").click()
    chart = page.locator("#payer-chart")
    sync_api.expect(chart.locator("td[data-month='2009-04']")).to_have_class("payer-employer")
    sync_api.expect(chart.locator("td[data-month='2009-05']")).to_have_class("payer-cns")
    sync_api.expect(chart.locator("td[data-month='2010-03']")).to_have_class("payer-cns")
    sync_api.expect(chart.locator("td[data-month='2010-04']")).to_have_class("payer-employer")
    screenshot(page, "payer-chart")
    page.get_by_label("reading").fill("ccss_worked_example")
    page.get_by_role("button", name="Evaluate").click()
    sync_api.expect(chart.locator("td[data-month='2010-03']")).to_have_class("payer-employer")


def test_a_whatif_shows_the_change_and_its_reason(page: Any) -> None:
    page.goto("/playground")
    page.get_by_label("Load an example").select_option("dismissal-during-sickness.case.yaml")
    page.get_by_role("button", name="Evaluate").click()
    page.get_by_label("change a fact").fill("certificate_received_on=2019-03-08")
    page.get_by_role("button", name="Compare").click()
    result = page.locator("#whatif-result")
    sync_api.expect(result).to_contain_text("certificate_in_time: true → false")
    sync_api.expect(result).to_contain_text("certificate_received_on")


def test_the_ban_is_drawn_against_the_incapacity(page: Any) -> None:
    # L.121-6 (3): the ban runs from the onset and ends with the incapacity (at most 26 weeks)
    page.goto("/playground")
    page.get_by_label("Load an example").select_option("dismissal-during-sickness.case.yaml")
    page.get_by_label("output").fill("dismissal_ban")
    page.get_by_role("button", name="Evaluate").click()
    chart = page.locator("#periods-chart")
    ban = chart.locator("rect[data-output=dismissal_ban]")
    sync_api.expect(ban).to_have_attribute("data-from", "2019-03-04")
    sync_api.expect(ban).to_have_attribute("data-to", "2019-04-30")
    sync_api.expect(chart.locator("rect[data-output=incapacity]")).to_have_attribute(
        "data-to", "2019-04-30")
    screenshot(page, "ban-chart")


def test_a_case_built_in_the_event_form_is_evaluated(page: Any) -> None:
    # the timeline twin of examples/dismissal-during-sickness.case.yaml, built field by field:
    # a dismissal letter received during the incapacity is abusive (L.121-6 (3) al. 4)
    page.goto("/playground")
    page.locator("#ev-as-of").fill("2019-05-01")

    def add(kind: str, values: dict[str, str]) -> None:
        page.locator("#ev-type").select_option(kind)
        page.get_by_role("button", name="Add an event").click()
        row = page.locator(f".event-row[data-type={kind}]").last
        for name, value in values.items():
            field = row.locator(f"[data-field={name}]")
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
    add("incapacity", {"from": "2019-03-04", "to": "2019-04-30", "cause": "sickness"})
    add("employer_informed", {"date": "2019-03-04", "by": "employee", "to": "employer",
                              "channel": "phone"})
    add("certificate", {"kind": "initial", "covers_from": "2019-03-04",
                        "covers_to": "2019-04-30", "received_by_employer": "2019-03-06"})
    add("letter", {"kind": "dismissal", "sent": "2019-04-15", "received": "2019-04-15",
                   "channel": "hand_delivery"})
    page.get_by_label("output").fill("dismissal_sanction")
    page.get_by_role("button", name="Build the case").click()
    answer = page.locator("article[data-output=dismissal_sanction]")
    sync_api.expect(answer.locator(".value")).to_have_text("abusive")
    written = page.locator("#case-yaml").input_value()      # the case, shown as YAML
    assert "events:" in written and '- {type: letter, kind: "dismissal"' in written
    assert 'as_of: "2019-05-01"' in written
    screenshot(page, "event-form")


def test_the_104_week_window_chart(page: Any) -> None:
    # examples/half-time-2017: the 52-week limit (364 days, CSS art. 14 (2) before 2019) is
    # reached on 2018-08-25, the half-time days of 2017 counting half (statuts art. 169 al. 3)
    page.goto("/playground")
    page.get_by_label("Load an example").select_option("half-time-2017.case.yaml")
    page.get_by_label("output").fill("sickness_benefit_limit_reached_on")
    page.get_by_role("button", name="Evaluate").click()
    chart = page.locator("#window-chart svg.window-chart")
    sync_api.expect(chart).to_be_visible()
    sync_api.expect(chart.locator("rect.counted")).to_have_count(104)
    sync_api.expect(chart.locator("line.limit")).to_have_attribute("data-limit", "364")
    sync_api.expect(chart.locator("rect[data-week='104']")).to_have_attribute(
        "data-counted", "364")
    sync_api.expect(page.locator("#window-caption")).to_contain_text(
        "the limit is reached on 2018-08-25")
    page.locator("#window").scroll_into_view_if_needed()
    screenshot(page, "window-chart")


def test_the_dependency_graph_links_navigate(page: Any) -> None:
    page.goto("/rules/lu.code_du_travail.L121-6.p3.a1")
    graph = page.locator("svg.dep-graph")
    sync_api.expect(graph).to_be_visible()
    graph.scroll_into_view_if_needed()
    screenshot(page, "rule-graph")
    graph.locator("a").filter(has_text="lu.code_du_travail.L121-6.p2").first.click()
    page.wait_for_url("**/rules/lu.code_du_travail.L121-6.p2")
    sync_api.expect(page.get_by_role("heading", level=1)).to_contain_text("L.121-6")
    sync_api.expect(page.locator("svg.dep-graph")).to_be_visible()

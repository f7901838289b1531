"""The operator pages render declared services, traffic classes and `numbers` rows."""

from __future__ import annotations

from compiler.check import check_text
from compiler.gen_docs import operator_pages
from tests.services.spec import SPEC


def test_prices_page_lists_services_and_prefix_rows() -> None:
    tariff, _ = check_text(SPEC, "demo.tariff")
    out = operator_pages(tariff)
    text = next(v for k, v in out.items() if k.endswith("prices.md"))
    assert "## Services and traffic classes" in text
    assert "| Premium |  | time | At home, for numbers starting with +4490; except +449099 |" in text
    assert "| UK landline | Calls to UK landlines | time |" in text
    assert "numbers +4479" in text and "0.70" in text

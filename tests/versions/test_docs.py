"""The operator pages of a dated spec say when each version is in force (issue 10)."""

from __future__ import annotations

from compiler.gen_docs import operator_pages


def test_pages_show_each_versions_days(dated_tariff):
    pages = operator_pages(dated_tariff)
    prices = next(text for path, text in pages.items() if path.endswith("en/prices.md"))
    passes = next(text for path, text in pages.items() if path.endswith("en/passes.md"))
    # babel's English medium dates
    assert "In force until Dec 31, 2026." in prices and "In force from Jan 1, 2027." in prices
    # each heading's line comes before its own table: 119.90 under the first, 129.90 the second
    assert prices.index("In force until") < prices.index("119.90 RSD/min") \
        < prices.index("In force from") < prices.index("129.90 RSD/min")
    assert "- In force from Jan 1, 2027 until Jan 31, 2027." in passes

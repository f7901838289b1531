"""`tariffc fmt` and `tariffc diff` know the constructs of issue 10 (declared services,
`numbers` destinations, money names)."""

from __future__ import annotations

from pathlib import Path

from compiler.check import check_paths
from compiler.diff import diff_tariffs
from compiler.fmt import format_text
from tests.services.spec import SPEC


def test_fmt_keeps_the_spec_and_is_stable() -> None:
    once = format_text(SPEC, "demo.tariff")
    twice = format_text(once.text, "demo.tariff")
    assert once.text == twice.text
    assert "| outgoing call     | numbers +4479 | 0.70 GBP/min  |" in once.text
    assert "currency GBP minor p" in once.text and "| \"MMS by APN\"      | any" in once.text


def _diff(tmp_path: Path, old: str, new: str) -> list[str]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a/demo.tariff").write_text(SPEC, encoding="utf-8")
    assert SPEC.count(old) == 1, old
    (tmp_path / "b/demo.tariff").write_text(SPEC.replace(old, new), encoding="utf-8")
    a, b = check_paths([str(tmp_path / "a")]), check_paths([str(tmp_path / "b")])
    assert not a.errors and not b.errors, a.errors + b.errors
    return [c.text for c in diff_tariffs(a.tariffs, b.tariffs)]


def test_diff_shows_a_changed_class_prefix(tmp_path: Path) -> None:
    texts = _diff(tmp_path, "  not numbers +449099\n", "  not numbers +449099, +449098\n")
    assert any("Premium" in t and "+449098" in t for t in texts), texts


def test_diff_shows_a_new_service_and_a_prefix_price(tmp_path: Path) -> None:
    texts = _diff(tmp_path, "| outgoing call     | numbers +4479 | 0.70 GBP/min  |",
                  "| outgoing call     | numbers +4479 | 0.75 GBP/min  |")
    assert any("0.70" in t and "0.75" in t for t in texts), texts

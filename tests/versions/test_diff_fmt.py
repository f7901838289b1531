"""`tariffc diff` and `tariffc fmt` know effective dates (issue 10)."""

from __future__ import annotations

import shutil
from pathlib import Path

from compiler.check import check_paths
from compiler.diff import diff_tariffs
from compiler.fmt import format_text
from tests.cli.conftest import SPECS
from tests.versions.conftest import DATED

TABLE_HEAD = 'roaming prices "Standardna roming tarifa" {\n'


def dated_copy(tmp_path: Path) -> Path:
    """The shipped specs, with the standard roaming table ending on 2026-12-31 and a copy
    of it from 2027-01-01 in which Zona 1's outgoing call costs 129,90 instead of 119,90."""
    dst = tmp_path / "specs"
    shutil.copytree(SPECS, dst)
    path = dst / "telenor_rs/roaming.tariff"
    text = path.read_text(encoding="utf-8")
    start = text.index(TABLE_HEAD)
    block = text[start:text.index("\n}\n", start) + 3]
    old = block.replace(TABLE_HEAD, TABLE_HEAD + "  until 2026-12-31\n")
    new = block.replace(TABLE_HEAD, TABLE_HEAD + "  valid from 2027-01-01\n").replace(
        "| Zona 1                            | 119,90 ", "| Zona 1                            | 129,90 ")
    path.write_text(text.replace(block, old + "\n" + new), encoding="utf-8")
    return dst


def test_a_dated_price_change_is_one_dated_line(tmp_path):
    a, b = check_paths([str(SPECS)]), check_paths([str(dated_copy(tmp_path))])
    assert not a.errors and not b.errors, b.errors
    texts = [c.text for c in diff_tariffs(a.tariffs, b.tariffs)]
    # (129,90 - 119,90) / 119,90 = 8,34 %
    assert texts == ["From 2027-01-01: Zona 1, outgoing call: 119,90 -> 129,90 RSD/min (+8,3 %)"]


def test_the_same_dated_specs_have_no_changes(tmp_path):
    b = check_paths([str(dated_copy(tmp_path))])
    assert diff_tariffs(b.tariffs, b.tariffs) == []


def test_withdrawing_a_pass_after_a_day_is_a_dated_removal(tmp_path):
    dst = tmp_path / "specs"
    shutil.copytree(SPECS, dst)
    path = dst / "telenor_rs/passes.tariff"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('pass "Putni paket 7" {\n',
                                 'pass "Putni paket 7" {\n  until 30.06.2027\n'), encoding="utf-8")
    a, b = check_paths([str(SPECS)]), check_paths([str(dst)])
    assert not b.errors, b.errors
    assert [c.text for c in diff_tariffs(a.tariffs, b.tariffs)] == [
        "From 2027-07-01: removed Putni paket 7"]


def test_fmt_keeps_validity_lines_and_aligns_the_tables():
    text = (DATED / "operator.tariff").read_text(encoding="utf-8")
    assert format_text(text).text == text
    messy = text.replace("  valid from 2027-01-01\n", "    valid   from   2027-01-01\n")
    assert messy != text and format_text(messy).text == text

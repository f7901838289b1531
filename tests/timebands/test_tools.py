"""Time bands through the tools (issue 10): golden vectors on the compiled module, adequacy
of band mutants, `tariffc diff`, `tariffc fmt` and the operator pages."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from compiler import adequacy
from compiler.check import check_paths
from compiler.diff import diff_tariffs
from compiler.fmt import format_text
from compiler.gen_docs import operator_pages
from compiler.vectors import vectors
from tests.timebands.conftest import BANDED
from tests.versions.conftest import assert_module_meets_vectors, loaded_vectors


@pytest.fixture(scope="module")
def recorded(banded_tariff):
    return vectors(banded_tariff)


def test_the_banded_module_meets_every_vector(banded_tariff, recorded):
    assert "time_bands" in recorded
    assert_module_meets_vectors(banded_tariff, recorded)


def test_the_edge_vector_is_what_the_spec_says(recorded):
    v = next(v for v in recorded["time_bands"] if v["name"] == "band peak edges")
    charges = [Decimal(e["expect"]["charge"]) for e in v["events"]]
    # SMS 3,00; 06:59:59 for 61 s: 1 s off-peak (6,00/min), 119 s peak (12,00/min); 07:00: 2 min
    # peak; SMS; 18:59:59: 1 s peak, 119 s off-peak; 19:00: 2 min off-peak
    expected = [3, Decimal(6) / 60 + Decimal(12) * 119 / 60, 24, 3,
                3, Decimal(12) / 60 + Decimal(6) * 119 / 60, 12, 3]
    assert charges == [Decimal(x).quantize(Decimal("0.01")) for x in expected]


def test_the_dst_nights_are_in_the_vectors(recorded):
    names = {v["name"] for v in recorded["time_bands"]}
    assert {"DST night 2026-03-29", "DST night 2026-10-25"} <= names
    back = next(v for v in recorded["time_bands"] if v["name"] == "DST night 2026-10-25")
    # the repeated hour: two events at 02:00 local, one CEST (+02:00), one CET (+01:00)
    assert [e["at"] for e in back["events"]][4] == "2026-10-25T02:00:00+02:00"
    assert [e["at"] for e in back["events"]][6] == "2026-10-25T02:00:00+01:00"


def test_adequacy_kills_every_band_mutant(banded_tariff, recorded):
    loaded = loaded_vectors(recorded)
    banded = {(m.what, m.where) for m in adequacy.mutants(banded_tariff)
              if type(m.old).__name__ in ("BandRule", "TimeBands")}
    # peak: 2 edges x 4 shifts + days (3 dropped); night: the same; holidays: 1 rule's days and
    # 2 dates dropped; crossing split -> start
    assert len(banded) >= 20
    report = adequacy.run(banded_tariff, loaded)
    survivors = [m for m in report.survivors if (m.what, m.where) in banded]
    assert not survivors, report.text()


def changes(tmp_path, old: str, new: str) -> list[str]:
    """The diff from the banded spec to a copy with `old` replaced by `new`."""
    dst = tmp_path / "banded"
    shutil.copytree(BANDED, dst)
    path = dst / "operator.tariff"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    a, b = check_paths([str(BANDED)]), check_paths([str(dst)])
    assert not b.errors, b.errors
    return [c.text for c in diff_tariffs(a.tariffs, b.tariffs)]


def test_a_band_price_change_is_one_line(tmp_path):
    texts = changes(tmp_path, "12,00 RSD/min", "13,00 RSD/min")
    # (13 - 12) / 12 = 8,33 %
    assert texts == ["In band peak: Any, outgoing call: 12,00 -> 13,00 RSD/min (+8,3 %)"]


def test_a_band_edge_change_is_shown(tmp_path):
    texts = changes(tmp_path, "07:00-19:00", "08:00-19:00")
    assert "Time bands: new band peak on mon, tue, wed, thu, fri 08:00-19:00" in texts
    assert "Time bands: removed band peak on mon, tue, wed, thu, fri 07:00-19:00" in texts


def test_fmt_writes_time_ranges_without_spaces():
    text = (BANDED / "operator.tariff").read_text(encoding="utf-8")
    assert format_text(text).text == text
    spaced = text.replace("07:00-19:00", "07:00 - 19:00")
    assert spaced != text and format_text(spaced).text == text


def test_pages_show_the_bands(banded_tariff):
    prices = operator_pages(banded_tariff)["en/prices.md"]
    assert "## Time bands" in prices
    assert "| peak | mon, tue, wed, thu, fri | 07:00-19:00 |" in prices
    assert "Holidays: Jan 1, 2027, Jan 7, 2027." in prices
    assert prices.count("Prices in band peak.") == 1

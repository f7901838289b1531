"""The vectorised kernel equals the compiled runtime row for row (issue 11)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cdr.conftest import ROOT, actual, engine, expected, rate_rows, vector_rows

from runtime.cdr.rater import decimals


# every compiled operator, so a new one (or a new rating construct in a shipped spec) is
# compared with the runtime as soon as it is built
OPERATORS = sorted(p.name for p in (ROOT / "generated").iterdir() if (p / "vectors").is_dir())


@pytest.mark.parametrize("operator", OPERATORS)
def test_golden_vector_usage_row_for_row(operator):
    eng = engine(operator)
    rows = vector_rows(operator)
    out, counts = rate_rows(eng, rows, batch_rows=97)
    assert counts["in"] == len(rows) == counts["rated"] + counts["refused"] + counts["rejected"]
    assert sorted(out) == list(range(1, len(rows) + 1))
    for i, row in enumerate(rows, 1):
        assert actual(out[i]) == expected(eng, row), (i, row)
    # Telenor's usage is mostly roaming: the kernel's rows, not the Engine.apply path's.
    # (Azercell's vectors rate usage at home, which its seeds do not price: all rejected.)
    if operator == "telenor_rs":
        assert counts["kernel"] > len(rows) // 2, counts


def test_hand_derived_charges():
    """Seed facts, derived by hand: Telenor Zona 1 calls 119,90 RSD/min at 60/60 (61 s -> 2
    min), Telenor Crna Gora calls to its own and Serbian numbers 10,07 RSD/min at 30+1
    (1 s -> 30 s = 10.07 / 2 = 5.035 -> 5.04 half-up)."""
    eng = engine("telenor_rs")
    base = {"time": "2026-07-01T10:00:00+02:00", "msisdn": "+381631234567",
            "service": "outgoing call", "party": None, "network": None}
    rows = [dict(base, quantity=61, country="DE"),
            dict(base, quantity=1, country="ME", network="297 01", party="+38162123456"),
            dict(base, quantity=-1, country="DE")]
    out, counts = rate_rows(eng, rows)
    assert str(out[1]["charge"]) == str(2 * Decimal("119.90")) and out[1]["billed"] == 120
    assert str(out[2]["charge"]) == "5.04" and out[2]["billed"] == 30
    assert out[3]["status"] == "rejected" and out[3]["reason"].startswith("invalid_event")
    assert counts["kernel"] == 2


def test_unreadable_rows_beside_kernel_rows_have_no_result():
    """An unparsable time rejects its row even where the kernel rates its neighbours: no
    rule, zone or billed units leak into the rejected row."""
    eng = engine("telenor_rs")
    base = {"msisdn": "+381631234567", "service": "sms", "quantity": 1, "country": "DE",
            "network": None, "party": None}
    rows = [dict(base, time="yesterday"), dict(base, time="2026-07-01T10:00:00Z")]
    out, counts = rate_rows(eng, rows)
    assert counts["kernel"] == 1
    assert actual(out[1]) == ("rejected", None, None, None, None, "invalid_row")
    assert out[1]["zone"] is None and out[1]["unit"] is None


def test_decimal_column_is_exact():
    q = np.array([0, 1, -1, 23980, 10 ** 17 + 3])
    col = decimals(q, np.array([True, True, True, False, True]), 2)
    assert col.to_pylist() == [Decimal("0.00"), Decimal("0.01"), Decimal("-0.01"), None,
                               Decimal("1000000000000000.03")]


_T = ["2026-07-01T10:00:00+02:00", "2026-07-31T23:59:59Z", "2026-07-01T10:00:00", "yesterday",
      None]
_MSISDN = ["+381631234567", "381641112223", "063 123 4567", "06x", "", None]
_PLACES = [(None, None), ("DE", None), ("ME", "297 01"), ("ME", None), ("MK", None),
           (None, "220 02"), ("AZ", None), ("TR", "286 01"), ("XX", None), ("US", "310 260"),
           ("ME", "Telenor"), ("GE", None), ("RU", None)]
_PARTY = [None, "+38162123456", "+38269123456", "+38267123456", "+4930123456",
          "+994501234567", "0631234567", "abc", "+994", "99450123456"]
_SERVICES = ["outgoing call", "callback call", "incoming call", "video call", "sms", "mms",
             "data", "fax"]
_QTY = st.one_of(st.integers(0, 4000), st.sampled_from([-1, 0, 1, 10 ** 15, "1.5", "x", None]))

row_strategy = st.builds(
    lambda t, m, s, q, place, p: {"time": t, "msisdn": m, "service": s, "quantity": q,
                                  "country": place[0], "network": place[1], "party": p},
    st.sampled_from(_T), st.sampled_from(_MSISDN), st.sampled_from(_SERVICES), _QTY,
    st.sampled_from(_PLACES), st.sampled_from(_PARTY))


@pytest.mark.parametrize("operator", ["telenor_rs", "azercell"])
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row_strategy, min_size=1, max_size=60), size=st.integers(1, 64),
       dictionary=st.booleans())
def test_drawn_files_row_for_row(operator, rows, size, dictionary):
    """Plain text columns (CSV) or dictionary-encoded ones (Parquet), any batch size."""
    eng = engine(operator)
    out, counts = rate_rows(eng, rows, batch_rows=size, dictionary=dictionary)
    assert counts["in"] == len(rows) == counts["rated"] + counts["refused"] + counts["rejected"]
    for i, row in enumerate(rows, 1):
        assert actual(out[i]) == expected(eng, row), (i, row)


def test_home_traffic_classes_by_prefix_in_the_kernel():
    """1pMobile's page (specs/onepmobile/SOURCE.md), by hand: calls to UK landlines 1p a
    minute, per second (61 s -> 61/60 p = 1.0167p -> 0.01 GBP half-up); 0800 free; 084 the 5p
    a minute access charge (120 s -> 2 x 5p = 0.10 GBP); texts to UK mobiles 1p. The rows name
    the built-in service and the kernel picks the class by the party's prefix, as
    `Rating._home` does."""
    eng = engine("onepmobile")
    base = {"time": "2026-07-03T10:01:00+01:00", "msisdn": "+447700900001", "country": None,
            "network": None}
    rows = [dict(base, service="outgoing call", quantity=61, party="+442079460000"),
            dict(base, service="outgoing call", quantity=120, party="+448001234567"),
            dict(base, service="outgoing call", quantity=120, party="+448451234567"),
            dict(base, service="sms", quantity=1, party="+447700900123")]
    out, counts = rate_rows(eng, rows, batch_rows=97)
    assert counts["kernel"] == 4, counts
    assert [actual(out[i])[1] for i in range(1, 5)] == [
        Decimal("0.01"), Decimal("0.00"), Decimal("0.10"), Decimal("0.01")]
    assert [actual(out[i])[2] for i in range(1, 5)] == [
        "UK landline on Tariff and charges", "Freephone on Tariff and charges",
        "Access charge on Tariff and charges", "UK mobile text on Tariff and charges"]
    for i, row in enumerate(rows, 1):
        assert actual(out[i]) == expected(eng, row), (i, row)


def test_per_value_memo_computes_new_values_only():
    # A PerValue keeps its result while the same (or an equal) dictionary comes back, and
    # computes only the added values of a grown one (as Parquet's reader grows it); any other
    # dictionary is computed afresh. `seen` records the values the function was given.
    import pyarrow as pa

    from runtime.cdr.kernel import PerValue

    seen = []

    def lengths(values):
        seen.append(values.to_pylist())
        return np.array([len(v) for v in values.to_pylist()], dtype=np.int64)

    memo = PerValue(lengths)
    first = pa.array(["+38163", "abc"])
    assert memo(first).tolist() == [6, 3]
    assert memo(pa.array(["+38163", "abc"])).tolist() == [6, 3]  # equal: not computed again
    assert memo(pa.array(["+38163", "abc", "zz"])).tolist() == [6, 3, 2]  # grown: "zz" only
    assert memo(pa.array(["q", "abc"])).tolist() == [1, 3]  # another: all of it
    assert seen == [["+38163", "abc"], ["zz"], ["q", "abc"]]

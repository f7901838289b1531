"""Dated rows (issue 10): a row of a price table with its own `valid` cell
(tests/versions/rows/, Europe/Belgrade, CET = UTC+1: a local day starts at 23:00 UTC the day
before). The compiled runtime and the evaluator each rate by the row in force at the event."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from compiler.check import check_text
from compiler.diff import diff_tariffs
from compiler.evaluate import Evaluator
from compiler.fmt import format_text
from compiler.gen_docs import operator_pages
from compiler.lower import lower
from compiler.vectors import vectors
from runtime.engine import Engine
from runtime.errors import NotAvailable
from runtime.events import Dial, Sms, Usage, Where
from runtime.money import Money
from runtime.state import Subscriber, world_of
from tests.versions.conftest import (ROWS, assert_module_meets_vectors,
                                     date_mutants_survivors)

MSISDN = "381631234567"
JAN = datetime(2026, 12, 31, 23, 0, tzinfo=timezone.utc)  # 2027-01-01 00:00 CET
FEB = datetime(2027, 1, 31, 23, 0, tzinfo=timezone.utc)  # 2027-02-01 00:00 CET
SECOND = timedelta(seconds=1)
TEXT = (ROWS / "operator.tariff").read_text(encoding="utf-8")


def line_of(fragment: str) -> int:
    return next(n for n, line in enumerate(TEXT.splitlines(), 1) if fragment in line)


@pytest.fixture(scope="module", params=["runtime", "evaluator"])
def side(request, rows_tariff):
    return Engine(lower(rows_tariff)) if request.param == "runtime" else Evaluator(rows_tariff)


def charge(side, at, country=None, service="outgoing call", amount=61):
    w = world_of(Subscriber(MSISDN, "prepaid", balance=Money("5000", "RSD")))
    where = Where(country) if country else Where()
    _, out = side.apply(w, Usage(MSISDN, at, service, amount, where))
    return out


def test_the_zone_row_in_force_rates_the_call(side):
    # 61 s at 60/60 = 2 min: 2 x 119,90 the second before 2027-01-01, 2 x 129,90 at midnight
    before, at = charge(side, JAN - SECOND, "AT"), charge(side, JAN, "AT")
    assert before.charge == Money(Decimal("119.90") * 2, "RSD")
    assert at.charge == Money(Decimal("129.90") * 2, "RSD")
    # each cites its own row
    assert before.source.endswith(f":{line_of('| 119,90')}")
    assert at.source.endswith(f":{line_of('| 129,90')}")


def test_a_row_of_one_month_prices_only_in_that_month(side):
    with pytest.raises(NotAvailable):
        charge(side, JAN - SECOND, "TR")
    assert charge(side, JAN, "TR").charge == Money(200 * 2, "RSD")  # 2 min x 200
    assert charge(side, FEB - SECOND, "TR").charge == Money(200 * 2, "RSD")
    with pytest.raises(NotAvailable):
        charge(side, FEB, "TR")


def test_a_home_row_changes_and_the_blank_row_stays(side):
    assert charge(side, FEB - SECOND).charge == Money(10 * 2, "RSD")  # 2 min x 10,00
    assert charge(side, FEB).charge == Money(12 * 2, "RSD")  # 2 min x 12,00
    for at in (JAN - SECOND, FEB):  # the blank `valid` cell: 3,00 per SMS on every day
        assert charge(side, at, service="sms", amount=1).charge == Money(3, "RSD")


def test_vectors_hold_and_every_date_mutant_is_killed(rows_tariff):
    recorded = vectors(rows_tariff)
    assert_module_meets_vectors(rows_tariff, recorded)
    feb = next(v for v in recorded["versions"] if v["name"] == "prices around 2027-02-01")
    # the home call: 2 x 10,00 the second before, 2 x 12,00 at midnight
    home = [(e["at"][-14:-6], e["expect"]["charge"]) for e in feb["events"]
            if "usage" in e and e["expect"]["data"]["zone"] is None
            and e["usage"]["service"] == "outgoing call"]
    assert home == [("23:59:59", "20.00"), ("00:00:00", "24.00")]
    # 11 dated days, a day earlier and a day later each: Standard 2026-12-31, 2027-01-01,
    # 2027-01-31, 2027-02-01; Home 2027-01-31, 2027-02-01; *100# 2026-12-31, 2027-01-01;
    # *200# 2027-01-01, 2027-01-31; STANJE 2027-02-01
    assert date_mutants_survivors(rows_tariff, recorded) == (22, [])


def test_diff_shows_a_dated_row_change():
    undated = TEXT.replace("| until 2026-12-31", "|                 ").replace(
        "  | Zona 1 | 129,90        | 29,90   | from 2027-01-01                  |\n", "")
    a, b = check_text(undated, "a.tariff")[0], check_text(TEXT, "b.tariff")[0]
    assert a is not None and b is not None
    texts = [c.text for c in diff_tariffs([a], [b])]
    # (129,90 - 119,90) / 119,90 = 8,34 %
    assert "From 2027-01-01: Zona 1, outgoing call: 119,90 -> 129,90 RSD/min (+8,3 %)" in texts, texts


def test_fmt_keeps_the_valid_column():
    assert format_text(TEXT).text == TEXT
    messy = TEXT.replace("| from 2027-01-01                  |", "| from   2027-01-01 |")
    assert messy != TEXT and format_text(messy).text == TEXT


def test_pages_show_each_rows_days(rows_tariff):
    pages = operator_pages(rows_tariff)
    prices = next(text for path, text in pages.items() if path.endswith("en/prices.md"))
    assert "In force until Dec 31, 2026." in prices
    assert "In force from Jan 1, 2027 until Jan 31, 2027." in prices
    assert "In force from Feb 1, 2027." in prices


def use(side, event):
    w = world_of(Subscriber(MSISDN, "prepaid", balance=Money("5000", "RSD")))
    return side.apply(w, event)[1]


def test_a_dated_code_costs_the_price_of_its_version(side):
    before, at = use(side, Dial(MSISDN, JAN - SECOND, "*100#")), use(side, Dial(MSISDN, JAN, "*100#"))
    assert before.ok and before.charge == Money(2, "RSD")  # `price 2 RSD` until 2026-12-31
    assert at.ok and at.charge == Money(3, "RSD")  # `price 3 RSD` from 2027-01-01
    assert before.source.endswith(f":{line_of('code *100#')}")
    assert at.source.endswith(f":{TEXT.splitlines().index('code *100# {', line_of('code *100#')) + 1}")


def test_a_code_out_of_its_days_is_refused_saying_when(side):
    early = use(side, Dial(MSISDN, JAN - SECOND, "*200#"))
    assert not early.ok and early.charge == Money(0, "RSD")
    assert [r.text for r in early.replies] == ["Winter offer is available from 2027-01-01."]
    assert early.reason == "*200# is in force from 2027-01-01; it is 2026-12-31"
    assert use(side, Dial(MSISDN, JAN, "*200#")).ok
    assert use(side, Dial(MSISDN, FEB - SECOND, "*200#")).ok
    late = use(side, Dial(MSISDN, FEB, "*200#"))
    assert not late.ok and [r.text for r in late.replies] == [
        "Winter offer was available until 2027-01-31."]


def test_a_dated_sms_command_works_from_its_first_day(side):
    early = use(side, Sms(MSISDN, FEB - SECOND, "9000", "STANJE"))
    assert not early.ok and [r.text for r in early.replies] == [
        "Balance by SMS is available from 2027-02-01."]
    at = use(side, Sms(MSISDN, FEB, "9000", "STANJE"))
    # the sent SMS costs its 1 RSD; the balance answer is after it: 5000 - 1 = 4999
    assert at.ok and at.charge == Money(1, "RSD") and "4.999,00 RSD" in at.replies[0].text


def test_two_versions_of_a_code_in_force_together_are_refused_by_the_engine(rows_tariff):
    from compiler.lower import lower as lower_tables
    from runtime.errors import OverlappingVersions
    tables = lower_tables(rows_tariff)
    codes = list(tables["commands"]["codes"])
    k = next(i for i, c in enumerate(codes) if c["pattern"] == "*100#")
    codes[k] = {**codes[k], "valid": (None, "2027-01-01", codes[k]["valid"][2])}  # one day late
    with pytest.raises(OverlappingVersions):
        Engine({**tables, "commands": {**tables["commands"], "codes": tuple(codes)}})


def test_the_codes_and_sms_pages_show_the_days(rows_tariff):
    pages = operator_pages(rows_tariff)
    codes = next(text for path, text in pages.items() if path.endswith("en/codes.md"))
    sms = next(text for path, text in pages.items() if path.endswith("en/sms.md"))
    assert "Balance (In force until Dec 31, 2026.)" in codes
    assert "Balance (In force from Jan 1, 2027.)" in codes
    assert "Winter offer (In force from Jan 1, 2027 until Jan 31, 2027.)" in codes
    assert "Balance by SMS (In force from Feb 1, 2027.)" in sms


def test_diff_shows_a_dated_code_price_change():
    start, end = TEXT.index("code *100# {\n  until"), TEXT.index("code *200#")
    undated = TEXT[:start] + ('code *100# {\n  title en "Balance"\n  price 2 RSD\n'
                              '  action balance\n  reply ussd\n}\n\n') + TEXT[end:]
    a, b = check_text(undated, "a.tariff")[0], check_text(TEXT, "b.tariff")[0]
    # 2 RSD before, 3 RSD from 2027-01-01: (3 - 2) / 2 = +50 %
    assert [c.text for c in diff_tariffs([a], [b])] == [
        "From 2027-01-01: Code *100#: price 2 -> 3 RSD (+50,0 %)"]


def test_a_dated_block_cuts_its_rows_days_to_its_own():
    text = TEXT.replace('roaming prices "Standard" {\n',
                        'roaming prices "Standard" {\n  valid from 2027-01-15\n')
    tariff, diags = check_text(text, "clip.tariff")
    assert tariff is not None, [str(d) for d in diags]
    lists = [(p.validity.text, sorted((r.zone, str(r.price.amount)) for r in p.rates
                                      if r.service == "outgoing call"))
             for p in tariff.price_lists if p.name == "Standard"]
    # nothing before the block's first day; Zona 2's January row to 2027-01-31; then Zona 1
    assert lists == [
        ("from 2027-01-15 until 2027-01-31", [("Zona 1", "129.90"), ("Zona 2", "200")]),
        ("from 2027-02-01", [("Zona 1", "129.90")])]


def test_rows_of_one_zone_in_force_together_are_t0904():
    text = TEXT.replace("| until 2026-12-31 ", "| until 2027-01-01 ")
    _, diags = check_text(text, "overlap.tariff")
    hits = [d for d in diags if d.code == "T0904"]
    assert len(hits) == 1 and hits[0].span.line == line_of("| 129,90")

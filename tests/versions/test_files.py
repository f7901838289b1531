"""A dated file (issue 10): `valid from` / `until` at the top of a file dates every block of it
(tests/versions/files/: 2026.tariff until 2026-12-31, 2027.tariff from 2027-01-01, in
Europe/Belgrade, so the change is at 2026-12-31 23:00 UTC). Runtime and evaluator each."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from compiler.check import check_paths
from compiler.evaluate import Evaluator
from compiler.fmt import format_text
from compiler.lower import lower
from compiler.vectors import vectors
from runtime.engine import Engine
from runtime.events import Dial, Usage, Where
from runtime.money import Money
from runtime.state import Subscriber, world_of
from tests.versions.conftest import (assert_module_meets_vectors,
                                     date_mutants_survivors)

FILES = Path(__file__).parent / "files"
MSISDN = "381631234567"
JAN = datetime(2026, 12, 31, 23, 0, tzinfo=timezone.utc)  # 2027-01-01 00:00 CET
FEB = datetime(2027, 1, 31, 23, 0, tzinfo=timezone.utc)  # 2027-02-01 00:00 CET
SECOND = timedelta(seconds=1)


@pytest.fixture(scope="module")
def tariff():
    result = check_paths([str(FILES)])
    assert not result.errors, [str(d) for d in result.errors]
    return result.tariffs[0]


@pytest.fixture(scope="module", params=["runtime", "evaluator"])
def side(request, tariff):
    return Engine(lower(tariff)) if request.param == "runtime" else Evaluator(tariff)


def use(side, event):
    w = world_of(Subscriber(MSISDN, "prepaid", balance=Money("5000", "RSD")))
    return side.apply(w, event)[1]


def test_every_block_takes_its_files_days(tariff):
    days = {(getattr(x, "name", None) or x.pattern, x.validity.text)
            for x in tariff.price_lists + tariff.codes}
    assert days == {("Standard", "until 2026-12-31"), ("Standard", "from 2027-01-01"),
                    ("*100#", "until 2026-12-31"), ("*100#", "from 2027-01-01"),
                    ("*200#", "from 2027-02-01")}  # its own line wins over the file's


def test_the_file_in_force_rates_and_prices(side):
    call = lambda at: Usage(MSISDN, at, "outgoing call", 61, Where("AT"))  # noqa: E731
    # 61 s at 60/60 = 2 min: 2 x 119,90 in 2026, 2 x 129,90 from 2027-01-01 00:00 CET
    assert use(side, call(JAN - SECOND)).charge == Money(Decimal("119.90") * 2, "RSD")
    assert use(side, call(JAN)).charge == Money(Decimal("129.90") * 2, "RSD")
    assert use(side, Dial(MSISDN, JAN - SECOND, "*100#")).charge == Money(2, "RSD")
    assert use(side, Dial(MSISDN, JAN, "*100#")).charge == Money(3, "RSD")
    assert not use(side, Dial(MSISDN, FEB - SECOND, "*200#")).ok
    assert use(side, Dial(MSISDN, FEB, "*200#")).ok


def test_vectors_hold_and_the_file_dates_are_pinned(tariff):
    recorded = vectors(tariff)
    assert_module_meets_vectors(tariff, recorded)
    # 3 dated lines, a day earlier and later each: the two files' (one line dates both of a
    # file's blocks, so a mutant moves both) and *200#'s own
    assert date_mutants_survivors(tariff, recorded) == (6, [])


def test_fmt_keeps_the_files_date_line():
    for name in ("2026.tariff", "2027.tariff"):
        text = (FILES / name).read_text(encoding="utf-8")
        assert format_text(text).text == text

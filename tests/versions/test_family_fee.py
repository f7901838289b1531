"""A dated family fee with grandfathering (issue 10), on a copy of the shipped Telenor specs
whose Telenor Porodica fee becomes 180 RSD/month per member from 2027-01-01 (the shipped
150 RSD before). A group pays the fee in force when it was created for as long as it lasts.
Runtime and evaluator each; Europe/Belgrade days."""

from __future__ import annotations

import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from compiler.check import check_paths
from compiler.evaluate import Evaluator
from compiler.lower import lower
from runtime.engine import Engine
from runtime.events import Sms, Tick
from runtime.money import Money
from runtime.state import Allowance, Subscriber, world_of
from tests.cli.conftest import SPECS

BG = ZoneInfo("Europe/Belgrade")
A, B, C, D, E, F = (f"38164100000{i}" for i in range(1, 7))
PACKAGE = Allowance(seconds=100 * 60, sms=50, kb=2000 * 1024)
LAST_SECOND = datetime(2026, 12, 31, 23, 59, 59, tzinfo=BG)
CHANGE = datetime(2027, 1, 1, 0, 0, tzinfo=BG)


@pytest.fixture(scope="module")
def tariff(tmp_path_factory):
    dst = tmp_path_factory.mktemp("fee") / "telenor_rs"
    shutil.copytree(SPECS / "telenor_rs", dst)
    path = dst / "family.tariff"
    text = path.read_text(encoding="utf-8")
    line = "  fee 150 RSD/month per member\n"
    assert line in text
    path.write_text(text.replace(line, line + "  fee 180 RSD/month per member from 2027-01-01\n"),
                    encoding="utf-8")
    result = check_paths([str(dst)])
    assert not result.errors, [str(d) for d in result.errors]
    return result.tariffs[0]


@pytest.fixture(scope="module", params=["runtime", "evaluator"])
def side(request, tariff):
    return Engine(lower(tariff)) if request.param == "runtime" else Evaluator(tariff)


def national(msisdn: str) -> str:
    return f"0{msisdn[3:5]} {msisdn[5:8]} {msisdn[8:]}"


def group(side, world, initiator, members, at):
    text = "TELENOR PORODICA: " + ", ".join(national(m) for m in members)
    world, out = side.apply(world, Sms(initiator, at, "9001", text))
    assert out.ok, out.reason
    for m in members:
        world, out = side.apply(world, Sms(m, at, "9001", "DA"))
        assert out.ok, out.reason
    return world


def fees(world, msisdn):
    return [(c.at.astimezone(BG).strftime("%Y-%m"), c.amount) for c in world.subscriber(msisdn).ledger
            if c.kind == "fee"]


def test_a_group_created_before_the_change_keeps_its_fee(side):
    w = world_of(*(Subscriber(n, "postpaid", plan="Prenesi M", package=PACKAGE)
                   for n in (A, B, C, D, E, F)))
    w = group(side, w, A, [B, C], LAST_SECOND)  # created the second before the change
    w = group(side, w, D, [E, F], CHANGE)  # created at the change
    w, _ = side.apply(w, Tick(datetime(2027, 2, 1, 0, 0, 1, tzinfo=BG)))  # February's fees
    for m in (A, B, C):  # 150 for December, and still 150 in January and February
        assert fees(w, m) == [("2026-12", Money(150, "RSD")), ("2027-01", Money(150, "RSD")),
                              ("2027-02", Money(150, "RSD"))]
    for m in (D, E, F):  # the fee in force on 2027-01-01: 180
        assert fees(w, m) == [("2027-01", Money(180, "RSD")), ("2027-02", Money(180, "RSD"))]


def test_the_fee_changes_are_in_the_model(tariff):
    f, = tariff.families
    assert [(d.isoformat(), p.amount) for d, p, _ in f.fee_changes] == [("2027-01-01", 180)]
    assert f.fee_on(LAST_SECOND.date()).amount == 150 and f.fee_on(CHANGE.date()).amount == 180


def test_the_family_page_shows_the_new_fee_and_its_day(tariff):
    from compiler.gen_docs import operator_pages
    page = next(text for path, text in operator_pages(tariff).items()
                if path.endswith("en/family.md"))
    assert "180.00 RSD/month: In force from Jan 1, 2027." in page, page[:3000]


def test_diff_and_fmt_know_the_dated_fee(tariff):
    from compiler.diff import diff_tariffs
    from compiler.fmt import format_text
    shipped = check_paths([str(SPECS / "telenor_rs")]).tariffs
    texts = [c.text for c in diff_tariffs(shipped, [tariff])]
    # the fee in force from the day: 150 before, 180 from 2027-01-01 (180 / 150 = +20 %)
    assert texts == ["From 2027-01-01: Telenor Porodica: fee 150 -> 180 RSD/month (+20,0 %)"]
    line = "  fee 180 RSD/month per member from 2027-01-01\n"
    text = (SPECS / "telenor_rs/family.tariff").read_text(encoding="utf-8").replace(
        "  fee 150 RSD/month per member\n", "  fee 150 RSD/month per member\n" + line)
    assert format_text(text).text == text


def test_the_fee_vector_holds_and_pins_the_change(tariff):
    from compiler.vectors import vectors
    from tests.versions.conftest import assert_module_meets_vectors
    recorded = vectors(tariff)
    v = next(v for v in recorded["versions"] if v["name"] == "Telenor Porodica fee around 2027-01-01")
    fees = [(f["month"], f["amount"]) for e in v["events"] for f in e["expect"].get("data", {})
            .get("fees", ())]
    # the group created at 23:59:59: 3 members x 150 for December and, after the change, 150
    # for January too (grandfathered); the group created at 00:00: 3 x 180 for January
    assert sorted(fees) == sorted([(m, "150") for m in ("2026-12", "2027-01")] * 3
                                  + [("2027-01", "180")] * 3), fees
    assert_module_meets_vectors(tariff, {"versions": [v]})
    # the fee's day one day either side: the vector's groups (created the second before and at
    # the change) pay another fee under each, so adequacy kills both
    from compiler import adequacy
    from tests.versions.conftest import loaded_vectors
    moved = [m for m in adequacy.mutants(tariff) if m.what.startswith("Family.fee_changes")]
    assert [m.what for m in moved] == ["Family.fee_changes from 2027-01-01 -> 2027-01-02",
                                       "Family.fee_changes from 2027-01-01 -> 2026-12-31"]
    report = adequacy.run(tariff, loaded_vectors({"versions": [v]}))
    assert not [m.what for m in report.survivors if m.what.startswith("Family.fee_changes")]

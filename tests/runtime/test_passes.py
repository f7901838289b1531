"""Passes (seed 004): travel packages 1-7, Dnevna and Nedeljna karta; their activation,
consumption while rating, exclusivity, quota and expiry. Expected values are worked out from
the seed, with the arithmetic beside them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from runtime.errors import InvalidEvent, NotAvailable
from runtime.events import Tick, Usage, Where
from runtime.money import Money
from runtime.state import Charge, Subscriber, world_of

ME = "381631234567"
T0 = datetime(2024, 7, 1, 10, 0, tzinfo=timezone.utc)
CG = Where(country="ME", network="297 01")          # Telenor Crna Gora
OTHER_ME = Where(country="ME", network="297 02")    # another Montenegrin network
DE = Where(country="DE")                            # Zona 1
DAY, WEEK, MB = timedelta(hours=24), timedelta(days=7), 1024
SECOND = timedelta(seconds=1)


def world(balance: str | None = "100000", segment: str = "prepaid"):
    bal = None if balance is None else Money(balance, "RSD")
    return world_of(Subscriber(ME, segment, balance=bal, activated=T0 - DAY))


def bought(engine, *names, w=None, at=T0):
    w = w or world()
    for name in names:
        w, out = engine.passes.activate(w, ME, name, at, "sms")
        assert out.ok, out.reason
    return w


def use(engine, w, service, amount, where, party=None, at=T0):
    w, out = engine.apply(w, Usage(ME, at, service, amount, where, party), explain=True)
    assert out.ok, out.reason
    return w, out


def cost(engine, w, service, amount, where, party=None, at=T0) -> D:
    return use(engine, w, service, amount, where, party, at)[1].charge.amount


# --- activation ---------------------------------------------------------------------------

def test_day_pass_price_and_validity(telenor_engine):
    # "Dnevna karta ... 24h nakon aktivacije ... po ceni od 199 dinara"
    w, out = telenor_engine.passes.activate(world("1000"), ME, "Dnevna karta", T0, "code")
    sub = w.subscriber(ME)
    assert out.ok and out.charge == Money("199", "RSD")
    assert sub.balance == Money("801", "RSD")  # 1000 - 199
    assert sub.passes[0].expires == T0 + DAY
    assert sub.ledger == (Charge(T0, "one_time", "Dnevna karta", Money("199", "RSD"), 1, "pass"),)


def test_week_pass_lasts_7_days(telenor_engine):
    # "Nedeljna karta ... u periodu od 7 dana od aktivacije ... po ceni od 999 dinara"
    w, out = telenor_engine.passes.activate(world(), ME, "Nedeljna karta", T0, "code")
    assert out.charge == Money("999", "RSD") and w.subscriber(ME).passes[0].expires == T0 + WEEK


@pytest.mark.parametrize("name, price", [
    ("Putni paket 1", "1524.40"), ("Putni paket 2", "1524.40"), ("Putni paket 3", "3558.30"),
    ("Putni paket 4", "5592.19"), ("Putni paket 5", "2337.96"), ("Putni paket 6", "8643.05"),
    ("Putni paket 7", "1210.17")])
def test_travel_packages_are_billed_as_putne_pakete_for_90_days(telenor_engine, name, price):
    # seed 004 "Cena PUTNOG PAKETA", "važe 90 dana od trenutka aktivacije"; seed 001 "Putne pakete"
    w, out = telenor_engine.passes.activate(world(), ME, name, T0, "menu")
    sub = w.subscriber(ME)
    assert out.charge == Money(price, "RSD") and sub.passes[0].expires == T0 + timedelta(days=90)
    assert sub.ledger[-1].category == "Putne pakete" and sub.ledger[-1].kind == "one_time"


def test_travel_package_allowances(telenor_engine):
    # Paket 4: 50 minutes, 50 SMS, 5 MB
    left = bought(telenor_engine, "Putni paket 4").subscriber(ME).passes[0].left
    assert (left.seconds, left.sms, left.kb) == (50 * 60, 50, 5 * MB)


def test_a_new_karta_cancels_the_active_one(telenor_engine):
    # "Svaka aktivacija Dnevne ili Nedeljne karte poništava važenje ... prethodno aktivirali"
    w = bought(telenor_engine, "Dnevna karta")
    w, out = telenor_engine.passes.activate(w, ME, "Nedeljna karta", T0 + timedelta(hours=1), "code")
    assert out.data["cancelled"] == ("Dnevna karta",)
    assert [p.name for p in w.subscriber(ME).passes] == ["Nedeljna karta"]


def test_a_travel_package_does_not_cancel_a_karta(telenor_engine):
    w = bought(telenor_engine, "Dnevna karta", "Putni paket 1")
    assert [p.name for p in w.subscriber(ME).passes] == ["Dnevna karta", "Putni paket 1"]


def test_postpaid_and_business_may_buy_a_karta(telenor_engine):
    # "Bilo da ste pripejd, postpejd ili biznis korisnik"
    for segment in ("postpaid", "business"):
        w, out = telenor_engine.passes.activate(world(None, segment), ME, "Dnevna karta", T0, "sms")
        assert out.ok and w.subscriber(ME).ledger[0].amount == Money("199", "RSD")


def test_travel_packages_are_for_prepaid_only(telenor_engine):
    # "Kao Telenor pripejd korisnik, svoj PUTNI PAKET možeš da aktiviraš"
    w0 = world(None, "postpaid")
    w, out = telenor_engine.passes.activate(w0, ME, "Putni paket 1", T0, "sms")
    assert not out.ok and "prepaid" in out.reason and w is w0


def test_activation_needs_enough_funds(telenor_engine):
    w0 = world("198.99")
    w, out = telenor_engine.passes.activate(w0, ME, "Dnevna karta", T0, "code")
    assert not out.ok and out.reason == "insufficient balance" and w is w0


def test_unknown_pass(telenor_engine):
    with pytest.raises(InvalidEvent, match="no pass named"):
        telenor_engine.passes.activate(world(), ME, "Mesečna karta", T0, "code")


# --- day and week pass on Telenor Crna Gora -----------------------------------------------

@pytest.mark.parametrize("party", ["+38263123456", "+38269123456", "+38163123456"])
def test_karta_calls_to_telenor_numbers_are_free(telenor_engine, party):
    w = bought(telenor_engine, "Dnevna karta")
    assert cost(telenor_engine, w, "outgoing call", 600, CG, party) == 0


def test_karta_does_not_cover_ported_numbers(telenor_engine):
    # "(+38267 ili +38268) prenet u mrežu Telenor Crna Gora, on neće biti obuhvaćen": 24,31/min
    w = bought(telenor_engine, "Nedeljna karta")
    assert cost(telenor_engine, w, "outgoing call", 60, CG, "+38267123456") == D("24.31")


def test_karta_incoming_calls_are_free_from_all_networks(telenor_engine):
    # "besplatne dolazne pozive iz svih mreža": not even the 7,01 per call
    w = bought(telenor_engine, "Dnevna karta")
    assert cost(telenor_engine, w, "incoming call", 300, CG, "+4930123456") == 0


def test_karta_sms_costs_3_97(telenor_engine):
    # "odlazne SMS poruke se za vreme dok su aktivne ... naplaćuju 3,97 dinara po poruci"
    w = bought(telenor_engine, "Dnevna karta")
    assert cost(telenor_engine, w, "sms", 1, CG) == D("3.97")
    assert cost(telenor_engine, w, "sms", 2, CG) == D("7.94")  # 2 x 3,97


def test_karta_applies_only_on_telenor_cg(telenor_engine):
    # "Promocija važi isključivo ako ste prijavljeni na Telenor Crna Gora mrežu"
    w = bought(telenor_engine, "Dnevna karta")
    assert cost(telenor_engine, w, "outgoing call", 60, OTHER_ME, "+38263123456") == D("27.99")
    assert cost(telenor_engine, w, "sms", 1, OTHER_ME) == D("8.89")  # Zona Region


def test_day_pass_full_speed_quota_then_64_kbps(telenor_engine):
    # "prvih 100 MB interneta ... po punoj brzini ... i dalje besplatan po smanjenoj brzini od 64 Kbps"
    w = bought(telenor_engine, "Dnevna karta")
    w, out = use(telenor_engine, w, "data", 100 * MB - 400, CG)
    assert out.charge.amount == 0 and out.data["throttled"] is False
    assert telenor_engine.passes.quota(w, ME, T0).data["full_speed_kb"] == 400  # *124#
    w, out = use(telenor_engine, w, "data", 1000, CG)
    assert out.charge.amount == 0 and out.data["throttled"] is True
    assert out.data["full_speed_kb"] == 400 and out.data["throttle_kbps"] == 64
    w, out = use(telenor_engine, w, "data", 5000, CG)
    assert out.charge.amount == 0 and out.data["throttled"] is True
    assert telenor_engine.passes.quota(w, ME, T0).data["full_speed_kb"] == 0


def test_week_pass_quota_is_1_gb(telenor_engine):
    w = bought(telenor_engine, "Nedeljna karta")
    assert telenor_engine.passes.quota(w, ME, T0).data["full_speed_kb"] == 1024 * MB


def test_quota_without_a_pass(telenor_engine):
    out = telenor_engine.passes.quota(world(), ME, T0)
    assert out.ok and out.data["full_speed_kb"] is None and out.data["passes"] == ()


@pytest.mark.parametrize("name, validity", [("Dnevna karta", DAY), ("Nedeljna karta", WEEK)])
def test_karta_expiry(telenor_engine, name, validity):
    # active while activated <= at < activated + validity
    w = bought(telenor_engine, name)
    party = "+38263123456"
    assert cost(telenor_engine, w, "outgoing call", 60, CG, party, T0 + validity - SECOND) == 0
    assert cost(telenor_engine, w, "outgoing call", 60, CG, party, T0 + validity) == D("10.07")
    assert cost(telenor_engine, w, "outgoing call", 60, CG, party, T0 + validity + SECOND) == D("10.07")


def test_tick_expires_passes(telenor_engine):
    w = bought(telenor_engine, "Dnevna karta", "Putni paket 1")
    w, out = telenor_engine.apply(w, Tick(T0 + DAY - SECOND, ME))
    assert len(w.subscriber(ME).passes) == 2 and out.data["passes"]["expired"] == {}
    w, out = telenor_engine.apply(w, Tick(T0 + DAY))
    assert out.data["passes"]["expired"] == {ME: ("Dnevna karta",)}
    assert [p.name for p in w.subscriber(ME).passes] == ["Putni paket 1"]


def test_karta_sms_rate_comes_before_package_sms(telenor_engine):
    # documented order: free rules, pass rates, then allowances
    w = bought(telenor_engine, "Dnevna karta", "Putni paket 1")
    w, out = use(telenor_engine, w, "sms", 1, CG)
    assert out.charge.amount == D("3.97") and w.subscriber(ME).passes[1].left.sms == 20


# --- travel packages ----------------------------------------------------------------------

def test_package_minutes_count_outgoing_and_incoming(telenor_engine):
    # "Broj minuta sadržanih u paketu se odnosi na dolazne i na odlazne pozive": 20 min = 1200 s
    w = bought(telenor_engine, "Putni paket 1")
    w, out = use(telenor_engine, w, "outgoing call", 61, DE)    # 60/60: 120 s used, 1080 left
    assert out.charge.amount == 0 and out.data["left"] == 1080
    w, out = use(telenor_engine, w, "incoming call", 30, DE)    # 1/1: 30 s used, 1050 left
    assert out.charge.amount == 0 and out.data["left"] == 1050
    w, out = use(telenor_engine, w, "outgoing call", 1020, DE)  # 17 min: 30 s left
    assert out.charge.amount == 0 and out.data["left"] == 30
    # 61 s -> 120 s billed: 30 s from the package, 90 s at 119,90/min = 179,85 RSD
    w, out = use(telenor_engine, w, "outgoing call", 61, DE)
    assert out.charge.amount == D("179.85") and out.data["charged"] == 90
    assert cost(telenor_engine, w, "outgoing call", 60, DE) == D("119.90")  # package used up


def test_package_sms_then_zone_price(telenor_engine):
    w = bought(telenor_engine, "Putni paket 1")  # 20 SMS
    w, out = use(telenor_engine, w, "sms", 19, DE)
    assert out.charge.amount == 0
    assert cost(telenor_engine, w, "sms", 3, DE) == D("59.80")  # 1 from the package, 2 x 29,90


def test_package_data_counts_charged_blocks(telenor_engine):
    # Paket 5: 5 MB = 5120 KB; data counted on 5+100 KB
    w = bought(telenor_engine, "Putni paket 5")
    w, out = use(telenor_engine, w, "data", 6, DE)      # 6 KB -> 105 KB used, 5015 left
    assert out.charge.amount == 0 and out.data["left"] == 5015
    # 5100 KB -> 5 + 51 x 100 = 5105 KB: 5015 from the package, 90 KB x 99,90/100 KB = 89,91
    assert cost(telenor_engine, w, "data", 5100, DE) == D("89.91")


def test_package_7_only_on_telenor_cg(telenor_engine):
    # "Putni paket 7 koji važi u mreži Telenor Crna Gora ... 1 GB"
    w = bought(telenor_engine, "Putni paket 7")
    w, out = use(telenor_engine, w, "data", 100, CG)
    assert out.charge.amount == 0 and out.data["left"] == 1024 * MB - 100
    assert cost(telenor_engine, w, "data", 6, DE) == D("105.90")          # 6 + 99,90: Zona 1
    assert cost(telenor_engine, w, "data", 100, OTHER_ME) == D("2.90")    # Zona Region


def test_package_90_day_validity(telenor_engine):
    w = bought(telenor_engine, "Putni paket 1")
    day90 = T0 + timedelta(days=90)
    assert cost(telenor_engine, w, "outgoing call", 60, DE, at=day90 - SECOND) == 0
    assert cost(telenor_engine, w, "outgoing call", 60, DE, at=day90) == D("119.90")


def test_package_does_not_cover_the_per_call_price(telenor_engine):
    # on Telenor CG an incoming call is 0,00/min + 7,01/call: nothing metered to cover
    w = bought(telenor_engine, "Putni paket 1")
    w, out = use(telenor_engine, w, "incoming call", 120, CG, "+4930123456")
    assert out.charge.amount == D("7.01") and w.subscriber(ME).passes[0].left.seconds == 1200


def test_passes_do_not_price_home_usage(telenor_engine):
    w = bought(telenor_engine, "Putni paket 1")
    with pytest.raises(NotAvailable):
        telenor_engine.apply(w, Usage(ME, T0, "outgoing call", 60))


def test_free_usage_still_needs_no_funds(telenor_engine):
    w = bought(telenor_engine, "Dnevna karta", w=world("199"))
    assert w.subscriber(ME).balance == Money("0", "RSD")
    w, out = use(telenor_engine, w, "outgoing call", 60, CG, "+38263123456")
    assert out.ok and out.charge.amount == 0
    w2, out = telenor_engine.apply(w, Usage(ME, T0, "sms", 1, CG))
    assert not out.ok and out.reason == "insufficient balance" and w2 is w

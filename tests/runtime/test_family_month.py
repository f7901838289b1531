"""Telenor Porodica (seed 003) over a month: bonus by size, the fee, free traffic inside the
group, data transfer, month end, changes from next month, deactivation, plan change.

Package of every subscriber (test_family.PACKAGE): 100 min, 50 SMS, 2000 MB. Expected values
are worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from runtime.errors import InvalidEvent, OutOfOrder
from runtime.money import Money
from runtime.state import Allowance
from tests.runtime.test_family import (A, B, BG, C, D, E, F, MB, PACKAGE, T0, create, group_of, national,
                                       people, sub, tables, texts_to)

__all__ = ["tables"]  # the module fixture, shared

END = datetime(2025, 3, 31, 23, 59, 59, tzinfo=BG)  # the March month end
APRIL = datetime(2025, 4, 1, tzinfo=BG)


@pytest.fixture(scope="module")
def family(tables):
    from runtime.family import FamilyEngine

    return FamilyEngine(tables["family"], tables["operator"])


def bonus(world, msisdn):
    return world.subscriber(msisdn).bonus


def fees(world, msisdn):
    return [(c.at, c.amount) for c in world.subscriber(msisdn).ledger if c.kind == "fee"]


def transfer(family, world, frm, mb, to, at=T0):
    return family.handle(world, frm, "family_transfer", {"amount_mb": mb, "to": national(to)}, at)


# --- bonus: "30%, 40% or 50% of additional traffic ... depending on the number of members"


@pytest.mark.parametrize("invited, expected", [
    # 3 members: 100 min x 30 % = 30 min = 1800 s; 50 SMS x 30 % = 15; 2000 MB x 30 % = 600 MB
    ((B, C), Allowance(seconds=1800, sms=15, kb=600 * MB)),
    # 4 members: 40 min = 2400 s; 20 SMS; 800 MB
    ((B, C, D), Allowance(seconds=2400, sms=20, kb=800 * MB)),
    # 5 members: 50 min = 3000 s; 25 SMS; 1000 MB
    ((B, C, D, E), Allowance(seconds=3000, sms=25, kb=1000 * MB)),
])
def test_bonus_by_group_size(family, invited, expected):
    world, _ = group_of(family, people(A, B, C, D, E), A, list(invited))
    assert {bonus(world, m) for m in (A, *invited)} == {expected}


def test_bonus_is_allocated_in_full_late_in_the_month(family):
    # "in full, at a moment of activation ... irrespective of the date": created on the 28th,
    # still 30 % = 30 min, 15 SMS, 600 MB (no proration)
    world, _ = group_of(family, people(A, B, C), A, [B, C], datetime(2025, 3, 28, 20, tzinfo=BG))
    assert bonus(world, A) == Allowance(seconds=1800, sms=15, kb=600 * MB)


def test_bonus_is_rounded_down_to_whole_units(family):
    # Reading (the seed has no rule for fractions): floor to whole minutes, SMS and MB.
    # 55 min x 30 % = 16.5 -> 16 min = 960 s; 55 SMS -> 16; 1001 MB x 30 % = 300.3 -> 300 MB
    odd = Allowance(seconds=55 * 60, sms=55, kb=1001 * MB)
    world, _ = group_of(family, people(A, B, C, package=odd), A, [B, C])
    assert bonus(world, A) == Allowance(seconds=960, sms=16, kb=300 * MB)


def test_suspended_number_cannot_use_its_bonus(family):
    # "a registered ban on outgoing traffic or any form of suspension ... will not be able to
    # use additional traffic"
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    world = world.with_subscriber(world.subscriber(A).with_(suspended=True))
    assert family.bonus_left(world, A) == Allowance()
    assert family.bonus_left(world, B) == Allowance(seconds=1800, sms=15, kb=600 * MB)
    _, out = transfer(family, world, A, 100, B)
    assert not out.ok and out.rule == "suspension"


def test_explanation_only_when_asked(family):
    world, _ = create(family, people(A, B, C), A, [B, C])
    world, _ = family.handle(world, B, "family_accept", {}, T0)
    _, quiet = family.handle(world, C, "family_accept", {}, T0)
    _, told = family.handle(world, C, "family_accept", {}, T0, explain=True)
    assert quiet.arithmetic == ""
    assert f"{A}: 100 min x 30 % = 30 min, 50 SMS x 30 % = 15 SMS, 2000 MB x 30 % = 600 MB" in told.arithmetic


# --- fee: "RSD 150/month ... for each subscriber number", "in the full amount"


def test_fee_is_charged_to_each_member_at_joining(family):
    at = datetime(2025, 3, 28, 20, tzinfo=BG)
    world, out = group_of(family, people(A, B, C), A, [B, C], at)
    # the 28th: still the full 150 RSD (not prorated), one charge per member
    for m in (A, B, C):
        assert fees(world, m) == [(at, Money("150", "RSD"))]
    c = world.subscriber(C).ledger[0]
    assert (c.kind, c.category) == ("fee", "Telenor Porodica")
    assert out.charge == Money("150", "RSD")  # the last acceptor's own fee


def test_fee_again_each_following_month(family):
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    world, out = family.on_month_end(world, END)
    # 150 RSD for March at creation, 150 RSD for April dated 1 April 00:00
    assert fees(world, A) == [(T0, Money("150", "RSD")), (APRIL, Money("150", "RSD"))]
    assert [f["msisdn"] for f in out.data["fees"]] == [A, B, C]


# --- free calls and SMS between members


def test_calls_and_sms_between_members_are_free(family):
    world, _ = group_of(family, people(A, B, C, D), A, [B, C])
    assert family.free_in_group(world, A, "+" + B, "outgoing call", T0) == "free_in_group"
    assert family.free_in_group(world, A, national(C), "sms", T0) == "free_in_group"
    assert family.free_in_group(world, A, D, "outgoing call", T0) is None  # not a member
    assert family.free_in_group(world, A, B, "data", T0) is None  # only calls and SMS
    assert family.free_in_group(world, A, B, "outgoing call", T0 - timedelta(seconds=1)) is None
    assert family.free_in_group(people(A, B), A, B, "sms", T0) is None  # no family state yet


# --- transfer: "quantities divisible by 50 ... The minimum ... is 50 MB"; "only bonus"


def test_transfer_100_mb_of_bonus(family):
    world, _ = group_of(family, people(A, B, C, D), A, [B, C, D])
    world, out = transfer(family, world, A, 100, B)
    # 4 members: 800 MB each; A 800 - 100 = 700 MB, B 800 + 100 = 900 MB
    assert out.ok and bonus(world, A).kb == 700 * MB and bonus(world, B).kb == 900 * MB
    assert texts_to(out, B) == [f"+{A} vam je poslao 100 MB, važi do kraja meseca."]


@pytest.mark.parametrize("mb, reason", [
    (0, "the minimum transfer is 50 MB"),
    (25, "the minimum transfer is 50 MB"),
    (75, "transfers are in multiples of 50 MB"),
    (-50, "the minimum transfer is 50 MB"),
])
def test_transfer_amounts_refused(family, mb, reason):
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    world2, out = transfer(family, world, A, mb, B)
    assert not out.ok and out.reason == reason and out.rule == "transfer_bonus_only"
    assert bonus(world2, A) == bonus(world, A)


def test_transfer_more_than_the_bonus_left_is_refused(family):
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    _, out = transfer(family, world, A, 650, B)  # 3 members: 600 MB of bonus, 650 > 600
    assert not out.ok and out.reason == "you have only 600 MB of bonus data left"
    _, out = transfer(family, world, A, 600, B)
    assert out.ok


def test_transfer_to_non_member_or_self_is_refused(family):
    world, _ = group_of(family, people(A, B, C, D), A, [B, C])
    _, out = transfer(family, world, A, 50, D)
    assert not out.ok and out.reason == f"+{D} is not a member of your group"
    _, out = transfer(family, world, A, 50, A)
    assert not out.ok and out.reason == "you cannot send data to yourself"
    _, out = transfer(family, world, D, 50, A)
    assert not out.ok and out.reason == "you are not a member of an active Telenor Porodica group"


def test_transfer_amount_that_is_not_a_number_raises(family):
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    with pytest.raises(InvalidEvent):
        family.handle(world, A, "family_transfer", {"amount_mb": "100", "to": B}, T0)


# --- month end: "valid until the end of the month ... not transferrable into the following"


def test_month_end_expires_bonus_and_transferred_data_then_allocates_again(family):
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    world, _ = transfer(family, world, A, 100, B)  # A 500 MB, B 700 MB
    world = world.with_subscriber(world.subscriber(C).with_(bonus=Allowance(seconds=60, sms=0, kb=0)))
    world, _ = family.on_month_end(world, END)
    # April: 30 % again for everyone (1800 s, 15 SMS, 600 MB), whatever was left or received
    assert {bonus(world, m) for m in (A, B, C)} == {Allowance(seconds=1800, sms=15, kb=600 * MB)}


def test_month_end_twice_is_out_of_order(family):
    world, _ = family.on_month_end(people(A), END)
    with pytest.raises(OutOfOrder):
        family.on_month_end(world, END)


def test_a_request_next_month_closes_the_month_first(family):
    # No MonthEnd sent: the first April request closes March (bonus renewed, April fee).
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    world, out = family.handle(world, A, "family_status", {}, APRIL + timedelta(hours=1))
    assert out.data["month"] == "2025-04" and len(fees(world, A)) == 2


def test_month_is_the_operators(family):
    # 31 March 22:30 UTC is 1 April 00:30 in Belgrade (CEST, UTC+2): a group created then is
    # an April group, and the March month end does not renew it a second time.
    from datetime import timezone

    at = datetime(2025, 3, 31, 22, 30, tzinfo=timezone.utc)
    world, out = group_of(family, people(A, B, C), A, [B, C], at)
    assert out.data["group"]["month"] == "2025-04"


# --- one group per month; changes from next month


def test_exit_then_join_another_group_in_the_same_month_is_refused(family):
    # "One user may be a member of one "Telenor Porodica" group only in the course of one month."
    world, _ = group_of(family, people(A, B, C, D, E), A, [B, C, D])
    world, out = family.handle(world, D, "family_exit", {}, T0 + timedelta(days=1))
    assert out.ok
    _, out = create(family, world, D, [E, A], T0 + timedelta(days=2))
    assert not out.ok and out.rule == "one_group_per_month"
    _, out = create(family, world, E, [D, C], T0 + timedelta(days=2))
    assert not out.ok and out.reason == f"+{D} is already a member of a group in that month (one group per month)"


def test_exit_takes_effect_next_month(family):
    # 4 members (40 %); D leaves: March unchanged, April 3 members (30 %)
    world, _ = group_of(family, people(A, B, C, D), A, [B, C, D])
    world, out = family.handle(world, D, "family_exit", {}, T0 + timedelta(days=5))
    assert out.data["group"]["size"] == 4 and out.data["group"]["next_members"] == (A, B, C)
    assert bonus(world, A).kb == 800 * MB  # 2000 MB x 40 %, unchanged this month
    assert family.free_in_group(world, A, D, "outgoing call", END) == "free_in_group"
    world, out = family.on_month_end(world, END)
    assert bonus(world, A) == Allowance(seconds=1800, sms=15, kb=600 * MB)  # 30 % from April
    assert bonus(world, D) == Allowance()
    assert len(fees(world, D)) == 1  # March only
    assert family.free_in_group(world, A, D, "outgoing call", APRIL) is None
    _, again = family.handle(world, D, "family_exit", {}, APRIL)
    assert not again.ok


def test_leaving_twice_is_refused(family):
    world, _ = group_of(family, people(A, B, C, D), A, [B, C, D])
    world, _ = family.handle(world, D, "family_exit", {}, T0)
    _, out = family.handle(world, D, "family_exit", {}, T0)
    assert not out.ok and out.reason == "you already leave the group from 1 April 2025"


def test_leaving_replies_have_one_full_stop_after_the_date(family):
    # IZLAZAK on 10 March takes effect "as of the month following": 1 April 2025, in Serbian
    # 01.04.2025. (the date ends with a dot, which also ends the sentence: not "2025..").
    world = people(A, B, C).with_subscriber(sub(D, language="en"))
    world, _ = group_of(family, world, A, [B, C, D])
    _, out = family.handle(world, B, "family_exit", {}, T0)
    assert texts_to(out, B) == ["Napuštate grupu od 01.04.2025. Pogodnosti važe do kraja ovog meseca."]
    assert texts_to(out, A) == [f"+{B} napušta grupu od 01.04.2025."]
    assert texts_to(out, D) == [f"+{B} leaves the group from 1 April 2025."]


def test_group_falling_below_three_ends_at_month_end(family):
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    world, out = family.handle(world, C, "family_exit", {}, T0)
    assert any("fewer than 3" in r.text or "manje od 3" in r.text for r in out.replies)
    world, out = family.on_month_end(world, END)
    assert [e["why"] for e in out.data["events"] if e["event"] == "ended"] == ["too_small"]
    assert bonus(world, A) == Allowance() and len(fees(world, A)) == 1
    assert family.free_in_group(world, A, B, "sms", APRIL) is None


def test_add_member_takes_effect_next_month(family):
    # DODAJ: E invited, accepts; March 3 members (30 %), April 4 members (40 %)
    world, _ = group_of(family, people(A, B, C, E), A, [B, C])
    world, out = family.handle(world, A, "family_add", {"members": [national(E)]}, T0 + timedelta(days=1))
    assert out.ok
    world, out = family.handle(world, E, "family_accept", {}, T0 + timedelta(days=1, hours=2))
    assert out.ok and bonus(world, E) == Allowance() and fees(world, E) == []
    assert family.free_in_group(world, A, E, "sms", END) is None  # not yet a member
    world, _ = family.on_month_end(world, END)
    # April: 100 min x 40 % = 40 min = 2400 s, 20 SMS, 800 MB for all four
    assert {bonus(world, m) for m in (A, B, C, E)} == {Allowance(seconds=2400, sms=20, kb=800 * MB)}
    assert fees(world, E) == [(APRIL, Money("150", "RSD"))]
    assert family.free_in_group(world, A, E, "sms", APRIL) == "free_in_group"


def test_accepted_addition_counts_as_membership_this_month(family):
    # "One user may be a member of one "Telenor Porodica" group only in the course of one
    # month", and "all the changes ... active as of the month following": E accepts A's DODAJ
    # on 11 March, so E is a member of A's group from 1 April 2025. Any other group created
    # in March would go on into April, a second group for E: E may not create one, be invited
    # to one, or be added to another; like a member, with the reason.
    G = "381641000007"
    world, _ = group_of(family, people(A, B, C, D, E, F, G), A, [B, C])
    world, _ = family.handle(world, A, "family_add", {"members": [national(E)]}, T0 + timedelta(days=1))
    world, out = family.handle(world, E, "family_accept", {}, T0 + timedelta(days=1, hours=2))
    assert out.ok
    why = f"+{E} has accepted to join a group from 1 April 2025 (one group per month)"
    _, out = create(family, world, E, [D, F], T0 + timedelta(days=2))
    assert not out.ok and out.rule == "one_group_per_month" and out.reason == why
    # the Serbian reply: the date's own dot, then the refusal's full stop
    assert texts_to(out, E) == [f"Zahtev nije prihvaćen: +{E} je prihvatio poziv u grupu od "
                                "01.04.2025. (jedna grupa mesečno)."]
    _, out = create(family, world, D, [E, F], T0 + timedelta(days=2))
    assert not out.ok and out.rule == "one_group_per_month" and out.reason == why
    world, _ = group_of(family, world, D, [F, G], T0 + timedelta(days=2))
    _, out = family.handle(world, D, "family_add", {"members": [national(E)]}, T0 + timedelta(days=3))
    assert not out.ok and out.reason == why
    # April: E is in A's group only; 4 members, 100 min x 40 % = 40 min = 2400 s, 20 SMS, 800 MB
    world, _ = family.on_month_end(world, END)
    assert world.get("family").active_group(E).members == (A, B, C, E)
    assert bonus(world, E) == Allowance(seconds=2400, sms=20, kb=800 * MB)
    _, out = create(family, world, E, [D, F], APRIL + timedelta(days=1))
    assert not out.ok and out.reason == f"+{E} is already a member of a group in that month (one group per month)"


def test_add_by_non_initiator_or_beyond_five_is_refused(family):
    world, _ = group_of(family, people(A, B, C, D, E, sub_f := "381641000009"), A, [B, C, D, E])
    _, out = family.handle(world, B, "family_add", {"members": [sub_f]}, T0)
    assert not out.ok and out.reason == f"only the group's initiator (+{A}) can add members"
    _, out = family.handle(world, A, "family_add", {"members": [sub_f]}, T0)  # 5 + 1 = 6 > 5
    assert not out.ok and out.reason == "a group has at most 5 members"


# --- deactivation and plan change


def test_deactivation_ends_the_group_benefits_stay_to_month_end(family):
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    reason = "the number is deactivated; after reactivation the promotion must be activated again"
    world, out = family.end(world, B, reason, T0 + timedelta(days=3))
    assert out.ok and out.source == "specs/telenor_rs/family.tariff:48"
    assert {r.to for r in out.replies} == {A, B, C}
    assert bonus(world, A).kb == 600 * MB  # stays until the end of March
    assert family.free_in_group(world, A, C, "outgoing call", END) == "free_in_group"
    world, _ = family.on_month_end(world, END)
    assert bonus(world, A) == Allowance() and len(fees(world, A)) == 1
    assert family.free_in_group(world, A, C, "outgoing call", APRIL) is None


def test_plan_change_keeps_this_months_bonus_and_uses_the_new_package_next_month(family):
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    bigger = Allowance(seconds=300 * 60, sms=100, kb=10000 * MB)
    world, out = family.change_plan(world, A, "Prenesi XL", bigger, T0 + timedelta(days=2))
    assert out.ok and bonus(world, A) == Allowance(seconds=1800, sms=15, kb=600 * MB)
    world, _ = family.on_month_end(world, END)
    # April: 300 min x 30 % = 90 min = 5400 s; 100 SMS x 30 % = 30; 10000 MB x 30 % = 3000 MB
    assert bonus(world, A) == Allowance(seconds=5400, sms=30, kb=3000 * MB)


def test_plan_change_to_an_ineligible_package_ends_the_group(family):
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    world, out = family.change_plan(world, A, "Business Pro", PACKAGE, T0)
    assert out.data["group"] is None and {r.to for r in out.replies} == {A, B, C}
    assert world.get("family").groups[0].status == "ended"


# --- a whole month


def test_a_month_of_a_four_member_family(family):
    """Create on 10 March, three accepts, 40 % bonus, 100 MB transfer, an exit effective from
    April, the month end."""
    world = people(A, B, C, D).with_subscriber(sub(A, language="en"))
    world, out = create(family, world, A, [B, C, D])
    assert out.ok and out.data["group"]["status"] == "pending"
    for i, m in enumerate((B, C, D)):
        world, out = family.handle(world, m, "family_accept", {}, T0 + timedelta(hours=i + 1))
    assert out.data["group"]["status"] == "active" and out.data["group"]["percent"] == "40"
    # 40 %: 40 min = 2400 s, 20 SMS, 800 MB each; 150 RSD each at creation (13:00 + 2 h = 15:00)
    created = T0 + timedelta(hours=3)
    assert {bonus(world, m) for m in (A, B, C, D)} == {Allowance(seconds=2400, sms=20, kb=800 * MB)}
    assert sum((fees(world, m)[0][1] for m in (A, B, C, D)), Money("0", "RSD")) == Money("600", "RSD")
    assert fees(world, D) == [(created, Money("150", "RSD"))]
    world, out = transfer(family, world, A, 100, D, T0 + timedelta(days=1))
    assert texts_to(out, A) == [f"You sent 100 MB to +{D}. Bonus data left: 700 MB."]
    assert bonus(world, D).kb == 900 * MB
    world, out = family.handle(world, B, "family_exit", {}, T0 + timedelta(days=2))
    assert out.ok and out.data["group"]["next_members"] == (A, C, D)
    world, out = family.handle(world, A, "family_status", {}, T0 + timedelta(days=3))
    assert texts_to(out, A) == [f"Telenor Porodica group: 4 members (+{A}, +{B}, +{C}, +{D}), 40% bonus. "
                                "Bonus left: 40 min, 20 SMS, 700 MB."]
    world, out = family.on_month_end(world, END)
    # April: A, C, D (3 members, 30 %: 1800 s, 15 SMS, 600 MB; D's 900 MB expired); B nothing
    assert {bonus(world, m) for m in (A, C, D)} == {Allowance(seconds=1800, sms=15, kb=600 * MB)}
    assert bonus(world, B) == Allowance()
    # fees: March 4 x 150 = 600 RSD; April 3 x 150 = 450 RSD
    assert [f["msisdn"] for f in out.data["fees"]] == [A, C, D]
    assert sum(len(fees(world, m)) for m in (A, B, C, D)) == 4 + 3
    st = world.get("family")
    assert [(g.id, g.status, g.members, g.month) for g in st.groups] == [
        ("F1", "ended", (A, B, C, D), "2025-03"), ("F2", "active", (A, C, D), "2025-04")]
    assert st.month == "2025-04" and Decimal(out.data["fees"][0]["amount"]) == 150


def test_rating_prices_a_call_inside_the_group_at_zero(telenor_engine):
    # Through the whole engine: rating asks the family area first for home usage.
    from runtime.events import Usage

    world, _ = group_of(telenor_engine.family, people(A, B, C), A, [B, C])
    world, out = telenor_engine.apply(world, Usage(A, T0, "outgoing call", 125, party="+" + B), explain=True)
    assert out.ok and out.charge == Money("0", "RSD") and out.rule == "free_in_group"
    assert out.source == "specs/telenor_rs/family.tariff:29"  # `rule free_in_group`
    entry = world.subscriber(A).ledger[-1]
    assert (entry.kind, entry.amount, entry.quantity, entry.unit) == ("traffic", Money("0", "RSD"), 125, "s")


def test_declined_addition_leaves_the_group_as_it_is(family):
    world, _ = group_of(family, people(A, B, C, E), A, [B, C])
    world, _ = family.handle(world, A, "family_add", {"members": [national(E)]}, T0)
    world, out = family.handle(world, E, "family_decline", {}, T0 + timedelta(hours=1))
    assert {r.to for r in out.replies} == {A, E}
    world, _ = family.on_month_end(world, END)
    assert world.get("family").groups[0].members == (A, B, C) and bonus(world, E) == Allowance()

"""The family rule choices of the language, each with the value the seed does not take
(docs/runtime/family.md, "Rule choices"): `fee prorated`, `groups per member N per month`
(2, and no limit), `changes effective immediately`, `bonus expires never`, `benefits after exit
immediately`. Each runs on the Telenor Porodica spec with that one choice changed
(attrs.evolve of the checked model, lowered as the build does). The seed's values are tested
in test_family.py and test_family_month.py.

Package of every subscriber (test_family.PACKAGE): 100 min, 50 SMS, 2000 MB. Expected values
are worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from compiler.check import check_paths
from compiler.lower import family as lower_family, lower_operator
from runtime.family import FamilyEngine
from runtime.money import Money
from runtime.state import Allowance
from tests.runtime.test_family import (A, B, BG, C, D, E, F, MB, T0, create, group_of, national,
                                       people, texts_to)

H = timedelta(hours=1)
END = datetime(2025, 3, 31, 23, 59, 59, tzinfo=BG)
APRIL_END = datetime(2025, 4, 30, 23, 59, 59, tzinfo=BG)
REASON = "the number is deactivated; after reactivation the promotion must be activated again"
# 30 % of the package: 30 min = 1800 s, 15 SMS, 600 MB; 40 %: 2400 s, 20 SMS, 800 MB
TIER_3 = Allowance(seconds=1800, sms=15, kb=600 * MB)
TIER_4 = Allowance(seconds=2400, sms=20, kb=800 * MB)


@pytest.fixture(scope="module")
def seed_tariff():
    tariff, = check_paths(["specs/telenor_rs"]).tariffs
    return tariff


def engine_with(tariff, **choice) -> FamilyEngine:
    """The family engine of the seed spec with `choice` (fields of compiler.model.Family)."""
    family = attrs.evolve(tariff.families[0], **choice)
    variant = attrs.evolve(tariff, families=(family,))
    return FamilyEngine(lower_family.lower(variant), lower_operator(variant))


def fees(world, msisdn):
    return [(c.at, c.amount) for c in world.subscriber(msisdn).ledger if c.kind == "fee"]


# --- fee prorated ----------------------------------------------------------------------------

def test_prorated_fee_is_charged_at_month_end_for_the_days_of_membership(seed_tariff):
    family = engine_with(seed_tariff, fee_prorated=True)
    world, out = group_of(family, people(A, B, C), A, [B, C])
    # nothing at joining: the days of membership are known when the month closes
    assert out.charge == Money(0, "RSD") and fees(world, A) == []
    world, out = family.on_month_end(world, END, A)
    # member from the 10th to the 31st of March: 22 of 31 days;
    # 150 x 22 / 31 = 106.4516... -> 106.45 RSD (the operator's rounding: half-up 0,01 RSD)
    assert out.charge == Money(Decimal("106.45"), "RSD")
    assert fees(world, A) == [(END, Money(Decimal("106.45"), "RSD"))]
    assert out.data["fees"][0]["days"] == 22 and out.data["fees"][0]["month_days"] == 31
    # April: the promotion ends on the 10th -> days 1 to 10 of 30: 150 x 10 / 30 = 50.00 RSD
    world, _ = family.end(world, A, REASON, datetime(2025, 4, 10, 12, tzinfo=BG))
    world, out = family.on_month_end(world, APRIL_END, A)
    assert fees(world, A)[-1] == (APRIL_END, Money(Decimal("50.00"), "RSD"))
    # May: no longer a member, no fee
    world, out = family.on_month_end(world, datetime(2025, 5, 31, 23, 59, 59, tzinfo=BG), A)
    assert len(fees(world, A)) == 2 and out.charge == Money(0, "RSD")


# --- groups per member N per month -------------------------------------------------------------

def _second_and_third(family):
    """A group ends on the 11th; its initiator starts a second group, then a third, in March."""
    world, _ = group_of(family, people(A, B, C, D, E, F), A, [B, C])
    world, _ = family.end(world, A, REASON, T0 + 24 * H)
    world, second = create(family, world, A, [D, E], T0 + 25 * H)
    if second.ok:
        for m in (D, E):
            world, _ = family.handle(world, m, "family_accept", {}, T0 + 25 * H)
        world, _ = family.end(world, A, REASON, T0 + 26 * H)
    world, third = create(family, world, A, [B, C], T0 + 27 * H)
    return second, third


def test_seed_one_group_per_month_refuses_the_second(seed_tariff):
    second, _ = _second_and_third(engine_with(seed_tariff))
    assert not second.ok and second.rule == "one_group_per_month"


def test_two_groups_per_month_allow_a_second_not_a_third(seed_tariff):
    second, third = _second_and_third(engine_with(seed_tariff, groups_per_month=2))
    assert second.ok
    assert not third.ok and third.rule == "one_group_per_month"


def test_no_limit_allows_a_third(seed_tariff):
    second, third = _second_and_third(engine_with(seed_tariff, groups_per_month=None))
    assert second.ok and third.ok


# --- changes effective immediately -----------------------------------------------------------

def test_exit_and_addition_take_effect_at_once(seed_tariff):
    family = engine_with(seed_tariff, changes_effective="immediately")
    world, _ = group_of(family, people(A, B, C, D, E), A, [B, C, D])
    world, out = family.handle(world, D, "family_exit", {}, T0 + H)
    # 4 -> 3 members now: a new composition with 30 %, its bonus allocated in full
    assert out.data["group"] is None
    world, out = family.handle(world, A, "family_status", {}, T0 + H)
    assert out.data["group"]["members"] == (A, B, C) and out.data["group"]["percent"] == "30"
    assert world.subscriber(A).bonus == TIER_3
    # D keeps the benefits to the end of the month (the seed's `benefits after exit`)
    assert world.subscriber(D).bonus == TIER_4
    assert family.free_in_group(world, D, "+" + A, "outgoing call", T0 + 2 * H) == "free_in_group"
    # DODAJ: E joins at once on DA; 4 members again (40 %); E pays the March fee at joining
    world, out = family.handle(world, A, "family_add", {"members": [national(E)]}, T0 + 2 * H)
    # invited to join now, not "from 1 April"
    assert texts_to(out, E) == ["+381641000001 vas poziva u grupu Telenor Porodica. Odgovorite DA "
                                "ili NE na 9001 u roku od 24 sata."]
    world, out = family.handle(world, E, "family_accept", {}, T0 + 3 * H)
    assert out.ok and out.charge == Money(150, "RSD")
    assert out.data["group"]["members"] == (A, B, C, E) and out.data["group"]["percent"] == "40"
    assert world.subscriber(A).bonus == TIER_4 and world.subscriber(E).bonus == TIER_4
    assert family.free_in_group(world, E, "+" + A, "outgoing call", T0 + 3 * H) == "free_in_group"
    # A, B, C paid March once, at the creation
    assert [len(fees(world, m)) for m in (A, B, C, E)] == [1, 1, 1, 1]


def test_immediate_exit_below_the_minimum_ends_the_group_now(seed_tariff):
    family = engine_with(seed_tariff, changes_effective="immediately")
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    world, out = family.handle(world, C, "family_exit", {}, T0 + H)
    world, out = family.handle(world, A, "family_status", {}, T0 + H)
    assert out.data["group"] is None
    # benefits last to the end of the month (the seed's `benefits after exit`), not after
    assert family.free_in_group(world, A, "+" + B, "sms", T0 + 2 * H) == "free_in_group"
    assert family.free_in_group(world, A, "+" + B, "sms", END + timedelta(seconds=2)) is None


# --- bonus expires never --------------------------------------------------------------------

def test_unspent_bonus_carries_over_and_the_new_one_is_added(seed_tariff):
    family = engine_with(seed_tariff, bonus_expiry="never")
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    world, _ = family.handle(world, A, "family_transfer", {"amount_mb": 100, "to": national(B)}, T0)
    world, _ = family.on_month_end(world, END)
    # A: 600 - 100 = 500 MB left + April's 600 MB = 1100 MB; 1800 + 1800 s; 15 + 15 SMS
    assert world.subscriber(A).bonus == Allowance(seconds=3600, sms=30, kb=1100 * MB)
    # B: 600 + 100 received = 700 MB + 600 MB = 1300 MB
    assert world.subscriber(B).bonus == Allowance(seconds=3600, sms=30, kb=1300 * MB)


def test_a_group_that_ends_loses_the_bonus_at_month_end(seed_tariff):
    family = engine_with(seed_tariff, bonus_expiry="never")
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    world, _ = family.handle(world, C, "family_exit", {}, T0)  # 2 members from April: ends
    world, _ = family.on_month_end(world, END)
    assert {world.subscriber(m).bonus for m in (A, B, C)} == {Allowance()}


# --- benefits after exit immediately --------------------------------------------------------

def test_benefits_end_with_the_exit_request(seed_tariff):
    family = engine_with(seed_tariff, benefits_after_exit="immediately")
    world, _ = group_of(family, people(A, B, C, D), A, [B, C, D])
    world, out = family.handle(world, D, "family_exit", {}, T0 + H)
    assert texts_to(out, D) == ["Od 01.04.2025. niste član grupe; vaše pogodnosti prestaju odmah."]
    assert world.subscriber(D).bonus == Allowance()
    # no free calls to or from D any more; the others keep theirs (the group changes in April)
    assert family.free_in_group(world, D, "+" + A, "outgoing call", T0 + 2 * H) is None
    assert family.free_in_group(world, A, "+" + D, "outgoing call", T0 + 2 * H) is None
    assert family.free_in_group(world, A, "+" + B, "outgoing call", T0 + 2 * H) == "free_in_group"
    world, out = family.handle(world, A, "family_transfer", {"amount_mb": 50, "to": national(D)},
                               T0 + 2 * H)
    assert not out.ok and out.rule == "transfer_bonus_only"
    assert world.subscriber(A).bonus == TIER_4  # still 4 members this month: 40 %


def test_benefits_end_with_the_promotion(seed_tariff):
    family = engine_with(seed_tariff, benefits_after_exit="immediately")
    world, _ = group_of(family, people(A, B, C), A, [B, C])
    world, out = family.end(world, B, REASON, T0 + H)
    assert texts_to(out, A) == ["Promocija Telenor Porodica je deaktivirana. Vaše pogodnosti "
                                "prestaju odmah."]
    assert {world.subscriber(m).bonus for m in (A, B, C)} == {Allowance()}
    assert family.free_in_group(world, A, "+" + B, "outgoing call", T0 + H) is None

"""Telenor Porodica (seed 003): eligibility, invitations, creation, cancel, status, bad input.

Every expected value is derived by hand from seed 003 (quoted in the comments). The family
engine is built from specs/ (checked, family table lowered) without the other areas, so these
tests exercise runtime.family alone; test_family_month.py covers bonus, fee, transfer and
month ends. Helpers here are shared with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from compiler.check import check_paths
from compiler.lower import family as lower_family, lower_operator
from runtime.engine import Engine
from runtime.errors import InvalidEvent, MalformedNumber, OutOfOrder
from runtime.events import FamilyEnd, MonthEnd, Tick
from runtime.family import FamilyEngine
from runtime.state import Allowance, Subscriber, world_of

BG = ZoneInfo("Europe/Belgrade")
MB = 1024  # KB
T0 = datetime(2025, 3, 10, 12, 0, tzinfo=BG)
A, B, C, D, E, F = (f"38164100000{i}" for i in range(1, 7))
# A package of 100 minutes, 50 SMS and 2000 MB in national traffic (an input: the seeds give
# no plan allowances).
PACKAGE = Allowance(seconds=100 * 60, sms=50, kb=2000 * MB)


def national(msisdn: str) -> str:
    """381641000001 -> "064 100 0001", as a subscriber types it (seed: 06X XXX XXXX)."""
    return f"0{msisdn[3:5]} {msisdn[5:8]} {msisdn[8:]}"


def sub(msisdn: str, segment: str = "postpaid", plan: str | None = "Prenesi M", **kw) -> Subscriber:
    return Subscriber(msisdn, segment, plan=plan, package=kw.pop("package", PACKAGE), **kw)


def people(*numbers: str, **kw):
    return world_of(*(sub(n, **kw) for n in numbers))


@pytest.fixture(scope="module")
def tables():
    tariff, = check_paths(["specs/telenor_rs"]).tariffs
    return {"operator": lower_operator(tariff), "family": lower_family.lower(tariff)}


@pytest.fixture(scope="module")
def family(tables):
    return FamilyEngine(tables["family"], tables["operator"])


def create(family, world, initiator, members, at=T0):
    return family.handle(world, initiator, "family_create", {"members": [national(m) for m in members]}, at)


def group_of(family, world, initiator, members, at=T0):
    """A group created and accepted by everyone at `at`."""
    world, out = create(family, world, initiator, members, at)
    assert out.ok, out.reason
    for m in members:
        world, out = family.handle(world, m, "family_accept", {}, at)
        assert out.ok, out.reason
    return world, out


def texts_to(out, msisdn):
    return [r.text for r in out.replies if r.to == msisdn]


# --- eligibility (seed: "A natural person with an active, postpaid number in one of the packages")


def test_prepaid_number_cannot_initiate(family):
    world = people(A, B, C).with_subscriber(sub(A, segment="prepaid", plan=None))
    world2, out = create(family, world, A, [B, C])
    assert not out.ok and "not eligible" in out.reason
    assert out.rule == "natural_person" and out.source == "specs/telenor_rs/family.tariff:40"
    assert texts_to(out, A) and world2.get("family").groups == ()


def test_postpaid_package_outside_the_list_is_refused(family):
    # "Business Pro" is not one of the 48 packages the seed lists.
    world = people(A, B, C).with_subscriber(sub(A, plan="Business Pro"))
    _, out = create(family, world, A, [B, C])
    assert not out.ok and out.reason == "the package Business Pro is not eligible for Telenor Porodica"


@pytest.mark.parametrize("plan", ["Prenesi+ XS", "Play+ Trio", "Prenesi i Surfuj+ XXL",
                                  "Prenesi Kredit", "Premium+", "Persons with disability 2"])
def test_listed_packages_are_eligible(family, plan):
    # Seed 003's list, first and last entries of several lines.
    _, out = create(family, people(A, B, C, plan=plan), A, [B, C])
    assert out.ok, out.reason


def test_the_list_has_48_packages(tables):
    # 3 Prenesi+ + 3 Play+ + 10 Prenesi + 6 Play+ + 5 Prenesi Play+ + 10 Prenesi i Surfuj
    # + 5 Prenesi i Surfuj+ + 2 (Dopuni, Kredit) + 2 Premium + 2 disability = 48
    assert len(tables["family"]["plans"]) == 48


def test_legal_entity_is_refused(family):
    # Reading: subscribers are natural persons unless world.extra["legal_entities"] names them.
    world = people(A, B, C).with_extra("legal_entities", (A,))
    _, out = create(family, world, A, [B, C])
    assert not out.ok and out.reason == "Telenor Porodica is for natural persons only"


def test_discount_promotion_excludes_but_20_percent_is_excepted(family):
    # "does not have an active promotion ensuring discount ... for 12 or 24 months, except ...
    # a promotion offering 20% discount" (world.extra["promotions"]: msisdn -> names).
    excluded = "a promotion with a discount on the monthly subscription for 12 or 24 months"
    excepted = "a promotion with a 20% discount on the monthly subscription"
    _, out = create(family, people(A, B, C).with_extra("promotions", {A: (excluded,)}), A, [B, C])
    assert not out.ok and excluded in out.reason
    _, out = create(family, people(A, B, C).with_extra("promotions", {A: (excepted,)}), A, [B, C])
    assert out.ok


def test_invitee_not_eligible_or_unknown_is_refused(family):
    world = people(A, B).with_subscriber(sub(C, segment="prepaid", plan=None))
    _, out = create(family, world, A, [B, C])
    assert not out.ok and out.reason == f"+{C} is not eligible for Telenor Porodica"
    _, out = create(family, people(A, B), A, [B, C])  # C is not a subscriber of this world
    assert not out.ok and f"+{C}" in out.reason


# --- creation: "TELENOR PORODICA: 06X XXX XXXX, ... (min 2, max 4)" to 9001


def test_create_needs_2_to_4_numbers(family):
    world = people(A, B, C, D, E, F)
    _, out = create(family, world, A, [B])  # 1 number: a group of 2 is below 3 members
    assert not out.ok and out.reason == "give 2 to 4 different numbers"
    _, out = create(family, world, A, [B, C, D, E, F])  # 5 numbers: a group of 6 is above 5
    assert not out.ok


def test_create_refuses_own_or_repeated_number(family):
    _, out = create(family, people(A, B, C), A, [B, B])
    assert not out.ok and out.reason == "a number is given twice or is your own"
    _, out = create(family, people(A, B, C), A, [B, A])
    assert not out.ok


def test_create_sends_an_invitation_to_each_number(family):
    world, out = create(family, people(A, B, C), A, [B, C])
    assert out.ok and out.data["group"]["status"] == "pending"
    assert [i["status"] for i in out.data["group"]["invitations"]] == ["pending", "pending"]
    # Serbian by default (the operator's first language); English when the subscriber asks.
    assert texts_to(out, B) == [f"+{A} vas poziva u grupu Telenor Porodica. Odgovorite DA ili NE "
                                "na 9001 u roku od 24 sata."]
    _, out = create(family, people(A, B, C).with_subscriber(sub(A, language="en")), A, [B, C])
    assert texts_to(out, A) == [f"Invitations sent to +{B}, +{C}. The group is created when all "
                                "accept within 24 hours."]


def test_group_is_created_when_all_accept(family):
    world, _ = create(family, people(A, B, C), A, [B, C])
    world, out = family.handle(world, B, "family_accept", {}, T0 + timedelta(hours=1))
    assert out.ok and out.data["group"]["status"] == "pending"
    world, out = family.handle(world, C, "family_accept", {}, T0 + timedelta(hours=2))
    assert out.ok and out.data["group"]["status"] == "active"
    assert out.data["group"]["members"] == (A, B, C)
    assert {r.to for r in out.replies} == {A, B, C}  # every member is told


def test_a_decline_means_no_group_and_everyone_is_informed(family):
    # "should any of the invited ... decline ... all the subscriber numbers will be informed"
    world, _ = create(family, people(A, B, C), A, [B, C])
    world, _ = family.handle(world, B, "family_accept", {}, T0)
    world, out = family.handle(world, C, "family_decline", {}, T0 + timedelta(minutes=5))
    assert out.ok and out.data["group"] is None
    assert {r.to for r in out.replies} == {A, B, C}
    assert texts_to(out, A) == [f"Grupa Telenor Porodica nije kreirana: +{C} je odbio poziv."]
    g, = world.get("family").groups
    assert (g.status, g.reason) == ("ended", "declined")


def test_accept_one_second_before_24_hours_creates_the_group(family):
    # "An invitation ... is effective for 24 hours from the moment ... of having sent" it.
    world, _ = create(family, people(A, B, C), A, [B, C])
    world, _ = family.handle(world, B, "family_accept", {}, T0)
    world, out = family.handle(world, C, "family_accept", {}, T0 + timedelta(hours=24, seconds=-1))
    assert out.ok and out.data["group"]["status"] == "active"


def test_accept_one_second_after_24_hours_is_refused(family):
    world, _ = create(family, people(A, B, C), A, [B, C])
    world, _ = family.handle(world, B, "family_accept", {}, T0)
    world, out = family.handle(world, C, "family_accept", {}, T0 + timedelta(hours=24, seconds=1))
    assert not out.ok and out.reason == "the invitation expired (it is valid 24 hours)"
    # the group is not created, and all numbers are informed
    assert {r.to for r in out.replies if "nije kreirana" in r.text} == {A, B, C}
    assert world.get("family").groups[0].reason == "expired"


def test_tick_at_24_hours_expires_the_invitations(tables):
    engine = Engine(dict(tables))  # only the operator and family areas
    world, _ = create(engine.family, people(A, B, C), A, [B, C])
    world, out = engine.apply(world, Tick(T0 + timedelta(hours=23, minutes=59)))
    assert out.data["events"] == ()
    world, out = engine.apply(world, Tick(T0 + timedelta(hours=24)))
    assert [e["why"] for e in out.data["events"]] == ["expired"]
    assert [i.status for i in world.get("family").invitations] == ["expired", "expired"]


def test_first_invitation_is_kept_on_hold_later_ones_declined(family):
    # "the first invitation he received will be valid bearing the status "on hold". All the
    # other invitations will be automatically declined with information to the user who
    # initiated the group"
    world, _ = create(family, people(A, B, C, D, E), A, [B, C])
    world, out = create(family, world, D, [B, E], T0 + timedelta(hours=1))
    assert not out.ok and out.rule == "first_invitation_on_hold"
    assert texts_to(out, D) == [f"Zahtev nije prihvaćen: Grupa Telenor Porodica nije kreirana: +{B} "
                                "već ima poziv na čekanju, pa je ovaj automatski odbijen."]
    assert texts_to(out, E)  # the other invited number is told the group is not created
    st = world.get("family")
    assert [(i.group, i.to, i.status) for i in st.invitations] == [
        ("F1", B, "on_hold"), ("F1", C, "pending"), ("F2", B, "auto_declined"), ("F2", E, "cancelled")]
    world, out = family.handle(world, B, "family_accept", {}, T0 + timedelta(hours=2))
    assert out.ok and out.data["group"]["id"] == "F1"  # DA answers the invitation on hold


def test_cancel_stops_a_pending_initiation(family):
    # "PONIŠTI 9001: Cancelling initiation of Telenor Porodica group"
    world, _ = create(family, people(A, B, C), A, [B, C])
    world, out = family.handle(world, A, "family_cancel", {}, T0 + timedelta(minutes=1))
    assert out.ok and {r.to for r in out.replies} == {A, B, C}
    assert [i.status for i in world.get("family").invitations] == ["cancelled", "cancelled"]
    _, out = family.handle(world, B, "family_accept", {}, T0 + timedelta(minutes=2))
    assert not out.ok and out.reason == "you have no invitation to a Telenor Porodica group"


def test_cancel_without_initiation_is_refused(family):
    _, out = family.handle(people(A), A, "family_cancel", {}, T0)
    assert not out.ok and out.reason == "you have no group initiation to cancel"


def test_status_of_member_pending_and_outsider(family):
    world, _ = create(family, people(A, B, C, D, language="en"), A, [B, C])
    _, out = family.handle(world, A, "family_status", {}, T0)
    assert texts_to(out, A) == [f"Telenor Porodica group in preparation: waiting for +{B}, +{C}."]
    world, _ = group_of(family, people(A, B, C, D, language="en"), A, [B, C])
    _, out = family.handle(world, A, "family_status", {}, T0)
    # 3 members -> 30 %: 100 min x 30 % = 30 min, 50 SMS x 30 % = 15 SMS, 2000 MB x 30 % = 600 MB
    assert texts_to(out, A) == [f"Telenor Porodica group: 3 members (+{A}, +{B}, +{C}), 30% bonus. "
                                "Bonus left: 30 min, 15 SMS, 600 MB."]
    _, out = family.handle(world, D, "family_status", {}, T0)
    assert out.ok and texts_to(out, D) == ["You are not a member of a Telenor Porodica group."]


# --- bad input: a typed error


def test_malformed_member_number_raises(family):
    with pytest.raises(MalformedNumber):
        family.handle(people(A, B), A, "family_create", {"members": ["06x 123", national(B)]}, T0)


def test_unknown_action_raises(family):
    with pytest.raises(InvalidEvent):
        family.handle(people(A), A, "family_dissolve", {}, T0)
    with pytest.raises(InvalidEvent):
        family.handle(people(A), A, "status", {}, T0)


def test_naive_time_raises(family):
    with pytest.raises(InvalidEvent):
        family.handle(people(A), A, "family_status", {}, datetime(2025, 3, 10, 12))


def test_unknown_sender_raises(family):
    with pytest.raises(InvalidEvent):
        family.handle(people(A), B, "family_status", {}, T0)


def test_request_before_activation_raises(family):
    world = world_of(sub(A, activated=T0 + timedelta(days=1)))
    with pytest.raises(OutOfOrder):
        family.handle(world, A, "family_status", {}, T0)


# --- the lowered table and the engine


def test_table_carries_the_seed_facts(tables):
    t = tables["family"]
    # "3, 4 or 5 members", "30%, 40% or 50%", "RSD 150/month", "valid for 24 hours",
    # "divisible by 50 ... minimum 50 MB", "min 2, max 4" numbers in TELENOR PORODICA:
    assert [(x["members"], x["percent"]) for x in t["tiers"]] == [
        (3, Decimal(30)), (4, Decimal(40)), (5, Decimal(50))]
    assert t["fee"] == {"amount": Decimal(150), "currency": "RSD", "per": "month", "prorated": False}
    assert t["invitation_seconds"] == 24 * 3600
    assert t["transfer"] == {"step_kb": 50 * MB, "min_kb": 50 * MB, "from": "bonus"}
    assert t["invite_counts"] == {"family_create": (2, 4), "family_add": (1, 4)}
    assert t["rules"]["invitation_24h"]["source"] == "specs/telenor_rs/family.tariff:35"  # `rule invitation_24h`
    assert t["tiers"][0]["source"] == "specs/telenor_rs/family.tariff:23"


def test_azercell_has_no_family_table():
    tariff, = check_paths(["specs/azercell"]).tariffs
    assert lower_family.lower(tariff) is None


def test_install_registers_tick_and_month_end_when_free(tables):
    engine = Engine(dict(tables))
    assert isinstance(engine.family, FamilyEngine)
    assert set(engine.handlers) == {Tick, MonthEnd, FamilyEnd}


def test_the_full_engine_exposes_family(telenor_engine):
    assert isinstance(telenor_engine.family, FamilyEngine)
    world, out = group_of(telenor_engine.family, people(A, B, C), A, [B, C])
    assert out.data["group"]["percent"] == "30"


def test_generated_module_exposes_family():
    from generated import telenor_rs

    assert isinstance(telenor_rs.ENGINE.family, FamilyEngine)
    assert telenor_rs.TABLES["family"]["name"] == "Telenor Porodica"

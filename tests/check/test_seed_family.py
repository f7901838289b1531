"""Seed 003 (Telenor Family), typed by hand from the seed, against the checked model."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compiler.check import check_paths

MB = 1024  # KB


@pytest.fixture(scope="module")
def result():
    return check_paths(["specs"])


@pytest.fixture(scope="module")
def family(result):
    assert not [d for d in result.diagnostics if d.span and d.span.file.endswith("family.tariff")]
    tariff = next(t for t in result.tariffs if t.id == "telenor_rs")
    f, = tariff.families
    return f


@pytest.fixture(scope="module")
def commands(result):
    tariff = next(t for t in result.tariffs if t.id == "telenor_rs")
    return {c.action: c for c in tariff.sms_commands if c.number == "9001"}


def test_name(family) -> None:
    # "may activate the promotion “Telenor Porodica” (Telenor Family)"
    assert family.name == "Telenor Porodica"
    assert family.names.get("en") == "Telenor Family"


def test_eligibility(family) -> None:
    # "A postpaid user of the Telenor mobile network ... in one of the packages:"
    assert family.eligibility.segments == ("postpaid",)
    expected = [
        "Prenesi+ XS", "Prenesi+ S", "Prenesi+ M",                       # Prenesi+ XS, Prenesi+ S, Prenesi+ M
        "Play+ 20", "Play+ 30", "Play+ 40",                              # Play+ 20, Play+ 30, Play+ 40
        # Prenesi Start, Basic, Standard, Extra, Pro, S, M, L, XL, XXL
        "Prenesi Start", "Prenesi Basic", "Prenesi Standard", "Prenesi Extra", "Prenesi Pro",
        "Prenesi S", "Prenesi M", "Prenesi L", "Prenesi XL", "Prenesi XXL",
        # Play+ 1, 2, 3, Solo, Duo, Trio
        "Play+ 1", "Play+ 2", "Play+ 3", "Play+ Solo", "Play+ Duo", "Play+ Trio",
        # Prenesi Play+ S, M, L, XL, XXL
        "Prenesi Play+ S", "Prenesi Play+ M", "Prenesi Play+ L", "Prenesi Play+ XL", "Prenesi Play+ XXL",
        # Prenesi i Surfuj Start, Basic, Standard, Extra, Pro, S, M, L, XL, XXL
        "Prenesi i Surfuj Start", "Prenesi i Surfuj Basic", "Prenesi i Surfuj Standard",
        "Prenesi i Surfuj Extra", "Prenesi i Surfuj Pro", "Prenesi i Surfuj S", "Prenesi i Surfuj M",
        "Prenesi i Surfuj L", "Prenesi i Surfuj XL", "Prenesi i Surfuj XXL",
        # Prenesi i Surfuj+ S, M, L, XL, XXL
        "Prenesi i Surfuj+ S", "Prenesi i Surfuj+ M", "Prenesi i Surfuj+ L",
        "Prenesi i Surfuj+ XL", "Prenesi i Surfuj+ XXL",
        "Prenesi i Dopuni", "Prenesi Kredit",                             # Prenesi i Dopuni, Prenesi Kredit
        "Premium", "Premium+",                                            # Premium, Premium+
        "Persons with disability", "Persons with disability 2",           # Persons with disability, ... 2
    ]
    assert sorted(family.plans) == sorted(expected)
    assert len(family.plans) == 3 + 3 + 10 + 6 + 5 + 10 + 5 + 2 + 2 + 2


def test_conflicting_promotions(family) -> None:
    # "does not have an active promotion ensuring discount to the monthly subscription for 12 or
    # 24 months, except in the case of a promotion offering 20% discount"
    assert len(family.excluded) == 1 and "12 or 24 months" in family.excluded[0]
    assert len(family.exceptions) == 1 and "20% discount" in family.exceptions[0]


def test_group_size_and_bonus(family) -> None:
    # "group consisting of 3,4 or 5 members"
    assert (family.min_members, family.max_members) == (3, 5)
    # "30%, 40%, 50% more minutes, text messages and megabytes ... for 3, 4 or 5 connected members"
    assert [(t.members, t.percent) for t in family.tiers] == [
        (3, Decimal(30)), (4, Decimal(40)), (5, Decimal(50))]
    # "(MB, text messages and minutes to all the networks in the national traffic)"
    assert family.bonus_on == ("national minutes", "sms", "data")


def test_fee(family) -> None:
    # "The fee ... is RSD 150/month (VAT included) for each subscriber number"
    assert (family.fee.amount, family.fee.currency, family.fee.per, family.fee.per_amount) == (
        Decimal(150), "RSD", "month", 1)
    # "done in the full amount irrespective of the date in a month"
    assert family.fee_prorated is False
    assert family.rule("fee_full") is not None


def test_free_in_group(family) -> None:
    # "Conversations and exchange of text messages in the national traffic among the members ...
    # are not charged and are unlimited."
    assert family.free_in_group == ("national outgoing call", "sms")


def test_transfer(family) -> None:
    # "in quantities divisible by 50 (50, 100, 150, 200 MB, etc.). The minimum quantity of MBs for
    # transfer is 50 MB. The basic Internet traffic from the tariff package cannot be sent"
    assert family.transfer_step_kb == 50 * MB
    assert family.transfer_min_kb == 50 * MB
    assert family.transfer_from == "bonus"
    assert all(family.transferable(n * MB) for n in (50, 100, 150, 200))
    assert not family.transferable(75 * MB) and not family.transferable(0)
    # "Exchange ... may be effected by: “Moj Telenor” app, “Moj Telenor” portal, Text message (SMS)"
    assert family.channels == ("app", "portal", "sms")


def test_time_rules(family) -> None:
    # "An invitation ... is effective for 24 hours"
    assert family.invitation_seconds == 24 * 60 * 60
    # "One user may be a member of one “Telenor Porodica“ group only in the course of one month."
    assert family.groups_per_month == 1
    # "active as of the month following the month in which the invitation for change had been sent"
    assert family.changes_effective == "next month"
    # "valid until the end of the month in which the they were allocated /transferred"
    assert family.bonus_expiry == "end of month"
    # "benefits ... shall be available until the last day of the month of deactivation"
    assert family.benefits_after_exit == "end of month"


def test_rules(family) -> None:
    ids = {r.id for r in family.rules}
    assert {
        "bonus_in_full",            # "obtain the additional quantity of traffic ... in full"
        "bonus_national_minutes",   # "does not increase the number of minutes in the Telenor network"
        "free_in_group",            # "not charged and are unlimited"
        "transfer_bonus_only",      # "The basic Internet traffic ... cannot be sent"
        "month_end_expiry",         # "shall not be transferrable into the following month"
        "after_deactivation",       # "available until the last day of the month of deactivation"
        "suspension",               # "ban on outgoing traffic or any form of suspension"
        "plan_change",              # "not changed in the month of change of the tariff package"
        "invitation_24h",           # "will not be created should any ... fail to respond"
        "first_invitation_on_hold", # "the first invitation he received will be valid ... “on hold“"
        "one_group_per_month",      # "member of one ... group only in the course of one month"
        "changes_next_month",       # "cancel the existing group ... create a new one as of the following month"
        "fee_full",                 # "in the full amount irrespective of the date"
        "device_contract",          # "active contractual obligation ... based on the purchase of a device"
        "natural_person",           # "A natural person with an active, postpaid number"
        "no_commitment",            # "does not require a contractual obligation nor is it time limited"
        "fee_on_bill",              # "The fee will be shown on the bill ... at each of the subscriber numbers"
        "transfer_period",          # "in the time period alowed by terms and conditions of the tariff package"
    } <= ids
    assert "declined automatically" in family.rule("first_invitation_on_hold").texts.get("en")


def test_ends_when(family) -> None:
    # "The effectiveness of the promotion ... shall cease on all subscriber numbers in the group if:"
    ends = [t for t, _ in family.ends_when]
    assert len(ends) == 6  # six bullets
    assert "deactivates the promotion" in ends[0]            # "The user himself deactivates"
    assert "conditions" in ends[1]                            # "stop fulfilling the conditions"
    assert "activated again" in ends[2]                       # "will not activate automatically"
    assert "not available" in ends[3]                         # "changes postpaid package"
    assert "accepts a promotion" in ends[4]                   # "accepts, by annex"
    assert "change of subscriber number" in ends[5]           # "request for a change of a subscriber number"


def test_notes_show_the_readings(family) -> None:
    # the introduction ("data from your tariff package") contradicts the rules (bonus only)
    assert any("only bonus data is transferable" in n.text for n in family.notes)
    # "06X XXX XXX" and "06X XXX XXXX" both appear
    assert any("06X XXX XXX" in n.text for n in family.notes)


def test_sms_commands_match_the_family(commands, family) -> None:
    # "TELENOR PORODICA: 06X XXX XXXX, ... (min 2, max 4)" = the other members of a 3..5 group
    create = commands["family_create"]
    p, = create.params
    assert (p.min, p.max) == (2, 4) == (family.min_members - 1, family.max_members - 1)
    # DA / NE / IZLAZAK / DODAJ / PONIŠTI / POSALJI / STATUS, all to 9001
    assert {a: c.keyword for a, c in commands.items()} == {
        "family_create": "TELENOR PORODICA:", "family_accept": "DA", "family_decline": "NE",
        "family_exit": "IZLAZAK", "family_add": "DODAJ:", "family_cancel": "PONIŠTI",
        "family_transfer": "POSALJI:", "family_status": "STATUS"}

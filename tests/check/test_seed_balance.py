"""Seed 002 (Azercell balance): the billing window and the balance notifications, typed by
hand from the seed, against the checked model."""

from __future__ import annotations

import pytest

from compiler.check import check_paths


@pytest.fixture(scope="module")
def azercell():
    result = check_paths(["specs"])
    assert not [d for d in result.diagnostics if d.span and d.span.file.endswith("balance.tariff")]
    return next(t for t in result.tariffs if t.id == "azercell")


def test_billing_window(azercell) -> None:
    w, = azercell.billing_windows
    # "the billing process occurs between the 4th and 24th of each month at 11 p.m."
    assert (w.from_day, w.to_day) == (4, 24)
    assert w.at == (23, 0)  # 11 p.m. = 23:00
    # "Postpaid subscribers can retrieve their balance information ... in 4 ways: Call 650 ...
    # Send a blank (empty) SMS to 650 ... Dial *650#YES ... Visit the online services section"
    # and "Requests sent during this period will be carried out in the following bill cycle."
    assert set(w.defers) == {("call", "650"), ("sms", "650"), ("code", "*650#YES"),
                             ("web", "online services")}
    # the reading: open from the 4th 23:00 to the 24th 23:00
    assert not w.inside(4, 22, 59) and w.inside(4, 23, 0)
    assert w.inside(24, 22, 59) and not w.inside(24, 23, 0)
    assert any("following bill cycle" in n.text for n in w.notes)


def test_deferred_requests_exist(azercell) -> None:
    w, = azercell.billing_windows
    assert any(c.number == "650" and c.keyword == "" for c in azercell.sms_commands)  # blank SMS
    assert any(c.number == "650" for c in azercell.calls)
    assert any(c.pattern == "*650#YES" for c in azercell.codes)
    assert any(c.name == "online services" for c in azercell.web_channels)


def test_notifications(azercell) -> None:
    n, = azercell.notifications
    assert n.kind == "balance"
    # under "For Prepaid subscribers": "Subscribers will also receive an automatic update"
    assert n.eligibility.segments == ("prepaid",)
    # "every time their balance changes when they call, send SMSs or use internet tariff packs"
    assert n.triggers == ("call", "sms", "data pack")
    # "you can deactivate the service over Dynamic IVR, "Azercell" app or through Customer Care"
    assert n.off_channels == ("Dynamic IVR", "Azercell app", "Customer Care")
    # "Balance messages are not auto-saved but you may save them manually"
    assert any("not auto-saved" in x.text for x in n.notes)

"""The `billing window` and `notifications` checkers on small inline specs."""

from __future__ import annotations

from compiler.check import check_text

HEADER = '''operator demo {
  name "Demo"
  country AZ
  currency AZN
  timezone "Asia/Baku"
  languages az en ru
  numbers decimal point
}

segment prepaid {
  name en "Prepaid"
}

segment postpaid {
  name en "Postpaid"
}

service number 650 {
  name en "Balance"
  price 0.0236 AZN/sms
}

sms 650 "+" {
  title en "Grant access"
  for postpaid
  action grant_access
}

call 650 {
  title en "Balance by call"
  for postpaid
  action balance
}

code *650#YES {
  title en "Balance by USSD"
  for postpaid
  action balance
}

web "online services" {
  title en "Balance online"
  for postpaid
  action balance
}
'''

WINDOW = '''
billing window {
  from day 4 to day 24 at 23:00
  defers sms 650, call 650, code *650#YES, web "online services"
  note en "A reading."
}
'''

NOTIFY = '''
notifications balance {
  for prepaid
  on call, sms, data pack
  off by "Dynamic IVR", "Customer Care"
}
'''


def check(old: str = "", new: str = "", extra: str = ""):
    return check_text(HEADER + (WINDOW + NOTIFY).replace(old, new) + extra, "t.tariff")


def codes(diags) -> list[str]:
    return [d.code for d in diags]


def test_model() -> None:
    tariff, diags = check()
    assert not diags, diags
    w, = tariff.billing_windows
    assert (w.from_day, w.to_day, w.at) == (4, 24, (23, 0))
    assert w.defers == (("sms", "650"), ("call", "650"), ("code", "*650#YES"), ("web", "online services"))
    assert w.defers_request("code", "*650#YES") and not w.defers_request("sms", "2112")
    assert w.inside(10, 12, 0) and not w.inside(3, 23, 30) and not w.inside(25, 0, 0)
    assert w.notes[0].text == "A reading."
    n, = tariff.notifications
    assert (n.kind, n.eligibility.segments, n.triggers, n.off_channels) == (
        "balance", ("prepaid",), ("call", "sms", "data pack"), ("Dynamic IVR", "Customer Care"))


def test_days_and_time() -> None:
    _, diags = check("from day 4 to day 24", "from day 24 to day 4")
    assert codes(diags) == ["T0751"]
    _, diags = check("from day 4 to day 24", "from day 4 to day 4")
    assert codes(diags) == ["T0751"]
    _, diags = check("to day 24", "to day 32")
    assert codes(diags) == ["T0207"]
    _, diags = check("at 23:00", "at 23:60")
    assert codes(diags) == ["T0207"]
    _, diags = check("at 23:00", "at 23")
    assert codes(diags) == ["T0110"]


def test_deferred_requests_resolve() -> None:
    _, diags = check("sms 650,", "sms 651,")
    assert codes(diags) == ["T0101"] and "`650`" in diags[0].help
    _, diags = check("call 650,", "call 2112,")
    assert codes(diags) == ["T0101"]
    _, diags = check("code *650#YES", "code *650#")
    assert codes(diags) == ["T0101"]
    _, diags = check('web "online services"', 'web "online service"')
    assert codes(diags) == ["T0101"] and "online services" in diags[0].help
    _, diags = check("sms 650,", "ussd 650,")
    assert codes(diags) == ["T0112"]
    _, diags = check("sms 650,", "sms 650, sms 650,")
    assert codes(diags) == ["T0752"]


def test_one_window() -> None:
    _, diags = check(extra=WINDOW)
    assert codes(diags) == ["T0753"]


def test_notifications() -> None:
    _, diags = check("on call, sms, data pack", "on call, sms, data")
    assert codes(diags) == ["T0112"]
    _, diags = check("notifications balance", "notifications bonus")
    assert codes(diags) == ["T0112"]
    _, diags = check("  on call, sms, data pack\n", "")
    assert codes(diags) == ["T0106"]
    _, diags = check("for prepaid\n  on", "for prepaidd\n  on")
    assert codes(diags) == ["T0101"]

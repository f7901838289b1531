"""The checker of `code`, `sms`, `call`, `web` and `service number` blocks, on small specs."""

from __future__ import annotations

from decimal import Decimal

from compiler.check import check_text
from compiler.model.commands import CodeParam, MenuOption, Price, SmsParam

HEAD = """operator demo {
  name "Demo"
  country RS
  currency RSD
  timezone "Europe/Belgrade"
  languages sr en
  numbers decimal comma
}
segment prepaid {
  name en "Prepaid"
}
segment postpaid {
  name en "Postpaid"
  plans "Play+ 20"
}
"""
HEAD_LINES = HEAD.count("\n")


def check(body: str):
    tariff, diags = check_text(HEAD + body, "t.tariff")
    return tariff, [(d.code, d.span.line - HEAD_LINES, d.span.col) for d in diags]


def codes(diags) -> list[str]:
    return [c for c, _, _ in diags]


def test_code_with_parameter_condition_and_prices() -> None:
    t, diags = check("""
code *321*<number:msisdn># {
  title en "Call Me" sr "Pozovi me"
  for prepaid
  action call_me
  when balance < 15 RSD
  reply sms
  price free
  roaming price 1,50 RSD
  example *321*0631234567#
}
""")
    assert diags == []
    c, = t.codes
    assert c.pattern == "*321*<number:msisdn>#"
    assert c.parts == ("*321*", CodeParam("number", "msisdn"), "#") and c.suffix == ""
    assert c.params == (CodeParam("number", "msisdn"),)
    assert c.conditions[0].subject == "balance" and c.conditions[0].op == "<"
    assert c.conditions[0].value == Price(Decimal(15), "RSD")
    assert c.price == Price(Decimal(0), "RSD") and c.roaming_price == Price(Decimal("1.50"), "RSD")
    assert c.title.get("sr") == "Pozovi me" and c.replies == ("sms",)
    assert c.match("*321*0631234567#") == {"number": "0631234567"}
    assert c.match("*321*12#") is None  # too short for a subscriber number


def test_suffix_variants_and_reply_texts() -> None:
    t, diags = check("""
code *111*1*7#YES {
  title en "Balance"
  action balance
  reply ussd sms
  variant en *111*1*8#YES
  text sr "Vaš zahtev je prihvaćen."
  text en "Your request has been accepted."
}
""")
    assert diags == []
    c, = t.codes
    assert (c.parts, c.suffix) == (("*111*1*7#",), "YES")
    assert c.variants == (("en", "*111*1*8#YES"),) and c.price is None
    assert c.texts.get("en") == "Your request has been accepted."
    assert c.match("*111*1*8#YES") == {} and c.match("*111*1*7#") is None
    assert c.eligibility.everybody


def test_menu_options_are_sorted_and_labelled() -> None:
    t, diags = check("""
code *111# {
  title en "Menu"
  for prepaid
  action menu
  option 6 "Putni paket"
  option 2 sr "Stanje" en "Balance"
}
""")
    assert diags == []
    menu = t.codes[0].menu
    assert [o.number for o in menu] == [2, 6]
    assert menu[1].label.get("sr") == "Putni paket" and menu[0].label.get("en") == "Balance"
    assert isinstance(menu[0], MenuOption) and menu[0].activates == ()


def test_menu_without_options_is_a_warning() -> None:
    _, diags = check('code *111# {\n  title en "Menu"\n  action menu\n}\n')
    assert diags == [("T0314", 1, 1)]


def test_malformed_patterns() -> None:
    for pattern, col in (("*311#1#", 10), ("*311**1#", 10), ("*321*<number>#", 11), ("*32*<n:phon>#", 10)):
        _, diags = check(f'code {pattern} {{\n  title en "X"\n  action status\n}}\n')
        assert diags and diags[0][1:] == (1, col), (pattern, diags)
        assert codes(diags)[0] in ("T0301", "T0302")


def test_action_arguments() -> None:
    _, diags = check('code *311# {\n  title en "X"\n  action status "A"\n}\n')
    assert codes(diags) == ["T0304"]
    _, diags = check('code *311# {\n  title en "X"\n  action activate "A", "B"\n}\n')
    assert codes(diags) == ["T0304"]
    _, diags = check('code *311# {\n  title en "X"\n  action quota "A", "B"\n}\n')
    assert codes(diags) == ["T0101", "T0101"]  # no passes declared


def test_reply_text_given_twice_for_one_language() -> None:
    _, diags = check('code *311# {\n  title en "X"\n  action status\n  text en "a"\n  text en "b"\n}\n')
    assert codes(diags) == ["T0115"]


def test_condition_operator() -> None:
    _, diags = check('code *311# {\n  title en "X"\n  action status\n  when balance == 15 RSD\n}\n')
    assert diags == [("T0315", 4, 16)]


def test_no_shadowing_between_different_segments() -> None:
    _, diags = check("""
code *321*<number:digits># {
  title en "A"
  for prepaid
  action call_me
}
code *321*123# {
  title en "B"
  for postpaid
  action status
}
""")
    assert diags == []


def test_plan_overlaps_its_segment() -> None:
    _, diags = check("""
code *121# {
  title en "A"
  for postpaid
  action balance
}
code *122# {
  title en "B"
  for "Play+ 20"
  action balance
}
""")
    assert codes(diags) == ["T0307"]


def test_shadowing_between_two_parameter_codes() -> None:
    _, diags = check("""
code *321*<number:msisdn># {
  title en "A"
  action call_me
}
code *321*<n:digits># {
  title en "B"
  action status
}
""")
    assert diags == [("T0306", 6, 6)]


def test_prose_mentions_in_long_text_point_at_the_code() -> None:
    _, diags = check('''
code *121# {
  title en "A"
  action balance
  about en """
    Check *121# or *321*0631234567# any time;
    not *999#.
    """
}
code *321*<number:msisdn># {
  title en "B"
  action call_me
}
''')
    assert diags == [("T0308", 7, 9)]


def test_sms_patterns() -> None:
    t, diags = check("""
service number 9001 {
  name en "Family"
  price free
}
service number 1003 {
  name en "Cards"
  price 2 RSD/sms
  roaming price zone sms
}
sms 9001 "POSALJI: <amount:MB>, <to:msisdn>" {
  title en "Transfer"
  action family_transfer
}
sms 9001 "Poništi" {
  title en "Cancel"
  action family_cancel
  price 1 RSD
}
sms 1003 "<serial:digits 10>" {
  title en "Card"
  action card_check
}
sms 1003 "" {
  title en "Blank"
  action balance
}
""")
    assert diags == []
    transfer, cancel, card, blank = t.sms_commands
    assert transfer.keyword == "POSALJI:" and transfer.folded == "POSALJI:"
    assert [type(p).__name__ for p in transfer.parts] == ["str", "SmsParam", "str", "SmsParam"]
    assert transfer.parts[2] == ", "
    assert [(p.name, p.type, p.min, p.max) for p in transfer.params] == [("amount", "MB", None, None), ("to", "msisdn", 1, 1)]
    assert (cancel.keyword, cancel.folded) == ("Poništi", "PONISTI")
    assert cancel.price == Price(Decimal(1), "RSD", "sms") and transfer.price is None
    assert card.keyword == "" and isinstance(card.params[0], SmsParam) and (card.params[0].min, card.params[0].max) == (10, 10)
    assert blank.pattern == "" and blank.parts == ()
    family, cards = t.service_numbers
    assert family.price == Price(Decimal(0), "RSD", "sms") and family.roaming_price is None
    assert cards.price == Price(Decimal(2), "RSD", "sms") and cards.roaming_price == "zone sms"


def test_sms_pattern_errors() -> None:
    base = 'service number 9 {\n  name en "N"\n  price free\n}\n'
    for pattern, code, col in (('"A > B"', "T0311", 10), ('"A <to>"', "T0311", 10),
                               ('"A <to:msisdn 0..2>"', "T0312", 10), ('"A <n:MB 2>"', "T0312", 10),
                               ('"A <to:msisdn>, <to:msisdn>"', "T0311", 23), ("STATUS", "T0311", 7)):
        _, diags = check(base + f'sms 9 {pattern} {{\n  title en "X"\n  action balance\n}}\n')
        assert diags == [(code, 5, col)], (pattern, diags)


def test_calls_and_web() -> None:
    t, diags = check("""
call 650 {
  title en "By call"
  for postpaid
  action balance
  reply voice
  price 2 RSD
}
web "online services" {
  title en "Online"
  action balance
  about en "Also in the app."
}
""")
    assert diags == []
    call, = t.calls
    assert (call.number, call.replies, call.price) == ("650", ("voice",), Price(Decimal(2), "RSD"))
    assert t.web_channels[0].name == "online services"


def test_required_statements() -> None:
    _, diags = check('code *311# {\n  for prepaid\n}\nservice number 9 {\n  name en "N"\n}\n')
    assert codes(diags) == ["T0106", "T0106", "T0106"]

"""The passes checker on small inline specs: the model it builds and the mistakes it reports."""

from __future__ import annotations

from decimal import Decimal

from compiler.check import check_text

BASE = """operator demo {
  name "Demo"
  country RS
  currency RSD
  timezone "Europe/Belgrade"
  languages sr en
  numbers decimal comma
}

segment prepaid {
  name sr "Pripejd" en "Prepaid"
}

segment postpaid {
  name sr "Postpejd" en "Postpaid"
}

network "Telenor Crna Gora" {
  country ME
}

network "Telenor Srbija" {
  country RS
}

service number 9000 {
  name sr "Servisni broj 9000" en "Service number 9000"
  price free
}

code *125*1# {
  title sr "Dnevna karta" en "Day pass"
  action activate "Dnevna karta"
  reply ussd
  price free
}

code *111# {
  title sr "Meni" en "Menu"
  action menu
  reply ussd
  price free
  option 6 "Putni paket" activates "Putni paket 1", "Putni paket 2"
}
"""

DAY = """
pass "Dnevna karta" {
  name en "Day pass"
  for prepaid postpaid
  price 199 RSD
  valid 24 hours
  where network "Telenor Crna Gora"
  exclusive "karta"
  activate code *125*1#
  activate sms "TCG1" to 9000
  free outgoing call to networks "Telenor Srbija", "Telenor Crna Gora"
  free incoming call
  free data 100 MB full speed then 64 kbps
  sms 3,97 RSD/sms
  bill name "Dnevna karta CG"
}

pass "Nedeljna karta" {
  price 999 RSD
  valid 7 days
  where network "Telenor Crna Gora"
  exclusive "karta"
  activate sms "TCG7" to 9000
  includes data 1 GB
}
"""

TABLE = """
passes "Putni paket" {
  name en "Travel package"
  for prepaid
  valid 90 days
  where roaming
  minutes count outgoing call, incoming call
  activate menu *111# option 6
  activate sms 9000

  | pass          | price        | minutes | sms    | data | keyword | bill name            |
  |---------------|--------------|---------|--------|------|---------|----------------------|
  | Putni paket 1 | 1.524,40 RSD | 20 min  | 20 sms | -    | TPP1    | "Roming 20min+20SMS" |
  | Putni paket 2 | 2.337,96 RSD | -       | -      | 5 MB | TPP2    | "Roming 5MB"         |
}
"""


def check(text: str):
    return check_text(text, "t.tariff")


def only(text: str, code: str):
    _, diags = check(text)
    assert [d.code for d in diags] == [code], [str(d) for d in diags]
    return diags[0]


def passes(text: str = BASE + DAY + TABLE) -> dict:
    tariff, diags = check(text)
    assert [d for d in diags if d.is_error] == [], [str(d) for d in diags]
    return {p.name: p for p in tariff.passes}


def test_a_pass_block() -> None:
    day = passes()["Dnevna karta"]
    assert day.names.get("en") == "Day pass" and day.family is None
    assert day.eligibility.segments == ("prepaid", "postpaid")
    assert (day.price.amount, day.price.currency) == (Decimal("199"), "RSD")
    assert day.validity_seconds == 24 * 3600
    assert day.where == ("network", ("Telenor Crna Gora",))
    assert day.exclusive == "karta"
    code, sms = day.activations
    assert (code.channel, code.code) == ("code", "*125*1#")
    assert (sms.channel, sms.number, sms.keyword) == ("sms", "9000", "TCG1")
    out, inc, data = day.free
    assert out.service == "outgoing call" and out.destination.names == ("Telenor Srbija", "Telenor Crna Gora")
    assert inc.destination is None and data.service == "data"
    assert (day.full_speed_kb, day.throttle_kbps) == (100 * 1024, 64)
    rate, = day.rates
    assert (rate.service, rate.price.amount, rate.price.per) == ("sms", Decimal("3.97"), "sms")
    assert day.bill_name == "Dnevna karta CG"


def test_includes() -> None:
    week = passes()["Nedeljna karta"]
    assert week.validity_seconds == 7 * 86400
    allowance, = week.allowances
    assert (allowance.unit, allowance.amount, allowance.services) == ("KB", 1024 * 1024, ("data",))
    assert week.eligibility.everybody


def test_table_rows_inherit_the_block() -> None:
    p = passes()
    one, two = p["Putni paket 1"], p["Putni paket 2"]
    assert one.family == two.family == "Putni paket"
    assert one.names.get("en") == "Travel package 1"
    assert one.where == ("roaming", ()) and one.validity_seconds == 90 * 86400
    assert one.price.amount == Decimal("1524.40")
    minutes, sms = one.allowances
    assert (minutes.unit, minutes.amount, minutes.services) == ("min", 20, ("outgoing call", "incoming call"))
    assert (sms.unit, sms.amount) == ("sms", 20)
    assert [(a.unit, a.amount) for a in two.allowances] == [("KB", 5 * 1024)]
    menu, sms_act = one.activations
    assert (menu.channel, menu.code, menu.option) == ("menu", "*111#", 6)
    assert (sms_act.channel, sms_act.number, sms_act.keyword) == ("sms", "9000", "TPP1")
    assert two.bill_name == "Roming 5MB"


def test_code_that_activates_another_pass() -> None:
    text = BASE.replace('action activate "Dnevna karta"', 'action activate "Nedeljna karta"') + DAY + TABLE
    _, diags = check(text)
    assert {d.code for d in diags} == {"T0501"}
    assert any("Dnevna karta" in d.message and "*125*1#" in d.message for d in diags)


def test_code_activating_a_pass_that_does_not_list_it() -> None:
    d = only(BASE + DAY.replace("  activate code *125*1#\n", "") + TABLE, "T0501")
    assert d.help == "add `activate code *125*1#` to pass `Dnevna karta`"


def test_menu_option_that_does_not_list_the_pass() -> None:
    text = BASE.replace('activates "Putni paket 1", "Putni paket 2"', 'activates "Putni paket 1"') + DAY + TABLE
    d = only(text, "T0502")
    assert "Putni paket 2" in d.message


def test_single_pass_exclusive_group_is_a_warning() -> None:
    d = only(BASE + DAY.replace('exclusive "karta"\n  activate sms "TCG7"', 'activate sms "TCG7"') + TABLE, "T0503")
    assert d.severity == "warning"


def test_same_keyword_on_the_same_number() -> None:
    assert only(BASE + DAY + TABLE.replace("| TPP2    |", "| TCG1    |"), "T0102")


def test_keyword_folding_catches_a_clash() -> None:
    assert only(BASE + DAY + TABLE.replace("| TPP2    |", "| tpp1    |"), "T0102")


def test_validity_must_be_positive() -> None:
    assert only(BASE + DAY.replace("valid 7 days", "valid 0 days") + TABLE, "T0206")


def test_price_in_operator_currency() -> None:
    assert only(BASE + DAY.replace("price 999 RSD", "price 999 EUR") + TABLE, "T0212")


def test_throttle_must_be_positive() -> None:
    assert only(BASE + DAY.replace("then 64 kbps", "then 0 kbps") + TABLE, "T0506")


def test_unknown_service_number() -> None:
    assert only(BASE + DAY.replace('"TCG7" to 9000', '"TCG7" to 9001') + TABLE, "T0101")


def test_unknown_zone_in_where() -> None:
    assert only(BASE + DAY.replace('where network "Telenor Crna Gora"\n  exclusive "karta"\n  activate sms "TCG7"',
                                   'where zones "Zona 1"\n  exclusive "karta"\n  activate sms "TCG7"') + TABLE, "T0101")


def test_table_problems() -> None:
    assert only(BASE + DAY + TABLE.replace("| bill name ", "| bill nam  "), "T0504")
    assert only(BASE + DAY + TABLE.replace("| 5 MB | TPP2 ", "| TPP2 "), "T0505")
    assert only(BASE + DAY + TABLE.replace("| TPP2    |", "| -       |"), "T0507")
    assert only(BASE + DAY + TABLE.replace("  activate sms 9000\n", ""), "T0507")


def test_minutes_count_only_calls() -> None:
    assert only(BASE + DAY + TABLE.replace("outgoing call, incoming call", "outgoing call, data"), "T0509")


def test_pass_with_nothing_included_is_a_warning() -> None:
    d = only(BASE + DAY.replace("  includes data 1 GB\n", "") + TABLE, "T0508")
    assert d.severity == "warning"


def test_sms_activation_needs_a_keyword_in_a_pass() -> None:
    assert only(BASE + DAY.replace('activate sms "TCG7" to 9000', "activate sms 9000") + TABLE, "T0507")


def test_pass_keyword_clashes_with_an_sms_command() -> None:
    command = '\nsms 9000 "TCG1" {\n  title en "Something else"\n  action status\n}\n'
    _, diags = check(BASE + DAY + TABLE + command)
    assert "T0102" in [d.code for d in diags], [str(d) for d in diags]

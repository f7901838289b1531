"""The rating checker on small inline specs: the model it builds and the mistakes it reports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compiler.check import check_text

OP = """operator demo {
  name "Demo"
  country RS
  currency RSD
  timezone "Europe/Belgrade"
  languages sr en
  numbers decimal comma
}

zone "Zona 1" {
  countries AT, DE
  illustrative countries IT
}

zone "Zona 2" {
  name en "Zone 2"
  countries CH
  mcc 901
}

zone "Zona 0" {
  network "Telenor Crna Gora"
}

network "Telenor Crna Gora" {
  country ME
  mccmnc "297 01"
  shown as "Telenor", "ME 01"
  numbers +38263, +38269
  not numbers +38267
}
"""

TABLE = """
roaming prices "Standard" {
  interval outgoing call 60/60
  interval data 5 KB + 100 KB

  | zone   | outgoing call | data first 5 KB | data next 100 KB | sms     |
  |--------|---------------|-----------------|------------------|---------|
  | unit   | RSD/min       | RSD/5 KB        | RSD/100 KB       | RSD/sms |
  | Zona 1 | 119,90        | 6               | 99,90            | 29,90   |
  | Zona 2 | -             | -               | 2,9              | 34,90   |
}
"""

NETWORK = """
network prices "Telenor Crna Gora" {
  on network "Telenor Crna Gora"
  interval outgoing call 30+1
  interval data 1+1 kB

  | service        | to                           | price          |
  | outgoing call  | networks "Telenor Crna Gora" | 10,07 RSD/min  |
  | outgoing call  | countries RS, ME             | 24,31 RSD/min  |
  | outgoing call  | other countries              | zone "Zona 1"  |
  | incoming call  | any                          | 0,00 RSD/min   |
  | incoming call  | any                          | 7,01 RSD/call  |
  | connection fee | countries RS                 | 0,00 RSD/call  |
  | data           | any                          | 0,029 RSD/KB   |
}
"""


def check(text: str):
    tariff, diags = check_text(text, "t.tariff")
    return tariff, diags


def codes(text: str) -> list[str]:
    return [d.code for d in check(text)[1]]


def only(text: str, code: str):
    """The single diagnostic of `text`, which must have `code`."""
    _, diags = check(text)
    assert [d.code for d in diags] == [code], [str(d) for d in diags]
    return diags[0]


def test_a_good_spec_checks_clean_and_keeps_every_fact() -> None:
    tariff, diags = check(OP + TABLE + NETWORK)
    assert diags == []
    z1, z2, z0 = tariff.zones
    assert (z1.countries, z1.illustrative_countries) == (("AT", "DE"), ("IT",))
    assert z2.names.get("en") == "Zone 2" and z2.mcc == ("901",)
    assert z0.networks == ("Telenor Crna Gora",)
    net, = tariff.networks
    assert (net.country, net.mccmnc, net.shown_as) == ("ME", ("297 01",), ("Telenor", "ME 01"))
    assert (net.numbers, net.not_numbers) == (("+38263", "+38269"), ("+38267",))


def test_zone_table_rates() -> None:
    tariff, _ = check(OP + TABLE + NETWORK)
    zones = next(p for p in tariff.price_lists if p.kind == "zones")
    assert zones.columns == ("outgoing call", "data first 5 KB", "data next 100 KB", "sms")
    rate = {(r.zone, r.service): r for r in zones.rates}
    call = rate["Zona 1", "outgoing call"]
    assert (call.price.amount, call.price.per, call.interval.notation) == (Decimal("119.90"), "min", "60/60")
    data = rate["Zona 1", "data"]
    assert (data.first_price.amount, data.first_price.per_amount) == (Decimal("6"), 5)
    assert (data.price.amount, data.price.per, data.price.per_amount) == (Decimal("99.90"), "KB", 100)
    assert (data.interval.first, data.interval.next) == (5, 100)
    # `-`: not available
    assert rate["Zona 2", "outgoing call"].price is None
    # no first-block price: charged per 100 KB from the first KB
    d2 = rate["Zona 2", "data"]
    assert d2.first_price is None and (d2.interval.first, d2.interval.next) == (100, 100)
    assert rate["Zona 1", "sms"].interval is None


def test_network_price_rows() -> None:
    tariff, _ = check(OP + TABLE + NETWORK)
    net = next(p for p in tariff.price_lists if p.kind == "network")
    assert net.network == "Telenor Crna Gora"
    kinds = [(r.service, r.destination.kind, r.destination.names) for r in net.rates]
    assert kinds[:3] == [("outgoing call", "networks", ("Telenor Crna Gora",)),
                         ("outgoing call", "countries", ("RS", "ME")),
                         ("outgoing call", "other countries", ())]
    via = net.rates[2]
    assert via.via_zone == "Zona 1" and via.price is None
    flat = net.rates[4]
    assert (flat.price.amount, flat.price.per, flat.interval) == (Decimal("7.01"), "call", None)
    assert net.rates[0].interval.notation == "30+1"
    assert net.interval("data").unit == "KB"


def test_home_prices() -> None:
    tariff, diags = check(OP + TABLE + NETWORK + 'home prices "Standard home" {\n  interval outgoing call 60/60\n}\n')
    assert diags == []
    home = next(p for p in tariff.price_lists if p.kind == "home")
    assert home.interval("outgoing call").first == 60 and home.rates == ()


def test_row_with_a_cell_too_few() -> None:
    d = only(OP + TABLE.replace("| Zona 1 | 119,90        | 6               |", "| Zona 1 | 119,90        |") + NETWORK, "T0401")
    assert "4 cells" in d.message and "5 columns" in d.message


def test_misspelt_zone_row_suggests() -> None:
    _, diags = check(OP + TABLE.replace("| Zona 2 |", "| Zona 3 |") + NETWORK)
    d = next(d for d in diags if d.code == "T0101")
    assert "Zona 2" in d.help or "Zona 1" in d.help


def test_zone_declared_twice() -> None:
    assert "T0102" in codes(OP + 'zone "Zona 1" {\n  countries FR\n}\n' + TABLE + NETWORK)


def test_country_in_two_zones() -> None:
    d = only(OP.replace("countries CH", "countries CH, DE") + TABLE + NETWORK, "T0403")
    assert "`DE`" in d.message and "Zona 1" in d.message


def test_network_in_two_zones() -> None:
    text = OP.replace('zone "Zona 0" {', 'zone "Zona 0" {\n  network "Telenor Crna Gora"\n}\n\nzone "Zona 5" {')
    assert "T0403" in codes(text + TABLE + NETWORK)


def test_zone_without_prices() -> None:
    d = only(OP + TABLE + NETWORK + 'zone "Zona 9" {\n  countries US\n}\n', "T0404")
    assert "Zona 9" in d.message


def test_unit_in_another_currency() -> None:
    d = only(OP + TABLE.replace("| unit   | RSD/min ", "| unit   | AZN/min ") + NETWORK, "T0212")
    assert d.help == "write `RSD/min`"


def test_unit_that_does_not_fit_the_service() -> None:
    assert only(OP + TABLE.replace("RSD/sms |", "RSD/min |") + NETWORK, "T0405").help == "write `RSD/sms`"


def test_data_column_must_match_interval() -> None:
    text = TABLE.replace("data next 100 KB", "data next 50 KB ")
    assert only(OP + text + NETWORK, "T0406")


def test_missing_interval_is_an_error_only_for_a_price_above_zero() -> None:
    d = only(OP + TABLE.replace("  interval outgoing call 60/60\n", "") + NETWORK, "T0407")
    assert "interval outgoing call" in d.help
    # incoming call 0,00 RSD/min has no interval in NETWORK: that is fine
    assert codes(OP + TABLE + NETWORK) == []


def test_zero_interval_part() -> None:
    assert "T0210" in codes(OP + TABLE.replace("60/60", "60/0") + NETWORK)


def test_unknown_service_suggests() -> None:
    d = only(OP + TABLE + NETWORK.replace("| incoming call  | any                          | 7,01",
                                          "| incomming call | any                          | 7,01"), "T0402")
    assert "`incoming call`" in d.help


def test_unknown_country() -> None:
    assert only(OP.replace("countries AT, DE", "countries AT, DEU") + TABLE + NETWORK, "T0118")


def test_prefix_in_numbers_and_not_numbers() -> None:
    assert only(OP.replace("not numbers +38267", "not numbers +38267, +38263") + TABLE + NETWORK, "T0408")


def test_unknown_network() -> None:
    d = only(OP + TABLE + NETWORK.replace('networks "Telenor Crna Gora"', 'networks "Telenor Crna Gorra"'), "T0101")
    assert "Telenor Crna Gora" in d.help


@pytest.mark.parametrize("bad, code", [
    ('mccmnc "29701"', "T0409"),
    ("numbers +38263, +38269", "T0409"),
])
def test_malformed_network_codes(bad: str, code: str) -> None:
    text = OP.replace('mccmnc "297 01"', bad) if "mccmnc" in bad else OP.replace("numbers +38263, +38269", "numbers 38263")
    assert only(text + TABLE + NETWORK, code)


def test_via_zone_must_be_priced() -> None:
    d = only(OP + TABLE + NETWORK.replace('zone "Zona 1"', 'zone "Zona 2"'), "T0413")
    assert "Zona 2" in d.message


def test_same_row_twice() -> None:
    assert only(OP + TABLE + NETWORK.replace("  | data ", "  | incoming call  | any                          | 1,00 RSD/call  |\n  | data "), "T0410")


def test_interval_for_a_per_event_service() -> None:
    assert only(OP + TABLE.replace("  interval data", "  interval sms 1/1\n  interval data") + NETWORK, "T0411")


def test_first_data_block_without_next() -> None:
    assert only(OP + TABLE.replace("| 6               | 99,90 ", "| 6               | -     ") + NETWORK, "T0415")


def test_zone_without_members_is_a_warning() -> None:
    tariff, diags = check(OP + 'zone "Zona 7" {\n  name en "Zone 7"\n}\n' + TABLE + NETWORK)
    assert [(x.code, x.severity) for x in diags if x.code == "T0414"] == [("T0414", "warning")]


def test_header_must_start_with_zone() -> None:
    assert only(OP + TABLE.replace("| zone   | outgoing", "| zona   | outgoing") + NETWORK, "T0412")

"""The `family` checker on small inline specs: the model it builds and the mistakes it catches."""

from __future__ import annotations

from decimal import Decimal

from compiler.check import check_text

HEADER = '''operator demo {
  name "Demo"
  country RS
  currency RSD
  timezone "Europe/Belgrade"
  languages sr en
  numbers decimal comma
}

segment postpaid {
  name en "Postpaid"
  plans "Prenesi+ S", "Prenesi+ M"
}

segment business {
  name en "Business"
  plans "Biznis 1"
}
'''

FAMILY = '''
family "Porodica" {
  name en "Family"
  for postpaid, "Biznis 1"
  members 3 to 5
  fee 150 RSD/month per member
  bonus on national minutes, sms, data
%s
  | members | bonus |
  | 3       | 30 %%  |
  | 4       | 40 %%  |
  | 5       | 50 %%  |
}
'''

SMS = '''
service number 9001 {
  name en "Family"
  price free
}

sms 9001 "TELENOR PORODICA: <members:msisdn %s>" {
  title en "Create"
  for postpaid
  action family_create
}
'''


def check(extra: str = "", more: str = ""):
    tariff, diags = check_text(HEADER + FAMILY % extra + more, "t.tariff")
    return tariff, diags


def codes(diags) -> list[str]:
    return [d.code for d in diags]


def test_minimal_family_builds_with_defaults() -> None:
    tariff, diags = check()
    assert not diags, diags
    f, = tariff.families
    assert (f.name, f.names.get("en")) == ("Porodica", "Family")
    assert f.eligibility.segments == ("postpaid",) and f.eligibility.plans == ("Biznis 1",)
    # the named plan first, then every plan of the named segment
    assert f.plans == ("Biznis 1", "Prenesi+ S", "Prenesi+ M")
    assert (f.min_members, f.max_members) == (3, 5)
    assert [(t.members, t.percent) for t in f.tiers] == [(3, 30), (4, 40), (5, 50)]
    assert f.percent_for(4) == Decimal(40) and f.percent_for(6) is None
    assert (f.fee.amount, f.fee.currency, f.fee.per) == (Decimal(150), "RSD", "month")
    assert f.fee_prorated is False
    assert f.transfer_step_kb is None and not f.transferable(50 * 1024)
    assert (f.changes_effective, f.bonus_expiry, f.benefits_after_exit) == (
        "immediately", "end of month", "immediately")
    assert f.invitation_seconds is None and f.groups_per_month is None


def test_every_statement() -> None:
    tariff, diags = check('''  not with "Popust 24"
  except "Popust 20"
  fee prorated
  free in group national outgoing call, sms
  transfer data step 50 MB minimum 100 MB from bonus and package
  invitation valid 2 days
  groups per member 2 per month
  changes effective next month
  bonus expires never
  benefits after exit until end of month
  channels app, portal
  rule r1 sr "Pravilo" en "A rule"
  ends when "the number is deactivated"
  note en "A reading."
  about en "Prose."
''')
    assert not diags, diags
    f, = tariff.families
    assert f.excluded == ("Popust 24",) and f.exceptions == ("Popust 20",)
    assert f.fee_prorated is True
    assert f.free_in_group == ("national outgoing call", "sms")
    assert (f.transfer_step_kb, f.transfer_min_kb, f.transfer_from) == (50 * 1024, 100 * 1024, "bonus and package")
    assert f.transferable(150 * 1024) and not f.transferable(50 * 1024) and not f.transferable(125 * 1024)
    assert f.invitation_seconds == 2 * 86400 and f.groups_per_month == 2
    assert (f.changes_effective, f.bonus_expiry, f.benefits_after_exit) == ("next month", "never", "end of month")
    assert f.channels == ("app", "portal")
    assert f.rule("r1").texts.get("sr") == "Pravilo"
    assert [t for t, _ in f.ends_when] == ["the number is deactivated"]
    assert f.notes[0].text == "A reading." and f.about.get("en") == "Prose."


def test_size_range() -> None:
    text = HEADER + (FAMILY % "").replace("members 3 to 5", "members 1 to 5")
    _, diags = check_text(text, "t.tariff")
    assert codes(diags) == ["T0601"]


def test_table_coverage() -> None:
    text = HEADER + (FAMILY % "").replace("  | 4       | 40 %  |\n", "")
    _, diags = check_text(text, "t.tariff")
    assert codes(diags) == ["T0602"] and "group of 4" in diags[0].message
    text = HEADER + (FAMILY % "").replace("  | 5       | 50 %  |\n", "  | 5 | 50 % |\n  | 5 | 55 % |\n  | 7 | 70 % |\n")
    _, diags = check_text(text, "t.tariff")
    assert codes(diags) == ["T0604", "T0603"]


def test_no_table() -> None:
    text = HEADER + (FAMILY % "").split("  | members")[0] + "}\n"
    _, diags = check_text(text, "t.tariff")
    assert codes(diags) == ["T0602"]


def test_percent_out_of_range_is_one_error() -> None:
    _, diags = check_text(HEADER + (FAMILY % "").replace("50 %  |", "120 % |"), "t.tariff")
    assert codes(diags) == ["T0207"]


def test_decreasing_bonus_warns() -> None:
    tariff, diags = check_text(HEADER + (FAMILY % "").replace("40 %", "20 %"), "t.tariff")
    assert codes(diags) == ["T0605"] and not diags[0].is_error and tariff.families


def test_fee_needs_per_month_and_currency() -> None:
    for fee, code in [("150 RSD per member", "T0214"), ("150 RSD/day per member", "T0215"),
                      ("150 EUR/month per member", "T0212")]:
        _, diags = check_text(HEADER + (FAMILY % "").replace("150 RSD/month per member", fee), "t.tariff")
        assert codes(diags) == [code], fee


def test_fee_statement_twice_and_missing_price() -> None:
    _, diags = check("  fee 100 RSD/month per member\n")
    assert codes(diags) == ["T0105"]
    text = HEADER + (FAMILY % "").replace("fee 150 RSD/month per member", "fee not prorated")
    _, diags = check_text(text, "t.tariff")
    assert codes(diags) == ["T0106"]


def test_transfer_minimum_multiple_of_step() -> None:
    _, diags = check("  transfer data step 50 MB minimum 75 MB from bonus only\n")
    assert codes(diags) == ["T0606"]
    _, diags = check("  transfer data step 0 MB minimum 50 MB from bonus only\n")
    assert codes(diags) == ["T0206"]


def test_rule_ids_unique() -> None:
    _, diags = check('  rule a en "x"\n  rule a en "y"\n')
    assert codes(diags) == ["T0607"]


def test_unknown_items_suggest() -> None:
    _, diags = check_text(HEADER + (FAMILY % "").replace("sms, data", "sms, dta"), "t.tariff")
    assert codes(diags) == ["T0112"] and "`data`" in diags[0].help
    _, diags = check("  free in group national outgoing cal\n")
    assert codes(diags) == ["T0112"] and "national outgoing call" in diags[0].help
    _, diags = check("  channels app, sms, sms\n")
    assert codes(diags) == ["T0105"]


def test_unknown_segment() -> None:
    _, diags = check_text(HEADER + (FAMILY % "").replace("for postpaid,", "for postpaidd,"), "t.tariff")
    assert codes(diags) == ["T0101"]


def test_sms_count_must_match_group_size() -> None:
    tariff, diags = check(more=SMS % "2..4")
    assert not diags, diags
    _, diags = check(more=SMS % "2..5")
    assert codes(diags) == ["T0609"]
    d = diags[0]
    assert "2 to 4" in d.help and any("t.tariff:" in n and "members 3 to 5" in n for n in d.notes)


def test_sms_channel_without_commands_warns() -> None:
    _, diags = check("  channels app, sms\n", more=SMS % "2..4")
    assert codes(diags) == ["T0610"] and "family_accept" in diags[0].message
    assert "family_create" not in diags[0].message
    _, diags = check("  channels app\n", more=SMS % "2..4")
    assert not diags

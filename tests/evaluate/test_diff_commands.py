"""Commands and balance: the evaluator against the compiled runtime on the shipped specs (every
code of seed 000 and 004 with valid and invalid arguments, every SMS keyword, every Azercell
channel, the billing window's edges, notifications), and the runtime's commands and balance
seed tests (tests/runtime/test_commands.py, test_commands_sms.py, test_balance.py) run through
the evaluator.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runtime.events import CallNumber, Dial, Sms, Tick, Usage, Web, Where
from runtime.money import Money
from runtime.state import Allowance, Subscriber, world_of
from tests.evaluate import evaluator_fixtures, same, seed_tests
from tests.runtime import test_balance as runtime_balance
from tests.runtime import test_commands as runtime_commands
from tests.runtime import test_commands_sms as runtime_commands_sms

for _module in (runtime_commands, runtime_commands_sms, runtime_balance):
    seed_tests(globals(), _module)
telenor_engine, azercell_engine = evaluator_fixtures()

T0 = datetime(2024, 7, 1, 12, 0, tzinfo=timezone.utc)
BAKU = ZoneInfo("Asia/Baku")
PRE, KOMB, POST, BIZ, OTHER = ("381631234567", "381631111111", "381621111111", "381691111111",
                               "381621234567")
AZ_PRE, AZ_POST = "994501234567", "994551234567"
PACKAGE = Allowance(seconds=6000, sms=50, kb=2000 * 1024)


def rsd(x: str) -> Money:
    return Money(x, "RSD")


def telenor(balance: str = "14.99", lang: str | None = None, **extra):
    w = world_of(
        Subscriber(PRE, "prepaid", balance=rsd(balance), language=lang),
        Subscriber(KOMB, "kombinuj", balance=rsd(balance), language=lang),
        Subscriber(POST, "postpaid", plan="Prenesi M", language=lang, package=PACKAGE,
                   previous_balance=rsd("1200.00")),
        Subscriber(BIZ, "business", plan=None, language=lang),
        Subscriber(OTHER, "postpaid", plan="Play+ 20", previous_balance=rsd("-50")))
    for k, v in extra.items():
        w = w.with_extra(k, v)
    return w


def azercell(balance: str = "5.00", lang: str | None = None, **extra):
    w = world_of(Subscriber(AZ_PRE, "prepaid", balance=Money(balance, "AZN"), language=lang),
                 Subscriber(AZ_POST, "postpaid", plan="Business", language=lang,
                            previous_balance=Money("12.40", "AZN")))
    for k, v in extra.items():
        w = w.with_extra(k, v)
    return w


# Every code of seed 000 and 004 (and its variant), with valid and invalid arguments.
CODES = ("*311#", "*311*1#", "*411#", "*411*1#", "*121#", "*122#", "*321*0621234567#",
         "*321*0631111111#", "*321*0641234567#", "*321*381621234567#", "*321*0631#",
         "*321*+381621234567#", "*321*06x1234567#", "*912*1234#", "*912*9999#", "*912*12ab#",
         "*123*0038163123456#", "*123*00441711234567#", "*123*12#", "*123*abc#", "*111#",
         "*125*1#", "*125*7#", "*124#", "* 311 #", "*999#", "", "*311", "*650#YES")
WHERES = (Where(), Where("DE"), Where("ME", "297 01"))


@pytest.mark.parametrize("balance", ["14.99", "15.00", "100000"])
@pytest.mark.parametrize("who", [PRE, KOMB, POST, BIZ])
@pytest.mark.parametrize("lang", [None, "en", "de"])
def test_every_code(telenor_evaluator, telenor_runtime, balance, who, lang):
    w = telenor(balance, lang, vouchers={"1234": "500.00"})
    steps = [Dial(who, T0 + timedelta(seconds=i), code, where)
             for i, (code, where) in enumerate((c, w_) for c in CODES for w_ in WHERES)]
    same(telenor_evaluator, telenor_runtime, w, steps)


def test_voucher_used_twice_and_a_float_voucher(telenor_evaluator, telenor_runtime):
    w = telenor(vouchers={"1234": "500.00", "77": 5.0})
    steps = [Dial(PRE, T0, "*912*1234#"), Dial(PRE, T0, "*912*1234#"), Dial(KOMB, T0, "*912*77#"),
             Dial(PRE, T0, "*912*5#", Where("DE"))]
    same(telenor_evaluator, telenor_runtime, w, steps)


@pytest.mark.parametrize("answer", [None, "6", "6 3", "6*3", "6,3", "6 1", "6 7", "6 8", "6 0",
                                    "6 x", "5", "6 3 1", "", "  6   2 "])
@pytest.mark.parametrize("where", [Where(), Where("DE"), Where("ME", "297 01")])
def test_menu_111(telenor_evaluator, telenor_runtime, answer, where):
    steps = [Dial(PRE, T0, "*111#", where, answer), Dial(POST, T0, "*111#", where, answer),
             Dial(PRE, T0, "*311#", where, answer)]
    same(telenor_evaluator, telenor_runtime, telenor("100000"), steps)


def test_day_pass_quota_and_balance(telenor_evaluator, telenor_runtime):
    steps = [Dial(PRE, T0, "*124#"), Dial(PRE, T0, "*125*1#", Where("ME", "297 01")),
             Dial(PRE, T0, "*124#"), Usage(PRE, T0, "data", 1500, Where("ME", "297 01")),
             Dial(PRE, T0, "*124#", Where("ME", "297 01")), Dial(PRE, T0, "*121#"),
             Dial(PRE, T0, "*125*7#"), Dial(PRE, T0 + timedelta(days=8), "*124#"),
             Dial(PRE, T0, "*125*1#", Where("ME", "297 01")), Dial(POST, T0, "*125*7#")]
    same(telenor_evaluator, telenor_runtime, telenor("100000"), steps)


# Every SMS keyword of every service number, with good and bad arguments.
TELENOR_SMS = [
    ("9000", t) for t in ("TPP1", "tpp2", "TPP3", "TPP4", "TPP5", "TPP6", "TPP7", "TCG1", "tcg7",
                          " TCG 1", "TPP8", "", "TPP1 now")
] + [
    ("9001", t) for t in (
        "TELENOR PORODICA: 064 100 0002, 064 100 0003", "telenor porodica:0641000002,0641000003",
        "TELENOR  PORODICA : 0641000002", "TELENOR PORODICA: 06x", "TELENORPORODICA: 0641000002",
        "TELENOR PORODICA: 0641000002, 0641000003, 0641000004, 0641000005, 0641000006",
        "DA", "da", "NE", "IZLAZAK", "DODAJ: 0641000009", "DODAJ:", "PONIŠTI", "PONISTI",
        "poništi", "POSALJI: 100 MB, 064 100 0002", "posalji:100mb , 064 123 4567",
        "POSALJI: 75 MB, 0641000002", "POSALJI: 100, 0641000002", "STATUS", "status ", "",
        "HELLO", "ĐAK")
] + [("9999", "DA")]
AZERCELL_SMS = [("2112", ""), ("2112", " "), ("2112", "BALANCE"), ("1005", ""), ("650", ""),
                ("650", "+"), ("650", " - "), ("650", "x"), ("1003", "1234567890"),
                ("1003", "123456789"), ("1003", "12345678901"), ("1003", "ABC"),
                ("1003", " 0000000001 "), ("0000", "")]


@pytest.mark.parametrize("where", [Where(), Where("DE"), Where("ME", "297 01"), Where("CH"),
                                   Where("ZZ")], ids=repr)
@pytest.mark.parametrize("who", [PRE, POST, BIZ])
def test_every_telenor_keyword(telenor_evaluator, telenor_runtime, where, who):
    steps = [Sms(who, T0 + timedelta(minutes=i), to, text, where)
             for i, (to, text) in enumerate(TELENOR_SMS)]
    same(telenor_evaluator, telenor_runtime, telenor("100000"), steps)


@pytest.mark.parametrize("balance", ["0.00", "0.01", "0.02", "0.10", "5.00"])
@pytest.mark.parametrize("lang", [None, "en", "ru", "sr"])
def test_every_azercell_channel(azercell_evaluator, azercell_runtime, balance, lang):
    w = azercell(balance, lang, cards={"1234567890": "used", "0000000001": "unused"})
    at = datetime(2024, 7, 2, 12, tzinfo=BAKU)  # outside the billing window
    steps = []
    for who in (AZ_PRE, AZ_POST):
        steps += [Sms(who, at, to, text, where) for to, text in AZERCELL_SMS
                  for where in (Where(), Where("TR"))]
        steps += [CallNumber(who, at, n) for n in ("2112", "650", " 650 ", "9999")]
        steps += [Dial(who, at, c) for c in ("*111*1*7#YES", "*650#YES", "*650#", "*311#")]
        steps += [Web(who, at, c) for c in ("online services", "Online Services ", "app")]
    same(azercell_evaluator, azercell_runtime, w, steps)


@pytest.mark.parametrize("moment", [
    (4, 22, 59, 59), (4, 23, 0, 0), (10, 12, 0, 0), (24, 22, 59, 59), (24, 23, 0, 0),
    (24, 23, 0, 1), (3, 23, 30, 0), (25, 0, 0, 0), (31, 23, 59, 59), (1, 0, 0, 0)])
def test_billing_window_edges_on_every_channel(azercell_evaluator, azercell_runtime, moment):
    day, hour, minute, second = moment
    at = datetime(2024, 7, day, hour, minute, second, tzinfo=BAKU)
    steps = [Sms(AZ_POST, at, "650", t) for t in ("", "+", "-")] + [
        CallNumber(AZ_POST, at, "650"), Dial(AZ_POST, at, "*650#YES"),
        Web(AZ_POST, at, "online services"), Sms(AZ_PRE, at, "650", ""),
        Sms(AZ_PRE, at, "2112", ""), Dial(AZ_PRE, at, "*111*1*7#YES"),
        Sms(AZ_POST, at.astimezone(timezone.utc), "650", "")]
    same(azercell_evaluator, azercell_runtime, azercell(lang="en"), steps)


def test_prepaid_balance_answer_lists_active_passes(telenor_evaluator, telenor_runtime):
    steps = [Sms(PRE, T0, "9000", "TPP1"), Sms(PRE, T0, "9000", "TCG1"), Dial(PRE, T0, "*121#"),
             Dial(PRE, T0 + timedelta(days=2), "*121#")]
    same(telenor_evaluator, telenor_runtime, telenor("100000", "en"), steps)


def test_bad_subscriber_and_condition_without_balance(telenor_evaluator, telenor_runtime):
    w = telenor().with_subscriber(Subscriber(PRE, "prepaid"))
    steps = [Dial("381600000000", T0, "*311#"), Dial(PRE, T0, "*321*0621234567#"),
             Sms("381600000000", T0, "9001", "DA")]
    same(telenor_evaluator, telenor_runtime, w, steps)


# -- random streams ------------------------------------------------------------------------------

telenor_steps = st.lists(st.tuples(
    st.sampled_from([PRE, KOMB, POST, BIZ, OTHER]),
    st.sampled_from(["dial", "sms", "usage", "tick"]),
    st.integers(0, 10_000),
    st.sampled_from(WHERES + (Where("CH"),)),
    st.integers(0, 3 * 86400)), max_size=25)


@given(telenor_steps, st.sampled_from(["0", "14.99", "15", "3000"]))
def test_random_telenor_streams(telenor_evaluator, telenor_runtime, draws, balance):
    at, steps = T0, []
    for who, kind, n, where, delay in draws:
        at = at + timedelta(seconds=delay)
        if kind == "dial":
            steps.append(Dial(who, at, CODES[n % len(CODES)], where,
                              ("6", "6 2", None)[n % 3] if n % 7 == 0 else None))
        elif kind == "sms":
            to, text = TELENOR_SMS[n % len(TELENOR_SMS)]
            steps.append(Sms(who, at, to, text, where))
        elif kind == "usage":
            steps.append(Usage(who, at, ("data", "sms", "outgoing call")[n % 3], n % 2000,
                               where if where.roaming else Where("ME", "297 01")))
        else:
            steps.append(Tick(at))
    same(telenor_evaluator, telenor_runtime,
         telenor(balance, vouchers={"1234": "500.00"}), steps)


azercell_steps = st.lists(st.tuples(
    st.sampled_from([AZ_PRE, AZ_POST]), st.integers(0, 1000), st.integers(0, 9 * 86400)),
    max_size=25)


@given(azercell_steps, st.sampled_from(["0.00", "0.05", "5.00"]), st.sampled_from([None, "en"]))
def test_random_azercell_streams(azercell_evaluator, azercell_runtime, draws, balance, lang):
    at, steps = datetime(2024, 7, 1, tzinfo=BAKU), []
    for who, n, delay in draws:
        at = at + timedelta(seconds=delay)
        choice = n % 4
        if choice == 0:
            to, text = AZERCELL_SMS[n % len(AZERCELL_SMS)]
            steps.append(Sms(who, at, to, text, (Where(), Where("TR"))[n % 2]))
        elif choice == 1:
            steps.append(CallNumber(who, at, ("2112", "650")[n % 2]))
        elif choice == 2:
            steps.append(Dial(who, at, ("*111*1*7#YES", "*650#YES")[n % 2]))
        else:
            steps.append(Web(who, at, "online services"))
    same(azercell_evaluator, azercell_runtime,
         azercell(balance, lang, cards={"1234567890": "used"}), steps)

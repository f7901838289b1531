"""A hand-written roaming rater for Telenor Srbija prepaid (seed 004): the yardstick of
`python -m benchmarks rating`.

This is what an engineer would write in an afternoon without tariffc: the zone table and the
Telenor Crna Gora price list typed in from seed 004 as `Decimal`, the charging intervals as
integer arithmetic, the Telenor CG number ranges, and the day pass's free rules. It keeps the
state a real rater keeps, mutably: a balance per subscriber and the active day pass (until
when, and the full-speed data left). It reads the same `runtime.events.Usage` events as the
compiled module and returns the charge of each (a `Decimal` rounded half-up to 0,01 RSD).

Scope: roaming (every zone of the standard tariff, the satellite networks by MCC 901, and
Telenor Crna Gora by MCC-MNC or shown name), calls, SMS and data. Nothing else of the tariff
(MMS, home usage, travel packages, the week pass) is covered; the benchmark sends none.

>>> from datetime import datetime, timezone
>>> from runtime.events import Usage, Where
>>> r = BaselineRater()
>>> r.add("381631234567", Decimal(1000))
>>> at = datetime(2024, 7, 1, tzinfo=timezone.utc)
>>> r.rate(Usage("381631234567", at, "outgoing call", 61, Where("DE")))  # 2 min x 119,90
Decimal('239.80')
>>> r.balance["381631234567"]
Decimal('760.20')
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

D = Decimal
CENT = D("0.01")

# Zone -> prices, seed 004 "Spisak zona i tarifiranje", column for column: outgoing, callback,
# incoming (RSD/min), data first 5 KB (RSD; None: "-"), data per 100 KB, SMS, video (RSD/min).
ZONES = {
    "Zona Region": (D("27.99"), D("27.99"), D("7.39"), None, D("2.9"), D("8.89"), D("35.50")),
    "Zona 1": (D("119.90"), D("54.90"), D("49.90"), D(6), D("99.90"), D("29.90"), D("199.90")),
    "Zona 2": (D("169.90"), D("64.90"), D("59.90"), D(6), D("109.90"), D("34.90"), D("259.90")),
    "Zona 3": (D("259.90"), D("94.90"), D("89.90"), D(6), D("119.90"), D("39.90"), D("429.90")),
    "Zona 4": (D("399.90"), D("129.90"), D("119.90"), D(6), D("139.90"), D("49.90"), D("659.90")),
    "Satellite": (D("499.90"), D("129.90"), D("129.90"), D(6), D("249.90"), D("129.90"),
                  D("659.90")),
}
# The countries of each zone (the page's lists were collapsed; these are the spec's examples).
COUNTRY_ZONE = {
    "ME": "Zona Region", "MK": "Zona Region", "BA": "Zona Region",
    "AT": "Zona 1", "DE": "Zona 1", "IT": "Zona 1", "GR": "Zona 1", "HR": "Zona 1", "SI": "Zona 1",
    "CH": "Zona 2", "TR": "Zona 2", "RU": "Zona 2",
    "US": "Zona 3", "CA": "Zona 3",
    "AU": "Zona 4", "JP": "Zona 4", "CN": "Zona 4",
}
# How a phone shows Telenor Crna Gora ("Telenor, Promonte, YU 02, 220 02, 29701, ME 01").
TELENOR_CG_NAMES = {"29701", "telenor", "promonte", "yu02", "22002", "me01", "telenorcrnagora"}
# Numbers whose outgoing calls cost 10,07 RSD/min and are free with a day pass: Telenor Crna
# Gora (+38263, +38269; ported +38267/+38268 are not) and Telenor Srbija (+38162/3/9).
TELENOR_PREFIXES = ("38263", "38269", "38162", "38163", "38169")

CG_TELENOR_MIN = D("10.07")  # per minute, 30+1, to Telenor Srbija / Telenor Crna Gora
CG_DOMESTIC_MIN = D("24.31")  # per minute, 30+1, to other numbers in Serbia and Montenegro
CG_INCOMING_CALL = D("7.01")  # per incoming call, whatever its length
CG_SMS = D("8.89")
CG_KB = D("0.029")  # data, 1+1 kB
DAY_PASS_SMS = D("3.97")
DAY_PASS_FULL_SPEED_KB = 100 * 1024


class BaselineRater:
    """Balances and day passes of prepaid subscribers; `rate(usage)` charges one event."""

    def __init__(self) -> None:
        self.balance: dict[str, Decimal] = {}
        self.day_pass: dict[str, list] = {}  # msisdn -> [expires, full-speed KB left]

    def add(self, msisdn: str, balance: Decimal, day_pass_until=None) -> None:
        self.balance[msisdn] = balance
        if day_pass_until is not None:
            self.day_pass[msisdn] = [day_pass_until, DAY_PASS_FULL_SPEED_KB]

    def rate(self, usage) -> Decimal:
        """Charge one usage: its amount, taken from the balance (ValueError if too low)."""
        where = usage.where
        network = where.network
        if network is not None and network.replace(" ", "").lower() in TELENOR_CG_NAMES \
                and where.country in (None, "ME"):
            amount = self.telenor_cg(usage)
        else:
            if where.country is not None:
                zone = COUNTRY_ZONE[where.country]
            elif network is not None and network.startswith("901"):
                zone = "Satellite"
            else:
                raise ValueError(f"no zone for {where}")
            amount = zone_price(ZONES[zone], usage.service, usage.amount)
        charge = amount.quantize(CENT, rounding=ROUND_HALF_UP)
        left = self.balance[usage.msisdn] - charge
        if left < 0:
            raise ValueError("insufficient balance")
        self.balance[usage.msisdn] = left
        return charge

    def telenor_cg(self, usage) -> Decimal:
        """The Telenor Crna Gora list, with the day pass's free rules while it is active."""
        service, n = usage.service, usage.amount
        party = (usage.party or "").lstrip("+")
        day_pass = self.day_pass.get(usage.msisdn)
        if day_pass is not None and usage.at >= day_pass[0]:
            day_pass = None
        if service == "outgoing call":
            telenor = party.startswith(TELENOR_PREFIXES)
            if day_pass is not None and telenor:
                return D(0)
            if n == 0:
                return D(0)
            if telenor or party.startswith(("381", "382")):
                price = CG_TELENOR_MIN if telenor else CG_DOMESTIC_MIN
                return price * max(n, 30) / 60  # 30+1
            return ZONES["Zona Region"][0] * ((n + 59) // 60)  # other countries: Zona Region
        if service == "incoming call":
            return D(0) if day_pass is not None or n == 0 else CG_INCOMING_CALL
        if service == "sms":
            return (DAY_PASS_SMS if day_pass is not None else CG_SMS) * n
        if service == "data":
            if day_pass is not None:
                day_pass[1] = max(0, day_pass[1] - n)  # then 64 kbps, still free
                return D(0)
            return CG_KB * n
        return zone_price(ZONES["Zona Region"], service, n)  # callback and video calls


def zone_price(prices: tuple, service: str, n: int) -> Decimal:
    """A service in a zone of the standard tariff: calls 60/60 (incoming 1/1), data 5+100 KB."""
    if n == 0:
        return D(0)
    if service == "outgoing call":
        return prices[0] * ((n + 59) // 60)
    if service == "callback call":
        return prices[1] * ((n + 59) // 60)
    if service == "video call":
        return prices[6] * ((n + 59) // 60)
    if service == "incoming call":
        return prices[2] * n / 60
    if service == "sms":
        return prices[5] * n
    if service == "data":
        if prices[3] is None:  # Zona Region: per 100 KB from the first KB
            return prices[4] * ((n + 99) // 100)
        if n <= 5:
            return prices[3]
        return prices[3] + prices[4] * ((n - 5 + 99) // 100)
    raise ValueError(f"{service} is not priced")

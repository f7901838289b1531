"""`tariffc run SCENARIO.json`: output formats, exit codes (0 passed, 1 an expectation failed
or an unexpected error, 2 usage or a malformed scenario) and the messages for malformed
scenarios, each naming the JSON path, never a traceback."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from compiler import cli
from runtime import scenario

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "tests" / "scenarios" / "telenor_roaming_zones.json"

GOOD = {
    "operator": "telenor_rs",
    "description": "one call from Germany",
    "subscribers": [{"msisdn": "+381631234567", "segment": "prepaid", "balance": "500.00"}],
    "events": [{"at": "2026-07-01T10:00:00+02:00",
                "usage": {"msisdn": "063 123 4567", "service": "outgoing call", "seconds": 61,
                          "country": "DE"},
                # 61 s at 60/60 = 2 min x 119,90 = 239,80 RSD (seed 004, Zona 1)
                "expect": {"charge": "239.80", "balance": "260.20"}}],
}


def run(tmp_path, doc, *args) -> tuple[int, str, str]:
    path = tmp_path / "scenario.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return cli.main(["run", str(path), *args]), str(path)


def changed(edit) -> dict:
    doc = copy.deepcopy(GOOD)
    edit(doc)
    return doc


def test_a_passing_scenario_exits_0_with_one_result_per_event(tmp_path, capsys):
    code, _ = run(tmp_path, GOOD)
    out, err = capsys.readouterr()
    assert code == cli.EXIT_OK
    doc = json.loads(out)
    (result,) = doc["results"]
    assert result["event"] == "usage" and result["charge"] == "239.80" and result["ok"] is True
    assert result["expectations"] == "passed" and "arithmetic" not in result
    assert result["source"] == "specs/telenor_rs/roaming.tariff:70"
    assert doc["summary"] == {"events": 1, "passed": 1, "failed": 0, "unexpected_errors": 0}
    assert "1 event, 1 passed, 0 failed" in err


def test_explain_adds_the_arithmetic(tmp_path, capsys):
    code, _ = run(tmp_path, GOOD, "--explain")
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert code == 0
    assert result["arithmetic"] == "61 s at 60/60 = 120 s x 119.90 RSD/min = 239.80 RSD"


def test_table_format_for_people(tmp_path, capsys):
    code, _ = run(tmp_path, GOOD, "--format", "table", "--explain")
    out = capsys.readouterr().out
    header, rule, row = out.splitlines()[:3]
    assert code == 0
    assert header.split() == ["#", "time", "event", "charge", "rule", "source", "arithmetic"]
    assert set(rule) <= {"-", " "}
    assert "2026-07-01T10:00:00+02:00" in row and "239.80 RSD" in row and "Zona 1" in row
    assert "61 s at 60/60" in row


def test_a_shipped_scenario_runs(capsys):
    assert cli.main(["run", str(SHIPPED)]) == cli.EXIT_OK
    assert len(json.loads(capsys.readouterr().out)["results"]) == 30


def test_a_failed_expectation_exits_1_and_says_what_differs(tmp_path, capsys):
    code, _ = run(tmp_path, changed(lambda d: d["events"][0]["expect"].update(charge="119.90")),
                  "--format", "table")
    out = capsys.readouterr().out
    assert code == cli.EXIT_FAILED
    assert "events[0]: failed: charge: expected 119.90, got 239.80" in out


def test_an_unexpected_error_exits_1(tmp_path, capsys):
    doc = changed(lambda d: d["events"].append(
        {"at": "2026-07-01T10:05:00+02:00", "dial": {"msisdn": "+381631234567", "text": "*999#"}}))
    code, _ = run(tmp_path, doc)
    result = json.loads(capsys.readouterr().out)["results"][1]
    assert code == cli.EXIT_FAILED
    assert result["error"] == "unknown_code" and result["ok"] is False
    assert result["expectations"] is None


def test_an_expected_error_passes(tmp_path, capsys):
    doc = changed(lambda d: d["events"].append(
        {"at": "2026-07-01T10:05:00+02:00", "dial": {"msisdn": "+381631234567", "text": "*999#"},
         "expect": {"error": "unknown_code", "balance": "260.20"}}))
    assert run(tmp_path, doc)[0] == cli.EXIT_OK


def test_an_error_that_does_not_come_fails(tmp_path, capsys):
    code, _ = run(tmp_path, changed(lambda d: d["events"][0]["expect"].update(error="unknown_zone")))
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert code == cli.EXIT_FAILED
    assert result["expectations"] == "failed: error: expected unknown_zone, got no error"


# --- malformed scenarios: exit 2, the JSON path, no traceback -----------------------------

def _bad(doc_edit):
    return changed(doc_edit)


def _del(path):
    def edit(d):
        *head, last = path
        target = d
        for key in head:
            target = target[key]
        del target[last]
    return edit


def _set(path, value):
    def edit(d):
        *head, last = path
        target = d
        for key in head:
            target = target[key]
        target[last] = value
    return edit


MALFORMED = [
    ("missing operator", _del(["operator"]), "operator: is missing"),
    ("unknown operator", _set(["operator"], "telenor_xx"),
     "operator: unknown operator `telenor_xx`; did you mean `telenor_rs`?"),
    ("operator not an id", _set(["operator"], "Telenor RS"),
     "operator: `Telenor RS` is not an operator id such as telenor_rs"),
    ("missing events", _del(["events"]), "events: is missing"),
    ("missing field of an event", _del(["events", 0, "usage", "service"]),
     "events[0].usage.service: is missing"),
    ("unknown event kind", _set(["events", 0], {"at": "2026-07-01T10:00:00+02:00", "usgae": {}}),
     "events[0].usgae: unknown event kind or field; did you mean `usage`?"),
    ("no event kind", _set(["events", 0], {"at": "2026-07-01T10:00:00+02:00"}),
     "events[0]: must have exactly one event kind of usage, dial, sms, call, web, tick, month_end, family_end, bill"),
    ("two event kinds", _set(["events", 0, "tick"], {}),
     "events[0]: must have exactly one event kind of usage, dial, sms, call, web, tick, month_end, family_end, bill, not 2 (usage, tick)"),
    ("float seconds", _set(["events", 0, "usage", "seconds"], 61.5),
     "events[0].usage.seconds: must be a whole number, not the number 61.5"),
    ("string seconds", _set(["events", 0, "usage", "seconds"], "61"),
     'events[0].usage.seconds: must be a whole number, not the string "61"'),
    ("wrong unit", lambda d: d["events"][0]["usage"].update(service="data"),
     "events[0].usage: a `data` event takes `kb`, not `seconds`"),
    ("unknown service", _set(["events", 0, "usage", "service"], "fax"),
     "events[0].usage.service: `fax` is not one of outgoing call, callback call, incoming call"),
    ("float money", _set(["subscribers", 0, "balance"], 500.0),
     'subscribers[0].balance: money must be a decimal string such as "500.0", not a JSON number'),
    ("integer money", _set(["events", 0, "expect", "charge"], 239),
     'events[0].expect.charge: money must be a decimal string such as "239", not a JSON number'),
    ("money with a comma", _set(["subscribers", 0, "balance"], "500,00"),
     'subscribers[0].balance: must be a decimal string such as "500.00", not the string "500,00"'),
    ("naive datetime", _set(["events", 0, "at"], "2026-07-01T10:00:00"),
     "events[0].at: `2026-07-01T10:00:00` has no UTC offset; write it as 2026-07-01T10:00:00+02:00"),
    ("not a datetime", _set(["subscribers", 0, "activated"], "yesterday"),
     "subscribers[0].activated: `yesterday` is not an ISO 8601 date and time"),
    ("events out of order", lambda d: d["events"].append(
        {"at": "2026-07-01T09:00:00+02:00", "tick": {}}),
     "events[1].at: 2026-07-01T09:00:00+02:00 is before the time of events[0]"),
    ("unknown expectation", _set(["events", 0, "expect", "charges"], "1.00"),
     "events[0].expect.charges: unknown field; did you mean `charge`?"),
    ("unknown error code", _set(["events", 0, "expect", "error"], "no_such_code"),
     "events[0].expect.error: `no_such_code` is not one of"),
    ("malformed subscriber number", _set(["subscribers", 0, "msisdn"], "06x"),
     "subscribers[0].msisdn: `06x` is not a phone number"),
    ("unknown segment", _set(["subscribers", 0, "segment"], "prepayed"),
     "subscribers[0].segment: `prepayed` is not a segment of telenor_rs (prepaid, kombinuj, business, postpaid); did you mean `prepaid`?"),
    ("language the operator lacks", _set(["subscribers", 0, "language"], "de"),
     "subscribers[0].language: telenor_rs speaks sr, en, not `de`"),
    ("bill month", _set(["events", 0], {"at": "2026-07-01T10:00:00+02:00",
                                        "bill": {"msisdn": "063 123 4567", "year": 2026, "month": 13}}),
     "events[0].bill.month: must be 1 to 12"),
    ("unknown world input", _set(["world"], {"voucher": {}}),
     "world.voucher: unknown field; did you mean `vouchers`?"),
    ("float voucher", _set(["world"], {"vouchers": {"123": 5.5}}),
     'world.vouchers.123: money must be a decimal string such as "5.5", not a JSON number'),
]


@pytest.mark.parametrize("edit, message", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_a_malformed_scenario_exits_2_naming_the_json_path(tmp_path, capsys, edit, message):
    code, path = run(tmp_path, _bad(edit))
    out, err = capsys.readouterr()
    assert code == cli.EXIT_USAGE
    assert out == ""
    assert f"tariffc run: {path}: {message}" in err
    assert "Traceback" not in err


def test_every_problem_is_reported(tmp_path, capsys):
    doc = changed(lambda d: (d["subscribers"][0].update(balance=1.5),
                             d["events"][0]["usage"].update(seconds=1.5)))
    code, _ = run(tmp_path, doc)
    err = capsys.readouterr().err
    assert code == 2
    assert "subscribers[0].balance" in err and "events[0].usage.seconds" in err
    assert "2 problems" in err


@pytest.mark.parametrize("text, message", [
    ('{"operator": "telenor_rs",\n  "events": [}', ":2:14: not valid JSON: Expecting value"),
    ("[1, 2]", "scenario: must be an object, not a list"),
])
def test_not_a_scenario_document(tmp_path, capsys, text, message):
    code, _ = run(tmp_path, text)
    assert code == cli.EXIT_USAGE
    assert message in capsys.readouterr().err


def test_a_missing_file_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["run", str(tmp_path / "nope.json")]) == cli.EXIT_USAGE
    assert "no such file" in capsys.readouterr().err


def test_an_unknown_format_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["run", str(SHIPPED), "--format", "yaml"])
    assert exc.value.code == cli.EXIT_USAGE


def test_the_schema_knows_every_error_code_and_event_kind():
    schema = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert tuple(schema["$defs"]["expect"]["properties"]["error"]["enum"]) == scenario.ERROR_CODES
    assert [next(iter(o["required"])) for o in schema["$defs"]["event"]["oneOf"]] == list(scenario.KINDS)


# --- reply channels (issue 4) ---------------------------------------------------------------

# Seed 000: "Code *411# makes it possible to check account details, Information on the tariff
# package presently shown on the phone (USSD reply). After a few seconds you shall get a
# message with the following data: the amount of the last bill, the total debt amount,
# reference number for the last bill and current account number (SMS reply)."
ACCOUNT = {
    "operator": "telenor_rs",
    "description": "*411#: the tariff package by USSD, the account details by SMS",
    "subscribers": [{"msisdn": "+381631234567", "segment": "postpaid", "plan": "Prenesi+ XS",
                     "language": "en"}],
    "events": [{"at": "2026-07-01T10:00:00+02:00",
                "dial": {"msisdn": "+381631234567", "text": "*411#"}}],
}


def _account(*replies) -> dict:
    doc = copy.deepcopy(ACCOUNT)
    doc["events"][0]["expect"] = {"ok": True, "reply_contains": list(replies)}
    return doc


def test_a_reply_on_its_channel_passes(tmp_path, capsys):
    doc = _account({"channel": "ussd", "text": "Prenesi+ XS"},  # the package: USSD reply
                   {"channel": "sms", "text": "381631234567"},  # the account number: SMS
                   {"channel": "sms"}, "Prenesi+ XS")  # some SMS; the old string form
    assert run(tmp_path, doc)[0] == cli.EXIT_OK


def test_a_reply_on_another_channel_fails(tmp_path, capsys):
    # the account number comes by SMS, not in the USSD reply
    code, _ = run(tmp_path, _account({"channel": "ussd", "text": "381631234567"},
                                      {"channel": "voice"}))
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert code == cli.EXIT_FAILED
    assert result["expectations"].startswith(
        "failed: reply_contains: no reply contains '381631234567' on ussd (replies: ['ussd: ")
    assert "; reply_contains: no reply contains a reply on voice" in result["expectations"]


@pytest.mark.parametrize("item, message", [
    ({"channel": "SMS", "text": "x"}, "events[0].expect.reply_contains[0].channel: `SMS` is not one of ussd, sms"),
    ({}, "events[0].expect.reply_contains[0]: must have a `channel`, a `text` or both"),
    ({"chanel": "sms"}, "events[0].expect.reply_contains[0].chanel: unknown field; did you mean `channel`?"),
    (7, "events[0].expect.reply_contains[0]: must be a string or an object"),
])
def test_a_malformed_reply_expectation_names_its_path(tmp_path, capsys, item, message):
    code, _ = run(tmp_path, _account(item))
    assert code == cli.EXIT_USAGE
    assert message in capsys.readouterr().err


def test_the_schema_accepts_reply_objects_and_knows_the_channels():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    items = schema["$defs"]["expect"]["properties"]["reply_contains"]["items"]["oneOf"]
    assert tuple(items[1]["properties"]["channel"]["enum"]) == scenario.REPLY_CHANNELS
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(_account({"channel": "sms", "text": "x"}, "y", {"channel": "ussd"}))
    for bad in ({}, {"channel": "fax"}, {"channel": "sms", "to": "x"}):
        assert not validator.is_valid(_account(bad)), bad

"""`tariffc rate` and `tariffc impact` from the command line (issue 11)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from compiler.cli import main

ROOT = Path(__file__).resolve().parents[2]
HEADER = "time,msisdn,service,quantity,country,network,party\n"
GOOD = [
    "2026-07-01T10:00:00+02:00,+381631234567,outgoing call,61,DE,,+4930123456",
    "2026-07-01T10:01:00+02:00,+381631234567,sms,1,DE,,",
    "2026-07-01T10:02:00+02:00,381641111111,outgoing call,61,AT,,",
    "2026-07-01T10:03:00+02:00,+381641111111,outgoing call,30,ME,297 01,+38269123456",
]
BAD = [
    "2026-07-01 at ten,+381631234567,sms,1,DE,,",  # unparsable time
    "2026-07-01T10:05:00+02:00,+381631234567,outgoing call,-5,DE,,",  # negative duration
    "2026-07-01T10:06:00+02:00,+381631234567,fax,1,DE,,",  # unknown service
    "2026-07-01T10:07:00+02:00,+381631234567,sms,1,XX,,",  # unknown zone
    "2026-07-01T10:08:00+02:00,06x,sms,1,DE,,",  # malformed number
]


def _csv(path: Path, lines) -> Path:
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rate_csv_to_parquet_with_rejects(tmp_path, capsys):
    src = _csv(tmp_path / "cdrs.csv", GOOD[:2] + BAD + GOOD[2:])
    out, rej = tmp_path / "rated.parquet", tmp_path / "rejects.csv"
    assert main(["rate", "telenor_rs", str(src), "--out", str(out), "--rejects", str(rej)]) == 1
    rated = pq.read_table(out).to_pylist()
    rejects = pcsv.read_csv(rej).to_pylist()
    assert len(rated) + len(rejects) == 9
    assert sorted(r["row"] for r in rated) == [1, 2, 8, 9]
    by_row = {r["row"]: r for r in rated}
    # Zona 1: a 61 s call is 2 min x 119,90; an SMS 29,90 (roaming.tariff:70)
    assert by_row[1]["charge"] == 2 * Decimal("119.90") and by_row[1]["billed"] == 120
    assert by_row[2]["charge"] == Decimal("29.90") and by_row[2]["currency"] == "RSD"
    assert by_row[1]["source"] == "specs/telenor_rs/roaming.tariff:70"
    assert by_row[1]["rule"] == "outgoing call in Zona 1"
    reasons = {r["row"]: r["reason"] for r in rejects}
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert reasons[3].startswith("invalid_row: time:")
    assert reasons[4].startswith("invalid_event:") and "-5" in reasons[4]
    assert reasons[5].startswith("invalid_event: unknown service `fax`")
    assert reasons[6].startswith("unknown_zone:")
    assert reasons[7].startswith("malformed_number:")
    err = capsys.readouterr().err
    assert "9 rows in = 4 rated + 5 rejected" in err


def test_rate_all_good_exits_0_and_writes_csv(tmp_path, capsys):
    src = _csv(tmp_path / "cdrs.csv", GOOD)
    out = tmp_path / "rated.csv"
    assert main(["rate", "telenor_rs", str(src), "--out", str(out)]) == 0
    rows = pcsv.read_csv(out, convert_options=pcsv.ConvertOptions(
        column_types={"charge": "string"})).to_pylist()
    assert [r["charge"] for r in rows][:2] == ["239.80", "29.90"]  # exact decimal strings
    assert "4 rows in = 4 rated + 0 rejected" in capsys.readouterr().err


def test_rate_empty_file_writes_headers(tmp_path, capsys):
    src = _csv(tmp_path / "cdrs.csv", [])
    out, rej = tmp_path / "rated.parquet", tmp_path / "rejects.csv"
    assert main(["rate", "telenor_rs", str(src), "--out", str(out), "--rejects", str(rej)]) == 0
    assert pq.read_table(out).num_rows == 0 and "charge" in pq.read_schema(out).names
    assert rej.read_text(encoding="utf-8").startswith('"time","msisdn"')
    assert "0 rows in = 0 rated + 0 rejected" in capsys.readouterr().err


def test_rate_csv_with_a_byte_order_mark_keeps_its_columns_as_text(tmp_path, capsys):
    src = tmp_path / "bom.csv"
    src.write_bytes(b"\xef\xbb\xbf" + (HEADER + GOOD[1] + "\n").encode("utf-8"))
    out = tmp_path / "rated.csv"
    assert main(["rate", "telenor_rs", str(src), "--out", str(out)]) == 0
    row = out.read_text(encoding="utf-8").splitlines()[1]
    assert row.startswith('"2026-07-01T10:01:00+02:00","+381631234567"')  # as written
    assert "1 row in = 1 rated + 0 rejected" in capsys.readouterr().err


def test_rate_usage_errors(tmp_path):
    src = _csv(tmp_path / "cdrs.csv", GOOD)
    assert main(["rate", "telenor_rz", str(src), "--out", str(tmp_path / "o.csv")]) == 2
    assert main(["rate", "telenor_rs", str(tmp_path / "none.csv"), "--out", "o.csv"]) == 2
    (tmp_path / "cols.csv").write_text("time,msisdn\n2026-07-01T10:00:00Z,+381631234567\n")
    assert main(["rate", "telenor_rs", str(tmp_path / "cols.csv"), "--out",
                 str(tmp_path / "o.csv")]) == 2


def test_impact_of_a_price_change(tmp_path, capsys):
    """Zona 1 outgoing calls 119,90 -> 129,90 RSD/min: the two 61 s calls in Zona 1 (2 min
    each) change by 2 x 2 x 10.00 = +40.00; the SMS and the Crna Gora call do not."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(ROOT / "specs" / "telenor_rs", old / "telenor_rs")
    shutil.copytree(ROOT / "specs" / "telenor_rs", new / "telenor_rs")
    spec = new / "telenor_rs" / "roaming.tariff"
    text = spec.read_text(encoding="utf-8")
    row = "| Zona 1                            | 119,90 "
    assert text.count(row) == 1
    spec.write_text(text.replace(row, row.replace("119,90", "129,90")), encoding="utf-8")
    src = _csv(tmp_path / "cdrs.csv", GOOD + [BAD[3]])
    assert main(["impact", str(old), str(new), str(src), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows"] == 5 and report["changed"] == 2
    # + the SMS (29,90) + 30 s on Telenor Crna Gora to its own +38269 number (10,07/min at
    # 30+1: 10.07 / 2 = 5.035 -> 5.04, roaming.tariff:86)
    cg = (Decimal("10.07") / 2).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    before = 2 * Decimal("239.80") + Decimal("29.90") + cg
    assert Decimal(report["before"]) == before
    assert Decimal(report["delta"]) == 2 * 2 * Decimal("10.00")
    calls = [g for g in report["groups"] if g["zone"] == "Zona 1" and g["service"] == "outgoing call"]
    assert calls == [{"zone": "Zona 1", "service": "outgoing call", "segment": "prepaid",
                      "rows": 2, "changed": 2, "before": "479.60", "after": "519.60",
                      "delta": "40.00"}]
    assert [s["msisdn"] for s in report["subscribers"]] == ["+381631234567", "381641111111"]
    assert report["rejected_before"] == report["rejected_after"] == 1
    assert main(["impact", str(old), str(new), str(src)]) == 0
    md = capsys.readouterr().out
    assert "| Zona 1 | outgoing call | prepaid | 2 | 2 | 479.60 | 519.60 | +40.00 |" in md


def test_impact_between_git_revisions(tmp_path, capsys):
    """The same price change, as two commits of a specs folder (`--git REV1 REV2`)."""
    import subprocess

    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "specs" / "telenor_rs", repo / "specs" / "telenor_rs")

    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo,
                       check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "before")
    spec = repo / "specs" / "telenor_rs" / "roaming.tariff"
    row = "| Zona 1                            | 119,90 "
    spec.write_text(spec.read_text(encoding="utf-8").replace(row, row.replace("119,90", "129,90")),
                    encoding="utf-8")
    git("commit", "-qam", "after")
    src = _csv(tmp_path / "cdrs.csv", GOOD)
    assert main(["impact", "--git", "HEAD~1", "HEAD", str(src), "--specs",
                 str(repo / "specs"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["changed"] == 2 and Decimal(report["delta"]) == 2 * 2 * Decimal("10.00")
    assert main(["impact", "--git", "nosuchrev", "HEAD", str(src), "--specs",
                 str(repo / "specs")]) == 2


def test_batch_rows_must_be_positive(tmp_path, capsys):
    """`--batch-rows 0` is a usage error (exit 2) with the reason, not an endless read."""
    src = tmp_path / "c.csv"
    src.write_text("time,msisdn,service,quantity,country,network,party\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main(["rate", "telenor_rs", str(src), "--out", str(tmp_path / "o.csv"),
              "--batch-rows", "0"])
    assert exit_.value.code == 2
    assert "must be a whole number above 0" in capsys.readouterr().err

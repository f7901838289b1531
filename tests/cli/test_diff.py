"""`tariffc diff` (issue 6): a customer-facing changelog of what changed in the model."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from compiler.check import check_paths
from compiler.cli import main
from compiler.diff import diff_tariffs
from tests.cli.conftest import SPECS


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def remove_block(path: Path, head: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(head)
    end = text.index("\n}\n", start) + 3
    path.write_text(text[:start] + text[end:].lstrip("\n"), encoding="utf-8")


def changes(old: Path, new: Path) -> list[str]:
    a, b = check_paths([str(old)]), check_paths([str(new)])
    assert not a.errors and not b.errors, a.errors + b.errors
    return [c.text for c in diff_tariffs(a.tariffs, b.tariffs)]


def three_edits(specs: Path) -> None:
    """A price, a validity and a removed code."""
    edit(specs / "telenor_rs/roaming.tariff", "| Zona 1                            | 119,90 ",
         "| Zona 1                            | 129,90 ")
    text = (specs / "telenor_rs/passes.tariff").read_text(encoding="utf-8")
    at = text.index('pass "Putni paket 7"')
    text = text[:at] + text[at:].replace("valid 90 days", "valid 60 days", 1)
    (specs / "telenor_rs/passes.tariff").write_text(text, encoding="utf-8")
    remove_block(specs / "telenor_rs/codes.tariff", "code *124# {")


def test_three_edits_give_exactly_three_changes(specs_copy, capsys):
    three_edits(specs_copy)
    assert main(["diff", str(SPECS), str(specs_copy)]) == 0
    out = capsys.readouterr().out
    lines = [ln for ln in out.splitlines() if ln.startswith("- ")]
    assert lines == [
        "- Removed code *124# (Remaining full-speed internet)",
        "- Zona 1, outgoing call: 119,90 -> 129,90 RSD/min (+8,3 %)",
        "- Putni paket 7: validity 90 -> 60 days",
    ]
    assert "## Telenor Srbija" in out and "### Prices: Standardna roming tarifa" in out


def test_json_carries_exact_values(specs_copy, capsys):
    three_edits(specs_copy)
    assert main(["diff", "--format", "json", str(SPECS), str(specs_copy)]) == 0
    data = json.loads(capsys.readouterr().out)
    by_kind = {c["kind"]: c for c in data["changes"]}
    assert len(data["changes"]) == 3
    price = next(c for c in data["changes"] if c["path"][0] == "price_lists")
    assert price["old"]["amount"] == "119.90" and price["new"]["amount"] == "129.90"
    assert by_kind["removed"]["old"]["pattern"] == "*124#" and by_kind["removed"]["new"] is None
    validity = next(c for c in data["changes"] if c["path"][-1] == "validity_seconds")
    assert (validity["old"], validity["new"]) == (90 * 86400, 60 * 86400)


def test_layout_and_order_are_not_changes(specs_copy):
    roaming = specs_copy / "telenor_rs/roaming.tariff"
    text = roaming.read_text(encoding="utf-8").replace("  ", "    ")
    roaming.write_text("// a new comment\n\n" + text, encoding="utf-8")
    # move a whole block to another file
    codes = specs_copy / "telenor_rs/codes.tariff"
    t = codes.read_text(encoding="utf-8")
    start = t.index("code *125*7# {")
    end = t.index("\n}\n", start) + 3
    codes.write_text(t[:start] + t[end:], encoding="utf-8")
    (specs_copy / "telenor_rs/more.tariff").write_text(t[start:end], encoding="utf-8")
    assert changes(SPECS, specs_copy) == []


@pytest.mark.parametrize("file, old, new, expected", [
    ("family.tariff", "| 4       | 40 %  |", "| 4       | 45 %  |",
     "Telenor Porodica, bonus for 4 members: 40 -> 45 %"),
    ("family.tariff", "invitation valid 24 hours", "invitation valid 48 hours",
     "Telenor Porodica: invitation valid 24 -> 48 hours"),
    ("family.tariff", "fee 150 RSD/month per member", "fee 180 RSD/month per member",
     "Telenor Porodica: fee 150 -> 180 RSD/month (+20,0 %)"),
    ("roaming.tariff", "illustrative countries AT, DE", "illustrative countries AT, FR, DE",
     "Zona 1: illustrative countries: added FR"),
    ("roaming.tariff", "numbers +38263, +38269", "numbers +38263",
     "Telenor Crna Gora: numbers: removed +38269"),
    ("roaming.tariff", "interval outgoing call 30+1", "interval outgoing call 60/60",
     "Charging interval of outgoing call: 30+1 -> 60/60"),
    ("passes.tariff", "free data 100 MB full speed", "free data 200 MB full speed",
     "Dnevna karta: full-speed data 100 -> 200 MB"),
    ("passes.tariff", 'activate sms "TCG1" to 9000', 'activate sms "TCG1" to 9001',
     "Dnevna karta: removed activation by SMS TCG1 to 9000"),
    ("bill.tariff", '    category "IVR"\n', "", "Mesečni račun: removed one-time charge category IVR"),
    ("bill.tariff", '"Ukupna minutaža."', '"Ukupna minutaža u minutima."',
     'Mesečni račun, field 3 (minutes): text (sr): "Ukupna minutaža." -> "Ukupna minutaža u minutima."'),
    ("operator.tariff", '"Premium", "Premium+"', '"Premium", "Premium+", "Ultra"',
     "Segment postpaid: plans: added Ultra"),
    ("codes.tariff", "  for prepaid kombinuj\n  action call_me", "  for prepaid\n  action call_me",
     "Code *321*<number:msisdn>#: for: prepaid, kombinuj -> prepaid"),
])
def test_one_edit_one_line(specs_copy, file, old, new, expected):
    edit(specs_copy / "telenor_rs" / file, old, new)
    assert expected in changes(SPECS, specs_copy)


def test_sms_keywords_and_service_numbers(specs_copy):
    edit(specs_copy / "azercell/balance.tariff", "price 0.0236 AZN/sms", "price 0.03 AZN/sms")
    got = changes(SPECS, specs_copy)
    assert got == ["Service number 650: price 0.0236 -> 0.03 AZN/sms (+27.1 %)"]


def test_identical_folders_have_no_changes(capsys):
    assert main(["diff", str(SPECS), str(SPECS)]) == 0
    assert "No changes" in capsys.readouterr().out


def test_a_side_with_errors_exits_1(specs_copy, capsys):
    edit(specs_copy / "telenor_rs/passes.tariff", "valid 7 days", "valid 7 dayz")
    assert main(["diff", str(SPECS), str(specs_copy)]) == 1
    assert "has errors" in capsys.readouterr().err


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["diff", str(SPECS)]) == 2
    assert main(["diff", str(SPECS), str(tmp_path / "missing")]) == 2
    assert main(["diff", "--git", "no-such-rev-1", "no-such-rev-2", "--specs", str(SPECS)]) == 2


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with two commits of the specs: the shipped ones, then three edits."""
    root = tmp_path / "repo"
    shutil.copytree(SPECS, root / "specs")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(git + ["add", "specs"], cwd=root, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "old"], cwd=root, check=True)
    three_edits(root / "specs")
    subprocess.run(git + ["commit", "-q", "-am", "new"], cwd=root, check=True)
    return root


def test_git_revisions(repo, capsys):
    specs = str(repo / "specs")
    assert main(["diff", "HEAD~1..HEAD", "--specs", specs]) == 0
    dotted = capsys.readouterr().out
    assert main(["diff", "--git", "HEAD~1", "HEAD", "--specs", specs]) == 0
    spaced = capsys.readouterr().out
    assert dotted == spaced
    assert sum(ln.startswith("- ") for ln in dotted.splitlines()) == 3
    assert "# Changes from HEAD~1 to HEAD" in dotted

"""The state diagrams of the operator pages (issue 12): drawn from the model, so a changed
spec draws a changed picture."""

from __future__ import annotations

import re

import attrs
import pytest

from compiler import gen_docs
from compiler.docs_diagrams import (START, Machine, State, Transition, family_machine,
                                    label_text, mermaid, pass_groups, pass_machine)
from compiler.gen_docs import Format
from runtime.family import REQUESTS


@pytest.fixture(scope="module")
def en(telenor_tariff):
    return Format("en", telenor_tariff)


def labels(machine: Machine, source: str, target: str) -> list[str]:
    return [e.label for e in machine.transitions if (e.source, e.target) == (source, target)]


def family_of(tariff):
    (family,) = tariff.families
    return family


def with_family(tariff, **changes):
    return attrs.evolve(tariff, families=(attrs.evolve(family_of(tariff), **changes),))


def test_family_diagram_follows_the_spec(telenor_tariff, en) -> None:
    """Seed 003: members 3 to 5, so the initiator invites 2 to 4 numbers (3 - 1, 5 - 1) with
    `TELENOR PORODICA:` to 9001; DA / NE / PONIŠTI; an invitation lasts 24 hours; changes take
    effect next month (a 'change pending' state); bonus 30 %, 40 %, 50 %."""
    m = family_machine(telenor_tariff, family_of(telenor_tariff), en)
    assert labels(m, START, "pending") == ["TELENOR PORODICA: <members> to 9001: invites 2 to 4 numbers"]
    assert labels(m, "pending", "active") == ["DA from every invitee: 3 to 5 members, bonus 30%/40%/50%"]
    assert labels(m, "pending", "not_created") == [
        "NE from an invitee", "PONIŠTI from the initiator", "no answer within 24 h",
        "an invitee holds an earlier invitation"]
    assert labels(m, "active", "changing") == ["DODAJ: <members>", "IZLAZAK"]
    assert labels(m, "changing", "ended") == ["fewer than 3 members left"]
    assert labels(m, "active", "ended") == ["one of the 6 events of “ends when”"]
    assert labels(m, "ended", START) == ["benefits until the end of the month"]
    # 150 RSD per member per month; the bonus expires at month end, so it is renewed
    assert "month end: fee 150.00 RSD/month per member, bonus renewed" in labels(m, "active", "active")


def test_every_family_transition_is_a_request_the_runtime_answers(telenor_tariff, en) -> None:
    m = family_machine(telenor_tariff, family_of(telenor_tariff), en)
    drawn = {c.action for c in telenor_tariff.sms_commands
             if c.action.startswith("family_") and any(
                 (c.pattern or "").split(":")[0].split("<")[0].strip() in e.label for e in m.transitions)}
    assert drawn >= {"family_create", "family_accept", "family_decline", "family_cancel",
                     "family_exit", "family_add", "family_transfer"}
    for action in drawn:
        assert action.removeprefix("family_") in REQUESTS


@pytest.mark.parametrize("change, gone, new", [
    ({"invitation_seconds": None}, ("pending", "not_created", "no answer within 24 h"), None),
    ({"invitation_seconds": 48 * 3600}, ("pending", "not_created", "no answer within 24 h"),
     ("pending", "not_created", "no answer within 2 days")),
    ({"changes_effective": "immediately"}, ("active", "changing", "IZLAZAK"),
     ("active", "active", "IZLAZAK: the group is recomposed at once")),
    ({"benefits_after_exit": "immediately"}, ("ended", START, "benefits until the end of the month"),
     ("ended", START, "benefits end at once")),
    ({"min_members": 2}, ("changing", "ended", "fewer than 3 members left"),
     ("changing", "ended", "fewer than 2 members left")),
    ({"ends_when": ()}, ("active", "ended", "one of the 6 events of “ends when”"), None),
])
def test_a_changed_family_draws_a_changed_diagram(telenor_tariff, change, gone, new) -> None:
    before = family_machine(telenor_tariff, family_of(telenor_tariff), Format("en", telenor_tariff))
    mutated = with_family(telenor_tariff, **change)
    after = family_machine(mutated, family_of(mutated), Format("en", mutated))
    assert gone[2] in labels(before, *gone[:2])
    assert gone[2] not in labels(after, *gone[:2])
    if new:
        assert new[2] in labels(after, *new[:2])
    assert mermaid(after) != mermaid(before)


def test_changes_at_once_have_no_pending_state(telenor_tariff) -> None:
    mutated = with_family(telenor_tariff, changes_effective="immediately")
    after = family_machine(mutated, family_of(mutated), Format("en", mutated))
    assert "changing" not in {s.id for s in after.states}
    assert "changing" not in mermaid(after)


def test_a_command_the_spec_drops_is_not_drawn(telenor_tariff, en) -> None:
    without_cancel = attrs.evolve(telenor_tariff, sms_commands=tuple(
        c for c in telenor_tariff.sms_commands if c.action != "family_cancel"))
    m = family_machine(without_cancel, family_of(without_cancel), Format("en", without_cancel))
    assert "PONIŠTI from the initiator" not in labels(m, "pending", "not_created")
    assert "PONI" not in mermaid(m)


def test_family_diagram_in_serbian(telenor_tariff) -> None:
    m = family_machine(telenor_tariff, family_of(telenor_tariff), Format("sr", telenor_tariff))
    assert "NE od pozvanog" in labels(m, "pending", "not_created")
    # Serbian money: a decimal comma
    assert "kraj meseca: naknada 150,00 RSD/month po članu, bonus se obnavlja" in labels(m, "active", "active")


def _pass_machine(tariff, name, lang="en"):
    group = next(g for n, g in pass_groups(tariff) if n == name)
    return pass_machine(tariff, group, Format(lang, tariff))


def test_pass_diagrams_follow_the_spec(telenor_tariff) -> None:
    """Seed 004: the day pass (*125*1#, TCG1 to 9000, 199 RSD, 24 hours, free data 100 MB at
    full speed then 64 kbps) is replaced by a pass of its exclusive group; the travel
    packages (one `passes` table, one picture) hold allowances and last 90 days."""
    groups = dict(pass_groups(telenor_tariff))
    assert [p.name for p in groups["Putni paket"]] == [f"Putni paket {i}" for i in range(1, 7)]
    day = _pass_machine(telenor_tariff, "Dnevna karta")
    assert labels(day, START, "active") == ["dial *125*1#, SMS TCG1 to 9000: pays 199.00 RSD"]
    assert labels(day, "active/full_speed", "throttled") == ["100 MB used"]
    assert labels(day, "active", "expired") == ["24 h after activation"]
    # runtime.passes: activating a pass of the group, this one again too, ends the active one
    assert labels(day, "active", "replaced") == ["Dnevna karta, Nedeljna karta activated (group karta)"]
    travel = _pass_machine(telenor_tariff, "Putni paket")
    # the six prices of the table, lowest and highest: 1.524,40 and 8.643,05 RSD
    assert labels(travel, START, "active") == [
        "menu *111#, option 6, SMS TPP1, TPP2, TPP3, TPP4, TPP5, TPP6 to 9000: pays 1,524.40 RSD – 8,643.05 RSD"]
    assert ("active/allowance", "used_up") in travel.edges()
    assert "replaced" not in {s.id for s in travel.states}
    assert labels(travel, "active", "expired") == ["90 days after activation"]


def test_a_changed_pass_draws_a_changed_diagram(telenor_tariff) -> None:
    def mutate(**change):
        return attrs.evolve(telenor_tariff, passes=tuple(
            attrs.evolve(p, **change) if p.name == "Dnevna karta" else p for p in telenor_tariff.passes))

    before = _pass_machine(telenor_tariff, "Dnevna karta")
    alone = _pass_machine(mutate(exclusive=None), "Dnevna karta")
    assert "replaced" not in {s.id for s in alone.states} and mermaid(alone) != mermaid(before)
    week = _pass_machine(mutate(validity_seconds=7 * 86400), "Dnevna karta")
    assert labels(week, "active", "expired") == ["7 days after activation"]
    more = _pass_machine(mutate(full_speed_kb=200 * 1024), "Dnevna karta")
    assert labels(more, "active/full_speed", "throttled") == ["200 MB used"]


def test_mermaid_text_of_a_machine() -> None:
    m = Machine("t", (State("a", "A: one"), State("b", "B")),
                (Transition(START, "a", "go"), Transition("a", "b", "x"), Transition("a", "b", "y"),
                 Transition("b", START, "")))
    assert str(mermaid(m)) == ("stateDiagram-v2\n    a: A#58; one\n    b: B\n    [*] --> a: go\n"
                               "    a --> b: x<br>y\n    b --> [*]")


def test_spec_text_cannot_break_out_of_a_diagram() -> None:
    nasty = "x\n```\n<script>alert(1)</script> --> [*]: {y}; %%{init: {}}%% #1;"
    out = label_text(nasty)
    assert "\n" not in out
    plain = re.sub(r"#\d+;", "", out)  # the entities Mermaid decodes
    for bad in "`<>[]{}:;%#*":
        assert bad not in plain, bad
    # what is left: the letters, digits, spaces and plain punctuation of the input, in order
    # (`#1;` of the input is written `#35;1#59;`, so its `1` stays)
    assert plain == "x  scriptalert(1)/script --  y init  1"


def test_the_pages_carry_the_diagrams(telenor_tariff) -> None:
    pages = gen_docs.operator_pages(telenor_tariff)
    for lang in ("en", "sr"):
        assert pages[f"{lang}/family.md"].count("```mermaid\nstateDiagram-v2\n") == 1
        # one picture per `passes` table or `pass` block: Putni paket, Putni paket 7, the two kartas
        assert pages[f"{lang}/passes.md"].count("```mermaid\nstateDiagram-v2\n") == 4


def test_the_replaced_edge_is_what_the_runtime_does(telenor_tariff) -> None:
    """Each pass the day pass's 'replaced' edge names ends an active day pass when activated
    (generated.telenor_rs, runtime.passes); a pass of no exclusive group does not."""
    from datetime import datetime, timedelta, timezone

    import generated.telenor_rs as compiled
    from runtime.money import Money
    from runtime.state import Subscriber, world_of

    (label,) = labels(_pass_machine(telenor_tariff, "Dnevna karta"), "active", "replaced")
    names = label.split(" activated")[0].split(", ")
    at = datetime(2025, 7, 1, 10, tzinfo=timezone.utc)
    for name in names + ["Putni paket 7"]:
        world = world_of(Subscriber("381631234567", "prepaid", balance=Money("5000", "RSD")))
        world, first = compiled.ENGINE.passes.activate(world, "381631234567", "Dnevna karta", at)
        world, second = compiled.ENGINE.passes.activate(world, "381631234567", name, at + timedelta(hours=1))
        assert first.ok and second.ok
        assert second.data["cancelled"] == (("Dnevna karta",) if name in names else ()), name


@pytest.mark.parametrize("seconds", [24 * 3600, None])
def test_the_expiry_edge_is_what_the_runtime_does(telenor_tariff, seconds) -> None:
    """With `invitation valid 24 hours` the diagram has the expiry edge and the runtime refuses
    an answer 25 hours later; without it, neither: the answer is taken."""
    from datetime import datetime, timedelta, timezone

    from compiler.lower import family as lower_family, lower_operator
    from runtime.family import FamilyEngine
    from runtime.family_state import MB
    from runtime.state import Allowance, Subscriber, world_of

    tariff = with_family(telenor_tariff, invitation_seconds=seconds)
    drawn = any(x.startswith("no answer within")
                for x in labels(family_machine(tariff, family_of(tariff), Format("en", tariff)),
                                "pending", "not_created"))
    engine = FamilyEngine(lower_family.lower(tariff), lower_operator(tariff))
    subs = [Subscriber(f"38164000000{i}", "postpaid", plan="Prenesi M",
                       package=Allowance(seconds=6000, sms=100, kb=2048 * MB)) for i in range(3)]
    at = datetime(2025, 3, 10, 12, tzinfo=timezone.utc)
    world, out = engine.handle(world_of(*subs), "381640000000", "family_create",
                               {"members": ["0640000001", "0640000002"]}, at)
    assert out.ok
    world, late = engine.handle(world, "381640000001", "family_accept", {}, at + timedelta(hours=25))
    assert drawn == (seconds is not None)
    assert late.ok == (not drawn)

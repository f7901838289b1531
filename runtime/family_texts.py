"""Reply texts of the family-group state machine, in Serbian (Latin script) and English.

The seeds give no reply wording for the SMS commands to 9001; these texts say what happened
in the subscriber's language (Subscriber.language, else the operator's first language).
"""

from __future__ import annotations

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
NUMBERS = ("msisdn", "to", "sender", "initiator")

TEXTS: dict[str, tuple[str, str]] = {  # key -> (sr, en)
    # invitations and creation
    "invited": ("{initiator} vas poziva u grupu {name}. Odgovorite DA ili NE na 9001 u roku od 24 sata.",
                "{initiator} invites you to a {name} group. Reply DA or NE to 9001 within 24 hours."),
    "invitations_sent": ("Pozivi su poslati na {numbers}. Grupa se kreira kada svi prihvate u roku od 24 sata.",
                         "Invitations sent to {numbers}. The group is created when all accept within 24 hours."),
    "accepted_waiting": ("Prihvatili ste poziv. Čeka se odgovor od {numbers}.",
                         "You accepted the invitation. Waiting for {numbers}."),
    "created": ("Grupa {name} je kreirana. Broj članova: {size}, bonus {percent}% minuta, SMS i MB.",
                "Your {name} group is created: {size} members, {percent}% bonus minutes, SMS and MB."),
    "not_created": ("Grupa {name} nije kreirana: {why}.", "The {name} group was not created: {why}."),
    "why_declined": ("{msisdn} je odbio poziv", "{msisdn} declined the invitation"),
    "why_expired": ("nisu svi prihvatili u roku od 24 sata", "not everyone accepted within 24 hours"),
    "why_cancelled": ("{msisdn} je poništio grupu", "{msisdn} cancelled the group"),
    "why_auto_declined": ("{msisdn} već ima poziv na čekanju, pa je ovaj automatski odbijen",
                          "{msisdn} already has an invitation on hold, so this one was declined automatically"),
    # changes (from next month)
    "leaving": ("Napuštate grupu od {month}. Pogodnosti važe do kraja ovog meseca.",
                "You leave the group from {month}. Your benefits last until the end of this month."),
    "leaving_now": ("Od {month} niste član grupe; vaše pogodnosti prestaju odmah.",
                    "You leave the group from {month}. Your benefits end now."),
    "left": ("Napustili ste grupu. Pogodnosti važe do kraja ovog meseca.",
             "You have left the group. Your benefits last until the end of this month."),
    "left_now": ("Napustili ste grupu. Vaše pogodnosti prestaju odmah.",
                 "You have left the group. Your benefits end now."),
    "member_leaving": ("{msisdn} napušta grupu od {month}.", "{msisdn} leaves the group from {month}."),
    "will_end": ("Od {month} grupa ima manje od {min} članova i biće ugašena.",
                 "From {month} the group has fewer than {min} members and will end."),
    "invited_add": ("{initiator} vas poziva u grupu {name} od {month}. Odgovorite DA ili NE na 9001 "
                    "u roku od 24 sata.",
                    "{initiator} invites you to a {name} group from {month}. Reply DA or NE to 9001 "
                    "within 24 hours."),
    "recomposed_now": ("Vaša grupa {name} sada ima {size} članova, bonus {percent}%.",
                       "Your {name} group now has {size} members, {percent}% bonus."),
    "joins": ("{msisdn} se pridružuje grupi od {month}.", "{msisdn} joins the group from {month}."),
    "add_failed": ("{msisdn} se ne pridružuje grupi: {why}.", "{msisdn} does not join the group: {why}."),
    "recomposed": ("Od {month} broj članova vaše grupe {name} je {size}, bonus {percent}%.",
                   "From {month} your {name} group has {size} members, {percent}% bonus."),
    "ended_small": ("Grupa {name} je ugašena: ima manje od {min} članova.",
                    "Your {name} group has ended: it has fewer than {min} members."),
    "ended": ("Promocija {name} je deaktivirana. Pogodnosti važe do kraja meseca.",
              "The {name} promotion has ended ({why}). Your benefits last until the end of the month."),
    "ended_now": ("Promocija {name} je deaktivirana. Vaše pogodnosti prestaju odmah.",
                  "The {name} promotion has ended ({why}). Your benefits end now."),
    # transfer and status
    "transfer_sent": ("Poslali ste {mb} MB broju {to}. Preostalo bonusa: {left} MB.",
                      "You sent {mb} MB to {to}. Bonus data left: {left} MB."),
    "transfer_received": ("{sender} vam je poslao {mb} MB, važi do kraja meseca.",
                          "{sender} sent you {mb} MB, valid until the end of the month."),
    "status": ("Grupa {name}, broj članova {size} ({members}), bonus {percent}%. Preostali bonus: "
               "{min} min, {sms} SMS, {mb} MB.",
               "{name} group: {size} members ({members}), {percent}% bonus. Bonus left: "
               "{min} min, {sms} SMS, {mb} MB."),
    "status_pending": ("Grupa {name} u pripremi: čeka se odgovor od {numbers}.",
                       "{name} group in preparation: waiting for {numbers}."),
    "status_none": ("Niste član grupe {name}.", "You are not a member of a {name} group."),
    # refusals (the English text is also the outcome's reason)
    "not_eligible": ("tarifa {plan} ne omogućava promociju {name}",
                     "the package {plan} is not eligible for {name}"),
    "not_natural": ("promocija {name} je samo za fizička lica", "{name} is for natural persons only"),
    "excluded": ("promocija \"{promotion}\" isključuje {name}",
                 "the promotion \"{promotion}\" excludes {name}"),
    "invitee_not_eligible": ("broj {msisdn} ne ispunjava uslove za {name}",
                             "{msisdn} is not eligible for {name}"),
    "count": ("unesite od {lo} do {hi} različitih brojeva", "give {lo} to {hi} different numbers"),
    "duplicate": ("broj je naveden dvaput ili je vaš", "a number is given twice or is your own"),
    "busy_self": ("već imate grupu u pripremi ili poziv na koji treba odgovoriti",
                  "you already have a group in preparation or an invitation to answer"),
    "one_group": ("{msisdn} je već član grupe u tom mesecu (jedna grupa mesečno)",
                  "{msisdn} is already a member of a group in that month (one group per month)"),
    "joining": ("{msisdn} je prihvatio poziv u grupu od {month} (jedna grupa mesečno)",
                "{msisdn} has accepted to join a group from {month} (one group per month)"),
    "no_invitation": ("nemate poziv za grupu {name}", "you have no invitation to a {name} group"),
    "expired": ("poziv je istekao (važi 24 sata)", "the invitation expired (it is valid 24 hours)"),
    "not_member": ("niste član aktivne grupe {name}", "you are not a member of an active {name} group"),
    "not_initiator": ("samo inicijator grupe ({initiator}) dodaje članove",
                      "only the group's initiator ({initiator}) can add members"),
    "too_many": ("grupa može imati najviše {max} članova", "a group has at most {max} members"),
    "already_member": ("{msisdn} je već u grupi ili je već pozvan", "{msisdn} is already in the group or invited"),
    "already_leaving": ("već napuštate grupu od {month}", "you already leave the group from {month}"),
    "no_pending": ("nemate pokrenutu grupu za poništavanje", "you have no group initiation to cancel"),
    "no_transfer": ("prenos interneta nije moguć", "data cannot be transferred"),
    "transfer_min": ("najmanji prenos je {min} MB", "the minimum transfer is {min} MB"),
    "transfer_step": ("prenos je moguć u koracima od {step} MB", "transfers are in multiples of {step} MB"),
    "transfer_self": ("ne možete poslati internet sebi", "you cannot send data to yourself"),
    "transfer_not_member": ("{msisdn} nije član vaše grupe", "{msisdn} is not a member of your group"),
    "suspended": ("broj je suspendovan: bonus se ne može koristiti",
                  "the number is suspended: the bonus cannot be used"),
    "transfer_too_much": ("imate još samo {left} MB bonus interneta", "you have only {left} MB of bonus data left"),
}
REFUSED = ("Zahtev nije prihvaćen: {reason}.", "Request refused: {reason}.")


def text(lang: str, key: str, name: str, **kw) -> str:
    """The text `key` in `lang` ("sr" or "en"). A `why` given as (reason, msisdn) is rendered in
    the same language; months "2025-04" read as a date; refusals start "Request refused".

    >>> text("sr", "transfer_min", "Telenor Porodica", min=50)
    'najmanji prenos je 50 MB'
    >>> text("en", "leaving", "Telenor Porodica", month="2025-04")
    'You leave the group from 1 April 2025. Your benefits last until the end of this month.'

    A Serbian date ends with a dot, which is also the sentence's full stop (not doubled):

    >>> text("sr", "leaving", "Telenor Porodica", month="2025-04")
    'Napuštate grupu od 01.04.2025. Pogodnosti važe do kraja ovog meseca.'
    """
    i = 0 if lang == "sr" else 1
    if isinstance(kw.get("why"), tuple):
        why, who = kw["why"]
        kw["why"] = text(lang, "why_" + why, name, msisdn=who or "")
    if "month" in kw:
        y, m = int(kw["month"][:4]), int(kw["month"][5:])
        kw["month"] = f"01.{m:02d}.{y}." if i == 0 else f"1 {MONTHS_EN[m - 1]} {y}"
    for k in NUMBERS:
        if kw.get(k):
            kw[k] = "+" + kw[k]
    out = TEXTS[key][i].format(name=name, **kw)
    if i == 0 and "month" in kw:  # "od 01.04.2025.." -> "od 01.04.2025."
        out = out.replace(kw["month"] + ".", kw["month"])
    return out


def refusal(lang: str, key: str, name: str, **kw) -> str:
    """The reply to a refused request.

    >>> refusal("en", "transfer_step", "Telenor Porodica", step=50)
    'Request refused: transfers are in multiples of 50 MB.'
    """
    return REFUSED[0 if lang == "sr" else 1].format(reason=text(lang, key, name, **kw).rstrip("."))

"""Reply texts of `runtime.commands`, per language.

A text missing in a language falls back to the operator's default language, then English.
Telenor answers in sr and en, Azercell in az, en and ru; the account texts (balance, plan
status, access, cards, the billing window) are in `runtime.balance.PHRASES`.
"""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "not_eligible": {
        "en": "{title} is available to {who} subscribers only.",
        "sr": "{title} je dostupno samo korisnicima: {who}.",
        "az": "{title} yalnız {who} abunəçiləri üçündür.",
        "ru": "{title} доступно только абонентам: {who}.",
    },
    "not_yet": {
        "en": "{title} is available from {day}.",
        "sr": "{title} je dostupno od {day}.",
    },
    "no_longer": {
        "en": "{title} was available until {day}.",
        "sr": "{title} je bilo dostupno do {day}.",
    },
    "condition": {
        "en": "{title} works only while your balance is {op} {value}; it is {balance}.",
        "sr": "{title} možete koristiti samo kada je stanje na računu {op} {value}; sada je {balance}.",
    },
    "network": {
        "en": "{number} is not a {network} number.",
        "sr": "Broj {number} nije broj mreže {network}.",
    },
    "insufficient": {
        "en": "Your balance {balance} does not cover the price {price}.",
        "sr": "Stanje na računu {balance} nije dovoljno za cenu {price}.",
        "az": "Balansınız ({balance}) {price} qiymətini ödəmək üçün kifayət deyil.",
        "ru": "Вашего баланса {balance} не хватает для оплаты {price}.",
    },
    "call_me": {
        "en": "Your Call Me notice was sent to +{number}.",
        "sr": "Vaša poruka Pozovi me poslata je na broj +{number}.",
    },
    "call_me_notice": {
        "en": "+{caller} asks you to call back.",
        "sr": "Korisnik +{caller} Vas moli da ga pozovete.",
    },
    "recharged": {
        "en": "Your account was recharged with {amount}. Your balance is {balance}.",
        "sr": "Vaš račun je dopunjen iznosom {amount}. Stanje na računu je {balance}.",
    },
    "voucher_unknown": {
        "en": "Voucher {voucher} is not valid.",
        "sr": "Vaučer {voucher} nije važeći.",
    },
    "voucher_used": {
        "en": "Voucher {voucher} has already been used.",
        "sr": "Vaučer {voucher} je već iskorišćen.",
    },
    "no_option": {
        "en": "There is no option {answer}. Choose: {options}",
        "sr": "Opcija {answer} ne postoji. Izaberite: {options}",
    },
    "activated": {
        "en": "{name} is activated.",
        "sr": "Aktiviran je paket {name}.",
    },
    "quota": {"en": "{name}: {mb} MB left at full speed.",
              "sr": "{name}: preostalo {mb} MB interneta punom brzinom."},
    "no_quota": {"en": "You have no active {names}.", "sr": "Nemate aktivan paket: {names}."},
    "unknown_keyword": {
        "en": "Unknown command. Send one of: {keywords}.",
        "sr": "Nepoznata komanda. Pošaljite jednu od: {keywords}.",
        "az": "Naməlum əmr. Bunlardan birini göndərin: {keywords}.",
        "ru": "Неизвестная команда. Отправьте одну из: {keywords}.",
    },
    "usage": {
        "en": "Write the message as: {pattern}.",
        "sr": "Pošaljite poruku u obliku: {pattern}.",
        "az": "Mesajı belə yazın: {pattern}.",
        "ru": "Напишите сообщение так: {pattern}.",
    },
    "blank": {"en": "(an empty message)", "sr": "(prazna poruka)", "az": "(boş mesaj)",
              "ru": "(пустое сообщение)"},
}

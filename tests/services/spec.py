"""An inline operator (GBP) that declares services and traffic classes and prices them at
home by class and by prefix; the tests of tests/services/ share it."""

SPEC = '''operator demo {
  name "Demo UK"
  country GB
  currency GBP minor p
  timezone "Europe/London"
  languages en
  numbers decimal point
  rounding half-up 1 p per event
}

segment prepaid {
  name en "Prepaid"
}

service "UK landline" {
  name en "Calls to UK landlines"
  unit time
  numbers +441, +442
}

service Freephone {
  unit time
  numbers +44800, +44808
}

service Premium {
  unit time
  numbers +4490
  not numbers +449099
}

service Voicemail {
  unit time
}

service "MMS by APN" {
  unit data
}

service "Text to Ireland" {
  unit count
  numbers +353
}

zone "EU" {
  countries FR
}

roaming prices "Roaming" {
  interval outgoing call 60/60
  interval Voicemail 60/60
  | zone | outgoing call | Voicemail |
  |------|---------------|-----------|
  | unit | GBP/min       | GBP/min   |
  | EU   | 0.25          | 0.05      |
}

home prices "Standard" {
  interval outgoing call 60/60
  interval "UK landline" 60/60
  interval Premium 1/1
  interval Voicemail 60/60
  interval "MMS by APN" 1+1 kB
  | service           | to            | price         |
  |-------------------|---------------|---------------|
  | outgoing call     | any           | 55 p/min      |
  | outgoing call     | numbers +447  | 0.65 GBP/min  |
  | outgoing call     | numbers +4479 | 0.70 GBP/min  |
  | "UK landline"     | any           | 0.45 GBP/min  |
  | Freephone         | any           | 0 GBP/min     |
  | Premium           | any           | 1.50 GBP/min  |
  | Premium           | any           | 0.10 GBP/call |
  | Voicemail         | any           | 0.20 GBP/call |
  | "MMS by APN"      | any           | 0.40 GBP/MB   |
  | sms               | any           | 0.20 GBP/sms  |
  | "Text to Ireland" | any           | 0.30 GBP/use  |
}
'''

ME = "447700900001"
LONDON = "+442079460000"
MOBILE = "+447700900123"     # +447: 0.65 GBP/min
MOBILE_79 = "+447911123456"  # +4479: the longer prefix, 0.70 GBP/min
FREEPHONE = "+448001111111"
PREMIUM = "+449098790000"
PORTED = "+449099123456"     # `not numbers +449099`: not Premium
IRELAND = "+353861234567"

"""The guards of public forms, one at a time, on a clock the test moves (no sleeping) and the
test process's local-memory cache."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from pilkada.common import abuse
from pilkada.common.abuse import FormStamp, PublicFormGuard, Rate


def test_parse_rates_reads_counts_and_periods():
    assert abuse.parse_rates("5/h, 20/d,3/10m,1/s") == (
        Rate(5, 3600),
        Rate(20, 86400),
        Rate(3, 600),
        Rate(1, 1),
    )
    assert abuse.parse_rates("") == ()


@pytest.mark.parametrize("value", ["5", "5/w", "0/h", "h/5", "5/h/ip", "-1/h"])
def test_parse_rates_refuses_what_it_cannot_read(value):
    with pytest.raises(ImproperlyConfigured, match="is not a rate"):
        abuse.parse_rates(value, setting="X")


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_network_of(address, network):
    assert abuse.network_of(address) == network


def test_limits_count_per_key_and_reset_with_the_window(clock):
    rates = (Rate(2, 60),)
    assert [abuse.limits_exceeded("uji", "a", rates) for _ in range(3)] == [False, False, True]
    assert abuse.limits_exceeded("uji", "b", rates) is False
    # Keys are case-insensitive (an email typed in capitals is the same address).
    assert abuse.limits_exceeded("uji", "A", rates) is True
    clock.now += 60
    assert abuse.limits_exceeded("uji", "a", rates) is False


def test_limits_any_rate_exceeded_counts(clock):
    rates = (Rate(10, 60), Rate(3, 3600))
    results = []
    for _ in range(4):
        results.append(abuse.limits_exceeded("uji", "k", rates))
        clock.now += 61  # a new minute each time; the hour keeps counting
    assert results == [False, False, False, True]


def test_seen_recently_ignores_case_spacing_and_punctuation(clock):
    assert abuse.seen_recently("uji", "Kotak suara rusak di TPS 3!", 600) is False
    assert abuse.seen_recently("uji", "kotak  SUARA rusak, di tps 3", 600) is True
    assert abuse.seen_recently("lain", "kotak suara rusak di tps 3", 600) is False
    assert abuse.seen_recently("uji", "  ", 600) is False


def test_form_stamp_too_fast_in_time_and_stale(clock, settings):
    settings.PILKADA_PUBLIC_FORM_MIN_SECONDS = 5
    settings.PILKADA_PUBLIC_FORM_MAX_AGE_SECONDS = 3600
    stamp = FormStamp.make()
    clock.now += 4
    assert FormStamp.check(stamp) == "too_fast"
    clock.now += 1
    assert FormStamp.check(stamp) == ""
    clock.now += 3600
    assert FormStamp.check(stamp) == "stale"
    assert FormStamp.check("") == "missing"
    assert FormStamp.check(stamp + "x") == "missing"


class _Form(PublicFormGuard):
    pass


def test_guard_treats_the_honeypot_and_a_missing_stamp_as_a_bot(clock):
    stamp = _Form().initial[abuse.STAMP]
    clock.now += 30
    form = _Form({abuse.STAMP: stamp, abuse.HONEYPOT: "http://spam"})
    assert form.is_valid() and form.guard_result() == "bot"
    form = _Form({})
    assert form.is_valid() and form.guard_result() == "bot"
    form = _Form({abuse.STAMP: stamp})
    assert form.is_valid() and form.guard_result() == ""


def test_guard_puts_timing_errors_on_the_form(clock, settings):
    settings.PILKADA_PUBLIC_FORM_MAX_AGE_SECONDS = 100
    stamp = _Form().initial[abuse.STAMP]
    form = _Form({abuse.STAMP: stamp})
    assert not form.is_valid() and form.guard_result() == "too_fast"
    clock.now += 101
    form = _Form({abuse.STAMP: stamp})
    assert not form.is_valid() and form.guard_result() == "stale"
    # A stale form is shown again with a fresh stamp.
    assert form.data[abuse.STAMP] != stamp

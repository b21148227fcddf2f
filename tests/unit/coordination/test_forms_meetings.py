import pytest
from django.core.exceptions import ValidationError

from coordination.forms.meetings import ReminderMinutesField


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("1440, 60", [1440, 60]), ("60 1440", [1440, 60]), ("30;30", [30]), ("", [])],
)
def test_reminder_minutes_field_reads_lists(typed, minutes):
    assert ReminderMinutesField(required=False).clean(typed) == minutes


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1 jam", "Tulis menit sebelum mulai sebagai angka dipisah koma, misalnya 1440, 60."),
        ("-60", "Tulis menit sebelum mulai sebagai angka dipisah koma, misalnya 1440, 60."),
        ("1.5", "Tulis menit sebelum mulai sebagai angka dipisah koma, misalnya 1440, 60."),
        ("0", "Pengingat harus antara 1 menit dan 28 hari sebelum rapat."),
        ("40321", "Pengingat harus antara 1 menit dan 28 hari sebelum rapat."),
        ("5, 10, 15, 20, 25, 30", "Paling banyak 5 pengingat per rapat."),
    ],
)
def test_reminder_minutes_field_refuses_bad_input(typed, message):
    with pytest.raises(ValidationError) as exc:
        ReminderMinutesField(required=False).clean(typed)
    assert exc.value.messages == [message]


def test_reminder_minutes_field_shows_list_as_text():
    assert ReminderMinutesField().prepare_value([1440, 60]) == "1440, 60"

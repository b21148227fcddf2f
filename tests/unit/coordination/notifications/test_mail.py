"""Mail wording that needs no database."""

import pytest
from django.utils import translation

from coordination.notifications.mail import lead_time


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (1440, "24 jam"),
        (60, "1 jam"),
        (90, "1 jam 30 menit"),
        (15, "15 menit"),
        (2880, "2 hari"),
        (1500, "1 hari 1 jam"),
    ],
)
def test_lead_time_words(minutes, text):
    with translation.override("id"):
        assert lead_time(minutes) == text

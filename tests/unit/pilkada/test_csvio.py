"""The CSV helpers: no exported cell runs as a spreadsheet formula, and download names are safe
(uploads through the import pages: tests/integration/test_csv_safety.py)."""

import pytest

from pilkada.common.csvio import attachment_filename, spreadsheet_safe


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+62 812", "'+62 812"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Rakor", "Rakor"),
        (None, ""),
    ],
)
def test_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tugas-2024-11-27", "tugas-2024-11-27"),
        ('a"; filename=evil.exe', "a-filename-evil.exe"),
        ("cakupan-17.01", "cakupan-17.01"),
        ("\r\n", "unduhan"),
    ],
)
def test_attachment_filename(name, expected):
    assert attachment_filename(name) == expected

"""The translation catalogues: complete, consistent with their sources, and compiled.

Indonesian is the source language (every msgid), so the id catalogue repeats each msgid and the
en catalogue must translate every one of them. The compiled .mo files are committed, so they must
carry exactly the messages of their .po files.
"""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

from coordination.forms.meetings import DocumentForm
from coordination.forms.tasks import StatusUpdateForm
from coordination.services.files import allowed_extensions_text

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ["id", "en"]

# %(name)s, %s, %d, %5.1f ... as Python's %-formatting reads them; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
HTML_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


def _po(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def _key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def _pairs(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) for each form: msgstr[0] answers msgid, the others msgid_plural."""
    if entry.msgid_plural:
        return [
            (entry.msgid if index == 0 else entry.msgid_plural, text)
            for index, text in sorted(entry.msgstr_plural.items())
        ]
    return [(entry.msgid, entry.msgstr)]


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _catalog(path: Path) -> dict:
    with path.open("rb") as handle:
        catalog = dict(gettext.GNUTranslations(handle)._catalog)
    catalog.pop("", None)  # the header: its dates change on every makemessages run
    return catalog


def test_en_catalogue_has_no_untranslated_entry():
    untranslated = [_key(e) for e in _po("en").untranslated_entries()]
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_fuzzy_entry(language):
    po = _po(language)
    assert [_key(e) for e in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy


def test_id_catalogue_repeats_the_source():
    differing = [_key(e) for e in _po("id") if any(text != source for source, text in _pairs(e))]
    assert differing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_keeps_placeholders_and_tags(language):
    mismatched = []
    for entry in _po(language):
        for source, text in _pairs(entry):
            if _placeholders(source) != _placeholders(text):
                mismatched.append((_key(entry), _placeholders(source), _placeholders(text)))
            if sorted(HTML_TAG.findall(source)) != sorted(HTML_TAG.findall(text)):
                mismatched.append((_key(entry), "HTML tags differ"))
    assert mismatched == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_plural_entries_have_two_forms(language):
    po = _po(language)
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert [_key(e) for e in po if e.msgid_plural and sorted(e.msgstr_plural) != [0, 1]] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_matches_its_po(language, tmp_path):
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    committed = folder / "django.mo"
    assert committed.exists(), "run `make messages` and commit the .mo files"
    fresh = tmp_path / "django.mo"
    _po(language).save_as_mofile(str(fresh))
    expected, actual = _catalog(fresh), _catalog(committed)
    missing = sorted(str(k) for k in expected.keys() - actual.keys())
    stale = sorted(str(k) for k in actual.keys() - expected.keys())
    changed = sorted(str(k) for k in expected.keys() & actual.keys() if expected[k] != actual[k])
    assert (missing, stale, changed) == ([], [], []), "recompile: make messages"


def test_form_help_texts_follow_the_active_language():
    document = DocumentForm.base_fields["file"]
    evidence = StatusUpdateForm.base_fields["evidence_file"]
    types = allowed_extensions_text()
    with translation.override("en"):
        assert str(document.help_text) == f"PDF, image or office document ({types})."
        assert str(evidence.help_text) == f"Optional. {types}."
    with translation.override("id"):
        assert str(document.help_text) == f"PDF, gambar, atau berkas perkantoran ({types})."
        assert str(evidence.help_text) == f"Opsional. {types}."


def test_times_use_the_language_convention():
    from datetime import time

    from django.utils import formats, translation

    with translation.override("id"):
        assert formats.time_format(time(9, 5), "TIME_FORMAT") == "09.05"
    with translation.override("en"):
        assert formats.time_format(time(9, 5), "TIME_FORMAT") == "09:05"

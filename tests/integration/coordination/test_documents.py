"""Meeting documents and evidence files: deletion (with a confirmation step) and no orphan files
when a transaction rolls back or a row is deleted."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from coordination.enums import TaskStatus
from coordination.models import MeetingDocument, TaskUpdate
from coordination.services.meeting_records import meeting_document_add, meeting_document_delete
from coordination.services.readiness import task_status_update
from tests import factories

PDF = b"%PDF-1.7\nnotulen"


def _stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def document(meeting, regency_staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return meeting_document_add(
            actor=regency_staff,
            meeting=meeting,
            upload=SimpleUploadedFile("notulen.pdf", PDF),
        )


# --- storage follows the transaction ----------------------------------------------------------


def test_document_file_written_only_after_commit(
    meeting, regency_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = meeting_document_add(
            actor=regency_staff, meeting=meeting, upload=SimpleUploadedFile("a.pdf", PDF)
        )
        assert _stored_files() == []
    for callback in callbacks:
        callback()
    assert _stored_files() == [document.file.name]
    assert default_storage.open(document.file.name).read() == PDF


def test_document_rolled_back_leaves_no_file(
    meeting, regency_staff, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        meeting_document_add(
            actor=regency_staff, meeting=meeting, upload=SimpleUploadedFile("a.pdf", PDF)
        )
        raise RuntimeError("a later step of the same transaction failed")
    assert callbacks == []
    assert MeetingDocument.objects.count() == 0
    assert _stored_files() == []


def test_document_storage_failure_drops_the_row(
    meeting, regency_staff, django_capture_on_commit_callbacks, monkeypatch
):
    def broken_save(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(default_storage, "save", broken_save)
    with pytest.raises(OSError), django_capture_on_commit_callbacks(execute=True):
        meeting_document_add(
            actor=regency_staff, meeting=meeting, upload=SimpleUploadedFile("a.pdf", PDF)
        )
    assert MeetingDocument.objects.count() == 0


def test_document_delete_removes_file_after_commit(
    document, regency_staff, django_capture_on_commit_callbacks
):
    name = document.file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        meeting_document_delete(actor=regency_staff, document=document)
    assert _stored_files() == [name]  # not yet: the deletion could still roll back
    for callback in callbacks:
        callback()
    assert _stored_files() == []
    assert MeetingDocument.objects.count() == 0


def test_document_delete_rolled_back_keeps_file(
    document, regency_staff, django_capture_on_commit_callbacks
):
    pk, name = document.pk, document.file.name
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        meeting_document_delete(actor=regency_staff, document=document)
        raise RuntimeError("rolled back")
    assert MeetingDocument.objects.filter(pk=pk).exists()
    assert _stored_files() == [name]


def test_meeting_deleted_with_cascade_removes_its_files(
    document, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting.delete()
    assert _stored_files() == []


def test_evidence_file_follows_the_history_entry(
    bawaslu_liaison, regency, bawaslu, django_capture_on_commit_callbacks
):
    task = factories.ReadinessTaskFactory(region=regency, agency=bawaslu)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        task_status_update(
            actor=bawaslu_liaison,
            task=task,
            status=TaskStatus.IN_PROGRESS,
            evidence_file=SimpleUploadedFile("foto.jpg", factories.jpeg_bytes()),
        )
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert _stored_files() == []
    with django_capture_on_commit_callbacks(execute=True):
        entry = task_status_update(
            actor=bawaslu_liaison,
            task=task,
            status=TaskStatus.IN_PROGRESS,
            evidence_file=SimpleUploadedFile("foto.jpg", factories.jpeg_bytes()),
        )
    assert _stored_files() == [entry.evidence_file.name]
    with django_capture_on_commit_callbacks(execute=True):
        task.delete()
    assert TaskUpdate.objects.count() == 0
    assert _stored_files() == []


def test_download_of_missing_file_is_404_not_500(client, document, regency_staff):
    default_storage.delete(document.file.name)
    client.force_login(regency_staff)
    url = reverse("coordination:meeting_document", args=[document.meeting_id, document.pk])
    assert client.get(url).status_code == 404


def test_evidence_download_of_missing_file_is_404_not_500(
    client, bawaslu_liaison, regency, bawaslu, django_capture_on_commit_callbacks
):
    task = factories.ReadinessTaskFactory(region=regency, agency=bawaslu)
    with django_capture_on_commit_callbacks(execute=True):
        entry = task_status_update(
            actor=bawaslu_liaison,
            task=task,
            status=TaskStatus.IN_PROGRESS,
            evidence_file=SimpleUploadedFile("foto.jpg", factories.jpeg_bytes()),
        )
    default_storage.delete(entry.evidence_file.name)
    client.force_login(bawaslu_liaison)
    url = reverse("coordination:task_evidence", args=[task.pk, entry.pk])
    assert client.get(url).status_code == 404


# --- the delete button ------------------------------------------------------------------------


def _delete_url(document):
    return reverse("coordination:meeting_document_delete", args=[document.meeting_id, document.pk])


def test_delete_button_shown_only_to_managers(client, document, regency_staff, bawaslu_liaison):
    detail = reverse("coordination:meeting_detail", args=[document.meeting_id])
    client.force_login(regency_staff)
    assert _delete_url(document) in client.get(detail).content.decode()
    client.force_login(bawaslu_liaison)
    assert _delete_url(document) not in client.get(detail).content.decode()


@pytest.mark.parametrize("who", ["regency_staff", "province_staff", "superuser"])
def test_delete_asks_then_deletes_for_managers(
    client, request, who, document, django_capture_on_commit_callbacks
):
    client.force_login(request.getfixturevalue(who))
    confirm = client.get(_delete_url(document))
    assert confirm.status_code == 200
    assert "notulen.pdf" in confirm.content.decode()
    assert MeetingDocument.objects.filter(pk=document.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_delete_url(document))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "coordination:meeting_detail", args=[document.meeting_id]
    )
    assert not MeetingDocument.objects.filter(pk=document.pk).exists()
    assert _stored_files() == []


def test_delete_refused_to_invited_liaison(client, document, bawaslu_liaison):
    client.force_login(bawaslu_liaison)
    assert client.get(_delete_url(document)).status_code == 403
    assert client.post(_delete_url(document)).status_code == 403
    assert MeetingDocument.objects.filter(pk=document.pk).exists()


def test_delete_hidden_from_staff_of_another_regency(client, document, bengkulu):
    from coordination.models import Region

    client.force_login(factories.kpu_staff(Region.objects.get(code="17.02")))
    assert client.post(_delete_url(document)).status_code == 404
    assert MeetingDocument.objects.filter(pk=document.pk).exists()


def test_delete_of_document_under_another_meeting_is_404(
    client, document, regency_staff, regency, kpu_regency
):
    other = factories.meeting(region=regency, organiser=kpu_regency, invited=[kpu_regency])
    client.force_login(regency_staff)
    url = reverse("coordination:meeting_document_delete", args=[other.pk, document.pk])
    assert client.post(url).status_code == 404
    assert MeetingDocument.objects.filter(pk=document.pk).exists()


def test_admin_delete_removes_the_file(
    client, superuser, document, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    url = reverse("admin:coordination_meetingdocument_delete", args=[document.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert _stored_files() == []


# --- pictures are re-encoded, documents kept within the allow-list -----------------------------


def _photo_with_gps_and_a_payload() -> bytes:
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (3.0, 47.0, 52.0), 3: "E", 4: (102.0, 15.0, 38.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue() + b"<?php system($_GET['c']); ?>"


def test_meeting_picture_is_stored_re_encoded(
    meeting, regency_staff, django_capture_on_commit_callbacks
):
    original = _photo_with_gps_and_a_payload()
    with django_capture_on_commit_callbacks(execute=True):
        document = meeting_document_add(
            actor=regency_staff,
            meeting=meeting,
            upload=SimpleUploadedFile("absen.webp.jpg", original),
        )
    stored = default_storage.open(document.file.name).read()
    assert stored != original
    assert b"<?php" not in stored
    assert b"Exif" not in stored
    assert (document.original_name, document.content_type, document.size) == (
        "absen.webp.jpg",
        "image/jpeg",
        len(stored),
    )


def test_evidence_picture_that_does_not_decode_is_refused(bawaslu_liaison, regency, bawaslu):
    from django.core.exceptions import ValidationError

    task = factories.ReadinessTaskFactory(region=regency, agency=bawaslu)
    with pytest.raises(ValidationError) as exc:
        task_status_update(
            actor=bawaslu_liaison,
            task=task,
            status=TaskStatus.IN_PROGRESS,
            evidence_file=SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff\xe0 <html>polyglot</html>"),
        )
    assert exc.value.message_dict == {"evidence_file": ["Berkas ini bukan foto yang dapat dibaca."]}
    assert TaskUpdate.objects.count() == 0


def test_evidence_picture_is_stored_without_its_location(
    bawaslu_liaison, regency, bawaslu, django_capture_on_commit_callbacks
):
    task = factories.ReadinessTaskFactory(region=regency, agency=bawaslu)
    with django_capture_on_commit_callbacks(execute=True):
        entry = task_status_update(
            actor=bawaslu_liaison,
            task=task,
            status=TaskStatus.IN_PROGRESS,
            evidence_file=SimpleUploadedFile("gudang.jpeg", _photo_with_gps_and_a_payload()),
        )
    stored = default_storage.open(entry.evidence_file.name).read()
    assert (entry.evidence_name, stored[:3]) == ("gudang.jpg", b"\xff\xd8\xff")
    assert b"Exif" not in stored and b"<?php" not in stored


def test_documents_are_kept_as_they_came(document):
    assert default_storage.open(document.file.name).read() == PDF

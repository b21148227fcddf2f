"""The meeting documents (views/meeting_documents.py): served only to those who see the meeting,
and a clear message for a refused file type (storage and deletion: test_documents.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coordination.services.meeting_records import meeting_document_add


def test_meeting_document_served_only_to_those_who_see_the_meeting(
    client,
    meeting,
    regency_staff,
    bawaslu_liaison,
    polres_liaison,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        document = meeting_document_add(
            actor=regency_staff,
            meeting=meeting,
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
        )
    url = reverse("coordination:meeting_document", args=[meeting.pk, document.pk])
    client.force_login(bawaslu_liaison)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    assert response["Content-Disposition"] == 'attachment; filename="a.pdf"'
    client.force_login(polres_liaison)
    assert client.get(url).status_code == 404


def test_document_upload_wrong_type_shows_message(client, regency_staff, meeting):
    client.force_login(regency_staff)
    response = client.post(
        reverse("coordination:meeting_document_add", args=[meeting.pk]),
        {"file": SimpleUploadedFile("virus.exe", b"MZ")},
    )
    assert response.status_code == 400
    assert "Jenis berkas tidak diizinkan" in response.content.decode()

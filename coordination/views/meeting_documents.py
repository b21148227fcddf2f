"""Documents attached to a meeting: upload, private download, deletion."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coordination import permissions
from coordination.forms.meetings import DocumentForm
from coordination.models import MeetingDocument
from coordination.services.meeting_records import meeting_document_add, meeting_document_delete
from coordination.views.meetings import detail_context, managed_meeting_or_403, meeting_or_404
from pilkada.common.decorators import predicate_required
from pilkada.common.validation import apply_validation_error


@predicate_required(permissions.is_kpu_staff)
@require_POST
def meeting_document_upload_view(request, pk: int):
    meeting = managed_meeting_or_403(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            meeting_document_add(
                actor=request.user, meeting=meeting, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Lampiran tersimpan."))
            return redirect("coordination:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "coordination/meetings/detail.html",
        detail_context(request, meeting, document_form=form),
        status=400,
    )


@predicate_required(permissions.can_use_staff_area)
@require_safe
def meeting_document_download(request, pk: int, doc_pk: int):
    """Documents are private: only those who may see the meeting get them."""
    document = get_object_or_404(
        MeetingDocument.objects.select_related("meeting"), pk=doc_pk, meeting_id=pk
    )
    if not permissions.can_view_meeting_documents(request.user, document.meeting):
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@predicate_required(permissions.is_kpu_staff)
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_document_delete_view(request, pk: int, doc_pk: int):
    """A confirmation page, then the deletion (POST only); the stored file goes after the commit."""
    meeting = meeting_or_404(request, pk)
    document = get_object_or_404(MeetingDocument, pk=doc_pk, meeting_id=meeting.pk)
    if not permissions.can_delete_meeting_document(request.user, meeting):
        raise PermissionDenied
    if request.method == "POST":
        meeting_document_delete(actor=request.user, document=document)
        messages.success(
            request, _("Lampiran %(name)s dihapus.") % {"name": document.original_name}
        )
        return redirect("coordination:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "coordination/meetings/document_delete.html",
        {"meeting": meeting, "document": document},
    )

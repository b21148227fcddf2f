"""Uploaded documents and evidence: checks (a size limit, a type check on the content), pictures
re-encoded from their pixels, and a storage that never leaves a file without its row.

The extension alone proves nothing, so the first bytes must match the claimed type as well.
A picture is then decoded and encoded again (`upload_clean`, with `pilkada.common.images`): what
is stored and served is a fresh JPEG or PNG without the phone's GPS position or anything hidden
behind a valid header. Other documents (PDF, office files) are kept as they came, within the
allow-list.

A stored file and its database row must live and die together. Files are therefore written
only once the row is committed (`upload_store_after_commit`): a transaction that rolls back
leaves nothing behind. Removing a row removes its file once that deletion is committed
(`coordination.signals`), whether a service, the admin or a cascade removed it.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from pilkada.common.images import image_reencode

_PDF = (b"%PDF-",)
_PNG = (b"\x89PNG\r\n\x1a\n",)
_JPEG = (b"\xff\xd8\xff",)
_WEBP = (b"RIFF",)
_ZIP = (b"PK\x03\x04",)  # docx, xlsx, pptx, odt, ods, odp are zip containers
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # doc, xls, ppt

ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", _PDF),
    "png": ("image/png", _PNG),
    "jpg": ("image/jpeg", _JPEG),
    "jpeg": ("image/jpeg", _JPEG),
    "webp": ("image/webp", _WEBP),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ZIP,
    ),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "ppt": ("application/vnd.ms-powerpoint", _OLE),
}


IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "webp"}


@dataclass(frozen=True)
class CleanUpload:
    """What to store for an upload: the file (re-encoded for pictures), its name, type and size."""

    file: File
    name: str
    content_type: str
    size: int


def allowed_extensions_text() -> str:
    return ", ".join(sorted(ALLOWED_TYPES))


def upload_validate(*, upload: UploadedFile) -> str:
    """Refuse files that are too large or not what they claim; return the content type to store."""
    limit = settings.PILKADA_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Berkas terlalu besar (%(size)s). Batasnya %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("Berkas kosong."), code="empty")
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("Jenis berkas tidak diizinkan. Gunakan: %(types)s.")
            % {"types": allowed_extensions_text()},
            code="bad_type",
        )
    content_type, signatures = ALLOWED_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationError(
            _("Isi berkas tidak sesuai dengan jenisnya (.%(ext)s).") % {"ext": extension},
            code="bad_content",
        )
    return content_type


def upload_clean(*, upload: UploadedFile, max_side: int | None = None) -> CleanUpload:
    """Validate the upload (`upload_validate`) and re-encode it when it is a picture; a file
    that claims to be a picture but does not decode as one is refused. `max_side` bounds the
    longest side of a picture (default: a screen's worth, see `pilkada.common.images`)."""
    content_type = upload_validate(upload=upload)
    name = upload.name or "berkas"
    extension = name.rsplit(".", 1)[-1].lower()
    if extension not in IMAGE_EXTENSIONS:
        return CleanUpload(file=upload, name=name, content_type=content_type, size=upload.size)
    options = {"max_side": max_side} if max_side else {}
    picture = image_reencode(upload, **options)
    name = f"{name.rsplit('.', 1)[0]}.{picture.extension}"
    picture.content.name = name
    return CleanUpload(
        file=picture.content,
        name=name,
        content_type=picture.content_type,
        size=picture.content.size,
    )


logger = logging.getLogger(__name__)


def upload_store_after_commit(
    *, instance: models.Model, field_name: str, upload: File, drop_row_on_failure: bool
) -> None:
    """Give the instance's file field its final name now, and write the file after the commit.

    Call it before saving the instance, inside the service's transaction. If the write fails
    after the commit, the row is removed (`drop_row_on_failure`, for rows that are nothing
    without their file) or its file field is emptied, so no row points at a missing file; the
    error is raised to the caller.
    """
    field = instance._meta.get_field(field_name)
    name = field.generate_filename(instance, upload.name or "berkas")
    setattr(instance, field_name, name)
    model = type(instance)

    def write() -> None:
        rows = model._default_manager.filter(pk=instance.pk)
        try:
            upload.seek(0)
            stored = field.storage.save(name, upload, max_length=field.max_length)
        except Exception:
            logger.exception("storing %s for %s %s failed", name, model.__name__, instance.pk)
            if drop_row_on_failure:
                rows.delete()
            else:
                rows.update(**{field_name: ""})
            raise
        if stored != name:  # the storage picked another free name
            rows.update(**{field_name: stored})
            setattr(instance, field_name, stored)

    transaction.on_commit(write)


def stored_file_delete_after_commit(file) -> None:
    """Remove a stored file once the deletion of its row is committed (kept on rollback)."""
    if not file or not file.name:
        return
    name, storage = file.name, file.storage
    transaction.on_commit(lambda: storage.delete(name))

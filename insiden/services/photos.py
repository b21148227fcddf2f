"""Photos of an incident: re-encoded with Pillow before anything is stored (the original upload
never reaches the storage), at most MAX_PHOTOS per incident."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from coordination.models import Person
from insiden import permissions
from insiden.enums import MAX_PHOTOS, EventKind
from insiden.models import Incident, IncidentPhoto
from insiden.services.history import history_add
from pilkada.common.images import image_reencode


def photos_clean(photos) -> list:
    """The uploads re-encoded (location metadata and anything hidden dropped); at most
    MAX_PHOTOS."""
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Paling banyak %(n)s foto.") % {"n": MAX_PHOTOS}})
    cleaned = []
    for upload in photos:
        try:
            cleaned.append(image_reencode(upload))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    return cleaned


def photos_store(incident: Incident, cleaned, actor: Person | None) -> None:
    for picture in cleaned:
        photo = IncidentPhoto(
            incident=incident,
            content_type=picture.content_type,
            width=picture.width,
            height=picture.height,
            added_by=actor,
        )
        # Only the re-encoded pixels are written; the upload itself never reaches the storage.
        photo.image.save(f"foto.{picture.extension}", picture.content, save=False)
        photo.save()


@transaction.atomic
def incident_photos_add(*, actor: Person | None, incident: Incident, photos) -> int:
    if actor is not None and not permissions.can_comment_incident(actor, incident):
        raise PermissionDenied(_("Anda tidak dapat menambah foto insiden ini."))
    room = MAX_PHOTOS - incident.photos.count()
    photos = list(photos or [])
    if len(photos) > room:
        raise ValidationError({"photos": _("Paling banyak %(n)s foto.") % {"n": MAX_PHOTOS}})
    cleaned = photos_clean(photos)
    photos_store(incident, cleaned, actor)
    history_add(incident, actor, EventKind.PHOTO, detail=str(len(cleaned)))
    return len(cleaned)

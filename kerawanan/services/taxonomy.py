"""The IKP taxonomy: dimensions and their sub-dimensions, kept by province KPU staff."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from coordination.models import Person
from kerawanan import permissions
from kerawanan.enums import IKP_TAXONOMY
from kerawanan.models import IkpDimension
from pilkada.common.validation import full_clean_or_raise


def _check(dimension: IkpDimension, actor: Person | None) -> None:
    if actor is not None and not permissions.can_manage_taxonomy(actor):
        raise PermissionDenied(_("Hanya staf KPU provinsi yang mengubah dimensi IKP."))
    errors: dict[str, list[str]] = {}
    if dimension.parent_id and dimension.parent.parent_id is not None:
        errors["parent"] = [_("Subdimensi hanya di bawah dimensi utama.")]
    if dimension.pk and dimension.parent_id and dimension.children.exists():
        errors["parent"] = [_("Dimensi yang punya subdimensi tidak dapat dipindah ke bawah.")]
    full_clean_or_raise(dimension, errors)


@transaction.atomic
def dimension_create(
    *, actor: Person | None, name: str, parent: IkpDimension | None = None, order: int = 0
) -> IkpDimension:
    dimension = IkpDimension(name=name.strip(), parent=parent, order=order)
    _check(dimension, actor)
    dimension.save()
    return dimension


@transaction.atomic
def dimension_update(
    *, actor: Person | None, dimension: IkpDimension, name: str, order: int, is_active: bool
) -> IkpDimension:
    """Rename, reorder or retire a dimension (a retired one stays on the risks that have it)."""
    dimension.name, dimension.order, dimension.is_active = name.strip(), order, is_active
    _check(dimension, actor)
    dimension.save(update_fields=["name", "order", "is_active"])
    return dimension


@transaction.atomic
def dimensions_seed() -> None:
    """The IKP's dimensions and sub-dimensions where they are missing (a system write: migration
    0002 does the same for a new deployment; the demo and the tests ask again)."""
    for order, (name, children) in enumerate(IKP_TAXONOMY, start=1):
        parent, _created = IkpDimension.objects.get_or_create(
            name=name, parent=None, defaults={"order": order}
        )
        for child_order, child in enumerate(children, start=1):
            IkpDimension.objects.get_or_create(
                name=child, parent=parent, defaults={"order": child_order}
            )

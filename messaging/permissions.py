from coordination.permissions import can_use_staff_area


def can_link_chat(user) -> bool:
    """Anyone with a staff home receives the portal's notifications, so may choose where."""
    return bool(user.is_authenticated and user.is_active and can_use_staff_area(user))

"""Hooks the meeting services call after each committed write.

The meeting services call these through `transaction.on_commit`, so they run only once the change
is visible to other processes. They receive ids, never model instances, so a queued job can fetch
fresh rows.
"""

import logging

logger = logging.getLogger(__name__)


def meeting_created(*, meeting_id: int) -> None:
    """Notify the invited of a new meeting; the notification pipeline implements this."""
    logger.debug("meeting %s created", meeting_id)


def meeting_changed(
    *,
    meeting_id: int,
    added_person_ids: list[int],
    removed_person_ids: list[int],
    schedule_changed: bool,
) -> None:
    """Notify of a changed meeting or invitee list; the notification pipeline implements this."""
    logger.debug(
        "meeting %s changed: +%s -%s schedule_changed=%s",
        meeting_id,
        added_person_ids,
        removed_person_ids,
        schedule_changed,
    )


def meeting_cancelled(*, meeting_id: int) -> None:
    """Notify the invited of a cancellation; the notification pipeline implements this."""
    logger.debug("meeting %s cancelled", meeting_id)

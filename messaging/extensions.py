"""What the messaging app adds to coordination's pages: a block on the profile."""

from coordination.extensions import PROFILE_SECTIONS, Section, contribute
from messaging import conf, permissions, selectors
from messaging.enums import TELEGRAM


def profile_section(*, user) -> Section | None:
    if not conf.telegram_enabled() or not permissions.can_link_chat(user):
        return None
    return Section(
        template="messaging/profile_section.html",
        context={"link": selectors.link_of(person=user, channel=TELEGRAM)},
    )


def register() -> None:
    contribute(PROFILE_SECTIONS, profile_section)

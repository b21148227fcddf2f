from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: people join through an invitation from KPU staff."""

    def is_open_for_signup(self, request) -> bool:
        return False

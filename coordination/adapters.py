"""How django-allauth fits the portal: no public sign-up, and every mail it sends goes through the
notification outbox (`coordination.notifications.accounts`), so an account page never waits on
the SMTP server, never fails because of it, and a reset answers alike for known and unknown
addresses."""

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress

from coordination.models import Person
from coordination.notifications.accounts import account_mail_queue


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up: people join through an invitation from KPU staff."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = context.get("user")
        person = (
            user if isinstance(user, Person) else Person.objects.filter(email__iexact=email).first()
        )
        account_mail_queue(template=template_prefix, email=email, person=person, context=context)

    def send_confirmation_mail(self, request, emailconfirmation, signup: bool) -> None:
        # The confirmation key is made again from the address when the mail is built.
        address = emailconfirmation.email_address
        template = "account/email/email_confirmation" + ("_signup" if signup else "")
        account_mail_queue(
            template=template,
            email=address.email,
            person=address.user,
            context={"email_address_id": address.pk},
        )

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        if not app_settings.EMAIL_NOTIFICATIONS:
            return
        email = email or EmailAddress.objects.get_primary_email(user) or user.email
        if email:
            super().send_notification_mail(
                template_prefix, user, context={**(context or {}), "user": user}, email=email
            )

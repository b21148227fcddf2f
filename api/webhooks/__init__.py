"""Webhooks through the notification outbox: the `webhook` channel (`channel.py`: an HTTP POST
with the Standard Webhooks signature, to an address checked at send time) and the kinds of its
rows (`kinds.py`: what a message says, until when it is worth retrying). The events and their
fan-out into rows are services (`api/services/webhooks.py`)."""

"""The notification package: the outbox and the kinds of delivery that go through it.

- `outbox`: rows, claim, send, retry, recovery; knows no kind (its docstring states the
  guarantees). Producers call `outbox.deliveries_create` in the transaction of their change.
- `registry`: how each kind builds its message and when it is obsolete.
- `meetings`, `reminders`, `digests`: coordination's own producers and kinds; `meeting_mail`
  and `mail` the message building they share.

Other apps add kinds the same way (one module that registers its kind, imported from their
AppConfig.ready()) and use only `outbox.deliveries_create` and `registry`.
"""

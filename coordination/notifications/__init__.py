"""The notification package: the outbox and the kinds of delivery that go through it.

- `outbox`: rows, claim, send, retry while useful; knows no kind (its docstring states the
  guarantees). Producers call `outbox.deliveries_create` in the transaction of their change.
- `recovery`: the beat job for rows without a living task; `breaker`: the circuit breaker per
  far end; `monitoring`: the queue's state for `/healthz/mail`.
- `registry`: how each kind builds its message, when it is obsolete, until when it is useful.
- `channels`: how a message leaves (email built in), and how a failure is told.
- `meetings`, `reminders`, `digests`, `accounts`: coordination's own producers and kinds;
  `meeting_mail` and `mail` the message building they share.

Other apps add kinds the same way (one module that registers its kind, imported from their
AppConfig.ready()) and use only `outbox.deliveries_create` and `registry`.
"""

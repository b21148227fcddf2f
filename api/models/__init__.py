from api.models.keys import ApiKey, IdempotentResponse
from api.models.webhooks import WebhookEvent, WebhookMessage, WebhookSubscription

__all__ = ["ApiKey", "IdempotentResponse", "WebhookEvent", "WebhookMessage", "WebhookSubscription"]

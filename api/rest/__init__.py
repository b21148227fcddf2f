"""The REST layer (Django REST framework): authentication by key or session, scope checks,
pagination, throttling, problem details, serializers' views and the URL table of /api/v1/."""

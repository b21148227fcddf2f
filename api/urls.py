"""/api/v1/: the REST API and its documentation (namespace "api"); /integrasi/: the staff pages
of keys and webhooks (namespace "integrasi", `staff_urlpatterns`)."""

from django.urls import include, path

from api.views import keys, webhooks

app_name = "api"

urlpatterns = [path("v1/", include("api.rest.urls"))]

staff_urlpatterns = (
    [
        path("kunci/", keys.key_list, name="key_list"),
        path("kunci/baru/", keys.key_create, name="key_create"),
        path("kunci/<int:pk>/cabut/", keys.key_revoke, name="key_revoke"),
        path("webhook/", webhooks.subscription_list, name="subscription_list"),
        path("webhook/baru/", webhooks.subscription_create_view, name="subscription_create"),
        path("webhook/<int:pk>/", webhooks.subscription_detail, name="subscription_detail"),
        path("webhook/<int:pk>/uji/", webhooks.subscription_test, name="subscription_test"),
        path("webhook/<int:pk>/rahasia/", webhooks.subscription_rotate, name="subscription_rotate"),
        path("webhook/<int:pk>/status/", webhooks.subscription_switch, name="subscription_switch"),
    ],
    "integrasi",
)

"""The admin of the big tables does not count them in full."""

import pytest


@pytest.mark.parametrize("model", ["readinesstask", "taskupdate"])
def test_admin_big_tables_skip_the_full_count(model):
    from django.apps import apps
    from django.contrib import admin as django_admin

    model_admin = django_admin.site._registry[apps.get_model("coordination", model)]
    assert model_admin.show_full_result_count is False
    assert model_admin.ordering == ["-id"]

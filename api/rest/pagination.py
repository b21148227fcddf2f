"""Cursor pagination for every list: pages stay as fast on the millionth row as on the first
(no OFFSET), and a client's walk is not disturbed by rows added meanwhile. `?limit=` chooses the
page size up to PILKADA_API_MAX_PAGE_SIZE."""

from django.conf import settings
from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size_query_param = "limit"
    ordering = ("id",)

    @property
    def max_page_size(self) -> int:
        return settings.PILKADA_API_MAX_PAGE_SIZE

    def get_ordering(self, request, queryset, view):
        return getattr(view, "cursor_ordering", None) or self.ordering

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw.isascii() and raw.isdigit() and 0 < int(raw) <= 10_000:
            return min(int(raw), self.max_page_size)
        return self.page_size

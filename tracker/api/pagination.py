"""Cursor pages: stable while records are added, and no count query."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Pages by the primary key."""

    ordering = "pk"
    page_size_query_param = "size"
    max_page_size = 200


class NewestFirst(Cursor):
    ordering = "-pk"

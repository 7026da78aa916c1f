"""The read-only JSON API under /api/ (Django REST framework, django-filter, drf-spectacular)."""

"""Who may call the API, and how often.

A token (``Authorization: Token <key>``) stands for its user; a revoked one is
refused (401), not treated as anonymous. Without a token the session counts,
and without either the caller reads what an anonymous visitor of the site may
read: everything but the change log, which needs ``tracker.view_change`` as on
the pages. Only safe methods are routed; a write answers 405.
"""

from django.core.cache import caches
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from ..models import ApiToken


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(_("Give one key after 'Token'."))
        try:
            key = words[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = ApiToken.for_key(key)
        if token is None or token.revoked or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        token.touch()
        return (token.user, token)

    def authenticate_header(self, request):
        return self.keyword


class TokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema (and Swagger's Authorize button)."""

    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <key>, made on your settings page.",
        }


class ReadOnly(permissions.BasePermission):
    """Anyone may read; the methods that write are not routed at all (405)."""

    def has_permission(self, request, view):
        return True


class CanReadChanges(permissions.BasePermission):
    """The change log, as on /changes/: signed-in users with ``tracker.view_change``."""

    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.has_perm("tracker.view_change")


class ThrottleCache:
    """Counts kept in the "throttle" cache, shared by the workers."""

    @property
    def cache(self):
        return caches["throttle"]


class TokenRateThrottle(ThrottleCache, throttling.SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class AddressRateThrottle(ThrottleCache, throttling.SimpleRateThrottle):
    """Calls without a token, counted per client address."""

    scope = "address"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

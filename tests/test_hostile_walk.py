"""Every URL the resolver knows, read with hostile input as anonymous, viewer and analyst.

For each parameter a page reads (``READS`` in tests/urlwalk.py) and each hostile value
below, alone, repeated, and with every other parameter of the page at once; and for each
URL argument, an unknown or out-of-range one. No answer may be a 5xx, and no GET may change
the database. A URL without an entry in ``READS`` fails, like the permission walk.

Also: every page a viewer may read answers HEAD as it answers GET, without a body.
"""

import uuid
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.urlwalk import READS, ROUTES, fingerprint, make_cast, url_names

pytestmark = pytest.mark.django_db

WALKERS = ("anonymous", "viewer", "analyst")

# Values as they appear in the query string (already percent-encoded).
HOSTILE = {
    "a date whose UTC conversion overflows": quote("0001-01-01T00:00+05:00"),
    "the last day of the calendar": "9999-12-31",
    "an integer beyond 64 bits": "99999999999999999999",
    "a NUL character": "%00",
    "an unpaired surrogate as UTF-8 bytes": "%ED%A0%80",
    "an unpaired surrogate as raw bytes": "\xed\xa0\x80",
    "an unpaired surrogate as a JSON escape": quote("x\\ud800"),
    "10 kB": "9" * 10_240,
    "an unknown slug": "no-such-slug",
}
REPEATED = ("%00", "99999999999999999999")
# One value of each class, for the roles other than the analyst.
EACH_CLASS = (
    "a date whose UTC conversion overflows",
    "an integer beyond 64 bits",
    "a NUL character",
    "an unpaired surrogate as raw bytes",
    "10 kB",
)
# A request the page refuses before reading its parameters (sign in, 403, 405) gets these.
NASTIEST = ("a NUL character", "an unpaired surrogate as raw bytes", "10 kB")


@pytest.fixture
def cast(plan, point, position, source, russia, putin, component):
    return make_cast(plan, point, position, source, russia, putin, component)


@pytest.fixture
def clients(viewer, analyst):
    made = {}
    for role, user in (("anonymous", None), ("viewer", viewer), ("analyst", analyst)):
        made[role] = Client(raise_request_exception=False)
        if user is not None:
            made[role].force_login(user)
    return made


def with_query(url, query):
    return f"{url}{'&' if '?' in url else '?'}{query}"


def one_by_one(params):
    """Each parameter alone with each hostile value, and repeated."""
    for param in params:
        for label, value in HOSTILE.items():
            yield f"{param}: {label}", f"{param}={value}"
        yield f"{param}: repeated", "&".join(f"{param}={value}" for value in REPEATED)


def all_at_once(params, labels=tuple(HOSTILE)):
    """Every parameter of the page at once, with each hostile value."""
    if not params:
        return
    for label in labels:
        yield f"all: {label}", "&".join(f"{param}={HOSTILE[label]}" for param in params)


def hostile_arguments(name, kwargs):
    """The URL with each argument replaced by an unknown or out-of-range one."""
    for key, value in kwargs.items():
        if isinstance(value, int):
            candidates = [99999999999999999999]
        elif isinstance(value, uuid.UUID):
            candidates = [uuid.uuid4()]
        else:
            candidates = ["\x00", "no-such-slug"]  # the first the converter takes
        for replacement in candidates:
            try:
                url = reverse(name, kwargs={**kwargs, key: replacement})
            except NoReverseMatch:
                continue
            yield f"{key}={replacement!r:.24}", url
            break


def hostile_requests(name, url, kwargs, role, plain_status):
    """What to ask of one URL as one role.

    Where the plain URL is refused (sign in, 403, 405) the refusal comes before any
    parameter is read: the nastiest values, all at once. Where it is answered, the
    analyst (who sees the most) gets every parameter one by one with every value, and
    the other roles all parameters at once with a value of each class.
    """
    params = READS[name]
    if plain_status in (302, 403, 405):
        queries = all_at_once(params or ("x",), NASTIEST)
    elif role == "analyst":
        queries = [*one_by_one(params), *all_at_once(params if len(params) > 1 else ())]
    else:
        queries = all_at_once(params, EACH_CLASS)
    yield from ((label, with_query(url, query)) for label, query in queries)
    yield from hostile_arguments(name, kwargs)


def test_every_routed_url_says_which_parameters_it_reads():
    names = url_names()
    missing = [name for name in names if name not in READS]
    stale = [name for name in READS if name not in names]
    assert missing == [], f"add these URL names to READS in tests/urlwalk.py: {missing}"
    assert stale == [], f"these READS rows name no URL any more: {stale}"


def test_no_hostile_query_or_argument_gets_a_5xx(cast, clients):
    # One test for every URL: the cast and the users are made once (password hashing is slow).
    before = fingerprint()
    failures, asked = [], 0
    for name in url_names():
        assert name in READS, f"{name} has no entry in READS (tests/urlwalk.py)"
        route = ROUTES[name]
        url = route.url(name, cast)
        for role in WALKERS:
            plain = clients[role].get(url).status_code
            for label, target in hostile_requests(name, url, route.build_kwargs(cast), role, plain):
                asked += 1
                status = clients[role].get(target).status_code
                if status >= 500:
                    failures.append(f"GET {target[:100]} ({label}) as {role}: {status}")
    assert failures == []
    assert asked > 1000
    assert fingerprint() == before, "a GET changed the database"


def test_every_read_page_answers_head_as_it_answers_get(cast, clients):
    """Monitors and link checkers send HEAD: a page a viewer may read answers it, bodiless."""
    read_pages = [name for name in url_names() if ROUTES[name].get["viewer"] == 200]
    assert {"overview", "plan_detail", "matrix", "recent_changes", "changes_feed"} <= set(
        read_pages
    )
    failures = []
    for name in read_pages:
        url = ROUTES[name].url(name, cast)
        for role in WALKERS:
            got, head = clients[role].get(url), clients[role].head(url)
            if head.status_code != got.status_code or head.getvalue():
                failures.append(f"HEAD {url} as {role}: {head.status_code}, GET {got.status_code}")
    assert failures == []

"""A small fixed cast for the tests: three users, a few parties and a plan."""

import datetime
import os
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User

from tracker.models import (
    Actor,
    Component,
    Party,
    Plan,
    Point,
    Position,
    Source,
    Statement,
    Topic,
)
from tracker.roles import ANALYST, VIEWER
from tracker.settings import cache_from_url

from .evidence import coded

STATED_ON = datetime.date(2025, 11, 27)

# The Reuters article most seed quotes come from. The project keeps no article text:
# the copy lives beside the repository, in ../shared (there in CI, not in a bare clone).
SEED_ARTICLE = settings.BASE_DIR.parent / "shared" / "seed" / "000_daba5862246ab67d.txt"


def pytest_configure(config):
    """Parallel test workers (``bin/test -n 2``) each get a cache of their own.

    The rendered tables are keyed on ``Change.marker()``, which two workers reach with
    different data, and each test clears the cache (a Redis ``FLUSHDB``): shared, one
    worker would read or wipe the other's tables. A worker gets its own folder, or its
    own Redis database counted down from the configured one; ``CACHE_URL`` passes it on
    to the servers and commands the worker's tests start.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    url = urlparse(settings.CACHE_URL)
    if url.scheme.startswith("redis"):
        database = int(url.path.strip("/") or 0) - int(worker.removeprefix("gw"))
        own = urlunparse(url._replace(path=f"/{database % 16}"))
    elif url.scheme == "file":
        own = urlunparse(url._replace(path=f"{url.path.rstrip('/')}-{worker}"))
    else:
        return  # an in-process cache is the worker's own already
    os.environ["CACHE_URL"] = own
    for name, cache in settings.CACHES.items():
        cache.update(cache_from_url(own, name, **extra_cache_params(cache)))


def extra_cache_params(cache):
    return {key: cache[key] for key in ("TIMEOUT", "OPTIONS") if key in cache}


@pytest.fixture
def seed_article():
    """The seed article's path; the test is skipped, saying why, where it is absent."""
    if not SEED_ARTICLE.is_file():
        pytest.skip(
            f"the seed article is not at {SEED_ARTICLE}: the project keeps no article text, "
            "it is kept beside the repository in ../shared (present in CI)"
        )
    return SEED_ARTICLE


@pytest.fixture(autouse=True)
def fresh_fragment_cache():
    """Rendered tables are cached in the configured (shared) cache, keyed on
    Change.marker(); a rolled-back test leaves a marker the next test reaches
    again with other data."""
    from django.core.cache import caches

    caches["fragments"].clear()
    yield
    caches["fragments"].clear()


@pytest.fixture
def viewer(db):
    user = User.objects.create_user("vera", password="vera-password-1")
    user.groups.add(Group.objects.get(name=VIEWER))
    return user


@pytest.fixture
def analyst(db):
    user = User.objects.create_user("anna", password="anna-password-1")
    user.groups.add(Group.objects.get(name=ANALYST))
    return user


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "root-password-1")


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def russia(db):
    return Party.objects.create(slug="russia", name="Russia", short_name="RU", colour="#b91c1c")


@pytest.fixture
def ukraine(db):
    return Party.objects.create(slug="ukraine", name="Ukraine", short_name="UA", colour="#1d4ed8")


@pytest.fixture
def putin(russia):
    return Actor.objects.create(slug="putin", name="Vladimir Putin", party=russia, role="President")


@pytest.fixture
def source(db):
    return Source.objects.create(
        slug="reuters-bishkek",
        title="Putin on the peace outline",
        publisher="Reuters",
        published_on=STATED_ON,
    )


@pytest.fixture
def plan(db):
    return Plan.objects.create(slug="us-draft", title="U.S. 28-point draft", short_title="US 28")


@pytest.fixture
def component(plan):
    return Component.objects.create(plan=plan, number=1, title="Peace framework")


@pytest.fixture
def point(plan, component):
    return Point.objects.create(
        plan=plan,
        number=21,
        title="Territory",
        text="Crimea and Donbas recognised.",
        component=component,
    )


@pytest.fixture
def position(point, russia, putin, source):
    return coded(
        russia,
        "supports",
        point=point,
        summary="Wants Ukraine to withdraw.",
        speaker=putin,
        stated_on=STATED_ON,
        source=source,
    )


def populate(plan, *, parties, points, positions_per_cell=1):
    """Grow the data: ``parties`` × ``points`` with positions on every cell.

    Query-count tests run a page at two sizes built by this helper and assert
    the same count at both.
    """
    source = Source.objects.create(slug=f"bulk-{plan.slug}", title="Bulk source")
    component = Component.objects.create(plan=plan, number=99, title="Bulk component")
    made_parties = Party.objects.bulk_create(
        Party(slug=f"{plan.slug}-p{i}", name=f"Party {i}", short_name=f"P{i}")
        for i in range(parties)
    )
    for party in made_parties:
        Actor.objects.create(
            slug=f"{party.slug}-speaker", name=f"Speaker {party.slug}", party=party
        )
    start = (plan.points.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    made_points = Point.objects.bulk_create(
        Point(plan=plan, number=start + i, title=f"Point {i}", text="Text", component=component)
        for i in range(points)
    )
    statements = Statement.objects.bulk_create(
        Statement(
            party=party,
            attribution="An official",
            said_on=STATED_ON - datetime.timedelta(days=n),
            summary="s",
        )
        for party in made_parties
        for n in range(positions_per_cell)
    )
    Statement.sources.through.objects.bulk_create(
        Statement.sources.through(statement=statement, source=source) for statement in statements
    )
    Position.objects.bulk_create(
        Position(
            statement=statement,
            party_id=statement.party_id,
            stated_on=statement.said_on,
            point=point,
            stance="opposes",
            summary="s",
        )
        for statement in statements
        for point in made_points
    )


@pytest.fixture
def controlled_topics(db):
    """The topic the import tests' files name, on the database's controlled list (a test
    database starts without topics; the seed brings the list)."""
    names = {"security_guarantees": "Security guarantees", "nato": "NATO"}
    return [
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in names.items()
    ]

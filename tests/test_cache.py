"""The shared cache: Redis where configured, files otherwise; tables rendered once for all.

The suite runs against whatever cache the environment configures (CI runs it
once more with REDIS_URL), so these tests hold for every backend.
"""

import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

from tests.scratch_db import ROOT
from tracker.models import Change
from tracker.settings import cache_from_url
from tracker.stances import Window, table_key

READ_FROM_ANOTHER_PROCESS = """
import django, sys
django.setup()
from django.core.cache import caches
table = caches["fragments"].get(sys.argv[1])
print(len(table) if table else 0, "Territory" in (table or ""))
"""


def test_redis_urls_give_the_redis_backend_with_a_key_prefix_and_timeout():
    config = cache_from_url("redis://127.0.0.1:6379/3", "fragments", TIMEOUT=3600, OPTIONS={"X": 1})
    assert config == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3",
        "KEY_PREFIX": "fragments",
        "TIMEOUT": 3600,
    }
    assert cache_from_url("rediss://cache.example.org:6380/0", "x")["LOCATION"].startswith("rediss")


def test_file_and_locmem_urls_give_the_embedded_backends_with_their_bound():
    config = cache_from_url("file:///srv/tracker/cache", "fragments", OPTIONS={"MAX_ENTRIES": 9})
    assert config["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert config["LOCATION"] == "/srv/tracker/cache/fragments"
    assert config["OPTIONS"] == {"MAX_ENTRIES": 9}
    local = cache_from_url("locmem://", "fragments")
    assert local["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_an_unknown_cache_url_is_refused_with_the_schemes_to_use():
    with pytest.raises(ImproperlyConfigured, match="redis://"):
        cache_from_url("memcached://127.0.0.1:11211", "fragments")


def test_the_table_cache_is_bounded():
    fragments = caches["fragments"]
    assert fragments.default_timeout == settings.FRAGMENT_SECONDS
    if "redis" not in settings.CACHES["fragments"]["BACKEND"]:
        assert fragments._max_entries == settings.FRAGMENT_ENTRIES


@pytest.mark.skipif(
    settings.CACHES["fragments"]["BACKEND"].endswith("LocMemCache"),
    reason="locmem:// is one process's memory by design",
)
@pytest.mark.django_db
def test_a_table_rendered_by_one_process_is_served_to_the_others(client, plan, point, position):
    assert "Territory" in client.get(plan.get_absolute_url()).content.decode()
    key = table_key("plan", Change.marker(), plan.pk, False, False, str(Window()), "")
    done = subprocess.run(
        [sys.executable, "-c", READ_FROM_ANOTHER_PROCESS, key],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    size, found = done.stdout.split()
    assert int(size) > 0 and found == "True"


@pytest.mark.django_db
def test_kept_pages_hold_nothing_of_the_reader_they_were_drawn_for(
    client, plan, point, position, analyst, django_user_model
):
    """Two analysts with the same rights share kept drawings: what is kept must carry
    no CSRF token, no name and nothing else of the first reader."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from tracker.roles import ANALYST

    other = django_user_model.objects.create_user("boris", password="boris-password-1")
    other.groups.add(Group.objects.get(name=ANALYST))
    first, second = Client(), Client()
    first.force_login(analyst)
    second.force_login(other)
    pages = ["/", plan.get_absolute_url(), point.get_absolute_url(), "/timeline/"]
    pages.append(f"/matrix/?plan={plan.slug}")

    def main(response):
        body = response.content.decode()
        return body[body.index('<main id="main">') : body.index("</main>")]

    for url in pages:
        mine = main(first.get(url))
        theirs = main(second.get(url))
        assert theirs == mine, url
        assert "csrfmiddlewaretoken" not in mine and analyst.username not in mine, url
    # and the page around the kept body is each reader's own
    assert analyst.username in first.get("/").content.decode()
    assert analyst.username not in second.get("/").content.decode()


@pytest.mark.django_db
def test_a_kept_page_escapes_user_text_and_keeps_its_own_markup(client, plan, point, position):
    """A kept drawing comes back from the cache as the safe markup our templates drew:
    neither double-escaped (the page works) nor unescaped (user text stays text)."""
    hostile = '<script>alert("x")</script>'
    point.title = hostile
    point.save()
    position.summary = hostile
    position.save()
    for url in [point.get_absolute_url(), "/", "/timeline/?zoom=all", plan.get_absolute_url()]:
        drawn, kept = (client.get(url).content.decode() for _ in range(2))
        for body in (drawn, kept):
            assert hostile not in body, url
            assert "&lt;script&gt;" in body, url
            assert "&amp;lt;" not in body, url  # kept markup is not escaped a second time
    body = client.get(point.get_absolute_url()).content.decode()
    assert f'<article class="position" id="position-{position.uid}">' in body

"""Pages go out gzipped to clients that accept it; static files are pre-compressed."""

import gzip

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.django_db
def test_a_page_comes_back_gzipped_and_decompresses_to_the_page(client, plan, position):
    plain = client.get(f"/plans/{plan.slug}/")
    packed = client.get(f"/plans/{plan.slug}/", headers={"accept-encoding": "gzip, br"})
    assert packed.status_code == 200
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert "Territory" in page and "Russia" in page
    # Only the CSRF token (masked anew on every response) differs from the plain page.
    assert len(page) == len(plain.content.decode())
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)


@pytest.mark.django_db
def test_a_page_is_sent_plain_to_a_client_that_does_not_accept_gzip(client, plan):
    response = client.get(f"/plans/{plan.slug}/")
    assert "Content-Encoding" not in response
    assert b"U.S. 28-point draft" in response.content


@pytest.mark.django_db
def test_gzip_adds_random_padding_so_lengths_do_not_leak_the_page(client, plan):
    """Django's GZipMiddleware pads the gzip header by up to 100 random bytes."""
    lengths = {len(client.get("/", headers={"accept-encoding": "gzip"}).content) for _ in range(12)}
    assert len(lengths) > 1


@pytest.fixture
def collected(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": MANIFEST_STORAGE},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
        yield tmp_path


def test_collectstatic_writes_gzip_and_brotli_copies_of_each_text_file(collected):
    styles = [p for p in collected.glob("tracker/style.*.css") if p.suffix == ".css"]
    assert styles, "no hashed stylesheet was collected"
    for style in styles:
        assert style.with_name(style.name + ".gz").exists()
        assert style.with_name(style.name + ".br").exists()


@pytest.mark.django_db
def test_whitenoise_sends_the_brotli_copy_to_a_client_that_accepts_it(collected):
    from django.templatetags.static import static

    url = static("tracker/style.css")
    assert url != "/static/tracker/style.css"  # the hashed name from the manifest
    client = Client()  # a new client loads whitenoise with the collected files
    response = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    import brotli

    body = b"".join(response.streaming_content)
    # the hashed copy: the manifest rewrites the url()s inside it
    css = (collected / "tracker" / url.rsplit("/", 1)[1]).read_bytes()
    assert brotli.decompress(body) == css
    assert "max-age=315360000" in response["Cache-Control"]

"""The public fiche and its PDF with Redis unreachable (issue 16.6): built, served, logged once."""

import logging

import pytest
from django.test import Client

from cotri.public.redis_cache import RedisCache
from cotri.public.tasks import render_fiche_pdf

pytestmark = pytest.mark.django_db
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    RedisCache._down = False
    settings.CACHES = {
        "default": {
            "BACKEND": "cotri.public.redis_cache.RedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield
    RedisCache._down = False


def test_the_fiche_and_its_pdf_are_served_and_the_outage_logged_once(
    calaisis, settings, redis_down, caplog
):
    render_fiche_pdf(calaisis.pk)  # stored before the outage (the nightly or a change did it)
    client, signed_in = Client(), Client()
    signed_in.cookies[settings.SESSION_COOKIE_NAME] = "x"  # the other branch: frame + body

    with caplog.at_level(logging.WARNING, logger="cotri.cache"):
        pages = [c.get("/fiches/COTTRI-2021-CALAISIS/") for c in (client, client, signed_in)]
        pdf = client.get("/fiches/COTTRI-2021-CALAISIS.pdf")
        missing = client.get("/fiches/INCONNUE/")

    assert [p.status_code for p in pages] == [200, 200, 200]
    assert all("Pays du Calaisis" in p.content.decode() for p in pages)
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert missing.status_code == 404
    outage = [r for r in caplog.records if "injoignable" in r.getMessage()]
    assert len(outage) == 1


def test_a_change_made_while_redis_is_down_shows_at_once(calaisis, redis_down):
    client = Client()
    assert client.get("/fiches/COTTRI-2021-CALAISIS/").status_code == 200

    calaisis.published = False
    calaisis.save()  # bumping the generation fails silently: nothing was cached meanwhile

    assert client.get("/fiches/COTTRI-2021-CALAISIS/").status_code == 404
    assert client.get("/fiches/COTTRI-2021-CALAISIS.pdf").status_code == 404


def test_the_cache_answers_misses_while_down(redis_down):
    from django.core.cache import cache

    assert cache.get("clé") is None
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("clé", 1) is False
    cache.set("clé", 1)  # dropped, no error
    assert cache.get("clé", "défaut") == "défaut"

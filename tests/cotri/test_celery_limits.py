"""Task limits and the Redis visibility timeout follow from the longest task (issue 16.8)."""

from django.conf import settings

from cotri.celery import app
from tests.cotri.test_production_settings import _run


def test_a_killed_task_is_redelivered_within_minutes_and_a_running_one_never():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    longest_countdown = max(
        settings.COTRI_EVALUATION_COALESCE_SECONDS, settings.COTRI_FICHE_COALESCE_SECONDS
    )

    assert visibility <= 10 * 60  # was an hour
    # A delayed or running message is never delivered twice: the hard limit kills it first.
    assert visibility > longest_countdown + settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    assert app.conf.task_soft_time_limit == settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert app.conf.broker_transport_options["visibility_timeout"] == visibility
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost


def test_a_visibility_timeout_shorter_than_a_task_is_refused_at_start_up():
    code = "import django; django.setup()"
    for variables in (
        {"CELERY_VISIBILITY_TIMEOUT": "200"},  # 60 s window + 150 s limit = 210 s
        {"CELERY_TASK_TIME_LIMIT": "600"},  # above the visibility timeout given below
        {"CELERY_TASK_SOFT_TIME_LIMIT": "150"},  # not below the hard limit
    ):
        done = _run(
            "-c", code, **{"SECRET_KEY": "x" * 50, "CELERY_VISIBILITY_TIMEOUT": "300", **variables}
        )
        assert done.returncode == 1
        assert "ImproperlyConfigured" in done.stderr

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cotri.settings")

# Eager tasks enqueued by a request run after its response (cotri/after_response.py).
app = Celery("cotri", task_cls="cotri.after_response:AfterResponseTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

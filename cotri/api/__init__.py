"""The JSON API (django-ninja) mounted at ``/api/``: public reads, authenticated progress writes."""

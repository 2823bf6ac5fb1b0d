"""
WSGI config for reformtracker project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'reformtracker.settings')

application = get_wsgi_application()


def freeze_loaded() -> int:
    """Set aside what a web process has loaded for good — Django, the apps, their models, and (imported
    here rather than by the first request) every view, form and table the URLconf reaches — from the
    cyclic garbage collector (gc.freeze). It lives as long as the process; left in, every full pass
    of the collector walked it (some 300,000 objects), a pause of about 100 ms in one request of ten
    on the heavier pages (我的任务). Returns the number of objects set aside."""
    import_module(settings.ROOT_URLCONF)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


freeze_loaded()

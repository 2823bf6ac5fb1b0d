from django.apps import AppConfig


class TasksConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'tasks'

    def ready(self) -> None:
        from django.db import connections

        from reformtracker import dataversion
        from tasks import signals

        signals.connect()
        # kept pages: every write to their tables moves the cache's number after its commit
        for connection in connections.all(initialized_only=True):
            dataversion.install(connection)

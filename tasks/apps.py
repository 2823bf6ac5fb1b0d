from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TasksConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'tasks'

    def ready(self) -> None:
        from django.db import connections

        from reformtracker import dataversion
        from tasks import signals

        signals.connect()
        # the triggers that keep the tallies (tasks.tallies): made again (and the tally recounted)
        # when a migration dropped them (SQLite drops a table's triggers whenever it rebuilds the table)
        post_migrate.connect(_ensure_tally, sender=self, dispatch_uid="tasks-tally-triggers")
        # kept pages: every write to their tables moves the cache's number after its commit
        for connection in connections.all(initialized_only=True):
            dataversion.install(connection)


def _ensure_tally(using, **kwargs) -> None:
    from django.db import connections

    from tasks import tallies

    tallies.ensure(connections[using])

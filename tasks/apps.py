from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class TasksConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'tasks'

    def ready(self) -> None:
        from django.db import connections

        from reformtracker import dataversion
        from tasks import signals

        signals.connect()
        checks.register(_compiled_parser_is_current)
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


def _compiled_parser_is_current(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """A checkout's compiled parser module older than its source would run as it was built."""
    from tasks.importers import compiled

    return [checks.Warning(f"tasks/importers/{name}.py changed after it was compiled: the old build runs",
                           hint="make native (or delete the module's .so to run the source)", id="tasks.W001")
            for name in compiled.stale()]

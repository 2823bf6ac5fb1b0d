from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'deadlines'

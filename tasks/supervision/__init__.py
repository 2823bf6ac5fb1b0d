"""The clock applied to the tasks: the daily scan, reminders, the monthly 督查通报 and its Celery jobs."""

"""gunicorn's settings for ReformTracker (shipped in the package, so an installed copy has them):

    gunicorn -c python:reformtracker.gunicorn_conf reformtracker.wsgi

The pages are CPU-bound (Python and PostgreSQL on the same cores), so more processes than cores
only queue: 2 × cores + 1 sync workers keep every core busy while one waits on the database.
Override with WEB_CONCURRENCY (workers), WEB_BIND, or gunicorn's own flags on the command line.
"""

import os

bind = os.getenv("WEB_BIND", "127.0.0.1:8000")
workers = int(os.getenv("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
worker_class = "sync"
# Excel downloads of a whole plan take seconds; anything over two minutes is stuck.
timeout = 120
graceful_timeout = 30
# recycle a worker now and then, so a slow leak never grows without bound
max_requests = 2000
max_requests_jitter = 200
accesslog = os.getenv("WEB_ACCESS_LOG") or None  # "-" for stdout

"""gunicorn settings for `scripts/run`; every value can be overridden from the environment."""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
# Threads keep a worker's heartbeat going while one thread streams a long
# export (a million rows take about a minute), so `timeout` only kills a
# worker that is really stuck. Each thread keeps its own database connection.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 20
max_requests = 2000  # recycle workers now and then, against slow leaks
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"

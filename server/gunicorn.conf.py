# gunicorn settings for ClaimFlag in production:
#   gunicorn -c server/gunicorn.conf.py "claimflag:create_app()"
# Every value can be overridden from the environment (GUNICORN_*), so one
# file serves a laptop, a container and a fleet behind a load balancer.
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Load the app (the spaCy pipelines and the claim model) once in the master,
# then fork: workers share the model's memory pages instead of each loading
# their own copy.
preload_app = True

# One process per core does the CPU-bound NLP; a few threads per worker let
# cache hits, health checks and Redis round trips proceed while one thread
# analyses (analysis itself is serialised per worker by the Analyzer).
workers = int(os.environ.get("GUNICORN_WORKERS", os.cpu_count() or 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A request that takes longer than this has a runaway input; the worker is
# replaced rather than left holding a slot.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5

# Recycle workers now and then so that slow leaks cannot accumulate.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500

# No gunicorn access log: a raw path can name a host a reader configured
# (/v1/settings/<domain>). The app logs each request by its route template
# instead (logger "claimflag.access"). Bodies and URLs are never logged.
accesslog = None
errorlog = "-"

# gunicorn settings for ClaimFlag in production:
#   gunicorn -c server/gunicorn.conf.py "claimflag:create_app()"
# Every value can be overridden from the environment (GUNICORN_*), so one
# file serves a laptop, a container and a fleet behind a load balancer.
import os
import tempfile

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

# A worker whose main loop has not checked in for this long (hung, e.g. in a
# C call holding the GIL) is replaced. With gthread the check-in comes from
# the main loop, not the request threads, so this does not bound one slow
# request: CLAIMFLAG_ANALYSIS_TIMEOUT bounds analysis, read_timeout below
# bounds reading a request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5

# gthread bounds only the wait for a request's *first* byte (5 s, then the
# connection goes back to the poller). Once a request has begun, gunicorn
# reads its headers and body with blocking calls and no time limit, and its
# worker `timeout` does not see a stuck thread: a client that trickles a few
# bytes a second, or stops half way, holds a thread for ever (four of them a
# whole worker). So each request gets READ_TIMEOUT seconds from its first
# header byte to its last body byte; past that its reads end as if the client
# had gone (a body cut short is a JSON 400, then the connection closes). A
# reverse proxy in front should bound it too (nginx: client_header_timeout,
# client_body_timeout; it also buffers bodies, so workers only see whole ones).
read_timeout = float(os.environ.get("GUNICORN_READ_TIMEOUT", "30"))


# Metrics from every worker: prometheus-client's multiprocess mode keeps each
# worker's counters in files here, and /metrics adds them up. Set before the
# app (and so prometheus_client) is imported by preload_app.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="claimflag-metrics-"))


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_fork(server, worker):
    _bound_request_reads(read_timeout)


def post_request(worker, req, environ, resp):
    # A fresh budget for draining whatever body the app left unread.
    req.unreader.read_deadline = _monotonic() + read_timeout


def _bound_request_reads(seconds):
    """Gives every request on a socket a total read deadline (gunicorn 27 internals)."""
    import socket

    from gunicorn.http import parser, unreader

    if getattr(unreader.SocketUnreader, "_claimflag_deadline", False):
        return
    plain_chunk = unreader.SocketUnreader.chunk

    def chunk(self, size_hint=None):
        deadline = getattr(self, "read_deadline", None)
        if deadline is None:
            return plain_chunk(self, size_hint)
        left = deadline - _monotonic()
        if left <= 0:
            return b""        # read as the client's end: gunicorn and werkzeug stop there
        self.sock.settimeout(left)
        try:
            return plain_chunk(self, size_hint)
        except socket.timeout:
            return b""
        finally:
            self.sock.settimeout(None)   # writes (and gthread) expect a blocking socket

    class Request(parser.RequestParser.mesg_class):
        def __init__(self, cfg, source, *args, **kwargs):
            source.read_deadline = _monotonic() + seconds   # before the headers are read
            super().__init__(cfg, source, *args, **kwargs)

    unreader.SocketUnreader.chunk = chunk
    unreader.SocketUnreader._claimflag_deadline = True
    parser.RequestParser.mesg_class = Request


def _monotonic():
    import time
    return time.monotonic()

# Recycle workers now and then so that slow leaks cannot accumulate.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500

# No gunicorn access log: a raw path can name a host a reader configured
# (/v1/settings/<domain>). The app logs each request by its route template
# instead (logger "claimflag.access"). Bodies and URLs are never logged.
accesslog = None
errorlog = "-"

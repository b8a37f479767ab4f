"""Tools that drive the service from outside: ``claimflag bench``
(``bench.py``, with ``locustfile.py``, on the pages of ``pages.py``) and
``claimflag soak`` (``soak.py``), the process harness they and the tests
start servers and Redis with (``procs.py``), and the percentile they print
(``stats.py``).

The service never imports this package (``tests/test_imports.py``); the
command line imports it inside the commands that need it.
"""

"""The Dockerfile's install steps, run in a fresh virtual environment.

No Docker engine runs on these machines, so this test does what the image
build does: copy only what the Dockerfile copies, `pip install .` into a new
venv, and start gunicorn with the committed config exactly as the image's
CMD does. It proves that the package (with its model and data files)
installs from those files alone and serves.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from claimflag.tools.procs import free_port, running

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_dockerfile_is_a_slim_non_root_gunicorn_image_with_a_healthcheck():
    assert re.search(r"^FROM python:3\.11-slim", DOCKERFILE, re.M)
    assert re.search(r"^USER claimflag", DOCKERFILE, re.M)
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", DOCKERFILE, re.M)
    assert 'CMD ["gunicorn", "-c", "server/gunicorn.conf.py", "claimflag:create_app()"]' in DOCKERFILE


def test_install_steps_in_a_fresh_venv_then_gunicorn_serves(tmp_path, redis_url):
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    for line in re.findall(r"^COPY (.+)$", DOCKERFILE, re.M):
        *sources, _dest = line.split()
        for source in sources:
            src = ROOT / source
            if src.is_dir():
                shutil.copytree(src, app_dir / source, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
            else:
                shutil.copy(src, app_dir / source)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "."], cwd=app_dir, check=True, timeout=900)
    subprocess.run([str(venv / "bin" / "python"), "-c", "import claimflag.nlp.pipeline"],
                   cwd=tmp_path, check=True)

    port = free_port()
    env = {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2",
           "CLAIMFLAG_REDIS_URL": redis_url, "CLAIMFLAG_DATA_DIR": str(tmp_path / "data"),
           "PATH": f"{venv / 'bin'}:/usr/bin:/bin"}
    cmd = [str(venv / "bin" / "gunicorn"), "-c", "server/gunicorn.conf.py", "claimflag:create_app()"]
    with running(cmd, port, env, cwd=app_dir) as base:
        assert requests.get(f"{base}/healthz", timeout=5).json() == {"status": "ok"}
        body = {"blocks": [{"id": "b0", "text": "The port authority said 31 ships were delayed on Friday."}]}
        result = requests.post(f"{base}/v1/analyze", json=body, timeout=60).json()
        assert result["blocks"][0]["spans"][0]["kind"] == "claim"

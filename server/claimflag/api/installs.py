"""POST /v1/installs: an anonymous install token for a new extension install."""

from __future__ import annotations

from flask import Blueprint

from ..store.tokens import new_token
from ..preferences import settings_backend

bp = Blueprint("installs", __name__, url_prefix="/v1")


@bp.post("/installs")
def create_install():
    # No body is read: the token is all there is to an install.
    token = new_token()
    with settings_backend() as store:
        store.create_install(token)
    return {"token": token}, 201

"""Run ``seawarden demo`` with the web page mounted, for the browser tests.

Until the lead wires :func:`seawarden.web.mount_web` into ``create_app``, this wraps the real
``create_app`` and mounts the page on the real app; once the page is wired in, the wrapper sees the
``/`` route and adds nothing. The API, pipeline and data are the real demo's: nothing is faked.
"""

import sys

import seawarden.api.app as api_app
from seawarden.web import mount_web

_create_app = api_app.create_app


def create_app_with_page(*args, **kwargs):
    app = _create_app(*args, **kwargs)
    if not any(getattr(route, "path", None) == "/" for route in app.routes):
        mount_web(app)
    return app


api_app.create_app = create_app_with_page


def main() -> None:
    from seawarden.cli import COMMAND_MODULES, app
    from seawarden.cli import serve as serve_cli

    if "serve" not in COMMAND_MODULES:  # the service's commands are not registered yet
        serve_cli.register(app)
    sys.argv = ["seawarden", "demo", *sys.argv[1:]]
    app()


if __name__ == "__main__":
    main()

"""Prints every route the installed MLflow server serves, one JSON object per line: the Flask url map and the
FastAPI routers that wrap it (uvicorn). Used by the route coverage report and the catalogue drift tests."""
import json
import logging
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)

from mlflow.server import app  # noqa: E402
from mlflow.server.fastapi_app import create_fastapi_app  # noqa: E402

IGNORED = {"HEAD", "OPTIONS"}


def emit(framework, method, path, endpoint):
    print(json.dumps({"framework": framework, "method": method, "path": path, "endpoint": endpoint}))


for rule in app.url_map.iter_rules():
    for method in sorted(rule.methods - IGNORED):
        emit("flask", method, rule.rule, rule.endpoint)


def walk(routes, prefix=""):
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:
            context = getattr(route, "include_context", None)
            walk(original.routes, prefix + (getattr(context, "prefix", "") or ""))
            continue
        if type(route).__name__ == "Mount":
            continue  # the Flask app, listed above
        path = getattr(route, "path", None)
        methods = getattr(route, "methods", None) or ["WEBSOCKET"]
        endpoint = getattr(getattr(route, "endpoint", None), "__name__", "")
        for method in sorted(set(methods) - IGNORED):
            emit("fastapi", method, prefix + (path or ""), endpoint)


walk(create_fastapi_app(app).routes)

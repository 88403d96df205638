"""Creates an administrator and an ordinary user in mlflow-oidc-auth's database, each with an access token.

Run with the plugin's venv (.tools/oidc-auth-venv/bin/python) before the server starts, with
OIDC_USERS_DB_URI naming the database (the plugin's store creates and migrates it on first use).
The plugin issues access tokens over REST only to a signed-in browser session (an IdP login), so the
benchmark, which has no IdP, writes them through the plugin's own store, as its REST handlers do.

Usage: python oidc-auth-users.py ADMIN USER
Prints {"admin": {"username", "token"}, "user": {"username", "token"}} as JSON on stdout.
"""

import json
import sys
from datetime import datetime, timedelta, timezone

from mlflow_oidc_auth.store import store


def main(admin: str, user: str) -> None:
    # The longest lifetime the plugin allows is a year; a day is plenty for a benchmark run.
    expires_at = datetime.now(timezone.utc) + timedelta(days=1)
    out = {}
    for role, username, is_admin in (("admin", admin, True), ("user", user, False)):
        store.create_user(username=username, display_name=username, is_admin=is_admin, written_by="manual")
        _, token = store.create_user_token(username, "bench", expires_at, created_by="bench")
        out[role] = {"username": username, "token": token}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: oidc-auth-users.py ADMIN USER")
    main(sys.argv[1], sys.argv[2])

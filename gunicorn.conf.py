"""gunicorn settings, read from the working folder: `gunicorn web.wsgi:app` finds them itself."""

import gunicorn.http.wsgi

# Answers name no server software or version ("Server: gunicorn/…" tells attackers what to try).
gunicorn.http.wsgi.SERVER = "Pathways"

"""gunicorn settings of the web process: app.yaml's `gunicorn -c gunicorn.conf.py "web:create_app()"`.

The access log shows each request's path without its query string and without the Referer: OAuth
callbacks (/companies/callback, /google/callback) carry the one-time `code` and `state` there, and the
next page's Referer would repeat them.
"""

import os

bind = f":{os.environ.get('PORT', '8080')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = 4
timeout = 120
accesslog = "-"
# %(U)s is the path alone (PATH_INFO); never %(r)s (the request line) or %(q)s (the query string).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'

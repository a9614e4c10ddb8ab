"""Unbound extension instances; `create_app()` binds them with `init_app`."""

from flask_babel import Babel
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from marketplace import ratelimit_storage  # noqa: F401  (registers the sqlite:// storage)
from marketplace.db import db

migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()
# Whole pages for visitors (marketplace/page_cache.py).
cache = Cache()
# Pieces of public pages shared by many pages (marketplace/fragments.py).
fragment_cache = Cache()
# Limits are declared on the views that need them; nothing is limited by default.
limiter = Limiter(key_func=get_remote_address, default_limits=[])

__all__ = [
    "babel",
    "cache",
    "compress",
    "fragment_cache",
    "csrf",
    "db",
    "limiter",
    "login_manager",
    "migrate",
]

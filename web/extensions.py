"""Extension singletons, bound to the app in `create_app`."""

from flask_babel import lazy_gettext
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for every Pathways model."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
compress = Compress()
login_manager.login_view = "auth.login"
# Said in the page's language: the message is translated when it is flashed.
login_manager.login_message = lazy_gettext("Please sign in to see that page.")
login_manager.localize_callback = str
login_manager.login_message_category = "info"
# Counters in Redis (production) or memory (embedded default), from RATELIMIT_* settings;
# each view states its own limits with the decorators of web/auth/throttling.py.
limiter = Limiter(key_func=get_remote_address)

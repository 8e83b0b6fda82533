"""The city running this Pathways, as the banner, the footer and the notices name it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request


@dataclass(frozen=True)
class ContactLink:
    """Where people reach the program team: a web page, else an email address."""

    href: str
    text: str


def contact_link() -> ContactLink:
    """The configured contact page, else a mailto: link to the contact address."""
    config = current_app.config
    if url := config.get("CONTACT_URL"):
        return ContactLink(url, url)
    email = config.get("CONTACT_EMAIL") or config["MAIL_FROM"]
    return ContactLink(f"mailto:{email}", email)


def official_site() -> dict:
    """What every page's banner and footer show, from the settings."""
    config = current_app.config
    domain = site_domain()
    return {
        "domain": domain,
        # The banner's ".gov" guidance is true only of a .gov address.
        "dot_gov": domain.endswith(".gov"),
        "city_name": config["CITY_NAME"],
        "city_url": config.get("CITY_URL") or "",
        "city_privacy_url": config.get("CITY_PRIVACY_URL") or "",
        "city_accessibility_url": config.get("CITY_ACCESSIBILITY_URL") or "",
        "contact": contact_link(),
    }


def site_domain() -> str:
    """The name people reach Pathways at: PUBLIC_URL's host, else this request's."""
    if host := urlsplit(current_app.config.get("PUBLIC_URL") or "").hostname:
        return host
    return request.host if has_request_context() else ""

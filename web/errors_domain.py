"""Domain errors: raised by services, shown to people by views."""


class DomainError(Exception):
    """A rule of the program was not met; the message is safe to show to the user."""

"""Names are one line of text: a line break in a name would break the emails that carry it."""

from __future__ import annotations

import re

from wtforms.validators import ValidationError

# Carriage return, line feed and the other characters that end a line somewhere.
LINE_BREAK = re.compile(r"[\r\n\v\f\x85\u2028\u2029]")
MESSAGE = "Write this on one line, without line breaks."


def has_line_break(text: str | None) -> bool:
    """True if `text` holds a carriage return, line feed or another line ending."""
    return bool(text and LINE_BREAK.search(text))


class SingleLine:
    """Form validator: refuse text that holds a line break."""

    def __init__(self, message: str = MESSAGE):
        self.message = message

    def __call__(self, form, field) -> None:
        if has_line_break(field.data):
            raise ValidationError(self.message)

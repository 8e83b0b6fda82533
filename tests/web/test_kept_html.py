"""Parts of pages kept by each app under a key of everything they show."""

from __future__ import annotations

from markupsafe import Markup

from tests import conftest
from web import create_app
from web import kept_html as kept


def _render(text, renders):
    def caller():
        renders.append(text)
        return f"<p>{text}</p>"

    return caller


def test_a_part_is_rendered_once_per_key_and_lists_count_by_their_items(app):
    renders = []
    first = kept.kept_html("part", "en", [1, 2], caller=_render("one", renders))
    again = kept.kept_html("part", "en", [1, 2], caller=_render("two", renders))
    other = kept.kept_html("part", "es", [1, 2], caller=_render("tres", renders))
    assert first == again == "<p>one</p>" and other == "<p>tres</p>"
    assert renders == ["one", "tres"]
    assert first.__html__() == "<p>one</p>"  # markup, not text to escape


def test_a_part_not_to_keep_is_rendered_each_time_and_never_kept(app):
    for answer in ("Maya", "Ana"):
        html = kept.kept_html("part", "en", caller=lambda a=answer: a, keep=False)
        assert html == answer
    assert app.extensions["kept_parts"].parts == {}


def test_placeholders_are_filled_in_each_time_and_kept_as_placeholders(app):
    placeholder = Markup("<!--token-->")
    renders = []
    for token in ("first", "second"):
        html = kept.kept_part(
            ("form",), _render(placeholder, renders), fill={placeholder: Markup(token)}
        )
        assert html == f"<p>{token}</p>"
    assert renders == [placeholder]
    assert app.extensions["kept_parts"].parts == {("form",): "<p><!--token--></p>"}


def test_each_app_keeps_its_own_parts(app):
    kept.kept_html("part", caller=lambda: "this app's")
    other = create_app(conftest.test_config(app.config["SQLALCHEMY_DATABASE_URI"]))
    with other.app_context():
        assert kept.kept_html("part", caller=lambda: "the other's") == "the other's"
    assert kept.kept_html("part", caller=lambda: "again") == "this app's"


def test_the_kept_parts_are_bounded_by_their_characters():
    parts = kept.KeptParts(characters_at_most=10)
    for number in range(10):
        parts.keep((number,), Markup("abcd"))
        assert parts.characters == 4 * len(parts.parts) <= 10
    parts.keep((9,), Markup("ab"))
    assert parts.characters == 4 * (len(parts.parts) - 1) + 2


def test_a_process_set_to_keep_nothing_renders_every_view(migrated_sqlite, tmp_path):
    config = conftest.test_config(f"sqlite:///{migrated_sqlite}") | {"KEPT_HTML_CHARACTERS": 0}
    renders = []
    with create_app(config, instance_path=str(tmp_path)).app_context():
        for _ in range(2):
            kept.kept_html("part", caller=_render("one", renders))
    assert renders == ["one", "one"]

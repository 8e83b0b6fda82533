"""Parts of pages kept by each web process under a key of everything they show."""

from __future__ import annotations

from web import kept_html as kept


def test_a_part_is_rendered_once_per_key_and_lists_count_by_their_items(monkeypatch):
    monkeypatch.setattr(kept, "_kept", {})
    renders = []

    def render(text):
        def caller():
            renders.append(text)
            return f"<p>{text}</p>"

        return caller

    first = kept.kept_html("part", "en", [1, 2], caller=render("one"))
    again = kept.kept_html("part", "en", [1, 2], caller=render("two"))
    other = kept.kept_html("part", "es", [1, 2], caller=render("tres"))
    assert first == again == "<p>one</p>" and other == "<p>tres</p>"
    assert renders == ["one", "tres"]
    assert first.__html__() == "<p>one</p>"  # markup, not text to escape


def test_a_part_not_to_keep_is_rendered_each_time_and_never_kept(monkeypatch):
    monkeypatch.setattr(kept, "_kept", {})
    for answer in ("Maya", "Ana"):
        html = kept.kept_html("part", "en", caller=lambda a=answer: a, keep=False)
        assert html == answer
    assert kept._kept == {}


def test_the_kept_parts_are_bounded(monkeypatch):
    monkeypatch.setattr(kept, "_kept", {})
    monkeypatch.setattr(kept, "KEPT_AT_MOST", 3)
    for number in range(10):
        kept.kept_html("part", number, caller=lambda: "x")
    assert 1 <= len(kept._kept) <= 3

"""Lists that can grow come a page at a time, with links that keep the filters."""

from __future__ import annotations

import re

from tests.conftest import sign_in
from tests.factories import make_apprentice, make_mentor, make_round
from tests.web.api_tokens import bearer_for
from web.extensions import db
from web.models import MatchStatus
from web.services.round_pairs import PAIRS_PER_PAGE

PAIR_ROW = re.compile(r'<tr id="pair-\d+" class="pathways-pair"')


def _big_round(program, pairs: int):
    people = [(make_apprentice(program), make_mentor(), MatchStatus.PROPOSED) for _ in range(pairs)]
    match_round = make_round(program.cohort, people)
    db.session.commit()
    return match_round


def test_round_review_shows_a_page_of_pairs_and_links_the_next(client, program):
    match_round = _big_round(program, PAIRS_PER_PAGE + 7)
    sign_in(client, program.coordinator)
    url = f"/coordinator/rounds/{match_round.id}?sort=mentor&dir=asc"

    first = client.get(url).get_data(as_text=True)
    assert len(PAIR_ROW.findall(first)) == PAIRS_PER_PAGE
    assert "Page 1 of 2" in first
    next_link = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "sort=mentor" in next_link and "page=2" in next_link

    second = client.get(next_link).get_data(as_text=True)
    assert len(PAIR_ROW.findall(second)) == 7
    assert "Page 2 of 2" in second and 'rel="next"' not in second


def test_api_pages_carry_next_links_in_the_body_and_the_link_header(client, program):
    for _ in range(3):
        make_apprentice(program)
    db.session.commit()
    headers = bearer_for(program.partner_a_user)
    url = f"/api/v1/cohorts/{program.cohort.id}/apprentices?per_page=2"

    first = client.get(url, headers=headers)
    assert first.json["total"] == 3 and len(first.json["apprentices"]) == 2
    assert 'rel="next"' in first.headers["Link"]
    second = client.get(first.json["next"], headers=headers)
    assert len(second.json["apprentices"]) == 1
    assert second.json["next"] is None and second.json["prev"]
    seen = {a["id"] for page in (first, second) for a in page.json["apprentices"]}
    assert len(seen) == 3

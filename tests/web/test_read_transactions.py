"""A request that only read ends with COMMIT; one that wrote and failed rolls back."""

from __future__ import annotations

from sqlalchemy import event

from tests.conftest import sign_in
from web.extensions import db
from web.models import PartnerInstitution


def _transaction_ends(app) -> list[str]:
    """'commit' or 'rollback' for each database transaction that ends from now on."""
    ends: list[str] = []
    event.listen(db.engine, "commit", lambda connection: ends.append("commit"))
    event.listen(db.engine, "rollback", lambda connection: ends.append("rollback"))
    return ends


def test_a_page_that_only_reads_ends_its_transaction_with_commit(app, client, program):
    sign_in(client, program.coordinator)
    ends = _transaction_ends(app)

    assert client.get("/coordinator/").status_code == 200

    assert ends == ["commit"]


def test_a_request_that_wrote_without_committing_rolls_back(app, client):
    @app.get("/test-writes-without-committing")
    def writes_without_committing():
        db.session.add(PartnerInstitution(name="Never Saved College", kind="community_college"))
        db.session.flush()
        return "flushed"

    ends = _transaction_ends(app)

    assert client.get("/test-writes-without-committing").get_data(as_text=True) == "flushed"

    db.session.remove()
    assert "commit" not in ends
    assert db.session.query(PartnerInstitution).filter_by(name="Never Saved College").count() == 0


def test_a_request_that_failed_rolls_back_what_it_read_and_wrote(app, client):
    @app.get("/test-fails-after-writing")
    def fails_after_writing():
        db.session.add(PartnerInstitution(name="Failed College", kind="community_college"))
        db.session.flush()
        raise RuntimeError("the view failed")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    ends = _transaction_ends(app)

    assert client.get("/test-fails-after-writing").status_code == 500

    db.session.remove()
    assert "commit" not in ends
    assert db.session.query(PartnerInstitution).filter_by(name="Failed College").count() == 0

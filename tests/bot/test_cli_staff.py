"""`kb export`: drafts two staff members approved in the console written into the knowledge files for the repo."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.app import Services
from bot.cli import main
from intents.staff.desk import Desk
from intents.staff.drafts import approve, draft_entry, draft_phrasings
from knowledge import load_knowledge
from storage import ensure_schema, make_engine, session_scope
from tests.conftest import REPO, WEDNESDAY_10AM


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return root


def _desk(session: Session, services: Services, staff: str) -> Desk:
    return Desk.for_staff(session=session, kb=services.kb, policy=services.policy, now=WEDNESDAY_10AM, staff=staff)


def _approved_drafts(db: str, services: Services) -> None:
    engine = make_engine(db)
    ensure_schema(engine)
    with session_scope(engine) as session:
        phrasings = draft_phrasings(_desk(session, services, "wang"), entry_id="contact_address",
                                    phrasings=["工会的门朝哪开", "服务站地址"])
        entry = draft_entry(_desk(session, services, "wang"), entry_id="contact_parking", intent="contact",
                            answer="服务站门口不能停车，请停在街道办事处院内。", refs=[],
                            phrasings=["服务站能停车吗", "开车去停哪", "车停在哪里", "服务站有停车位吗"])
        for change in (phrasings, entry):
            assert change.id is not None
            approve(_desk(session, services, "li"), change_id=change.id)
    engine.dispose()


def _export(db: str, root: Path) -> str:
    out = io.StringIO()
    assert main(["--db", db, "kb", "export", "--root", str(root)], out) == 0
    return out.getvalue()


def test_kb_export_writes_approved_drafts_into_the_files_once_and_keeps_their_comments(
    tmp_path: Path, knowledge_copy: Path, services: Services
) -> None:
    db = f"sqlite:///{tmp_path}/export.db"
    _approved_drafts(db, services)
    contact = knowledge_copy / "faq" / "contact.toml"
    comments = [line for line in contact.read_text(encoding="utf-8").splitlines() if line.startswith("#")]

    assert "contact.toml: 2 change(s)" in _export(db, knowledge_copy)  # one phrasing (the other is known), one entry

    text = contact.read_text(encoding="utf-8")
    assert all(line in text for line in comments)
    assert text.count("服务站地址") == 1
    exported = load_knowledge(knowledge_copy)
    address, parking = exported.entry("contact_address"), exported.entry("contact_parking")
    assert address is not None and "工会的门朝哪开" in address.phrasings
    assert parking is not None and parking.intent == "contact" and "街道办事处院内" in parking.answer
    assert parking.reviewed is not None and parking.reviewed.isoformat() == "2026-11-25"
    assert "kb export: 0 change(s)" in _export(db, knowledge_copy)
    assert contact.read_text(encoding="utf-8") == text


def test_kb_export_leaves_drafts_still_waiting_for_approval_out(
    tmp_path: Path, knowledge_copy: Path, services: Services
) -> None:
    db = f"sqlite:///{tmp_path}/pending.db"
    engine = make_engine(db)
    ensure_schema(engine)
    with session_scope(engine) as session:
        draft_phrasings(_desk(session, services, "wang"), entry_id="contact_address", phrasings=["工会的门朝哪开"])
    engine.dispose()
    before = (knowledge_copy / "faq" / "contact.toml").read_text(encoding="utf-8")
    assert "kb export: 0 change(s)" in _export(db, knowledge_copy)
    assert (knowledge_copy / "faq" / "contact.toml").read_text(encoding="utf-8") == before

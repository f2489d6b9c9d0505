"""The worker's state directory without a catalog: its lease log and its working directories."""
from __future__ import annotations

import json
import os
import uuid

import pytest

from scaleout_catalog.worker import state as state_module
from scaleout_catalog.worker.state import WorkerState


def _lease(n: int) -> tuple[uuid.UUID, uuid.UUID, int, int]:
    return uuid.UUID(int=n), uuid.UUID(int=1000 + n), 100 + n, 1


def test_the_leases_held_when_a_worker_ends_are_there_for_the_next_one(tmp_path):
    first = WorkerState(tmp_path)
    for n in (1, 2, 3):
        first.remember_lease(*_lease(n))
    first.forget_lease(uuid.UUID(int=2))
    first.forget_lease(uuid.UUID(int=99))           # never held: nothing to note
    first.close()                                   # as a crash would leave it: nothing settled

    second = WorkerState(tmp_path)
    assert [(h["task_id"], h["lease_token"], h["execution_id"], h["attempt"]) for h in second.leftover_leases()] == [
        (str(uuid.UUID(int=n)), str(uuid.UUID(int=1000 + n)), 100 + n, 1) for n in (1, 3)]
    second.forget_lease(uuid.UUID(int=1))           # settled
    second.remember_lease(*_lease(4))
    second.close()

    third = WorkerState(tmp_path)
    assert [h["execution_id"] for h in third.leftover_leases()] == [103, 104]
    third.close()
    # rewritten at each start with the open leases only
    lines = (tmp_path / "leases.log").read_text().splitlines()
    assert sorted(json.loads(line)["held"]["execution_id"] for line in lines) == [103, 104]


def test_a_line_cut_short_and_an_older_versions_lease_files_are_read(tmp_path):
    older = tmp_path / "leases"
    older.mkdir()
    task, token = uuid.UUID(int=7), uuid.UUID(int=8)
    (older / f"{task}.json").write_text(json.dumps({"task_id": str(task), "lease_token": str(token),
                                                    "execution_id": 70, "attempt": 2}))
    (older / "garbage.json").write_text("{not json")
    (tmp_path / "leases.log").write_text(json.dumps({"held": {"task_id": str(uuid.UUID(int=9)),
                                                              "lease_token": str(uuid.UUID(int=10)),
                                                              "execution_id": 90, "attempt": 1}})
                                         + '\n{"done": "00000000-0000-0000-0000-0000000000\n{"held": ')
    state = WorkerState(tmp_path)
    try:
        assert [h["execution_id"] for h in state.leftover_leases()] == [70, 90]
        assert not older.exists()                   # taken over into leases.log
    finally:
        state.close()


def test_the_lease_log_is_rewritten_when_it_grows(tmp_path, monkeypatch):
    monkeypatch.setattr(state_module, "LEASE_LOG_LIMIT", 4096)
    state = WorkerState(tmp_path)
    try:
        state.remember_lease(*_lease(1))            # held throughout
        for n in range(2, 200):
            state.remember_lease(*_lease(n))
            state.forget_lease(uuid.UUID(int=n))
        assert (tmp_path / "leases.log").stat().st_size <= 4096
    finally:
        state.close()
    again = WorkerState(tmp_path)
    try:
        assert [h["execution_id"] for h in again.leftover_leases()] == [101]
    finally:
        again.close()


def test_each_attempt_gets_a_new_empty_working_directory(tmp_path):
    state = WorkerState(tmp_path)
    try:
        state.prepare_working_directories(2)
        ready = sorted(p.name for p in (tmp_path / "work").iterdir())
        assert len(ready) == 2 and all(name.startswith(".ready-") for name in ready)
        first = state.working_directory(1, 1)
        assert first == tmp_path / "work" / "1-1" and list(first.iterdir()) == []
        inode = first.stat().st_ino
        (first / "left.txt").write_text("by the package")
        state.remove_working_directory(first)
        second = state.working_directory(1, 2)
        assert list(second.iterdir()) == [] and second.stat().st_ino != inode
        third = state.working_directory(2, 1)       # the pool is empty now: made on the spot
        (tmp_path / "work" / "3-1").mkdir()          # a leftover of a crash, not empty
        (tmp_path / "work" / "3-1" / "old.txt").write_text("stale")
        state.prepare_working_directories(1)
        fourth = state.working_directory(3, 1)
        assert list(fourth.iterdir()) == [] and third.is_dir()
    finally:
        state.close()
    assert not [p for p in (tmp_path / "work").iterdir() if p.name.startswith(".ready-")]


def test_working_directories_made_ahead_by_an_earlier_run_are_removed(tmp_path):
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / ".ready-leftover").mkdir()
    state = WorkerState(tmp_path)
    try:
        assert not (tmp_path / "work" / ".ready-leftover").exists()
    finally:
        state.close()


@pytest.mark.parametrize("count", [0, 3])
def test_prepare_working_directories_makes_up_to_count(tmp_path, count):
    state = WorkerState(tmp_path)
    try:
        state.prepare_working_directories(count)
        state.prepare_working_directories(count)
        assert len([p for p in os.listdir(tmp_path / "work") if p.startswith(".ready-")]) == count
    finally:
        state.close()


def test_a_damaged_lease_log_is_skipped_line_by_line(tmp_path):
    good = {"task_id": str(uuid.UUID(int=1)), "lease_token": str(uuid.UUID(int=2)), "execution_id": 10, "attempt": 1}
    bad = [
        {"held": {**good, "task_id": "nonsense"}},
        {"held": {**good, "lease_token": None}},
        {"held": {**good, "execution_id": "10; DROP TABLE x"}},
        {"held": {**good, "attempt": 1.5}},
        {"held": {k: v for k, v in good.items() if k != "attempt"}},
        {"held": "<script>"},
        {"done": 42},
        ["held"],
        "held",
        17,
        None,
    ]
    lines = [json.dumps(b) for b in bad] + ["\x00\x01 not json", "x" * 100_000, json.dumps({"held": good})]
    (tmp_path / "leases.log").write_text("\n".join(lines) + "\n")
    state = WorkerState(tmp_path)
    try:
        assert state.leftover_leases() == [good]
    finally:
        state.close()

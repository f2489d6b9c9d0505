"""The SSIS Scale Out set-up walkthrough's last step, literally: enable the worker by its id."""
from __future__ import annotations

import uuid

import pytest

from scaleout_catalog import errors

WORKER_ID = "6583054A-E915-4C2A-80E4-C765E79EF61D"


def test_register_then_enable_worker_as_in_the_walkthrough(catalog):
    # The worker registers through the worker procedure (the Scale Out Worker service does this at start).
    status = catalog.update_worker_agent_status(WORKER_ID, "computerA")
    assert status.is_enabled is False

    # SELECT WorkerAgentId, MachineName FROM [catalog].[worker_agents]
    rows = catalog.query("SELECT WorkerAgentId, MachineName, IsEnabled FROM catalog.worker_agents")
    assert len(rows) == 1
    row = {k.lower(): v for k, v in rows[0].items()}
    assert str(row["workeragentid"]).upper() == WORKER_ID
    assert row["machinename"] == "computerA"
    assert row["isenabled"] == 0

    # EXEC [catalog].[enable_worker_agent] '6583054A-E915-4C2A-80E4-C765E79EF61D'
    catalog.enable_worker_agent(WORKER_ID)
    agent = catalog.worker_agent(WORKER_ID)
    assert agent.is_enabled is True
    assert agent.is_online is True
    assert agent.machine_name == "computerA"


def test_enable_unknown_worker_raises_27243(catalog):
    with pytest.raises(errors.WorkerAgentNotFound) as info:
        catalog.enable_worker_agent(uuid.uuid4())
    assert info.value.number == 27243


def test_enable_null_worker_raises_27100(catalog):
    with pytest.raises(errors.NullArgument) as info:
        catalog.enable_worker_agent(None)
    assert info.value.number == 27100

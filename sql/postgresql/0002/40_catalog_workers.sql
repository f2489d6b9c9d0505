-- scaleout_catalog, PostgreSQL, revision 0002: worker management.

-- Refused while the worker runs tasks, or while it is the only worker that may run an execution
-- that has not ended (useanyworker = 0): that execution would wait forever (SSIS pain point).
CREATE OR REPLACE PROCEDURE catalog.delete_worker_agent(worker_agent_id uuid)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_orphans text;
BEGIN
    PERFORM internal.require_worker_agent_id(delete_worker_agent.worker_agent_id, 'worker_agent_id');
    PERFORM internal.require_admin('delete a worker agent');
    IF EXISTS (SELECT 1 FROM internal.tasks
               WHERE worker_agent_id = delete_worker_agent.worker_agent_id AND status = 2) THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The worker agent ''%s'' is running tasks and cannot be deleted now. '
            'Disable it with catalog.disable_worker_agent, wait for catalog.worker_agents.RunningTasks = 0, then delete it.',
            delete_worker_agent.worker_agent_id));
    END IF;
    SELECT string_agg(e.execution_id::text, ', ' ORDER BY e.execution_id) INTO v_orphans
    FROM internal.job_worker_agents AS j
    JOIN internal.executions AS e ON e.job_id = j.job_id
    JOIN internal.operations AS o ON o.operation_id = e.execution_id
    WHERE j.worker_agent_id = delete_worker_agent.worker_agent_id AND o.end_time IS NULL
      AND NOT EXISTS (SELECT 1 FROM internal.job_worker_agents AS k
                      WHERE k.job_id = j.job_id AND k.worker_agent_id <> j.worker_agent_id);
    IF v_orphans IS NOT NULL THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The worker agent ''%s'' is the only worker that may run executions %s, which have not ended. '
            'Add another worker to them with catalog.add_execution_worker, or stop them with catalog.stop_operation, '
            'then delete it.', delete_worker_agent.worker_agent_id, v_orphans));
    END IF;
    DELETE FROM internal.job_worker_agents WHERE worker_agent_id = delete_worker_agent.worker_agent_id;
    DELETE FROM internal.worker_agents WHERE worker_agent_id = delete_worker_agent.worker_agent_id;
    IF NOT FOUND THEN
        PERFORM internal.worker_agent_not_found(delete_worker_agent.worker_agent_id);
    END IF;
END
$$;

-- DisplayName follows the rules for names; Description and Tags may hold anything but control
-- characters other than tab and line breaks.
CREATE OR REPLACE PROCEDURE catalog.set_worker_agent_property(worker_agent_id uuid, property_name text, property_value text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    PERFORM internal.require_worker_agent_id(set_worker_agent_property.worker_agent_id, 'worker_agent_id');
    PERFORM internal.require_not_null(set_worker_agent_property.property_name, 'property_name');
    IF set_worker_agent_property.property_name NOT IN ('DisplayName', 'Description', 'Tags') THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value ''%s'' for property_name is not supported. Supported values are DisplayName, Description and Tags.',
            set_worker_agent_property.property_name));
    END IF;
    IF set_worker_agent_property.property_name = 'DisplayName' THEN
        PERFORM internal.require_valid_name(set_worker_agent_property.property_value, 'DisplayName', 256);
    ELSIF internal.has_control_characters(set_worker_agent_property.property_value, true)
          OR length(set_worker_agent_property.property_value) > 4000 THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for %s is not valid: it has up to 4000 characters and no control characters other than '
            'tab and line breaks.', set_worker_agent_property.property_name));
    END IF;
    PERFORM internal.require_admin('set a worker agent property');
    UPDATE internal.worker_agents
    SET display_name = CASE WHEN set_worker_agent_property.property_name = 'DisplayName'
                            THEN set_worker_agent_property.property_value ELSE display_name END,
        description  = CASE WHEN set_worker_agent_property.property_name = 'Description'
                            THEN set_worker_agent_property.property_value ELSE description END,
        tags         = CASE WHEN set_worker_agent_property.property_name = 'Tags'
                            THEN set_worker_agent_property.property_value ELSE tags END
    WHERE worker_agent_id = set_worker_agent_property.worker_agent_id;
    IF NOT FOUND THEN
        PERFORM internal.worker_agent_not_found(set_worker_agent_property.worker_agent_id);
    END IF;
END
$$;

-- scaleout_catalog, PostgreSQL, revision 0010: SSIS's system parameters that an execution leaves at their
-- defaults are no longer stored. Six rows an execution, each with two index entries and a foreign-key
-- check, were more than half of what catalog.create_and_start_executions wrote (benchmarks/peers.py).
-- A system parameter's row is stored only when a value is set for it (set_execution_parameter_value,
-- an element's or a schedule's parameters); internal.all_execution_parameter_values adds the others, and
-- catalog.execution_parameter_values and set_execution_parameter_value read through it (the claim carries
-- project and package parameters only, 50_internal_worker.sql). LOGGING_LEVEL's default is the server's
-- when the execution is created, kept in internal.executions.logging_level. Executions created before
-- this revision have all six rows stored and logging_level NULL.

-- SSIS's system parameters with their defaults, in SSIS's order; LOGGING_LEVEL's is the server's now.
CREATE VIEW internal.system_parameter_defaults AS
SELECT s.ordinal, s.name, s.data_type, s.value
FROM (VALUES (1, 'LOGGING_LEVEL', 'Int32', (SELECT p.property_value FROM internal.catalog_properties AS p
                                            WHERE p.property_name = 'SERVER_LOGGING_LEVEL')),
             (2, 'DUMP_ON_ERROR', 'Boolean', '0'),
             (3, 'DUMP_ON_EVENT', 'Boolean', '0'),
             (4, 'DUMP_EVENT_CODE', 'String', '0'),
             (5, 'CALLER_INFO', 'String', NULL),
             (6, 'SYNCHRONIZED', 'Boolean', '0')) AS s (ordinal, name, data_type, value);

-- As in revision 0009 (inlined into its callers), from the list above.
CREATE OR REPLACE FUNCTION internal.system_parameters()
RETURNS TABLE (name text, data_type text, value text)
LANGUAGE sql STABLE
ROWS 6
AS $$
    SELECT d.name, d.data_type, d.value FROM internal.system_parameter_defaults AS d
$$;

-- Every parameter value of every execution: the stored rows, and the system parameters an execution
-- created since revision 0010 leaves at their defaults. Those have no row, so their
-- execution_parameter_id is made up, negative and stable: -(execution_id * 10 + the parameter's ordinal).
CREATE VIEW internal.all_execution_parameter_values AS
SELECT v.execution_parameter_id, v.execution_id, v.object_type, v.parameter_data_type, v.parameter_name,
       v.parameter_value, v.sensitive_parameter_value, v.sensitive, v.required, v.value_set, v.runtime_override
FROM internal.execution_parameter_values AS v
UNION ALL
SELECT -(e.execution_id * 10 + y.ordinal), e.execution_id, 50::smallint, y.data_type, y.name,
       CASE WHEN y.ordinal = 1 THEN e.logging_level::text ELSE y.value END, NULL::bytea, false, false, true, false
FROM internal.executions AS e
CROSS JOIN internal.system_parameter_defaults AS y
WHERE e.logging_level IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM internal.execution_parameter_values AS s
                  WHERE s.execution_id = e.execution_id AND s.object_type = 50 AND s.parameter_name = y.name);

-- Creates and queues the schedule's execution, as create_execution and start_execution would for its
-- owner: its values from the environment reference, the project and the schedule, in SSIS's order.
-- The caller has checked internal.schedule_problem in the same transaction.
CREATE OR REPLACE FUNCTION internal.start_scheduled_execution(p_schedule_id bigint)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_s       internal.schedules;
    v_project internal.projects;
    v_ref     internal.environment_references;
    v_env_id  bigint;
    v_id      bigint;
    v_job_id  uuid := gen_random_uuid();
BEGIN
    SELECT * INTO v_s FROM internal.schedules WHERE schedule_id = p_schedule_id;
    SELECT p.* INTO v_project FROM internal.projects AS p JOIN internal.folders AS f ON f.folder_id = p.folder_id
    WHERE f.name = v_s.folder_name AND p.name = v_s.project_name;
    IF v_s.reference_id IS NOT NULL THEN
        SELECT * INTO v_ref FROM internal.environment_references WHERE reference_id = v_s.reference_id;
        v_env_id := internal.referenced_environment_id(v_s.reference_id);
    END IF;
    INSERT INTO internal.operations (operation_type, object_type, object_id, object_name, status, start_time,
        caller_name, machine_name, server_name)
    VALUES (200, 20, v_project.project_id, v_s.project_name, 5, now(), v_s.owner_name, '', inet_server_addr()::text)
    RETURNING operation_id INTO v_id;
    INSERT INTO internal.jobs (job_id, job_type, input_data, creator, use_all_worker_agents)
    VALUES (v_job_id, 1, '[{"name":"use32bitruntime","value":"0"}]', v_s.owner_name, v_s.worker_agent_id IS NULL);
    IF v_s.worker_agent_id IS NOT NULL THEN
        INSERT INTO internal.job_worker_agents (job_id, worker_agent_id) VALUES (v_job_id, v_s.worker_agent_id);
    END IF;
    INSERT INTO internal.executions (execution_id, folder_name, project_name, package_name, project_id, project_lsn,
        use32bitruntime, executed_as_name, job_id, reference_id, reference_type, environment_folder_name, environment_name,
        logging_level)
    VALUES (v_id, v_s.folder_name, v_s.project_name, v_s.package_name, v_project.project_id, v_project.object_version_lsn,
            false, v_s.owner_name, v_job_id, v_ref.reference_id, v_ref.reference_type, v_ref.environment_folder_name,
            v_ref.environment_name, internal.catalog_property_int('SERVER_LOGGING_LEVEL'));
    -- Project and package parameters with their starting values, each with the schedule's value where it
    -- gives one; of SSIS's system parameters only those the schedule sets.
    INSERT INTO internal.execution_parameter_values (execution_id, object_type, parameter_data_type,
        parameter_name, parameter_value, sensitive_parameter_value, sensitive, required, value_set, runtime_override)
    SELECT v_id, d.object_type, d.data_type, d.parameter_name,
           CASE WHEN d.sensitive THEN NULL WHEN g.schedule_id IS NOT NULL THEN g.parameter_value ELSE d.parameter_value END,
           CASE WHEN NOT d.sensitive THEN NULL
                WHEN g.sensitive THEN g.sensitive_parameter_value
                WHEN g.schedule_id IS NOT NULL THEN internal.encrypt_sensitive(g.parameter_value)
                ELSE d.sensitive_parameter_value END,
           d.sensitive, d.required, g.schedule_id IS NOT NULL OR d.value_set, g.schedule_id IS NOT NULL
    FROM (
        SELECT v.object_type, v.data_type, v.parameter_name, v.parameter_value, v.sensitive_parameter_value,
               v.sensitive, v.required, v.value_set
        FROM internal.starting_parameter_values(v_project.object_version_lsn, v_s.package_name, v_env_id) AS v
        UNION ALL
        SELECT 50::smallint, y.data_type, y.name, y.value, NULL::bytea, false, false, true
        FROM internal.system_parameters() AS y
        WHERE EXISTS (SELECT 1 FROM internal.schedule_parameter_values AS s
                      WHERE s.schedule_id = p_schedule_id AND s.object_type = 50 AND s.parameter_name = y.name)
    ) AS d
    LEFT JOIN internal.schedule_parameter_values AS g
        ON g.schedule_id = p_schedule_id AND g.object_type = d.object_type AND g.parameter_name = d.parameter_name;
    INSERT INTO internal.tasks (task_id, job_id, execution_id, task_type, input_data, max_executed_count,
        status, priority, use_any_worker, ready_for_dispatch_time)
    VALUES (gen_random_uuid(), v_job_id, v_id, 0, pg_catalog.format('[{"name":"execution_id","value":"%s"}]', v_id),
            v_s.retry_count + 1, 1, 0, v_s.worker_agent_id IS NULL, now());
    PERFORM pg_notify('scaleout_task_queued', v_id::text);
    RETURN v_id;
END
$$;


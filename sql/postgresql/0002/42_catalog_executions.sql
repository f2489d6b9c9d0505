-- scaleout_catalog, PostgreSQL, revision 0002: an execution no worker may run is refused at start.

CREATE OR REPLACE PROCEDURE catalog.start_execution(execution_id bigint, retry_count integer DEFAULT 0)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_op      internal.operations;
    v_exec    internal.executions;
    v_job     internal.jobs;
    v_missing text;
BEGIN
    IF start_execution.execution_id IS NULL THEN
        PERFORM internal.raise_error(27138, 'The execution_id cannot be NULL. Pass the id that catalog.create_execution returned.');
    END IF;
    IF start_execution.execution_id <= 0 THEN
        PERFORM internal.raise_error(27101, 'The value for execution_id is not valid: it is a positive number from catalog.create_execution.');
    END IF;
    IF start_execution.retry_count IS NULL OR start_execution.retry_count < 0 OR start_execution.retry_count > 100 THEN
        PERFORM internal.raise_error(27101, 'The value for retry_count is not valid. Pass a whole number from 0 to 100.');
    END IF;
    v_op := internal.execution_for_caller(start_execution.execution_id);
    IF v_op.status <> 1 THEN
        PERFORM internal.raise_error(27224, pg_catalog.format(
            'The execution %s has already been started or has completed. An execution runs once; create a new one.',
            start_execution.execution_id));
    END IF;
    SELECT * INTO v_exec FROM internal.executions AS e WHERE e.execution_id = start_execution.execution_id;
    IF v_exec.job_id IS NULL THEN
        PERFORM internal.raise_error(27255,
            'The job id of the execution is null. Create a job for the execution first and try again.');
    END IF;
    IF v_exec.project_lsn IS DISTINCT FROM (SELECT object_version_lsn FROM internal.projects WHERE project_id = v_exec.project_id) THEN
        PERFORM internal.raise_error(27150, pg_catalog.format(
            'The project ''%s'' was redeployed after execution %s was created. Create a new execution to run the current version.',
            v_exec.project_name, start_execution.execution_id));
    END IF;
    SELECT string_agg(parameter_name, ', ' ORDER BY parameter_name) INTO v_missing
    FROM internal.execution_parameter_values AS v
    WHERE v.execution_id = start_execution.execution_id AND v.required AND NOT v.value_set;
    IF v_missing IS NOT NULL THEN
        PERFORM internal.raise_error(27184, pg_catalog.format(
            'The execution %s cannot start: required parameters have no value: %s. '
            'Set them with catalog.set_execution_parameter_value.', start_execution.execution_id, v_missing));
    END IF;

    SELECT * INTO v_job FROM internal.jobs WHERE job_id = v_exec.job_id;
    -- An execution for chosen workers that none of them can ever run would wait forever (SSIS pain point):
    -- at least one of them must exist and be enabled. Whether it is online is left to time.
    IF NOT v_job.use_all_worker_agents AND NOT EXISTS (
        SELECT 1 FROM internal.job_worker_agents AS j
        JOIN internal.worker_agents AS w ON w.worker_agent_id = j.worker_agent_id
        WHERE j.job_id = v_job.job_id AND w.is_enabled) THEN
        PERFORM internal.raise_error(27257, pg_catalog.format(
            'There is no active worker agent for execution %s: none of the workers added with '
            'catalog.add_execution_worker is enabled. Enable one with catalog.enable_worker_agent, or add an enabled '
            'worker, then start it again.', start_execution.execution_id));
    END IF;
    UPDATE internal.operations SET status = 5, start_time = now(), machine_name = '', server_name = inet_server_addr()::text
    WHERE operation_id = start_execution.execution_id;
    INSERT INTO internal.tasks (task_id, job_id, execution_id, task_type, input_data, max_executed_count,
        status, priority, use_any_worker, ready_for_dispatch_time)
    VALUES (gen_random_uuid(), v_job.job_id, start_execution.execution_id, 0,
            pg_catalog.format('[{"name":"execution_id","value":"%s"}]', start_execution.execution_id),
            start_execution.retry_count + 1, 1, v_job.priority, v_job.use_all_worker_agents, now());
    -- Wakes listening workers at commit; workers also poll, so a missed signal only delays.
    PERFORM pg_notify('scaleout_task_queued', start_execution.execution_id::text);
END
$$;

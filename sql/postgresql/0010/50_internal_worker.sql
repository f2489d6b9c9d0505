-- scaleout_catalog, PostgreSQL, revision 0010: the claim, the reconciliation and get_task_parameters carry
-- the values the package process reads, its project and package parameters (object_type 20 and 30).
-- SSIS's system parameters (50) are the catalog's settings of the execution, shown in
-- catalog.execution_parameter_values; no package reads them, and six more JSON objects a task were a third
-- of a claim's time in the server (benchmarks/claim_throughput.py). Otherwise as in revisions 0003 and 0001.

CREATE OR REPLACE FUNCTION internal.pull_task(worker_agent_id uuid, max_tasks integer DEFAULT 1)
RETURNS TABLE (task_id uuid, execution_id bigint, lease_token uuid, executed_count integer,
               max_executed_count integer, expired_time timestamptz, input_data text,
               package_name text, entry_point text, project_checksum text, parameters text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_worker internal.worker_agents;
    v_lease  interval;
BEGIN
    IF pull_task.max_tasks IS NULL OR pull_task.max_tasks NOT BETWEEN 1 AND 1000 THEN
        PERFORM internal.raise_error(27101, 'The value for max_tasks is not valid. Pass a whole number from 1 to 1000.');
    END IF;
    v_worker := internal.authorize_worker(pull_task.worker_agent_id, true);
    PERFORM internal.take_pulse();
    v_lease := make_interval(secs => internal.catalog_property_int('WORKER_LEASE_SECONDS'));
    RETURN QUERY
    WITH picked AS (
        SELECT t.task_id
        FROM internal.tasks AS t
        WHERE t.status = 1
          AND (t.use_any_worker
               OR EXISTS (SELECT 1 FROM internal.job_worker_agents AS j
                          WHERE j.job_id = t.job_id AND j.worker_agent_id = pull_task.worker_agent_id))
        ORDER BY t.priority DESC, t.ready_for_dispatch_time, t.task_id
        LIMIT pull_task.max_tasks
        FOR UPDATE SKIP LOCKED
    ), claimed AS (
        UPDATE internal.tasks AS t
        SET status = 2, executed_count = t.executed_count + 1, worker_agent_id = pull_task.worker_agent_id,
            ready_for_dispatch_time = NULL, expired_time = now() + v_lease, last_pickup_time = now(),
            lease_token = gen_random_uuid(), last_updated_time = now()
        FROM picked
        WHERE t.task_id = picked.task_id
        RETURNING t.task_id, t.execution_id, t.lease_token, t.executed_count, t.max_executed_count,
                  t.expired_time, t.input_data
    ), ops AS (
        UPDATE internal.operations AS o
        SET status = 2, worker_agent_id = pull_task.worker_agent_id, machine_name = v_worker.machine_name,
            executed_count = claimed.executed_count
        FROM claimed
        WHERE o.operation_id = claimed.execution_id
    ), attempts AS (
        INSERT INTO internal.task_attempts (lease_token, task_id, execution_id, attempt, worker_agent_id)
        SELECT claimed.lease_token, claimed.task_id, claimed.execution_id, claimed.executed_count, pull_task.worker_agent_id
        FROM claimed
    )
    SELECT c.task_id, c.execution_id, c.lease_token, c.executed_count, c.max_executed_count, c.expired_time,
           c.input_data, e.package_name, k.entry_point, ov.project_checksum, coalesce(p.parameters, '[]')
    FROM claimed AS c
    JOIN internal.executions AS e ON e.execution_id = c.execution_id
    JOIN internal.object_versions AS ov ON ov.object_version_lsn = e.project_lsn
    JOIN internal.packages AS k ON k.project_version_lsn = e.project_lsn AND k.name = e.package_name
    LEFT JOIN LATERAL (   -- the parameter values, sensitive ones decrypted (the lease was just checked)
        SELECT json_agg(json_build_object(
                   'object_type', v.object_type, 'parameter_name', v.parameter_name,
                   'parameter_data_type', v.parameter_data_type,
                   'parameter_value', CASE WHEN v.sensitive THEN internal.decrypt_sensitive(v.sensitive_parameter_value)
                                           ELSE v.parameter_value END,
                   'sensitive', v.sensitive)
               ORDER BY v.object_type, v.parameter_name)::text AS parameters
        FROM internal.execution_parameter_values AS v
        WHERE v.execution_id = e.execution_id AND v.object_type IN (20, 30)) AS p ON true;
END
$$;

-- Reconciliation: the tasks the catalog thinks this worker holds, with their leases renewed.
-- A worker calls it on start and after every reconnect, and adopts what it does not know (a claim
-- whose reply was lost) or forgets what it no longer holds; a lost reply then costs nothing.
CREATE OR REPLACE FUNCTION internal.get_held_tasks(worker_agent_id uuid)
RETURNS TABLE (task_id uuid, execution_id bigint, lease_token uuid, executed_count integer,
               max_executed_count integer, expired_time timestamptz, input_data text,
               package_name text, entry_point text, project_checksum text, parameters text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    PERFORM internal.authorize_worker(get_held_tasks.worker_agent_id, false);
    PERFORM internal.take_pulse();
    RETURN QUERY
    WITH held AS (
        UPDATE internal.tasks AS t
        SET expired_time = now() + make_interval(secs => internal.catalog_property_int('WORKER_LEASE_SECONDS')),
            last_updated_time = now()
        WHERE t.status = 2 AND t.worker_agent_id = get_held_tasks.worker_agent_id
        RETURNING t.task_id, t.execution_id, t.lease_token, t.executed_count, t.max_executed_count,
                  t.expired_time, t.input_data
    )
    SELECT h.task_id, h.execution_id, h.lease_token, h.executed_count, h.max_executed_count, h.expired_time,
           h.input_data, e.package_name, k.entry_point, ov.project_checksum, coalesce(p.parameters, '[]')
    FROM held AS h
    JOIN internal.executions AS e ON e.execution_id = h.execution_id
    JOIN internal.object_versions AS ov ON ov.object_version_lsn = e.project_lsn
    JOIN internal.packages AS k ON k.project_version_lsn = e.project_lsn AND k.name = e.package_name
    LEFT JOIN LATERAL (   -- the parameter values, sensitive ones decrypted (the lease was just checked)
        SELECT json_agg(json_build_object(
                   'object_type', v.object_type, 'parameter_name', v.parameter_name,
                   'parameter_data_type', v.parameter_data_type,
                   'parameter_value', CASE WHEN v.sensitive THEN internal.decrypt_sensitive(v.sensitive_parameter_value)
                                           ELSE v.parameter_value END,
                   'sensitive', v.sensitive)
               ORDER BY v.object_type, v.parameter_name)::text AS parameters
        FROM internal.execution_parameter_values AS v
        WHERE v.execution_id = e.execution_id AND v.object_type IN (20, 30)) AS p ON true
    ORDER BY h.executed_count, h.execution_id;
END
$$;

-- The parameter values of a claimed task, sensitive ones included: this is the
-- only place they leave the catalog, and only to the worker holding the lease.
CREATE OR REPLACE FUNCTION internal.get_task_parameters(worker_agent_id uuid, task_id uuid, lease_token uuid)
RETURNS TABLE (object_type smallint, parameter_name text, parameter_data_type text, parameter_value text, sensitive boolean)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_task internal.tasks;
BEGIN
    PERFORM internal.authorize_worker(get_task_parameters.worker_agent_id, false);
    v_task := internal.held_task(get_task_parameters.worker_agent_id, get_task_parameters.task_id,
                                 get_task_parameters.lease_token, false);
    RETURN QUERY
    SELECT v.object_type, v.parameter_name, v.parameter_data_type,
           CASE WHEN v.sensitive THEN internal.decrypt_sensitive(v.sensitive_parameter_value) ELSE v.parameter_value END,
           v.sensitive
    FROM internal.execution_parameter_values AS v
    WHERE v.execution_id = v_task.execution_id AND v.object_type IN (20, 30)
    ORDER BY v.object_type, v.parameter_name;
END
$$;

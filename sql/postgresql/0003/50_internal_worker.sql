-- scaleout_catalog, PostgreSQL, revision 0003: one round trip starts a task. The claim (and the
-- reconciliation) returns what the task runs: package, entry point, the archive's checksum (the
-- worker caches archives by it) and the parameter values, sensitive ones decrypted, to the lease
-- holder only, as get_task_parameters does. get_task_package and get_task_parameters stay, for an
-- archive not yet cached and for workers of earlier releases.

DROP FUNCTION internal.pull_task(uuid, integer);
-- Claims up to max_tasks queued tasks in one statement: priority first, then age.
-- SKIP LOCKED lets any number of workers claim at once without waiting on each other.
CREATE FUNCTION internal.pull_task(worker_agent_id uuid, max_tasks integer DEFAULT 1)
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
        WHERE v.execution_id = e.execution_id) AS p ON true;
END
$$;

DROP FUNCTION internal.get_held_tasks(uuid);
-- Reconciliation: the tasks the catalog thinks this worker holds, with their leases renewed.
-- A worker calls it on start and after every reconnect, and adopts what it does not know (a claim
-- whose reply was lost) or forgets what it no longer holds; a lost reply then costs nothing.
CREATE FUNCTION internal.get_held_tasks(worker_agent_id uuid)
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
        WHERE v.execution_id = e.execution_id) AS p ON true
    ORDER BY h.executed_count, h.execution_id;
END
$$;

-- Batched form: tasks is a JSON array of {"task_id", "lease_token", "status"}.
-- Returns one row per input; status is NULL where the lease was stale (refused).
-- The common report, a success on a held task nobody asked to stop, is applied set by set (one
-- statement for the whole batch, rows locked in task_id order); any other goes through
-- apply_task_status one by one, as before.
CREATE OR REPLACE FUNCTION internal.update_tasks_status(worker_agent_id uuid, tasks text)
RETURNS TABLE (task_id uuid, status integer)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    r      record;
    v_done uuid[];
BEGIN
    PERFORM internal.authorize_worker(update_tasks_status.worker_agent_id, false);
    PERFORM internal.require_json_array(update_tasks_status.tasks, 'tasks',
        '[{"task_id": "<uuid>", "lease_token": "<uuid>", "status": 5}]');
    IF EXISTS (SELECT 1 FROM json_to_recordset(update_tasks_status.tasks::json) AS x (task_id uuid, lease_token uuid)
               WHERE x.task_id IS NULL OR x.lease_token IS NULL) THEN
        PERFORM internal.raise_error(27100, 'Every element of tasks needs task_id, lease_token and status. Nothing was reported.');
    END IF;
    IF EXISTS (SELECT 1 FROM json_to_recordset(update_tasks_status.tasks::json) AS x (status integer)
               WHERE x.status IS NULL OR x.status NOT IN (1, 4, 5, 6)) THEN
        PERFORM internal.raise_error(27101,
            'A status in tasks is not supported. Report 5 (succeeded), 4 (failed), 6 (cancelled) or 1 (released). Nothing was reported.');
    END IF;
    WITH input AS (
        SELECT DISTINCT ON (x.task_id) x.task_id, x.lease_token
        FROM json_to_recordset(update_tasks_status.tasks::json) AS x (task_id uuid, lease_token uuid, status integer)
        WHERE x.status = 5
    ), held AS (
        SELECT t.task_id, t.lease_token
        FROM internal.tasks AS t JOIN input AS i ON i.task_id = t.task_id AND i.lease_token = t.lease_token
        WHERE t.status = 2 AND t.worker_agent_id = update_tasks_status.worker_agent_id AND NOT t.is_cancelled
        ORDER BY t.task_id
        FOR UPDATE OF t
    ), attempts AS (
        UPDATE internal.task_attempts AS a SET ended_time = now(), status = 5
        FROM held WHERE a.lease_token = held.lease_token
    ), gone AS (
        DELETE FROM internal.tasks AS t USING held WHERE t.task_id = held.task_id
        RETURNING t.*
    ), moved AS (
        INSERT INTO internal.tasks_history (task_id, job_id, execution_id, task_type, input_data,
            max_executed_count, executed_count, status, priority, use_any_worker, worker_agent_id,
            is_cancelled, last_pickup_time, created_time, last_updated_time)
        SELECT g.task_id, g.job_id, g.execution_id, g.task_type, g.input_data, g.max_executed_count, g.executed_count,
               5, g.priority, g.use_any_worker, g.worker_agent_id, g.is_cancelled, g.last_pickup_time,
               g.created_time, now()
        FROM gone AS g
        RETURNING task_id, execution_id
    ), ended AS (
        UPDATE internal.operations AS o SET status = 7, end_time = now()
        FROM moved WHERE o.operation_id = moved.execution_id AND o.end_time IS NULL
    )
    SELECT coalesce(array_agg(moved.task_id), '{}') INTO v_done FROM moved;
    FOR r IN SELECT x.task_id, x.lease_token, x.status
             FROM json_to_recordset(update_tasks_status.tasks::json) AS x (task_id uuid, lease_token uuid, status integer)
             ORDER BY x.task_id   -- one lock order for every caller
    LOOP
        task_id := r.task_id;
        IF r.status = 5 AND r.task_id = ANY (v_done) THEN
            v_done := array_remove(v_done, r.task_id);   -- a second report of the same task is stale
            status := 5;
        ELSE
            status := internal.apply_task_status(update_tasks_status.worker_agent_id, r.task_id, r.lease_token, r.status, false);
        END IF;
        RETURN NEXT;
    END LOOP;
EXCEPTION
    WHEN data_exception THEN   -- a value of the wrong form or range inside the JSON
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for tasks is not valid: %s. Pass [{"task_id": "<uuid>", "lease_token": "<uuid>", "status": 5}]. '
            'Nothing was reported.', SQLERRM));
END
$$;

-- Retention clean-up, in batches of 1000 operations (as SSISDB's does): however much history has
-- expired, no statement deletes more than a batch's rows and their messages at once. On PostgreSQL the
-- batches share the call's transaction; the rows it locks are old history, which no worker touches.
CREATE OR REPLACE FUNCTION internal.cleanup_server_retention_window()
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cutoff timestamptz;
    v_count  integer := 0;
    v_batch  integer;
BEGIN
    IF (SELECT upper(property_value) FROM internal.catalog_properties WHERE property_name = 'OPERATION_CLEANUP_ENABLED') <> 'TRUE' THEN
        RETURN 0;
    END IF;
    v_cutoff := now() - make_interval(days => internal.catalog_property_int('RETENTION_WINDOW'));
    CREATE TEMP TABLE IF NOT EXISTS scaleout_expired_operations (operation_id bigint PRIMARY KEY, job_id uuid) ON COMMIT DROP;
    LOOP
        TRUNCATE scaleout_expired_operations;
        INSERT INTO scaleout_expired_operations
        SELECT o.operation_id, e.job_id
        FROM internal.operations AS o
        LEFT JOIN internal.executions AS e ON e.execution_id = o.operation_id
        WHERE (o.end_time < v_cutoff OR (o.end_time IS NULL AND o.status = 1 AND o.created_time < v_cutoff))
          AND NOT EXISTS (SELECT 1 FROM internal.tasks AS t WHERE t.execution_id = o.operation_id)
        ORDER BY o.operation_id
        LIMIT 1000;
        DELETE FROM internal.task_attempts WHERE execution_id IN (SELECT operation_id FROM scaleout_expired_operations);
        DELETE FROM internal.tasks_history WHERE execution_id IN (SELECT operation_id FROM scaleout_expired_operations);
        DELETE FROM internal.jobs WHERE job_id IN (SELECT job_id FROM scaleout_expired_operations WHERE job_id IS NOT NULL);
        DELETE FROM internal.operations WHERE operation_id IN (SELECT operation_id FROM scaleout_expired_operations);
        GET DIAGNOSTICS v_batch = ROW_COUNT;
        v_count := v_count + v_batch;
        EXIT WHEN v_batch = 0;
    END LOOP;
    DROP TABLE scaleout_expired_operations;
    RETURN v_count;
END
$$;

-- scaleout_catalog, PostgreSQL, revision 0002: the worker procedures take the catalog's pulse,
-- never reuse an attempt number, check their JSON, and tell a worker which tasks it holds.

-- Registration and heartbeat (SSIS: internal.update_worker_agent_status).
-- An enabled worker that comes back with a different certificate thumbprint (one it did
-- not announce with announce_worker_certificate) is disabled until an admin enables it
-- again; the new thumbprint is shown in catalog.worker_agents for the admin to check.
CREATE OR REPLACE FUNCTION internal.update_worker_agent_status(
    worker_agent_id uuid,
    machine_name text,
    display_name text DEFAULT NULL,
    tags text DEFAULT NULL,
    max_tasks integer DEFAULT NULL,
    certificate_thumbprint text DEFAULT NULL)
RETURNS TABLE (is_enabled integer, lease_seconds integer, online_window_seconds integer, warning text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_worker  internal.worker_agents;
    v_warning text;
BEGIN
    PERFORM internal.require_worker_agent_id(update_worker_agent_status.worker_agent_id, 'worker_agent_id');
    PERFORM internal.require_valid_name(update_worker_agent_status.machine_name, 'machine_name', 256);
    IF update_worker_agent_status.display_name IS NOT NULL THEN
        PERFORM internal.require_valid_name(update_worker_agent_status.display_name, 'display_name', 256);
    END IF;
    IF internal.has_control_characters(update_worker_agent_status.tags, false) OR length(update_worker_agent_status.tags) > 4000 THEN
        PERFORM internal.raise_error(27101, 'The value for tags is not valid: up to 4000 characters, no control characters.');
    END IF;
    IF length(update_worker_agent_status.certificate_thumbprint) > 128 THEN
        PERFORM internal.raise_error(27101, 'The value for certificate_thumbprint is longer than 128 characters. Pass the certificate''s SHA-256 thumbprint.');
    END IF;
    IF update_worker_agent_status.max_tasks IS NOT NULL AND update_worker_agent_status.max_tasks NOT BETWEEN 1 AND 1024 THEN
        PERFORM internal.raise_error(27101, 'The value for max_tasks is not valid. Pass a whole number from 1 to 1024.');
    END IF;
    PERFORM internal.take_pulse();
    SELECT * INTO v_worker FROM internal.worker_agents AS w
    WHERE w.worker_agent_id = update_worker_agent_status.worker_agent_id FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO internal.worker_agents (worker_agent_id, display_name, machine_name, tags, user_account,
            max_tasks, certificate_thumbprint)
        VALUES (update_worker_agent_status.worker_agent_id,
                coalesce(update_worker_agent_status.display_name, update_worker_agent_status.machine_name),
                update_worker_agent_status.machine_name, update_worker_agent_status.tags, session_user,
                update_worker_agent_status.max_tasks, update_worker_agent_status.certificate_thumbprint)
        ON CONFLICT DO NOTHING;
    ELSE
        IF v_worker.user_account <> session_user AND NOT internal.caller_is_admin() THEN
            PERFORM internal.worker_agent_not_found(update_worker_agent_status.worker_agent_id);
        END IF;
        IF update_worker_agent_status.certificate_thumbprint IS DISTINCT FROM v_worker.certificate_thumbprint
           AND update_worker_agent_status.certificate_thumbprint IS NOT NULL
           AND v_worker.certificate_thumbprint IS NOT NULL
           AND update_worker_agent_status.certificate_thumbprint IS DISTINCT FROM v_worker.next_certificate_thumbprint
           AND v_worker.is_enabled THEN
            v_warning := pg_catalog.format(
                'Worker agent %s registered with certificate thumbprint %s instead of %s, so it was disabled. '
                'Check the certificate, then enable it again with catalog.enable_worker_agent.',
                v_worker.worker_agent_id, update_worker_agent_status.certificate_thumbprint,
                v_worker.certificate_thumbprint);
            RAISE WARNING '%', v_warning;
            UPDATE internal.worker_agents AS w SET is_enabled = false
            WHERE w.worker_agent_id = update_worker_agent_status.worker_agent_id;
        END IF;
        UPDATE internal.worker_agents AS w
        SET last_online_time = now(),
            next_certificate_thumbprint = CASE
                WHEN update_worker_agent_status.certificate_thumbprint = w.next_certificate_thumbprint THEN NULL
                ELSE w.next_certificate_thumbprint END,
            machine_name = update_worker_agent_status.machine_name,
            display_name = coalesce(update_worker_agent_status.display_name, w.display_name),
            tags = coalesce(update_worker_agent_status.tags, w.tags),
            max_tasks = coalesce(update_worker_agent_status.max_tasks, w.max_tasks),
            certificate_thumbprint = coalesce(update_worker_agent_status.certificate_thumbprint, w.certificate_thumbprint)
        WHERE w.worker_agent_id = update_worker_agent_status.worker_agent_id;
    END IF;
    RETURN QUERY
    SELECT w.is_enabled::integer,
           internal.catalog_property_int('WORKER_LEASE_SECONDS'),
           internal.catalog_property_int('WORKER_ONLINE_WINDOW_SECONDS'),
           v_warning
    FROM internal.worker_agents AS w WHERE w.worker_agent_id = update_worker_agent_status.worker_agent_id;
END
$$;

-- Claims up to max_tasks queued tasks in one statement: priority first, then age.
-- SKIP LOCKED lets any number of workers claim at once without waiting on each other.
CREATE OR REPLACE FUNCTION internal.pull_task(worker_agent_id uuid, max_tasks integer DEFAULT 1)
RETURNS TABLE (task_id uuid, execution_id bigint, lease_token uuid, executed_count integer,
               max_executed_count integer, expired_time timestamptz, input_data text)
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
    SELECT * FROM claimed;
END
$$;

-- Extends the lease of a running task. Returns is_cancelled so that the worker
-- learns of catalog.stop_operation on its next renewal.
CREATE OR REPLACE FUNCTION internal.renew_task_lease(worker_agent_id uuid, task_id uuid, lease_token uuid)
RETURNS TABLE (expired_time timestamptz, is_cancelled boolean)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    PERFORM internal.authorize_worker(renew_task_lease.worker_agent_id, false);
    PERFORM internal.take_pulse();
    PERFORM internal.held_task(renew_task_lease.worker_agent_id, renew_task_lease.task_id, renew_task_lease.lease_token, true);
    RETURN QUERY
    UPDATE internal.tasks AS t
    SET expired_time = now() + make_interval(secs => internal.catalog_property_int('WORKER_LEASE_SECONDS')),
        last_updated_time = now()
    WHERE t.task_id = renew_task_lease.task_id
    RETURNING t.expired_time, t.is_cancelled;
END
$$;

-- Applies one reported outcome. Reported status: 5 succeeded, 4 failed,
-- 6 cancelled (after a stop request), 1 released (the worker is draining). Every attempt counts
-- against retry_count, a released one too (its package may have run part-way), and its number
-- is never given to another attempt: retry_count + 1 bounds the runs of a package.
-- Returns the task's resulting status (1 when re-queued for another attempt),
-- or NULL when p_raise is false and the token is stale.
CREATE OR REPLACE FUNCTION internal.apply_task_status(p_worker_agent_id uuid, p_task_id uuid, p_lease_token uuid,
                                           p_status integer, p_raise boolean)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_task   internal.tasks;
    v_result integer;
BEGIN
    IF p_status IS NULL OR p_status NOT IN (1, 4, 5, 6) THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value %s for status is not supported. Report 5 (succeeded), 4 (failed), 6 (cancelled) or 1 (released).', p_status));
    END IF;
    SELECT * INTO v_task FROM internal.tasks
    WHERE task_id = p_task_id AND status = 2 AND worker_agent_id = p_worker_agent_id AND lease_token = p_lease_token
    FOR UPDATE;
    IF NOT FOUND THEN
        IF p_raise THEN
            -- Raises the error that fits (27100 for a NULL argument, else 27246).
            PERFORM internal.held_task(p_worker_agent_id, p_task_id, p_lease_token, false);
        END IF;
        RETURN NULL;
    END IF;

    UPDATE internal.task_attempts SET ended_time = now(), status = p_status WHERE lease_token = p_lease_token;

    IF v_task.is_cancelled THEN
        PERFORM internal.finish_task(v_task.task_id, 6, 3);
        RETURN 6;
    END IF;
    IF p_status = 5 THEN
        PERFORM internal.finish_task(v_task.task_id, 5, 7);
        RETURN 5;
    END IF;
    IF p_status = 6 THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The task ''%s'' was not asked to stop; report 4 (failed) for a package that ended early.', p_task_id));
    END IF;
    IF v_task.executed_count < v_task.max_executed_count THEN
        PERFORM internal.requeue_task(v_task.task_id, v_task.execution_id, false);
        RETURN 1;
    END IF;
    -- No attempt left: a failure ends the execution failed (4); a release, like a worker that went
    -- silent, ends it unexpectedly (6).
    PERFORM internal.finish_task(v_task.task_id, 4, CASE WHEN p_status = 1 THEN 6 ELSE 4 END);
    RETURN 4;
END
$$;

-- Batched form: tasks is a JSON array of {"task_id", "lease_token", "status"}.
-- Returns one row per input; status is NULL where the lease was stale (refused).
CREATE OR REPLACE FUNCTION internal.update_tasks_status(worker_agent_id uuid, tasks text)
RETURNS TABLE (task_id uuid, status integer)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    r record;
BEGIN
    PERFORM internal.authorize_worker(update_tasks_status.worker_agent_id, false);
    PERFORM internal.require_json_array(update_tasks_status.tasks, 'tasks',
        '[{"task_id": "<uuid>", "lease_token": "<uuid>", "status": 5}]');
    FOR r IN SELECT x.task_id, x.lease_token, x.status
             FROM json_to_recordset(update_tasks_status.tasks::json) AS x (task_id uuid, lease_token uuid, status integer)
             ORDER BY x.task_id   -- one lock order for every caller
    LOOP
        IF r.task_id IS NULL OR r.lease_token IS NULL THEN
            PERFORM internal.raise_error(27100, 'Every element of tasks needs task_id, lease_token and status. Nothing was reported.');
        END IF;
        task_id := r.task_id;
        status := internal.apply_task_status(update_tasks_status.worker_agent_id, r.task_id, r.lease_token, r.status, false);
        RETURN NEXT;
    END LOOP;
EXCEPTION
    WHEN data_exception THEN   -- a value of the wrong form or range inside the JSON
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for tasks is not valid: %s. Pass [{"task_id": "<uuid>", "lease_token": "<uuid>", "status": 5}]. '
            'Nothing was reported.', SQLERRM));
END
$$;

-- Appends package log records in one batch. messages is a JSON array of
-- {"lease_token", "event_message_guid", "message_time", "message_type", "message_source_type", "message"}.
-- Any attempt the worker ran may log, even after its lease expired (nothing is lost);
-- a re-sent batch is ignored row by row through event_message_guid.
CREATE OR REPLACE FUNCTION internal.append_operation_messages(worker_agent_id uuid, messages text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_missing integer;
    v_foreign integer;
    v_count   integer;
BEGIN
    PERFORM internal.require_not_null(append_operation_messages.messages, 'messages');
    PERFORM internal.authorize_worker(append_operation_messages.worker_agent_id, false);
    PERFORM internal.require_json_array(append_operation_messages.messages, 'messages',
        '[{"lease_token": "<uuid>", "event_message_guid": "<uuid>", "message_type": 70, "message": "..."}]');
    -- Times in ISO 8601 only: PostgreSQL alone would read 'yesterday' or 'epoch'.
    IF EXISTS (SELECT 1 FROM json_to_recordset(append_operation_messages.messages::json) AS t (message_time text)
               WHERE NOT internal.is_valid_value('DateTime', t.message_time)) THEN
        PERFORM internal.raise_error(27101,
            'The value for messages is not valid: message_time is an ISO 8601 time such as 2024-05-01T10:00:00Z. Nothing was written.');
    END IF;
    SELECT count(*) FILTER (WHERE b.lease_token IS NULL OR b.event_message_guid IS NULL
                                  OR b.message IS NULL OR b.message_type IS NULL),
           count(*) FILTER (WHERE NOT EXISTS (
               SELECT 1 FROM internal.task_attempts AS a
               WHERE a.lease_token = b.lease_token AND a.worker_agent_id = append_operation_messages.worker_agent_id))
    INTO v_missing, v_foreign
    FROM json_to_recordset(append_operation_messages.messages::json)
        AS b (lease_token uuid, event_message_guid uuid, message_type smallint, message text);
    IF v_missing > 0 THEN
        PERFORM internal.raise_error(27100,
            'Every message needs lease_token, event_message_guid, message_type and message. Nothing was written.');
    END IF;
    IF v_foreign > 0 THEN
        PERFORM internal.raise_error(27246, pg_catalog.format(
            '%s messages name a task attempt that worker agent ''%s'' never ran. Nothing was written.',
            v_foreign, append_operation_messages.worker_agent_id));
    END IF;
    INSERT INTO internal.operation_messages (operation_id, message_time, message_type, message_source_type,
        message, event_message_guid, worker_agent_id, attempt)
    SELECT a.execution_id, coalesce(b.message_time, now()), b.message_type, coalesce(b.message_source_type, 20),
           b.message, b.event_message_guid, a.worker_agent_id, a.attempt
    FROM json_array_elements(append_operation_messages.messages::json) WITH ORDINALITY AS e (value, n)
    CROSS JOIN LATERAL json_to_record(e.value)
        AS b (lease_token uuid, event_message_guid uuid, message_time timestamptz,
              message_type smallint, message_source_type smallint, message text)
    JOIN internal.task_attempts AS a ON a.lease_token = b.lease_token
    ORDER BY e.n   -- ids follow the batch's order
    ON CONFLICT (event_message_guid) DO NOTHING;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
EXCEPTION
    WHEN data_exception THEN   -- a value of the wrong form or range inside the JSON, or a NUL in a message
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for messages is not valid: %s. Nothing was written; replace what the database cannot store '
            '(NUL characters, lone surrogates) and send the batch again.', SQLERRM));
END
$$;

-- Ends or re-queues tasks whose lease ran out (their worker went silent).
-- Workers call it on a timer; a DBA may schedule it too. Returns the number handled.
-- The pulse comes first: after an outage, the silence is credited before anything can expire.
CREATE OR REPLACE FUNCTION internal.dealwith_expired_tasks()
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_task  internal.tasks;
    v_count integer := 0;
BEGIN
    PERFORM internal.take_pulse();
    FOR v_task IN
        SELECT * FROM internal.tasks
        WHERE status = 2 AND expired_time <= now()
        ORDER BY task_id
        FOR UPDATE SKIP LOCKED
    LOOP
        v_count := v_count + 1;
        UPDATE internal.task_attempts SET ended_time = now(), status = 7 WHERE lease_token = v_task.lease_token;
        IF v_task.is_cancelled THEN
            PERFORM internal.finish_task(v_task.task_id, 6, 3);
        ELSIF v_task.executed_count < v_task.max_executed_count THEN
            PERFORM internal.requeue_task(v_task.task_id, v_task.execution_id, false);
        ELSE
            PERFORM internal.finish_task(v_task.task_id, 4, 6);
        END IF;
    END LOOP;
    RETURN v_count;
END
$$;

-- Retention clean-up: removes finished operations older than RETENTION_WINDOW days,
-- with their messages, parameters, tasks and attempts, and, as SSISDB does, executions created
-- that long ago and never started. Never touches work that was started and has not ended.
CREATE OR REPLACE FUNCTION internal.cleanup_server_retention_window()
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cutoff timestamptz;
    v_count  integer;
BEGIN
    IF (SELECT upper(property_value) FROM internal.catalog_properties WHERE property_name = 'OPERATION_CLEANUP_ENABLED') <> 'TRUE' THEN
        RETURN 0;
    END IF;
    v_cutoff := now() - make_interval(days => internal.catalog_property_int('RETENTION_WINDOW'));
    CREATE TEMP TABLE IF NOT EXISTS scaleout_expired_operations (operation_id bigint PRIMARY KEY, job_id uuid) ON COMMIT DROP;
    INSERT INTO scaleout_expired_operations
    SELECT o.operation_id, e.job_id
    FROM internal.operations AS o
    LEFT JOIN internal.executions AS e ON e.execution_id = o.operation_id
    WHERE (o.end_time < v_cutoff OR (o.end_time IS NULL AND o.status = 1 AND o.created_time < v_cutoff))
      AND NOT EXISTS (SELECT 1 FROM internal.tasks AS t WHERE t.execution_id = o.operation_id);
    DELETE FROM internal.task_attempts WHERE execution_id IN (SELECT operation_id FROM scaleout_expired_operations);
    DELETE FROM internal.tasks_history WHERE execution_id IN (SELECT operation_id FROM scaleout_expired_operations);
    DELETE FROM internal.jobs WHERE job_id IN (SELECT job_id FROM scaleout_expired_operations WHERE job_id IS NOT NULL);
    DELETE FROM internal.operations WHERE operation_id IN (SELECT operation_id FROM scaleout_expired_operations);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    DROP TABLE scaleout_expired_operations;
    RETURN v_count;
END
$$;

-- Reconciliation: the tasks the catalog thinks this worker holds, with their leases renewed.
-- A worker calls it on start and after every reconnect, and adopts what it does not know (a claim
-- whose reply was lost) or forgets what it no longer holds; a lost reply then costs nothing.
CREATE FUNCTION internal.get_held_tasks(worker_agent_id uuid)
RETURNS TABLE (task_id uuid, execution_id bigint, lease_token uuid, executed_count integer,
               max_executed_count integer, expired_time timestamptz, input_data text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    PERFORM internal.authorize_worker(get_held_tasks.worker_agent_id, false);
    PERFORM internal.take_pulse();
    RETURN QUERY
    UPDATE internal.tasks AS t
    SET expired_time = now() + make_interval(secs => internal.catalog_property_int('WORKER_LEASE_SECONDS')),
        last_updated_time = now()
    WHERE t.status = 2 AND t.worker_agent_id = get_held_tasks.worker_agent_id
    RETURNING t.task_id, t.execution_id, t.lease_token, t.executed_count, t.max_executed_count,
              t.expired_time, t.input_data;
END
$$;

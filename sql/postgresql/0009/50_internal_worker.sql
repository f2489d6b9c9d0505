-- scaleout_catalog, PostgreSQL, revision 0009: a worker's report reads its tasks JSON once.
-- Revision 0003's update_tasks_status parsed it five times (the array check, two checks of the
-- elements, the successes, the rest) and held the whole call in one exception block (a subtransaction
-- around every write); now it is parsed once, into arrays, inside blocks that write nothing. Same
-- checks, errors and results.
CREATE OR REPLACE FUNCTION internal.update_tasks_status(worker_agent_id uuid, tasks text)
RETURNS TABLE (task_id uuid, status integer)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    c_example constant text := '[{"task_id": "<uuid>", "lease_token": "<uuid>", "status": 5}]';
    v_json     jsonb;
    v_ids      uuid[];
    v_tokens   uuid[];
    v_statuses integer[];
    v_done     uuid[];
BEGIN
    PERFORM internal.authorize_worker(update_tasks_status.worker_agent_id, false);
    PERFORM internal.require_not_null(update_tasks_status.tasks, 'tasks');
    BEGIN
        v_json := update_tasks_status.tasks::jsonb;
    EXCEPTION WHEN data_exception THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for tasks is not valid JSON (%s). Pass an array such as %s.', SQLERRM, c_example));
    END;
    IF jsonb_typeof(v_json) <> 'array'
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(v_json) AS e WHERE jsonb_typeof(e.value) <> 'object') THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for tasks must be a JSON array of objects, such as %s.', c_example));
    END IF;
    BEGIN
        -- In task_id order: one lock order for every caller.
        SELECT coalesce(array_agg(x.task_id ORDER BY x.task_id), '{}'),
               coalesce(array_agg(x.lease_token ORDER BY x.task_id), '{}'),
               coalesce(array_agg(x.status ORDER BY x.task_id), '{}')
        INTO v_ids, v_tokens, v_statuses
        FROM jsonb_to_recordset(v_json) AS x (task_id uuid, lease_token uuid, status integer);
    EXCEPTION WHEN data_exception THEN   -- a value of the wrong form or range inside the JSON
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for tasks is not valid: %s. Pass %s. Nothing was reported.', SQLERRM, c_example));
    END;
    IF array_position(v_ids, NULL) IS NOT NULL OR array_position(v_tokens, NULL) IS NOT NULL THEN
        PERFORM internal.raise_error(27100, 'Every element of tasks needs task_id, lease_token and status. Nothing was reported.');
    END IF;
    IF array_position(v_statuses, NULL) IS NOT NULL
       OR EXISTS (SELECT 1 FROM unnest(v_statuses) AS s (status) WHERE s.status NOT IN (1, 4, 5, 6)) THEN
        PERFORM internal.raise_error(27101,
            'A status in tasks is not supported. Report 5 (succeeded), 4 (failed), 6 (cancelled) or 1 (released). Nothing was reported.');
    END IF;
    WITH input AS (
        SELECT DISTINCT ON (x.task_id) x.task_id, x.lease_token
        FROM unnest(v_ids, v_tokens, v_statuses) AS x (task_id, lease_token, status)
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
    FOR i IN 1 .. coalesce(array_length(v_ids, 1), 0) LOOP
        task_id := v_ids[i];
        IF v_statuses[i] = 5 AND v_ids[i] = ANY (v_done) THEN
            v_done := array_remove(v_done, v_ids[i]);   -- a second report of the same task is stale
            status := 5;
        ELSE
            status := internal.apply_task_status(update_tasks_status.worker_agent_id, v_ids[i], v_tokens[i],
                                                 v_statuses[i], false);
        END IF;
        RETURN NEXT;
    END LOOP;
END
$$;

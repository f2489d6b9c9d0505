-- scaleout_catalog, PostgreSQL: private helpers used by the procedures.
-- Every error carries its SSIS number twice: as the SQLSTATE (machine-readable)
-- and as the message prefix "NNNNN: " (what a person sees in psql).

CREATE FUNCTION internal.raise_error(p_number integer, p_message text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = p_number::text, MESSAGE = p_number::text || ': ' || p_message;
END
$$;

CREATE FUNCTION internal.catalog_property_int(p_name text)
RETURNS integer
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT property_value::integer FROM internal.catalog_properties WHERE property_name = p_name
$$;

-- The caller is session_user throughout: procedures run as their owner
-- (SECURITY DEFINER), so current_user is not the caller.
-- Members of ssis_admin, superusers and the catalog's owner count as admins
-- (SSISDB: ssis_admin or sysadmin).
CREATE FUNCTION internal.caller_is_admin()
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_has_role(session_user, 'ssis_admin', 'MEMBER')
        OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND rolsuper)
        OR EXISTS (SELECT 1 FROM pg_namespace n
                   WHERE n.nspname = 'internal' AND pg_has_role(session_user, n.nspowner, 'MEMBER'))
$$;

CREATE FUNCTION internal.caller_in_role(p_role text)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT internal.caller_is_admin() OR pg_has_role(session_user, p_role, 'MEMBER') $$;

CREATE FUNCTION internal.require_not_null(p_value anyelement, p_name text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_value IS NULL THEN
        PERFORM internal.raise_error(27100, pg_catalog.format(
            'The argument %s cannot be NULL. Pass a value for %s.', p_name, p_name));
    END IF;
END
$$;

-- The all-workers sentinel of SSISDB is not a worker and is refused everywhere.
CREATE FUNCTION internal.require_worker_agent_id(p_worker_agent_id uuid, p_name text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM internal.require_not_null(p_worker_agent_id, p_name);
    IF p_worker_agent_id = '11111111-1111-1111-1111-111111111111'::uuid THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value of %s is not valid: 11111111-1111-1111-1111-111111111111 means all worker agents. '
            'Pass the WorkerAgentId of one worker from catalog.worker_agents.', p_name));
    END IF;
END
$$;

CREATE FUNCTION internal.worker_agent_not_found(p_worker_agent_id uuid)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM internal.raise_error(27243, pg_catalog.format(
        'Cannot find the cluster worker agent ''%s'' because it does not exist or you do not have sufficient '
        'permissions. Check the WorkerAgentId in catalog.worker_agents.', p_worker_agent_id));
END
$$;

-- Checks a worker-side call: the worker exists, the caller is the login that
-- registered it (or an admin), and the worker is enabled when p_must_be_enabled.
CREATE FUNCTION internal.authorize_worker(p_worker_agent_id uuid, p_must_be_enabled boolean)
RETURNS internal.worker_agents
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_worker internal.worker_agents;
BEGIN
    PERFORM internal.require_worker_agent_id(p_worker_agent_id, 'worker_agent_id');
    SELECT * INTO v_worker FROM internal.worker_agents WHERE worker_agent_id = p_worker_agent_id;
    IF NOT FOUND OR (v_worker.user_account <> session_user AND NOT internal.caller_is_admin()) THEN
        PERFORM internal.worker_agent_not_found(p_worker_agent_id);
    END IF;
    IF p_must_be_enabled AND NOT v_worker.is_enabled THEN
        PERFORM internal.raise_error(27252, pg_catalog.format(
            'The Integration Services cluster worker agent ''%s'' is disabled. An administrator enables it with '
            'CALL catalog.enable_worker_agent(''%s'').', p_worker_agent_id, p_worker_agent_id));
    END IF;
    RETURN v_worker;
END
$$;

CREATE FUNCTION internal.require_admin(p_operation text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT internal.caller_is_admin() THEN
        PERFORM internal.raise_error(27103, pg_catalog.format(
            'The login %s cannot %s: it needs membership of ssis_admin.', session_user, p_operation));
    END IF;
END
$$;

-- True when p_value is a valid literal of the SSIS data type p_type.
CREATE FUNCTION internal.is_valid_value(p_type text, p_value text)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF p_value IS NULL THEN
        RETURN true;
    END IF;
    CASE p_type
        WHEN 'String' THEN RETURN true;
        WHEN 'Int32' THEN RETURN p_value ~ '^\s*[-+]?[0-9]+\s*$' AND p_value::numeric BETWEEN -2147483648 AND 2147483647;
        WHEN 'Int64' THEN RETURN p_value ~ '^\s*[-+]?[0-9]+\s*$' AND p_value::numeric BETWEEN -9223372036854775808 AND 9223372036854775807;
        WHEN 'Double' THEN PERFORM p_value::double precision; RETURN true;
        WHEN 'Boolean' THEN RETURN lower(btrim(p_value)) IN ('true', 'false', '1', '0');
        WHEN 'DateTime' THEN PERFORM p_value::timestamptz; RETURN true;
        ELSE RETURN false;
    END CASE;
EXCEPTION
    WHEN invalid_text_representation OR datetime_field_overflow OR invalid_datetime_format
      OR numeric_value_out_of_range THEN
        RETURN false;
END
$$;

-- Ends a task and its execution: copies the task to history, removes it from the
-- hot queue, and sets the execution's final status (once; a second call changes nothing).
CREATE FUNCTION internal.finish_task(p_task_id uuid, p_task_status integer, p_execution_status integer)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_execution_id bigint;
BEGIN
    WITH gone AS (
        DELETE FROM internal.tasks WHERE task_id = p_task_id RETURNING *
    )
    INSERT INTO internal.tasks_history (task_id, job_id, execution_id, task_type, input_data,
        max_executed_count, executed_count, status, priority, use_any_worker, worker_agent_id,
        is_cancelled, last_pickup_time, created_time, last_updated_time)
    SELECT task_id, job_id, execution_id, task_type, input_data, max_executed_count, executed_count,
           p_task_status, priority, use_any_worker, worker_agent_id, is_cancelled, last_pickup_time,
           created_time, now()
    FROM gone
    RETURNING execution_id INTO v_execution_id;
    UPDATE internal.operations SET status = p_execution_status, end_time = now()
    WHERE operation_id = v_execution_id AND end_time IS NULL;
END
$$;

-- Puts a task back in the queue for another attempt. p_give_back returns the attempt
-- (a worker released the task unrun); otherwise the attempt stays used up.
CREATE FUNCTION internal.requeue_task(p_task_id uuid, p_execution_id bigint, p_give_back boolean)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE internal.tasks
    SET status = 1, ready_for_dispatch_time = now(), worker_agent_id = NULL, lease_token = NULL,
        expired_time = NULL, last_updated_time = now(),
        executed_count = executed_count - CASE WHEN p_give_back THEN 1 ELSE 0 END
    WHERE task_id = p_task_id;
    UPDATE internal.operations
    SET status = 5, executed_count = executed_count - CASE WHEN p_give_back THEN 1 ELSE 0 END
    WHERE operation_id = p_execution_id AND status = 2;
    PERFORM pg_notify('scaleout_task_queued', p_execution_id::text);
END
$$;

-- Enables or disables a worker (catalog.enable_worker_agent and catalog.disable_worker_agent).
CREATE FUNCTION internal.set_worker_agent_enabled(p_worker_agent_id uuid, p_enabled boolean)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM internal.require_worker_agent_id(p_worker_agent_id, 'worker_agent_id');
    PERFORM internal.require_admin(CASE WHEN p_enabled THEN 'enable' ELSE 'disable' END || ' a worker agent');
    -- Disabling, as in SSIS, lets running tasks finish; the worker simply gets no new ones.
    UPDATE internal.worker_agents SET is_enabled = p_enabled WHERE worker_agent_id = p_worker_agent_id;
    IF NOT FOUND THEN
        PERFORM internal.worker_agent_not_found(p_worker_agent_id);
    END IF;
END
$$;

-- scaleout_catalog, PostgreSQL, revision 0008: schedules. Creating one takes what create_execution takes
-- (ssis_cluster_executor, READ and EXECUTE on the project, READ on the environment); its owner and
-- ssis_admin members change it. Workers fire it (internal.fire_schedules).

CREATE PROCEDURE catalog.create_schedule(
    folder_name       text,
    schedule_name     text,
    project_name      text,
    package_name      text,
    cron_expression   text,
    time_zone         text DEFAULT 'UTC',
    reference_id      bigint DEFAULT NULL,
    parameters        text DEFAULT NULL,
    retry_count       integer DEFAULT 0,
    workeragent_id    uuid DEFAULT NULL,
    missed_run_policy text DEFAULT 'skip',
    is_enabled        boolean DEFAULT true,
    INOUT schedule_id bigint DEFAULT NULL)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    c_example constant text := '[{"object_type": 30, "parameter_name": "...", "parameter_value": "..."}]';
    v_cron    record;
    v_project internal.projects;
    v_ref     internal.environment_references;
    v_env_id  bigint;
    v_json    json;
    v_bad     record;
    v_problem record;
    v_next    timestamptz;
BEGIN
    PERFORM internal.require_valid_name(create_schedule.folder_name, 'folder_name', 128);
    PERFORM internal.require_valid_name(create_schedule.schedule_name, 'schedule_name', 128);
    PERFORM internal.require_valid_name(create_schedule.project_name, 'project_name', 128);
    PERFORM internal.require_valid_name(create_schedule.package_name, 'package_name', 260);
    PERFORM internal.require_not_null(create_schedule.cron_expression, 'cron_expression');
    PERFORM internal.require_not_null(create_schedule.time_zone, 'time_zone');
    PERFORM internal.require_not_null(create_schedule.retry_count, 'retry_count');
    PERFORM internal.require_not_null(create_schedule.missed_run_policy, 'missed_run_policy');
    PERFORM internal.require_not_null(create_schedule.is_enabled, 'is_enabled');
    IF length(create_schedule.cron_expression) > 128 THEN
        PERFORM internal.raise_error(27101, 'The value for cron_expression is not valid: it has at most 128 characters.');
    END IF;
    SELECT * INTO v_cron FROM internal.parse_cron(create_schedule.cron_expression);
    IF v_cron.second_mask IS NULL OR v_cron.minute_mask IS NULL OR v_cron.hour_mask IS NULL OR v_cron.day_mask IS NULL
       OR v_cron.month_mask IS NULL OR v_cron.weekday_mask IS NULL THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for cron_expression is not valid: %s. Pass five fields (minute hour day month weekday) or six '
            '(seconds first), each *, a number, a range a-b or a list a,b, optionally /step; such as ''*/15 * * * *'' '
            'or ''0 30 2 * * MON-FRI''.', pg_catalog.quote_literal(regexp_replace(create_schedule.cron_expression, '[[:cntrl:]]', '?', 'g'))));
    END IF;
    IF length(create_schedule.time_zone) > 64
       OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = create_schedule.time_zone) THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for time_zone is not valid: %s is not a time zone this server knows. Pass a name from '
            'pg_timezone_names, such as ''UTC'' or ''Europe/London''.',
            pg_catalog.quote_literal(regexp_replace(left(create_schedule.time_zone, 64), '[[:cntrl:]]', '?', 'g'))));
    END IF;
    IF create_schedule.retry_count NOT BETWEEN 0 AND 100 THEN
        PERFORM internal.raise_error(27101, 'The value for retry_count is not valid. Pass a whole number from 0 to 100.');
    END IF;
    IF create_schedule.missed_run_policy NOT IN ('skip', 'run_once') THEN
        PERFORM internal.raise_error(27101,
            'The value for missed_run_policy is not valid. Pass ''skip'' (due times missed while no worker ran are '
            'dropped) or ''run_once'' (one run makes up for them).');
    END IF;
    IF create_schedule.parameters IS NOT NULL THEN
        PERFORM internal.require_json_array(create_schedule.parameters, 'parameters', c_example);
    END IF;
    IF NOT internal.caller_in_role('ssis_cluster_executor') THEN
        PERFORM internal.raise_error(27178, pg_catalog.format(
            'Unable to schedule the project named ''%s''. You do not have sufficient permissions: '
            'running in Scale Out needs membership of ssis_cluster_executor or ssis_admin.', create_schedule.project_name));
    END IF;
    -- The project, package and reference as create_execution finds them, with the same permissions.
    PERFORM internal.folder_id_of(create_schedule.folder_name);
    SELECT p.* INTO v_project FROM internal.projects AS p JOIN internal.folders AS f ON f.folder_id = p.folder_id
    WHERE f.name = create_schedule.folder_name AND p.name = create_schedule.project_name;
    IF NOT FOUND OR NOT internal.check_permission(2, v_project.project_id, 1) THEN
        PERFORM internal.raise_error(27109, pg_catalog.format(
            'Cannot find the project ''%s'' in folder ''%s'' because it does not exist or you do not have sufficient '
            'permissions. See catalog.projects, or deploy it first.', create_schedule.project_name, create_schedule.folder_name));
    END IF;
    IF NOT internal.check_permission(2, v_project.project_id, 3) THEN
        PERFORM internal.raise_error(27178, pg_catalog.format(
            'Unable to schedule the project named ''%s''. You do not have sufficient permissions: it needs EXECUTE on the '
            'project, or EXECUTE_OBJECTS on its folder. Ask an ssis_admin member to grant it.', create_schedule.project_name));
    END IF;
    IF create_schedule.reference_id IS NOT NULL THEN
        SELECT * INTO v_ref FROM internal.environment_references AS r
        WHERE r.reference_id = create_schedule.reference_id AND r.project_id = v_project.project_id;
        IF NOT FOUND THEN
            PERFORM internal.raise_error(27208, pg_catalog.format(
                'The environment reference ''%s'' is not associated with the project ''%s''. See its references in '
                'catalog.environment_references.', create_schedule.reference_id, create_schedule.project_name));
        END IF;
        v_env_id := internal.referenced_environment_id(v_ref.reference_id);
        IF v_env_id IS NULL OR NOT internal.check_permission(3, v_env_id, 1) THEN
            PERFORM internal.raise_error(27182, pg_catalog.format(
                'The environment ''%s'' does not exist or you have not been granted the appropriate permissions to '
                'access it: reference %s names it. Create it, or change the reference.',
                v_ref.environment_name, v_ref.reference_id));
        END IF;
    END IF;
    IF create_schedule.workeragent_id IS NOT NULL THEN
        PERFORM internal.require_worker_agent_id(create_schedule.workeragent_id, 'workeragent_id');
        IF NOT EXISTS (SELECT 1 FROM internal.worker_agents WHERE worker_agent_id = create_schedule.workeragent_id) THEN
            PERFORM internal.worker_agent_not_found(create_schedule.workeragent_id);
        END IF;
    END IF;
    IF EXISTS (SELECT 1 FROM internal.schedules AS s
               WHERE s.folder_name = create_schedule.folder_name AND s.name = create_schedule.schedule_name) THEN
        PERFORM internal.raise_error(27401, pg_catalog.format(
            'The schedule ''%s'' already exists in folder ''%s''. Pick another name, or delete it first with '
            'catalog.delete_schedule.', create_schedule.schedule_name, create_schedule.folder_name));
    END IF;

    v_next := internal.cron_next_time(v_cron.second_mask, v_cron.minute_mask, v_cron.hour_mask, v_cron.day_mask,
        v_cron.month_mask, v_cron.weekday_mask, v_cron.days_either, create_schedule.time_zone, now());
    IF v_next IS NULL THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for cron_expression is not valid: %s never comes due (no such date). Check its day and month.',
            pg_catalog.quote_literal(create_schedule.cron_expression)));
    END IF;
    INSERT INTO internal.schedules (folder_name, name, project_name, package_name, reference_id, cron_expression,
        time_zone, second_mask, minute_mask, hour_mask, day_mask, month_mask, weekday_mask, days_either, retry_count,
        worker_agent_id, missed_run_policy, is_enabled, owner_name, next_run_time)
    VALUES (create_schedule.folder_name, create_schedule.schedule_name, create_schedule.project_name,
            create_schedule.package_name, create_schedule.reference_id, btrim(create_schedule.cron_expression),
            create_schedule.time_zone, v_cron.second_mask, v_cron.minute_mask, v_cron.hour_mask, v_cron.day_mask,
            v_cron.month_mask, v_cron.weekday_mask, v_cron.days_either, create_schedule.retry_count,
            create_schedule.workeragent_id, create_schedule.missed_run_policy, create_schedule.is_enabled, session_user,
            CASE WHEN create_schedule.is_enabled THEN v_next END)
    RETURNING schedule_id INTO create_schedule.schedule_id;

    -- Its parameter values: each once, with object_type, parameter_name and parameter_value.
    IF create_schedule.parameters IS NOT NULL THEN
        v_json := create_schedule.parameters::json;
        SELECT x.n INTO v_bad FROM json_array_elements(v_json) WITH ORDINALITY AS x (value, n)
        WHERE json_typeof(x.value) <> 'object'
           OR json_typeof(x.value -> 'object_type') IS DISTINCT FROM 'number'
           OR json_typeof(x.value -> 'parameter_name') IS DISTINCT FROM 'string'
           OR length(x.value ->> 'parameter_name') NOT BETWEEN 1 AND 128
           OR json_typeof(x.value -> 'parameter_value') NOT IN ('string', 'number', 'boolean')
           OR json_typeof(x.value -> 'parameter_value') IS NULL
           OR length(x.value ->> 'parameter_value') > 4000
           OR (x.value ->> 'object_type') NOT IN ('20', '30', '50')
        ORDER BY x.n LIMIT 1;
        IF FOUND THEN
            PERFORM internal.raise_error(27101, pg_catalog.format(
                'Element %s of parameters is not valid: each is an object with object_type 20 (project), 30 (package) '
                'or 50 (system), a parameter_name of 1 to 128 characters and a parameter_value of at most 4000, such as '
                '%s. Nothing was created.',
                v_bad.n, c_example));
        END IF;
        SELECT x.value ->> 'parameter_name' AS name INTO v_bad FROM json_array_elements(v_json) AS x (value)
        GROUP BY x.value ->> 'object_type', x.value ->> 'parameter_name' HAVING count(*) > 1 LIMIT 1;
        IF FOUND THEN
            PERFORM internal.raise_error(27101, pg_catalog.format(
                'The parameters set ''%s'' more than once. Nothing was created.', v_bad.name));
        END IF;
        -- Stored as text first, so that a sensitive value is checked before it is encrypted (below).
        INSERT INTO internal.schedule_parameter_values (schedule_id, object_type, parameter_name, parameter_value, sensitive)
        SELECT create_schedule.schedule_id, g.object_type, g.parameter_name, g.parameter_value, coalesce(d.sensitive, false)
        FROM (SELECT (x.value ->> 'object_type')::smallint AS object_type, x.value ->> 'parameter_name' AS parameter_name,
                     x.value ->> 'parameter_value' AS parameter_value
              FROM json_array_elements(v_json) AS x (value)) AS g
        LEFT JOIN internal.object_parameters AS d ON d.project_version_lsn = v_project.object_version_lsn
            AND d.object_type = g.object_type AND (d.object_type = 20 OR d.object_name = create_schedule.package_name)
            AND d.parameter_name = g.parameter_name;
        SELECT g.parameter_name, d.data_type INTO v_bad
        FROM internal.schedule_parameter_values AS g
        JOIN internal.object_parameters AS d ON d.project_version_lsn = v_project.object_version_lsn
            AND d.object_type = g.object_type AND (d.object_type = 20 OR d.object_name = create_schedule.package_name)
            AND d.parameter_name = g.parameter_name
        WHERE g.schedule_id = create_schedule.schedule_id AND g.sensitive
          AND NOT internal.is_valid_value(d.data_type, g.parameter_value)
        ORDER BY g.parameter_name LIMIT 1;
        IF FOUND THEN
            PERFORM internal.raise_error(27147, pg_catalog.format(
                'The data type of the input value is not compatible with the data type of the parameter ''%s'': it takes '
                'a %s. Nothing was created.', v_bad.parameter_name, v_bad.data_type));
        END IF;
        UPDATE internal.schedule_parameter_values
        SET sensitive_parameter_value = internal.encrypt_sensitive(parameter_value), parameter_value = NULL
        WHERE schedule_id = create_schedule.schedule_id AND sensitive;
    END IF;
    -- Everything its executions will need, as at each due time.
    SELECT * INTO v_problem FROM internal.schedule_problem(create_schedule.schedule_id) LIMIT 1;
    IF v_problem.error_number IS NOT NULL THEN
        PERFORM internal.raise_error(v_problem.error_number, v_problem.error_message || ' Nothing was created.');
    END IF;
    PERFORM pg_notify('scaleout_schedule_changed', create_schedule.schedule_id::text);
END
$$;

CREATE PROCEDURE catalog.enable_schedule(folder_name text, schedule_name text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_s internal.schedules;
BEGIN
    v_s := internal.schedule_for_caller(enable_schedule.folder_name, enable_schedule.schedule_name);
    IF NOT v_s.is_enabled THEN
        -- due times that passed while it was disabled are not made up for
        UPDATE internal.schedules SET is_enabled = true, next_run_time = internal.schedule_next_time(v_s, now())
        WHERE schedule_id = v_s.schedule_id;
        PERFORM pg_notify('scaleout_schedule_changed', v_s.schedule_id::text);
    END IF;
END
$$;

CREATE PROCEDURE catalog.disable_schedule(folder_name text, schedule_name text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_s internal.schedules;
BEGIN
    v_s := internal.schedule_for_caller(disable_schedule.folder_name, disable_schedule.schedule_name);
    UPDATE internal.schedules SET is_enabled = false, next_run_time = NULL WHERE schedule_id = v_s.schedule_id;
END
$$;

CREATE PROCEDURE catalog.delete_schedule(folder_name text, schedule_name text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_s internal.schedules;
BEGIN
    v_s := internal.schedule_for_caller(delete_schedule.folder_name, delete_schedule.schedule_name);
    DELETE FROM internal.schedules WHERE schedule_id = v_s.schedule_id;   -- its values and runs go with it
END
$$;

-- Runs the schedule once now, outside its due times (which stay as they are); the execution's id comes back.
CREATE PROCEDURE catalog.run_schedule_now(folder_name text, schedule_name text, INOUT execution_id bigint DEFAULT NULL)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_s       internal.schedules;
    v_problem record;
    v_run     internal.schedule_runs;
BEGIN
    v_s := internal.schedule_for_caller(run_schedule_now.folder_name, run_schedule_now.schedule_name);
    SELECT * INTO v_problem FROM internal.schedule_problem(v_s.schedule_id) LIMIT 1;
    IF v_problem.error_number IS NOT NULL THEN
        PERFORM internal.raise_error(v_problem.error_number, v_problem.error_message);
    END IF;
    v_run := internal.fire_schedule(v_s.schedule_id, 'M', clock_timestamp(), session_user);
    run_schedule_now.execution_id := v_run.execution_id;
END
$$;

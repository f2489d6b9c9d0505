-- scaleout_catalog, PostgreSQL, revision 0008: cron expressions, due times, and starting a schedule's
-- execution. The T-SQL twins in sql/mssql/0008/25_helpers.sql compute the same.

-- One value of a cron field: a number, or a month or weekday name (JAN, SUN); NULL when neither.
CREATE FUNCTION internal.cron_value(p_text text, p_names text[], p_low integer)
RETURNS integer
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN p_text ~ '^[0-9]{1,2}$' THEN p_text::integer
                WHEN array_position(p_names, p_text) IS NOT NULL THEN array_position(p_names, p_text) - 1 + p_low END
$$;

-- A cron field as a bit mask (bit n set when value n matches), or NULL when it is not valid.
-- Items are separated by commas: *, n, n-m, each optionally /step; n/step runs to the field's end.
CREATE FUNCTION internal.cron_field_mask(p_field text, p_low integer, p_high integer, p_names text[])
RETURNS bigint
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v_mask  bigint := 0;
    v_item  text;
    v_slash text[];
    v_dash  text[];
    v_step  integer;
    v_from  integer;
    v_to    integer;
BEGIN
    IF p_field IS NULL OR p_field = '' THEN
        RETURN NULL;
    END IF;
    FOREACH v_item IN ARRAY string_to_array(p_field, ',') LOOP
        v_slash := string_to_array(v_item, '/');
        IF coalesce(array_length(v_slash, 1), 0) NOT IN (1, 2) THEN
            RETURN NULL;
        END IF;
        v_step := 1;
        IF array_length(v_slash, 1) = 2 THEN
            IF v_slash[2] !~ '^[0-9]{1,2}$' OR v_slash[2]::integer = 0 THEN
                RETURN NULL;
            END IF;
            v_step := v_slash[2]::integer;
        END IF;
        IF v_slash[1] = '*' THEN
            v_from := p_low;
            v_to := p_high;
        ELSE
            v_dash := string_to_array(v_slash[1], '-');
            IF coalesce(array_length(v_dash, 1), 0) NOT IN (1, 2) THEN
                RETURN NULL;
            END IF;
            v_from := internal.cron_value(v_dash[1], p_names, p_low);
            v_to := CASE WHEN array_length(v_dash, 1) = 2 THEN internal.cron_value(v_dash[2], p_names, p_low)
                         WHEN array_length(v_slash, 1) = 2 THEN p_high
                         ELSE v_from END;
        END IF;
        IF v_from IS NULL OR v_to IS NULL OR v_from < p_low OR v_to > p_high OR v_from > v_to THEN
            RETURN NULL;
        END IF;
        FOR v_value IN v_from .. v_to BY v_step LOOP
            v_mask := v_mask | (1::bigint << v_value);
        END LOOP;
    END LOOP;
    RETURN v_mask;
END
$$;

-- A cron expression: five fields (minute hour day month weekday), or six with seconds first, or one of
-- @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly. Any mask NULL: not valid.
CREATE FUNCTION internal.parse_cron(p_expression text,
    OUT second_mask bigint, OUT minute_mask bigint, OUT hour_mask bigint, OUT day_mask bigint,
    OUT month_mask bigint, OUT weekday_mask bigint, OUT days_either boolean)
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    c_months   constant text[] := ARRAY['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
    c_weekdays constant text[] := ARRAY['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
    v_text   text := upper(btrim(p_expression, E' \t'));
    v_fields text[];
BEGIN
    v_text := CASE v_text WHEN '@YEARLY' THEN '0 0 1 1 *' WHEN '@ANNUALLY' THEN '0 0 1 1 *'
                          WHEN '@MONTHLY' THEN '0 0 1 * *' WHEN '@WEEKLY' THEN '0 0 * * 0'
                          WHEN '@DAILY' THEN '0 0 * * *' WHEN '@MIDNIGHT' THEN '0 0 * * *'
                          WHEN '@HOURLY' THEN '0 * * * *' ELSE v_text END;
    IF v_text !~ '^[0-9A-Z*/,?-]+( +[0-9A-Z*/,?-]+){4,5}$' THEN
        RETURN;
    END IF;
    v_fields := regexp_split_to_array(v_text, ' +');
    IF array_length(v_fields, 1) = 5 THEN
        v_fields := ARRAY['0'] || v_fields;
    END IF;
    -- '?' (Quartz's "no specific value") means * in the day fields.
    v_fields[4] := CASE WHEN v_fields[4] = '?' THEN '*' ELSE v_fields[4] END;
    v_fields[6] := CASE WHEN v_fields[6] = '?' THEN '*' ELSE v_fields[6] END;
    second_mask := internal.cron_field_mask(v_fields[1], 0, 59, NULL);
    minute_mask := internal.cron_field_mask(v_fields[2], 0, 59, NULL);
    hour_mask := internal.cron_field_mask(v_fields[3], 0, 23, NULL);
    day_mask := internal.cron_field_mask(v_fields[4], 1, 31, NULL);
    month_mask := internal.cron_field_mask(v_fields[5], 1, 12, c_months);
    weekday_mask := internal.cron_field_mask(v_fields[6], 0, 7, c_weekdays);
    -- 7 is Sunday too
    weekday_mask := (weekday_mask & 127) | ((weekday_mask >> 7) & 1);
    -- cron's rule: when both day fields are restricted (neither starts with *), a day matching either runs
    days_either := left(v_fields[4], 1) <> '*' AND left(v_fields[6], 1) <> '*';
END
$$;

-- The first due time after p_after: walked in the schedule's local time, a field at a time, and turned
-- back into an instant with AT TIME ZONE (a local time that a clock change skips runs at the instant
-- PostgreSQL maps it to). NULL when nothing matches within about eight years (such as 30 February).
CREATE FUNCTION internal.cron_next_time(p_second_mask bigint, p_minute_mask bigint, p_hour_mask bigint,
    p_day_mask bigint, p_month_mask bigint, p_weekday_mask bigint, p_days_either boolean, p_time_zone text,
    p_after timestamptz)
RETURNS timestamptz
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_local timestamp := date_trunc('second', p_after AT TIME ZONE p_time_zone) + interval '1 second';
    v_limit timestamp := v_local + interval '8 years 1 day';
    v_day   boolean;
    v_dom   boolean;
    v_dow   boolean;
    v_due   timestamptz;
BEGIN
    WHILE v_local < v_limit LOOP
        IF p_month_mask & (1::bigint << extract(month FROM v_local)::integer) = 0 THEN
            v_local := date_trunc('month', v_local) + interval '1 month';
            CONTINUE;
        END IF;
        v_dom := p_day_mask & (1::bigint << extract(day FROM v_local)::integer) <> 0;
        v_dow := p_weekday_mask & (1::bigint << extract(dow FROM v_local)::integer) <> 0;
        v_day := CASE WHEN p_days_either THEN v_dom OR v_dow ELSE v_dom AND v_dow END;
        IF NOT v_day THEN
            v_local := date_trunc('day', v_local) + interval '1 day';
            CONTINUE;
        END IF;
        IF p_hour_mask & (1::bigint << extract(hour FROM v_local)::integer) = 0 THEN
            v_local := date_trunc('hour', v_local) + interval '1 hour';
            CONTINUE;
        END IF;
        IF p_minute_mask & (1::bigint << extract(minute FROM v_local)::integer) = 0 THEN
            v_local := date_trunc('minute', v_local) + interval '1 minute';
            CONTINUE;
        END IF;
        IF p_second_mask & (1::bigint << extract(second FROM v_local)::integer) = 0 THEN
            v_local := v_local + interval '1 second';
            CONTINUE;
        END IF;
        v_due := v_local AT TIME ZONE p_time_zone;
        IF v_due > p_after THEN
            RETURN v_due;
        END IF;
        v_local := v_local + interval '1 second';   -- a local time repeated when clocks go back
    END LOOP;
    RETURN NULL;
END
$$;

-- The schedule's next due time after p_after.
CREATE FUNCTION internal.schedule_next_time(p_schedule internal.schedules, p_after timestamptz)
RETURNS timestamptz
LANGUAGE sql STABLE
AS $$
    SELECT internal.cron_next_time(p_schedule.second_mask, p_schedule.minute_mask, p_schedule.hour_mask,
        p_schedule.day_mask, p_schedule.month_mask, p_schedule.weekday_mask, p_schedule.days_either,
        p_schedule.time_zone, p_after)
$$;

-- A schedule by folder and name, locked, for a caller who may change it (its owner, or ssis_admin);
-- 27400 for anyone else, as for a schedule that does not exist.
CREATE FUNCTION internal.schedule_for_caller(p_folder_name text, p_schedule_name text)
RETURNS internal.schedules
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schedule internal.schedules;
BEGIN
    PERFORM internal.require_not_null(p_folder_name, 'folder_name');
    PERFORM internal.require_not_null(p_schedule_name, 'schedule_name');
    SELECT * INTO v_schedule FROM internal.schedules AS s
    WHERE s.folder_name = p_folder_name AND s.name = p_schedule_name
    FOR UPDATE;
    IF NOT FOUND OR NOT (internal.caller_is_admin() OR v_schedule.owner_name = session_user) THEN
        PERFORM internal.raise_error(27400, pg_catalog.format(
            'Cannot find the schedule ''%s'' in folder ''%s'' because it does not exist or you do not have sufficient '
            'permissions: only its owner and ssis_admin members change it. See catalog.schedules.',
            p_schedule_name, p_folder_name));
    END IF;
    RETURN v_schedule;
END
$$;

-- Why the schedule cannot start an execution now, as create_execution would refuse it: (number, message),
-- or no row. Checked when it is created, and again at every due time (a project may have been redeployed,
-- a reference or a worker deleted since).
CREATE FUNCTION internal.schedule_problem(p_schedule_id bigint)
RETURNS TABLE (error_number integer, error_message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_s       internal.schedules;
    v_project internal.projects;
    v_ref     internal.environment_references;
    v_env_id  bigint;
    v_bad     record;
BEGIN
    SELECT * INTO v_s FROM internal.schedules WHERE schedule_id = p_schedule_id;
    SELECT p.* INTO v_project FROM internal.projects AS p JOIN internal.folders AS f ON f.folder_id = p.folder_id
    WHERE f.name = v_s.folder_name AND p.name = v_s.project_name;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 27109, pg_catalog.format(
            'Cannot find the project ''%s'' in folder ''%s''. Deploy it, or delete the schedule.', v_s.project_name, v_s.folder_name);
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM internal.packages WHERE project_version_lsn = v_project.object_version_lsn
                                                      AND name = v_s.package_name) THEN
        RETURN QUERY SELECT 27146, pg_catalog.format(
            'The package ''%s'' does not exist in project ''%s''. See catalog.packages.', v_s.package_name, v_s.project_name);
        RETURN;
    END IF;
    IF v_s.reference_id IS NOT NULL THEN
        SELECT * INTO v_ref FROM internal.environment_references AS r
        WHERE r.reference_id = v_s.reference_id AND r.project_id = v_project.project_id;
        IF NOT FOUND THEN
            RETURN QUERY SELECT 27208, pg_catalog.format(
                'The environment reference ''%s'' is not associated with the project ''%s''. See catalog.environment_references.',
                v_s.reference_id, v_s.project_name);
            RETURN;
        END IF;
        v_env_id := internal.referenced_environment_id(v_ref.reference_id);
        IF v_env_id IS NULL THEN
            RETURN QUERY SELECT 27182, pg_catalog.format(
                'The environment ''%s'' that reference %s names does not exist. Create it, or change the reference.',
                v_ref.environment_name, v_ref.reference_id);
            RETURN;
        END IF;
        SELECT op.parameter_name, op.data_type, v.name AS variable_name, v.type INTO v_bad
        FROM internal.object_parameters AS op
        JOIN internal.environment_variables AS v ON v.environment_id = v_env_id AND v.name = op.referenced_variable_name
        WHERE op.project_version_lsn = v_project.object_version_lsn AND op.value_type = 'R'
          AND (op.object_type = 20 OR op.object_name = v_s.package_name) AND v.type <> op.data_type
        ORDER BY op.object_type, op.parameter_name LIMIT 1;
        IF FOUND THEN
            RETURN QUERY SELECT 27148, pg_catalog.format(
                'The data type of the parameter does not match the data type of the environment variable: parameter '
                '''%s'' is a %s, variable ''%s'' a %s.', v_bad.parameter_name, v_bad.data_type, v_bad.variable_name, v_bad.type);
            RETURN;
        END IF;
    END IF;
    SELECT g.object_type, g.parameter_name INTO v_bad FROM internal.schedule_parameter_values AS g
    WHERE g.schedule_id = p_schedule_id
      AND NOT EXISTS (SELECT 1 FROM internal.object_parameters AS d
                      WHERE d.project_version_lsn = v_project.object_version_lsn AND d.object_type = g.object_type
                        AND (d.object_type = 20 OR d.object_name = v_s.package_name) AND d.parameter_name = g.parameter_name)
      AND NOT (g.object_type = 50 AND EXISTS (SELECT 1 FROM internal.system_parameters() AS y WHERE y.name = g.parameter_name))
    ORDER BY g.object_type, g.parameter_name LIMIT 1;
    IF FOUND THEN
        RETURN QUERY SELECT 27176, pg_catalog.format(
            'The parameter ''%s'' (object_type %s) does not exist in the project''s current version. See '
            'catalog.object_parameters.', v_bad.parameter_name, v_bad.object_type);
        RETURN;
    END IF;
    SELECT g.parameter_name, d.data_type INTO v_bad FROM internal.schedule_parameter_values AS g
    JOIN internal.object_parameters AS d ON d.project_version_lsn = v_project.object_version_lsn
        AND d.object_type = g.object_type AND (d.object_type = 20 OR d.object_name = v_s.package_name)
        AND d.parameter_name = g.parameter_name
    WHERE g.schedule_id = p_schedule_id AND (d.sensitive <> g.sensitive
          OR (NOT g.sensitive AND NOT internal.is_valid_value(d.data_type, g.parameter_value)))
    ORDER BY g.object_type, g.parameter_name LIMIT 1;
    IF FOUND THEN
        RETURN QUERY SELECT 27147, pg_catalog.format(
            'The data type of the value for parameter ''%s'' is not compatible with the parameter: it takes a %s.',
            v_bad.parameter_name, v_bad.data_type);
        RETURN;
    END IF;
    SELECT string_agg(d.parameter_name, ', ' ORDER BY d.parameter_name) AS names INTO v_bad
    FROM internal.starting_parameter_values(v_project.object_version_lsn, v_s.package_name, v_env_id) AS d
    WHERE d.required AND NOT d.value_set
      AND NOT EXISTS (SELECT 1 FROM internal.schedule_parameter_values AS g WHERE g.schedule_id = p_schedule_id
                      AND g.object_type = d.object_type AND g.parameter_name = d.parameter_name);
    IF v_bad.names IS NOT NULL THEN
        RETURN QUERY SELECT 27184, pg_catalog.format(
            'Required parameters have no value: %s. Set them on the project, or give the schedule values for them.', v_bad.names);
        RETURN;
    END IF;
    IF v_s.worker_agent_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM internal.worker_agents WHERE worker_agent_id = v_s.worker_agent_id AND is_enabled) THEN
        RETURN QUERY SELECT 27257, pg_catalog.format(
            'The worker agent ''%s'' that the schedule runs on does not exist or is disabled. Enable it with '
            'catalog.enable_worker_agent, or create the schedule again for another worker.', v_s.worker_agent_id);
        RETURN;
    END IF;
END
$$;

-- Creates and queues the schedule's execution, as create_execution and start_execution would for its
-- owner: its values from the environment reference, the project and the schedule, in SSIS's order.
-- The caller has checked internal.schedule_problem in the same transaction.
CREATE FUNCTION internal.start_scheduled_execution(p_schedule_id bigint)
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
        use32bitruntime, executed_as_name, job_id, reference_id, reference_type, environment_folder_name, environment_name)
    VALUES (v_id, v_s.folder_name, v_s.project_name, v_s.package_name, v_project.project_id, v_project.object_version_lsn,
            false, v_s.owner_name, v_job_id, v_ref.reference_id, v_ref.reference_type, v_ref.environment_folder_name,
            v_ref.environment_name);
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

-- One firing of a schedule: its execution, or the reason there is none, recorded in internal.schedule_runs.
-- The unique key on (schedule_id, run_type, due_time) refuses a second firing of the same due time.
CREATE FUNCTION internal.fire_schedule(p_schedule_id bigint, p_run_type char, p_due_time timestamptz,
    p_fired_by text, p_missed_count integer DEFAULT 0)
RETURNS internal.schedule_runs
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_number  integer;
    v_message text;
    v_run     internal.schedule_runs;
    v_id      bigint;
BEGIN
    IF p_run_type <> 'K' THEN
        SELECT p.error_number, p.error_message INTO v_number, v_message
        FROM internal.schedule_problem(p_schedule_id) AS p LIMIT 1;
        IF v_number IS NULL THEN
            v_id := internal.start_scheduled_execution(p_schedule_id);
        END IF;
    END IF;
    INSERT INTO internal.schedule_runs (schedule_id, run_type, due_time, fired_by, execution_id, missed_count,
        error_number, error_message)
    VALUES (p_schedule_id, p_run_type, p_due_time, p_fired_by, v_id, p_missed_count, v_number, v_message)
    RETURNING * INTO v_run;
    UPDATE internal.schedules
    SET last_run_time = CASE WHEN p_run_type = 'K' THEN last_run_time ELSE p_due_time END,
        last_execution_id = coalesce(v_id, last_execution_id)
    WHERE schedule_id = p_schedule_id;
    RETURN v_run;
END
$$;

-- scaleout_catalog, PostgreSQL, revision 0010: creating an execution stores its system parameters only
-- where a value is set for one, and the server's logging level of the moment in
-- internal.executions.logging_level (see 25_helpers.sql); set_execution_parameter_value stores a system
-- parameter's row when it first sets one. Otherwise as in revisions 0007, 0001 and 0009.

CREATE OR REPLACE PROCEDURE catalog.create_execution(
    folder_name text,
    project_name text,
    package_name text,
    reference_id bigint DEFAULT NULL,
    use32bitruntime boolean DEFAULT false,
    runinscaleout boolean DEFAULT NULL,
    useanyworker boolean DEFAULT true,
    INOUT execution_id bigint DEFAULT NULL)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_project internal.projects;
    v_job_id  uuid := gen_random_uuid();
    v_ref     internal.environment_references;
    v_env_id  bigint;
    v_bad     record;
BEGIN
    PERFORM internal.require_not_null(create_execution.folder_name, 'folder_name');
    PERFORM internal.require_not_null(create_execution.project_name, 'project_name');
    PERFORM internal.require_not_null(create_execution.package_name, 'package_name');
    IF NOT coalesce(create_execution.runinscaleout,
                    (SELECT property_value = '1' FROM internal.catalog_properties WHERE property_name = 'DEFAULT_EXECUTION_MODE')) THEN
        PERFORM internal.raise_error(27101,
            'runinscaleout = 0 is not supported: this catalog runs every execution in Scale Out. Pass runinscaleout = 1 or NULL.');
    END IF;
    IF NOT internal.caller_in_role('ssis_cluster_executor') THEN
        PERFORM internal.raise_error(27178, pg_catalog.format(
            'Unable to execute the project named ''%s''. You do not have sufficient permissions: '
            'running in Scale Out needs membership of ssis_cluster_executor or ssis_admin.', create_execution.project_name));
    END IF;

    SELECT p.* INTO v_project FROM internal.projects AS p
    JOIN internal.folders AS f ON f.folder_id = p.folder_id
    WHERE f.name = create_execution.folder_name AND p.name = create_execution.project_name;
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM internal.folders WHERE name = create_execution.folder_name) THEN
            PERFORM internal.raise_error(27104, pg_catalog.format(
                'Cannot find the folder ''%s'' because it does not exist or you do not have sufficient permissions. '
                'See catalog.folders.', create_execution.folder_name));
        END IF;
        PERFORM internal.raise_error(27109, pg_catalog.format(
            'Cannot find the project ''%s'' in folder ''%s'' because it does not exist or you do not have sufficient '
            'permissions. See catalog.projects, or deploy it first.', create_execution.project_name, create_execution.folder_name));
    END IF;
    IF NOT internal.check_permission(2, v_project.project_id, 1) THEN
        PERFORM internal.raise_error(27109, pg_catalog.format(
            'Cannot find the project ''%s'' in folder ''%s'' because it does not exist or you do not have sufficient '
            'permissions. See catalog.projects, or deploy it first.', create_execution.project_name, create_execution.folder_name));
    END IF;
    IF NOT internal.check_permission(2, v_project.project_id, 3) THEN
        PERFORM internal.raise_error(27178, pg_catalog.format(
            'Unable to execute the project named ''%s''. You do not have sufficient permissions: it needs EXECUTE on the '
            'project, or EXECUTE_OBJECTS on its folder. Ask an ssis_admin member to grant it.', create_execution.project_name));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM internal.packages
                   WHERE project_version_lsn = v_project.object_version_lsn AND name = create_execution.package_name) THEN
        PERFORM internal.raise_error(27146, pg_catalog.format(
            'Cannot access the package ''%s'' or the package does not exist in project ''%s''. See catalog.packages.',
            create_execution.package_name, create_execution.project_name));
    END IF;

    IF create_execution.reference_id IS NOT NULL THEN
        SELECT * INTO v_ref FROM internal.environment_references AS r
        WHERE r.reference_id = create_execution.reference_id AND r.project_id = v_project.project_id;
        IF NOT FOUND THEN
            PERFORM internal.raise_error(27208, pg_catalog.format(
                'The environment reference ''%s'' is not associated with the project ''%s''. See its references in '
                'catalog.environment_references.', create_execution.reference_id, create_execution.project_name));
        END IF;
        v_env_id := internal.referenced_environment_id(v_ref.reference_id);
        IF v_env_id IS NULL OR NOT internal.check_permission(3, v_env_id, 1) THEN
            PERFORM internal.raise_error(27182, pg_catalog.format(
                'The environment ''%s'' does not exist in folder ''%s'' or you have not been granted the appropriate '
                'permissions to access it: reference %s names it. Create it, or change the reference.',
                v_ref.environment_name, coalesce(v_ref.environment_folder_name, create_execution.folder_name),
                v_ref.reference_id));
        END IF;
        SELECT op.parameter_name, op.data_type, v.name AS variable_name, v.type INTO v_bad
        FROM internal.object_parameters AS op
        JOIN internal.environment_variables AS v ON v.environment_id = v_env_id AND v.name = op.referenced_variable_name
        WHERE op.project_version_lsn = v_project.object_version_lsn AND op.value_type = 'R'
          AND (op.object_type = 20 OR op.object_name = create_execution.package_name) AND v.type <> op.data_type
        ORDER BY op.object_type, op.parameter_name LIMIT 1;
        IF FOUND THEN
            PERFORM internal.raise_error(27148, pg_catalog.format(
                'The data type of the parameter does not match the data type of the environment variable: parameter '
                '''%s'' is a %s, variable ''%s'' of environment ''%s'' a %s. Change the variable''s type, or bind '
                'another variable.', v_bad.parameter_name, v_bad.data_type, v_bad.variable_name, v_ref.environment_name,
                v_bad.type));
        END IF;
        SELECT op.parameter_name, v.name AS variable_name INTO v_bad
        FROM internal.object_parameters AS op
        JOIN internal.environment_variables AS v ON v.environment_id = v_env_id AND v.name = op.referenced_variable_name
        WHERE op.project_version_lsn = v_project.object_version_lsn AND op.value_type = 'R'
          AND (op.object_type = 20 OR op.object_name = create_execution.package_name) AND v.sensitive AND NOT op.sensitive
        ORDER BY op.object_type, op.parameter_name LIMIT 1;
        IF FOUND THEN
            PERFORM internal.raise_error(27221, pg_catalog.format(
                'Unable to map the sensitive environment variable ''%s'' to the parameter ''%s'', which is not '
                'sensitive. Make the parameter sensitive, or the variable not sensitive.',
                v_bad.variable_name, v_bad.parameter_name));
        END IF;
    END IF;

    INSERT INTO internal.operations (operation_type, object_type, object_id, object_name, status, caller_name)
    VALUES (200, 20, v_project.project_id, create_execution.project_name, 1, session_user)
    RETURNING operation_id INTO create_execution.execution_id;

    INSERT INTO internal.jobs (job_id, job_type, input_data, creator, use_all_worker_agents)
    VALUES (v_job_id, 1,
            pg_catalog.format('[{"name":"use32bitruntime","value":"%s"}]', create_execution.use32bitruntime::integer),
            session_user, create_execution.useanyworker);

    INSERT INTO internal.executions (execution_id, folder_name, project_name, package_name, project_id,
        project_lsn, use32bitruntime, executed_as_name, job_id,
        reference_id, reference_type, environment_folder_name, environment_name, logging_level)
    VALUES (create_execution.execution_id, create_execution.folder_name, create_execution.project_name,
            create_execution.package_name, v_project.project_id, v_project.object_version_lsn,
            create_execution.use32bitruntime, session_user, v_job_id,
            v_ref.reference_id, v_ref.reference_type, v_ref.environment_folder_name, v_ref.environment_name,
            internal.catalog_property_int('SERVER_LOGGING_LEVEL'));

    -- Project and package parameters with their starting values. SSIS's system parameters are not stored
    -- until set_execution_parameter_value sets one (internal.all_execution_parameter_values).
    INSERT INTO internal.execution_parameter_values (execution_id, object_type, parameter_data_type,
        parameter_name, parameter_value, sensitive_parameter_value, sensitive, required, value_set)
    SELECT create_execution.execution_id, v.object_type, v.data_type, v.parameter_name, v.parameter_value,
           v.sensitive_parameter_value, v.sensitive, v.required, v.value_set
    FROM internal.starting_parameter_values(v_project.object_version_lsn, create_execution.package_name, v_env_id) AS v;
END
$$;

CREATE OR REPLACE PROCEDURE catalog.set_execution_parameter_value(
    execution_id bigint,
    object_type smallint,
    parameter_name text,
    parameter_value text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_op    internal.operations;
    v_param internal.all_execution_parameter_values;
BEGIN
    PERFORM internal.require_not_null(set_execution_parameter_value.execution_id, 'execution_id');
    PERFORM internal.require_not_null(set_execution_parameter_value.object_type, 'object_type');
    PERFORM internal.require_not_null(set_execution_parameter_value.parameter_name, 'parameter_name');
    PERFORM internal.require_not_null(set_execution_parameter_value.parameter_value, 'parameter_value');
    IF set_execution_parameter_value.object_type NOT IN (20, 30, 50) THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value %s for object_type is not supported. Supported values are 20 (project), 30 (package) and 50 (system).',
            set_execution_parameter_value.object_type));
    END IF;
    v_op := internal.execution_for_caller(set_execution_parameter_value.execution_id);
    IF v_op.status <> 1 THEN
        PERFORM internal.raise_error(27224, pg_catalog.format(
            'The parameter value cannot be changed after the execution %s has been started. Create a new execution.',
            set_execution_parameter_value.execution_id));
    END IF;
    SELECT * INTO v_param FROM internal.all_execution_parameter_values AS v
    WHERE v.execution_id = set_execution_parameter_value.execution_id
      AND v.object_type = set_execution_parameter_value.object_type
      AND v.parameter_name = set_execution_parameter_value.parameter_name;
    IF NOT FOUND THEN
        PERFORM internal.raise_error(27176, pg_catalog.format(
            'The parameter ''%s'' (object_type %s) does not exist in execution %s. '
            'See catalog.execution_parameter_values for the parameters it takes.',
            set_execution_parameter_value.parameter_name, set_execution_parameter_value.object_type,
            set_execution_parameter_value.execution_id));
    END IF;
    IF NOT internal.is_valid_value(v_param.parameter_data_type, set_execution_parameter_value.parameter_value) THEN
        PERFORM internal.raise_error(27147, pg_catalog.format(
            'The data type of the input value is not compatible with the data type of the parameter ''%s'': it takes a %s.',
            set_execution_parameter_value.parameter_name, v_param.parameter_data_type));
    END IF;
    IF set_execution_parameter_value.object_type = 50 AND set_execution_parameter_value.parameter_name = 'LOGGING_LEVEL'
       AND btrim(set_execution_parameter_value.parameter_value) NOT IN ('0', '1', '2', '3', '4', '100') THEN
        PERFORM internal.raise_error(27217, pg_catalog.format(
            'The logging level %s is not defined. Use 0 (None), 1 (Basic), 2 (Performance), 3 (Verbose), 4 (Runtime lineage) or 100 (Custom).',
            set_execution_parameter_value.parameter_value));
    END IF;
    IF v_param.execution_parameter_id < 0 THEN   -- a system parameter at its default: stored from now on
        INSERT INTO internal.execution_parameter_values (execution_id, object_type, parameter_data_type, parameter_name,
            parameter_value, sensitive, required, value_set, runtime_override)
        VALUES (v_param.execution_id, v_param.object_type, v_param.parameter_data_type, v_param.parameter_name,
                set_execution_parameter_value.parameter_value, false, false, true, true);
        RETURN;
    END IF;
    UPDATE internal.execution_parameter_values
    SET parameter_value = CASE WHEN sensitive THEN NULL ELSE set_execution_parameter_value.parameter_value END,
        sensitive_parameter_value = CASE WHEN sensitive
            THEN internal.encrypt_sensitive(set_execution_parameter_value.parameter_value) END,
        value_set = true, runtime_override = true
    WHERE execution_parameter_id = v_param.execution_parameter_id;
END
$$;

CREATE OR REPLACE FUNCTION catalog.create_and_start_executions(executions text, retry_count integer DEFAULT 0)
RETURNS TABLE (ordinal integer, execution_id bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
    c_example constant text := '[{"folder_name": "...", "project_name": "...", "package_name": "...", '
                               '"parameters": [{"object_type": 30, "parameter_name": "...", "parameter_value": "..."}]}]';
    v_json  json;
    v_count integer;
    v_bad   record;
    v_now   timestamptz := now();
    v_level integer := internal.catalog_property_int('SERVER_LOGGING_LEVEL');
BEGIN
    PERFORM internal.require_json_array(create_and_start_executions.executions, 'executions', c_example);
    IF create_and_start_executions.retry_count IS NULL OR create_and_start_executions.retry_count NOT BETWEEN 0 AND 100 THEN
        PERFORM internal.raise_error(27101, 'The value for retry_count is not valid. Pass a whole number from 0 to 100.');
    END IF;
    IF NOT internal.caller_in_role('ssis_cluster_executor') THEN
        PERFORM internal.raise_error(27178,
            'Unable to execute the projects. You do not have sufficient permissions: '
            'running in Scale Out needs membership of ssis_cluster_executor or ssis_admin.');
    END IF;
    v_json := create_and_start_executions.executions::json;
    v_count := json_array_length(v_json);
    IF v_count > 10000 THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for executions holds %s executions; pass at most 10000 in one call.', v_count));
    END IF;

    CREATE TEMP TABLE IF NOT EXISTS scaleout_new_executions (
        ordinal integer PRIMARY KEY, folder_name text, project_name text, package_name text,
        use32bitruntime boolean, parameters json, project_id bigint, project_lsn bigint,
        execution_id bigint, job_id uuid) ON COMMIT DROP;
    CREATE TEMP TABLE IF NOT EXISTS scaleout_new_values (
        ordinal integer, object_type smallint, parameter_name text, parameter_value text,
        parameter_data_type text) ON COMMIT DROP;
    CREATE TEMP TABLE IF NOT EXISTS scaleout_new_defaults (
        project_lsn bigint, package_name text, object_type smallint, data_type text, parameter_name text,
        parameter_value text, sensitive_parameter_value bytea, sensitive boolean, required boolean,
        value_set boolean) ON COMMIT DROP;
    TRUNCATE scaleout_new_executions, scaleout_new_values, scaleout_new_defaults;
    BEGIN
        INSERT INTO scaleout_new_executions (ordinal, folder_name, project_name, package_name, use32bitruntime, parameters)
        SELECT e.n, r.folder_name, r.project_name, r.package_name, coalesce(r.use32bitruntime, false), r.parameters
        FROM json_array_elements(v_json) WITH ORDINALITY AS e (value, n)
        CROSS JOIN LATERAL json_to_record(e.value)
            AS r (folder_name text, project_name text, package_name text, use32bitruntime boolean, parameters json);
        INSERT INTO scaleout_new_values (ordinal, object_type, parameter_name, parameter_value)
        SELECT s.ordinal, p.object_type, p.parameter_name, p.parameter_value
        FROM scaleout_new_executions AS s
        CROSS JOIN LATERAL json_array_elements(s.parameters) AS x (value)
        CROSS JOIN LATERAL json_to_record(x.value) AS p (object_type smallint, parameter_name text, parameter_value text)
        WHERE json_typeof(s.parameters) = 'array' AND json_typeof(x.value) = 'object';
    EXCEPTION WHEN data_exception THEN   -- a value of the wrong type or range in the JSON
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for executions is not valid: %s. Pass %s. Nothing was created.', SQLERRM, c_example));
    END;

    -- Each element: its names, then its folder, project and package, as create_execution checks them.
    SELECT s.ordinal INTO v_bad FROM scaleout_new_executions AS s
    WHERE s.folder_name IS NULL OR s.project_name IS NULL OR s.package_name IS NULL ORDER BY s.ordinal LIMIT 1;
    IF FOUND THEN
        PERFORM internal.raise_error(27100, pg_catalog.format(
            'Element %s of executions needs folder_name, project_name and package_name. Nothing was created.', v_bad.ordinal));
    END IF;
    SELECT s.ordinal INTO v_bad FROM scaleout_new_executions AS s
    WHERE s.parameters IS NOT NULL AND json_typeof(s.parameters) NOT IN ('array', 'null')
       OR EXISTS (SELECT 1 FROM json_array_elements(s.parameters) AS x (value)
                  WHERE json_typeof(s.parameters) = 'array' AND json_typeof(x.value) <> 'object')
    ORDER BY s.ordinal LIMIT 1;
    IF FOUND THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The parameters of element %s of executions must be a JSON array of objects, such as '
            '[{"object_type": 30, "parameter_name": "...", "parameter_value": "..."}]. Nothing was created.', v_bad.ordinal));
    END IF;
    UPDATE scaleout_new_executions AS s SET project_id = p.project_id, project_lsn = p.object_version_lsn
    FROM internal.projects AS p JOIN internal.folders AS f ON f.folder_id = p.folder_id
    WHERE f.name = s.folder_name AND p.name = s.project_name;
    SELECT s.ordinal, s.folder_name, s.project_name INTO v_bad FROM scaleout_new_executions AS s
    WHERE s.project_id IS NULL ORDER BY s.ordinal LIMIT 1;
    IF FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM internal.folders WHERE name = v_bad.folder_name) THEN
            PERFORM internal.raise_error(27104, pg_catalog.format(
                'Cannot find the folder ''%s'' (element %s of executions) because it does not exist or you do not have '
                'sufficient permissions. See catalog.folders. Nothing was created.', v_bad.folder_name, v_bad.ordinal));
        END IF;
        PERFORM internal.raise_error(27109, pg_catalog.format(
            'Cannot find the project ''%s'' in folder ''%s'' (element %s of executions) because it does not exist or you '
            'do not have sufficient permissions. See catalog.projects, or deploy it first. Nothing was created.',
            v_bad.project_name, v_bad.folder_name, v_bad.ordinal));
    END IF;
    IF NOT internal.caller_is_admin() THEN
        SELECT s.ordinal, s.folder_name, s.project_name, internal.check_permission(2, s.project_id, 1) AS readable
        INTO v_bad FROM scaleout_new_executions AS s
        WHERE NOT (internal.check_permission(2, s.project_id, 1) AND internal.check_permission(2, s.project_id, 3))
        ORDER BY s.ordinal LIMIT 1;
        IF FOUND AND NOT v_bad.readable THEN
            PERFORM internal.raise_error(27109, pg_catalog.format(
                'Cannot find the project ''%s'' in folder ''%s'' (element %s of executions) because it does not exist or '
                'you do not have sufficient permissions. See catalog.projects, or deploy it first. Nothing was created.',
                v_bad.project_name, v_bad.folder_name, v_bad.ordinal));
        ELSIF FOUND THEN
            PERFORM internal.raise_error(27178, pg_catalog.format(
                'Unable to execute the project named ''%s'' (element %s of executions). You do not have sufficient '
                'permissions: it needs EXECUTE on the project, or EXECUTE_OBJECTS on its folder. Nothing was created.',
                v_bad.project_name, v_bad.ordinal));
        END IF;
    END IF;
    SELECT s.ordinal, s.package_name, s.project_name INTO v_bad FROM scaleout_new_executions AS s
    WHERE NOT EXISTS (SELECT 1 FROM internal.packages AS k
                      WHERE k.project_version_lsn = s.project_lsn AND k.name = s.package_name)
    ORDER BY s.ordinal LIMIT 1;
    IF FOUND THEN
        PERFORM internal.raise_error(27146, pg_catalog.format(
            'Cannot access the package ''%s'' or the package does not exist in project ''%s'' (element %s of executions). '
            'See catalog.packages. Nothing was created.', v_bad.package_name, v_bad.project_name, v_bad.ordinal));
    END IF;

    -- Each parameter value, as set_execution_parameter_value checks it.
    SELECT g.ordinal INTO v_bad FROM scaleout_new_values AS g
    WHERE g.object_type IS NULL OR g.parameter_name IS NULL OR g.parameter_value IS NULL ORDER BY g.ordinal LIMIT 1;
    IF FOUND THEN
        PERFORM internal.raise_error(27100, pg_catalog.format(
            'Every parameter of element %s of executions needs object_type, parameter_name and parameter_value. '
            'Nothing was created.', v_bad.ordinal));
    END IF;
    SELECT g.ordinal, g.object_type INTO v_bad FROM scaleout_new_values AS g
    WHERE g.object_type NOT IN (20, 30, 50) ORDER BY g.ordinal LIMIT 1;
    IF FOUND THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value %s for object_type (element %s of executions) is not supported. Supported values are 20 (project), '
            '30 (package) and 50 (system). Nothing was created.', v_bad.object_type, v_bad.ordinal));
    END IF;
    SELECT g.ordinal, g.parameter_name INTO v_bad FROM scaleout_new_values AS g
    GROUP BY g.ordinal, g.object_type, g.parameter_name HAVING count(*) > 1 ORDER BY g.ordinal LIMIT 1;
    IF FOUND THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'Element %s of executions sets parameter ''%s'' more than once. Nothing was created.',
            v_bad.ordinal, v_bad.parameter_name));
    END IF;
    UPDATE scaleout_new_values AS g SET parameter_data_type = d.data_type
    FROM scaleout_new_executions AS s, internal.object_parameters AS d
    WHERE s.ordinal = g.ordinal AND d.project_version_lsn = s.project_lsn AND d.object_type = g.object_type
      AND (d.object_type = 20 OR d.object_name = s.package_name) AND d.parameter_name = g.parameter_name;
    UPDATE scaleout_new_values AS g SET parameter_data_type = y.data_type
    FROM internal.system_parameters() AS y
    WHERE g.object_type = 50 AND y.name = g.parameter_name;
    SELECT g.ordinal, g.object_type, g.parameter_name INTO v_bad FROM scaleout_new_values AS g
    WHERE g.parameter_data_type IS NULL ORDER BY g.ordinal LIMIT 1;
    IF FOUND THEN
        PERFORM internal.raise_error(27176, pg_catalog.format(
            'The parameter ''%s'' (object_type %s) does not exist in element %s of executions. '
            'See catalog.object_parameters for the parameters it takes. Nothing was created.',
            v_bad.parameter_name, v_bad.object_type, v_bad.ordinal));
    END IF;
    SELECT g.ordinal, g.parameter_name, g.parameter_data_type INTO v_bad FROM scaleout_new_values AS g
    WHERE NOT internal.is_valid_value(g.parameter_data_type, g.parameter_value) ORDER BY g.ordinal LIMIT 1;
    IF FOUND THEN
        PERFORM internal.raise_error(27147, pg_catalog.format(
            'The data type of the input value is not compatible with the data type of the parameter ''%s'' '
            '(element %s of executions): it takes a %s. Nothing was created.',
            v_bad.parameter_name, v_bad.ordinal, v_bad.parameter_data_type));
    END IF;
    SELECT g.ordinal, g.parameter_value INTO v_bad FROM scaleout_new_values AS g
    WHERE g.object_type = 50 AND g.parameter_name = 'LOGGING_LEVEL'
      AND btrim(g.parameter_value) NOT IN ('0', '1', '2', '3', '4', '100') ORDER BY g.ordinal LIMIT 1;
    IF FOUND THEN
        PERFORM internal.raise_error(27217, pg_catalog.format(
            'The logging level %s (element %s of executions) is not defined. Use 0 (None), 1 (Basic), 2 (Performance), '
            '3 (Verbose), 4 (Runtime lineage) or 100 (Custom). Nothing was created.', v_bad.parameter_value, v_bad.ordinal));
    END IF;
    -- Each package's starting values once, however many elements run it.
    INSERT INTO scaleout_new_defaults
    SELECT k.project_lsn, k.package_name, v.object_type, v.data_type, v.parameter_name, v.parameter_value,
           v.sensitive_parameter_value, v.sensitive, v.required, v.value_set
    FROM (SELECT DISTINCT s.project_lsn, s.package_name FROM scaleout_new_executions AS s) AS k
    CROSS JOIN LATERAL internal.starting_parameter_values(k.project_lsn, k.package_name, NULL) AS v;
    SELECT s.ordinal, string_agg(d.parameter_name, ', ' ORDER BY d.parameter_name) AS names INTO v_bad
    FROM scaleout_new_executions AS s
    JOIN scaleout_new_defaults AS d ON d.project_lsn = s.project_lsn AND d.package_name = s.package_name
    WHERE d.required AND NOT d.value_set AND NOT EXISTS (SELECT 1 FROM scaleout_new_values AS g
                      WHERE g.ordinal = s.ordinal AND g.object_type = d.object_type AND g.parameter_name = d.parameter_name)
    GROUP BY s.ordinal ORDER BY s.ordinal LIMIT 1;
    IF FOUND THEN
        PERFORM internal.raise_error(27184, pg_catalog.format(
            'Element %s of executions cannot start: required parameters have no value: %s. '
            'Add them to its parameters. Nothing was created.', v_bad.ordinal, v_bad.names));
    END IF;

    -- All checked: create and start them, set by set. Ids are taken in the array's order.
    UPDATE scaleout_new_executions AS s SET execution_id = n.id, job_id = gen_random_uuid()
    FROM (SELECT o.ordinal, nextval(pg_get_serial_sequence('internal.operations', 'operation_id')) AS id
          FROM (SELECT ordinal FROM scaleout_new_executions ORDER BY ordinal OFFSET 0) AS o) AS n
    WHERE n.ordinal = s.ordinal;
    INSERT INTO internal.operations (operation_id, operation_type, created_time, object_type, object_id, object_name,
        status, start_time, caller_name, machine_name, server_name)
    OVERRIDING SYSTEM VALUE
    SELECT s.execution_id, 200, v_now, 20, s.project_id, s.project_name, 5, v_now, session_user, '',
           inet_server_addr()::text
    FROM scaleout_new_executions AS s ORDER BY s.ordinal;
    INSERT INTO internal.jobs (job_id, job_type, input_data, creator, use_all_worker_agents)
    SELECT s.job_id, 1, pg_catalog.format('[{"name":"use32bitruntime","value":"%s"}]', s.use32bitruntime::integer),
           session_user, true
    FROM scaleout_new_executions AS s ORDER BY s.ordinal;
    INSERT INTO internal.executions (execution_id, folder_name, project_name, package_name, project_id,
        project_lsn, use32bitruntime, executed_as_name, job_id, logging_level)
    SELECT s.execution_id, s.folder_name, s.project_name, s.package_name, s.project_id, s.project_lsn,
           s.use32bitruntime, session_user, s.job_id, v_level
    FROM scaleout_new_executions AS s ORDER BY s.ordinal;
    -- Project and package parameters with their starting values, each with the element's value where it
    -- gives one; of SSIS's system parameters only those the element sets (the others are not stored).
    INSERT INTO internal.execution_parameter_values (execution_id, object_type, parameter_data_type,
        parameter_name, parameter_value, sensitive_parameter_value, sensitive, required, value_set, runtime_override)
    SELECT s.execution_id, d.object_type, d.data_type, d.parameter_name,
           CASE WHEN d.sensitive THEN NULL ELSE coalesce(g.parameter_value, d.parameter_value) END,
           CASE WHEN d.sensitive AND g.parameter_value IS NOT NULL THEN internal.encrypt_sensitive(g.parameter_value)
                WHEN d.sensitive THEN d.sensitive_parameter_value END,
           d.sensitive, d.required, g.parameter_value IS NOT NULL OR d.value_set,
           g.parameter_value IS NOT NULL
    FROM scaleout_new_executions AS s
    CROSS JOIN LATERAL (
        SELECT v.object_type, v.data_type, v.parameter_name, v.parameter_value, v.sensitive_parameter_value,
               v.sensitive, v.required, v.value_set
        FROM scaleout_new_defaults AS v
        WHERE v.project_lsn = s.project_lsn AND v.package_name = s.package_name
        UNION ALL
        SELECT 50::smallint, y.data_type, y.name, y.value, NULL::bytea, false, false, true
        FROM scaleout_new_values AS x JOIN internal.system_parameters() AS y ON y.name = x.parameter_name
        WHERE x.ordinal = s.ordinal AND x.object_type = 50
    ) AS d
    LEFT JOIN scaleout_new_values AS g
        ON g.ordinal = s.ordinal AND g.object_type = d.object_type AND g.parameter_name = d.parameter_name;
    -- Queued in the array's order: one microsecond apart, so the claim (oldest first) keeps it.
    INSERT INTO internal.tasks (task_id, job_id, execution_id, task_type, input_data, max_executed_count,
        status, priority, use_any_worker, ready_for_dispatch_time)
    SELECT gen_random_uuid(), s.job_id, s.execution_id, 0,
           pg_catalog.format('[{"name":"execution_id","value":"%s"}]', s.execution_id),
           create_and_start_executions.retry_count + 1, 1, 0, true,
           v_now + make_interval(secs => (s.ordinal - 1) / 1000000.0)
    FROM scaleout_new_executions AS s ORDER BY s.ordinal;
    IF v_count > 0 THEN
        PERFORM pg_notify('scaleout_task_queued', (SELECT min(s.execution_id) FROM scaleout_new_executions AS s)::text);
    END IF;
    RETURN QUERY SELECT s.ordinal, s.execution_id FROM scaleout_new_executions AS s ORDER BY s.ordinal;
END
$$;

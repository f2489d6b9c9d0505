-- scaleout_catalog, PostgreSQL: executions (catalog.*), the "run packages in Scale Out" flow.

CREATE FUNCTION internal.execution_for_caller(p_execution_id bigint, p_name text DEFAULT 'execution_id')
RETURNS internal.operations
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_op internal.operations;
BEGIN
    PERFORM internal.require_not_null(p_execution_id, p_name);
    SELECT o.* INTO v_op FROM internal.operations AS o
    JOIN internal.executions AS e ON e.execution_id = o.operation_id
    WHERE o.operation_id = p_execution_id
    FOR UPDATE OF o;
    -- Others' executions are invisible unless the caller is an admin (SSISDB: READ permission).
    IF NOT FOUND OR (v_op.caller_name <> session_user AND NOT internal.caller_is_admin()) THEN
        PERFORM internal.raise_error(27103, pg_catalog.format(
            'Cannot find the execution instance ''%s'' because it does not exist or you do not have sufficient permissions. '
            'Check execution_id in catalog.executions.', p_execution_id));
    END IF;
    RETURN v_op;
END
$$;

CREATE PROCEDURE catalog.create_execution(
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
BEGIN
    PERFORM internal.require_not_null(create_execution.folder_name, 'folder_name');
    PERFORM internal.require_not_null(create_execution.project_name, 'project_name');
    PERFORM internal.require_not_null(create_execution.package_name, 'package_name');
    IF create_execution.reference_id IS NOT NULL THEN
        PERFORM internal.raise_error(27101,
            'Environment references are not supported: pass reference_id = NULL and set values with catalog.set_execution_parameter_value.');
    END IF;
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
    IF NOT EXISTS (SELECT 1 FROM internal.packages
                   WHERE project_version_lsn = v_project.object_version_lsn AND name = create_execution.package_name) THEN
        PERFORM internal.raise_error(27146, pg_catalog.format(
            'Cannot access the package ''%s'' or the package does not exist in project ''%s''. See catalog.packages.',
            create_execution.package_name, create_execution.project_name));
    END IF;

    INSERT INTO internal.operations (operation_type, object_type, object_id, object_name, status, caller_name)
    VALUES (200, 20, v_project.project_id, create_execution.project_name, 1, session_user)
    RETURNING operation_id INTO create_execution.execution_id;

    INSERT INTO internal.jobs (job_id, job_type, input_data, creator, use_all_worker_agents)
    VALUES (v_job_id, 1,
            pg_catalog.format('[{"name":"use32bitruntime","value":"%s"}]', create_execution.use32bitruntime::integer),
            session_user, create_execution.useanyworker);

    INSERT INTO internal.executions (execution_id, folder_name, project_name, package_name, project_id,
        project_lsn, use32bitruntime, executed_as_name, job_id)
    VALUES (create_execution.execution_id, create_execution.folder_name, create_execution.project_name,
            create_execution.package_name, v_project.project_id, v_project.object_version_lsn,
            create_execution.use32bitruntime, session_user, v_job_id);

    -- Project and package parameters with their design defaults, then SSIS's system parameters.
    INSERT INTO internal.execution_parameter_values (execution_id, object_type, parameter_data_type,
        parameter_name, parameter_value, sensitive_parameter_value, sensitive, required, value_set)
    SELECT create_execution.execution_id, op.object_type, op.data_type, op.parameter_name,
           CASE WHEN op.sensitive THEN NULL ELSE op.default_value END,
           CASE WHEN op.sensitive THEN internal.encrypt_sensitive(op.default_value) END,
           op.sensitive, op.required, op.default_value IS NOT NULL
    FROM internal.object_parameters AS op
    WHERE op.project_version_lsn = v_project.object_version_lsn
      AND (op.object_type = 20 OR op.object_name = create_execution.package_name)
    UNION ALL
    SELECT create_execution.execution_id, 50, s.data_type, s.name, s.value, NULL, false, false, true
    FROM (VALUES ('LOGGING_LEVEL', 'Int32', (SELECT property_value FROM internal.catalog_properties
                                             WHERE property_name = 'SERVER_LOGGING_LEVEL')),
                 ('DUMP_ON_ERROR', 'Boolean', '0'),
                 ('DUMP_ON_EVENT', 'Boolean', '0'),
                 ('DUMP_EVENT_CODE', 'String', '0'),
                 ('CALLER_INFO', 'String', NULL),
                 ('SYNCHRONIZED', 'Boolean', '0')) AS s (name, data_type, value);
END
$$;

CREATE PROCEDURE catalog.set_execution_parameter_value(
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
    v_param internal.execution_parameter_values;
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
    SELECT * INTO v_param FROM internal.execution_parameter_values AS v
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
    UPDATE internal.execution_parameter_values
    SET parameter_value = CASE WHEN sensitive THEN NULL ELSE set_execution_parameter_value.parameter_value END,
        sensitive_parameter_value = CASE WHEN sensitive
            THEN internal.encrypt_sensitive(set_execution_parameter_value.parameter_value) END,
        value_set = true, runtime_override = true
    WHERE execution_parameter_id = v_param.execution_parameter_id;
END
$$;

CREATE PROCEDURE catalog.add_execution_worker(execution_id bigint, workeragent_id uuid)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_op  internal.operations;
    v_job internal.jobs;
BEGIN
    PERFORM internal.require_not_null(add_execution_worker.execution_id, 'execution_id');
    PERFORM internal.require_worker_agent_id(add_execution_worker.workeragent_id, 'workeragent_id');
    v_op := internal.execution_for_caller(add_execution_worker.execution_id);
    SELECT j.* INTO v_job FROM internal.jobs AS j
    JOIN internal.executions AS e ON e.job_id = j.job_id
    WHERE e.execution_id = add_execution_worker.execution_id;
    IF NOT FOUND THEN
        PERFORM internal.raise_error(27255,
            'The job id of the execution is null. Create a job for the execution first and try again.');
    END IF;
    IF v_op.end_time IS NOT NULL OR v_op.status NOT IN (1, 5) THEN
        PERFORM internal.raise_error(27224, pg_catalog.format(
            'Workers cannot be added to execution %s: it is no longer waiting to run.', add_execution_worker.execution_id));
    END IF;
    IF v_job.use_all_worker_agents THEN
        PERFORM internal.raise_error(27251, pg_catalog.format(
            'Cannot add a worker agent to execute the cluster job instance ''%s'' because the job is specified for all '
            'worker agents. Create the execution with useanyworker = 0 to choose its workers.', v_job.job_id));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM internal.worker_agents WHERE worker_agent_id = add_execution_worker.workeragent_id) THEN
        PERFORM internal.worker_agent_not_found(add_execution_worker.workeragent_id);
    END IF;
    INSERT INTO internal.job_worker_agents (job_id, worker_agent_id)
    VALUES (v_job.job_id, add_execution_worker.workeragent_id)
    ON CONFLICT DO NOTHING;
END
$$;

CREATE PROCEDURE catalog.start_execution(execution_id bigint, retry_count integer DEFAULT 0)
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

CREATE PROCEDURE catalog.stop_operation(operation_id bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_op     internal.operations;
    v_job_id uuid;
BEGIN
    PERFORM internal.require_not_null(stop_operation.operation_id, 'operation_id');
    SELECT o.* INTO v_op FROM internal.operations AS o WHERE o.operation_id = stop_operation.operation_id FOR UPDATE;
    IF NOT FOUND OR (v_op.caller_name <> session_user AND NOT internal.caller_is_admin()) THEN
        PERFORM internal.raise_error(27124, pg_catalog.format(
            'The operation %s cannot be stopped: it does not exist or you do not have sufficient permissions.',
            stop_operation.operation_id));
    END IF;
    IF v_op.status = 8 THEN
        PERFORM internal.raise_error(27126, pg_catalog.format(
            'The operation %s is already stopping. Wait for its status in catalog.executions to become 3 (canceled).',
            stop_operation.operation_id));
    END IF;
    IF v_op.status NOT IN (2, 5) THEN
        PERFORM internal.raise_error(27124, pg_catalog.format(
            'The operation %s cannot be stopped because it is not running (status %s).', stop_operation.operation_id, v_op.status));
    END IF;
    SELECT job_id INTO v_job_id FROM internal.executions AS e WHERE e.execution_id = stop_operation.operation_id;
    IF v_job_id IS NULL THEN
        PERFORM internal.raise_error(27125, pg_catalog.format(
            'The operation %s cannot be stopped: it has no Scale Out job.', stop_operation.operation_id));
    END IF;

    UPDATE internal.jobs SET is_cancelled = true, last_updated_time = now() WHERE job_id = v_job_id;
    UPDATE internal.tasks SET is_cancelled = true, last_updated_time = now() WHERE job_id = v_job_id;
    UPDATE internal.operations SET status = 8, stopped_by_name = session_user
    WHERE operation_id = stop_operation.operation_id;
    -- Queued tasks are cancelled at once; running ones when their worker renews its lease.
    PERFORM internal.finish_task(t.task_id, 6, 3) FROM internal.tasks AS t WHERE t.job_id = v_job_id AND t.status = 1;
    INSERT INTO internal.operations (operation_type, object_type, object_id, object_name, status,
        start_time, end_time, caller_name)
    VALUES (202, 20, v_op.object_id, v_op.object_name, 7, now(), now(), session_user);
    PERFORM pg_notify('scaleout_task_cancelled', stop_operation.operation_id::text);
END
$$;

-- scaleout_catalog, PostgreSQL: worker management (catalog.*), for DBAs and admins.
-- Every procedure validates its parameters first and raises SSIS's error numbers.

CREATE PROCEDURE catalog.enable_worker_agent(worker_agent_id uuid)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM internal.set_worker_agent_enabled(enable_worker_agent.worker_agent_id, true);
END
$$;

CREATE PROCEDURE catalog.disable_worker_agent(worker_agent_id uuid)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM internal.set_worker_agent_enabled(disable_worker_agent.worker_agent_id, false);
END
$$;

CREATE PROCEDURE catalog.delete_worker_agent(worker_agent_id uuid)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    PERFORM internal.require_worker_agent_id(delete_worker_agent.worker_agent_id, 'worker_agent_id');
    PERFORM internal.require_admin('delete a worker agent');
    IF EXISTS (SELECT 1 FROM internal.tasks
               WHERE worker_agent_id = delete_worker_agent.worker_agent_id AND status = 2) THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The worker agent ''%s'' is running tasks and cannot be deleted now. '
            'Disable it with catalog.disable_worker_agent, wait for catalog.worker_agents.RunningTasks = 0, then delete it.',
            delete_worker_agent.worker_agent_id));
    END IF;
    DELETE FROM internal.job_worker_agents WHERE worker_agent_id = delete_worker_agent.worker_agent_id;
    DELETE FROM internal.worker_agents WHERE worker_agent_id = delete_worker_agent.worker_agent_id;
    IF NOT FOUND THEN
        PERFORM internal.worker_agent_not_found(delete_worker_agent.worker_agent_id);
    END IF;
END
$$;

CREATE PROCEDURE catalog.set_worker_agent_property(worker_agent_id uuid, property_name text, property_value text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    PERFORM internal.require_worker_agent_id(set_worker_agent_property.worker_agent_id, 'worker_agent_id');
    PERFORM internal.require_not_null(set_worker_agent_property.property_name, 'property_name');
    IF set_worker_agent_property.property_name NOT IN ('DisplayName', 'Description', 'Tags') THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value ''%s'' for property_name is not supported. Supported values are DisplayName, Description and Tags.',
            set_worker_agent_property.property_name));
    END IF;
    IF set_worker_agent_property.property_name = 'DisplayName'
       AND length(set_worker_agent_property.property_value) > 256 THEN
        PERFORM internal.raise_error(27101, 'The value for DisplayName is longer than 256 characters. Pass a shorter name.');
    END IF;
    PERFORM internal.require_admin('set a worker agent property');
    UPDATE internal.worker_agents
    SET display_name = CASE WHEN set_worker_agent_property.property_name = 'DisplayName'
                            THEN set_worker_agent_property.property_value ELSE display_name END,
        description  = CASE WHEN set_worker_agent_property.property_name = 'Description'
                            THEN set_worker_agent_property.property_value ELSE description END,
        tags         = CASE WHEN set_worker_agent_property.property_name = 'Tags'
                            THEN set_worker_agent_property.property_value ELSE tags END
    WHERE worker_agent_id = set_worker_agent_property.worker_agent_id;
    IF NOT FOUND THEN
        PERFORM internal.worker_agent_not_found(set_worker_agent_property.worker_agent_id);
    END IF;
END
$$;

CREATE PROCEDURE catalog.configure_catalog(property_name text, property_value text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    PERFORM internal.require_not_null(configure_catalog.property_name, 'property_name');
    PERFORM internal.require_not_null(configure_catalog.property_value, 'property_value');
    IF configure_catalog.property_name NOT IN ('DEFAULT_EXECUTION_MODE', 'RETENTION_WINDOW',
            'OPERATION_CLEANUP_ENABLED', 'MAX_PROJECT_VERSIONS', 'SERVER_LOGGING_LEVEL',
            'WORKER_LEASE_SECONDS', 'WORKER_ONLINE_WINDOW_SECONDS') THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The property ''%s'' cannot be configured. Configurable properties are DEFAULT_EXECUTION_MODE, '
            'RETENTION_WINDOW, OPERATION_CLEANUP_ENABLED, MAX_PROJECT_VERSIONS, SERVER_LOGGING_LEVEL, '
            'WORKER_LEASE_SECONDS and WORKER_ONLINE_WINDOW_SECONDS.', configure_catalog.property_name));
    END IF;
    IF (configure_catalog.property_name = 'DEFAULT_EXECUTION_MODE' AND configure_catalog.property_value <> '1')
       OR (configure_catalog.property_name = 'OPERATION_CLEANUP_ENABLED'
           AND upper(configure_catalog.property_value) NOT IN ('TRUE', 'FALSE'))
       OR (configure_catalog.property_name = 'SERVER_LOGGING_LEVEL'
           AND configure_catalog.property_value NOT IN ('0', '1', '2', '3', '4'))
       OR (configure_catalog.property_name IN ('RETENTION_WINDOW', 'MAX_PROJECT_VERSIONS',
               'WORKER_LEASE_SECONDS', 'WORKER_ONLINE_WINDOW_SECONDS')
           AND (configure_catalog.property_value !~ '^[0-9]{1,6}$' OR configure_catalog.property_value::integer < 1)) THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value ''%s'' is not valid for %s. DEFAULT_EXECUTION_MODE takes 1 (Scale Out), '
            'OPERATION_CLEANUP_ENABLED TRUE or FALSE, SERVER_LOGGING_LEVEL 0 to 4, and the others a whole number of at least 1.',
            configure_catalog.property_value, configure_catalog.property_name));
    END IF;
    PERFORM internal.require_admin('configure the catalog');
    UPDATE internal.catalog_properties SET property_value = configure_catalog.property_value
    WHERE property_name = configure_catalog.property_name;
    INSERT INTO internal.operations (operation_type, object_name, status, start_time, end_time, caller_name)
    VALUES (1000, configure_catalog.property_name, 7, now(), now(), session_user);
END
$$;

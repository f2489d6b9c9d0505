-- scaleout_catalog, PostgreSQL: least privilege by role.
-- Procedures run as their owner (SECURITY DEFINER); a role reaches only what is granted here.
-- The permission table in the README states these grants; tests/test_permissions.py checks every cell.

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA catalog FROM PUBLIC;
REVOKE EXECUTE ON ALL PROCEDURES IN SCHEMA catalog FROM PUBLIC;

GRANT USAGE ON SCHEMA catalog TO ssis_admin, ssis_cluster_executor, ssis_logreader;
GRANT USAGE ON SCHEMA internal TO ssis_admin, ssis_cluster_worker;

-- ssis_admin: everything public, and the worker procedures.
GRANT EXECUTE ON ALL PROCEDURES IN SCHEMA catalog TO ssis_admin;
GRANT SELECT ON ALL TABLES IN SCHEMA catalog TO ssis_admin;

-- ssis_cluster_executor: run executions in Scale Out and see the workers.
GRANT EXECUTE ON PROCEDURE
    catalog.create_execution(text, text, text, bigint, boolean, boolean, boolean, bigint),
    catalog.set_execution_parameter_value(bigint, smallint, text, text),
    catalog.add_execution_worker(bigint, uuid),
    catalog.start_execution(bigint, integer),
    catalog.stop_operation(bigint)
TO ssis_cluster_executor;
GRANT SELECT ON
    catalog.worker_agents, catalog.executions, catalog.operations, catalog.operation_messages,
    catalog.execution_parameter_values, catalog.folders, catalog.projects, catalog.packages,
    catalog.object_parameters, catalog.tasks, catalog.task_attempts,
    catalog.catalog_properties, catalog.master_properties
TO ssis_cluster_executor;

-- ssis_logreader: the operational views, and nothing to call.
GRANT SELECT ON
    catalog.executions, catalog.operations, catalog.operation_messages,
    catalog.execution_parameter_values, catalog.folders, catalog.projects, catalog.packages,
    catalog.object_parameters, catalog.tasks, catalog.task_attempts,
    catalog.catalog_properties, catalog.master_properties
TO ssis_logreader;

-- ssis_cluster_worker: only the worker procedures; no table, no view.
GRANT EXECUTE ON FUNCTION
    internal.update_worker_agent_status(uuid, text, text, text, integer, text),
    internal.announce_worker_certificate(uuid, text),
    internal.pull_task(uuid, integer),
    internal.renew_task_lease(uuid, uuid, uuid),
    internal.update_task_status(uuid, uuid, uuid, integer),
    internal.update_tasks_status(uuid, text),
    internal.append_operation_messages(uuid, text),
    internal.get_task_package(uuid, uuid, uuid, boolean),
    internal.get_task_parameters(uuid, uuid, uuid),
    internal.dealwith_expired_tasks(),
    internal.cleanup_server_retention_window()
TO ssis_cluster_worker, ssis_admin;

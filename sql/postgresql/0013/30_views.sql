-- scaleout_catalog, PostgreSQL, revision 0013: the views over folders, projects, environments and schedules,
-- and catalog.explicit_object_permissions, decide what a login that is not an admin may read in the query
-- itself, as revision 0012 did for the views over executions. Revision 0007 called
-- internal.check_permission(2 or 3, id, 1) for every row such a login was shown (each package, parameter
-- and variable row as well as each project and environment), and internal.folder_is_readable, which called
-- it for every project and environment of the folder.
-- The rule is the same (SSISDB's, as internal.caller_holds_permission has it for READ): ssis_admin and
-- ssis_logreader read every row (of explicit_object_permissions, ssis_logreader only the operations' rows,
-- as before); anyone else
-- reads a project or environment on which READ is granted, or READ_OBJECTS on its folder, to it, to PUBLIC
-- or to a role it is in, and denied at neither level (DENY beats GRANT); a folder on which it holds READ,
-- or in which it reads a project or environment.
-- Each view asks whether a project (environment, folder) is in the caller's readable set, which a function
-- gives: PostgreSQL builds that set once a query (a hashed subplan), and for an admin not at all.

-- The caller's rows of the folder, project and environment permissions: granted or denied to it, to
-- PUBLIC (0), or to a role it is a member of, as internal.caller_operation_permissions (revision 0012) has
-- them for operations. The helper views below read them as their owner.
CREATE VIEW internal.caller_folder_permissions AS
SELECT p.object_id, p.permission_type, p.is_deny
FROM internal.folder_permissions AS p
WHERE p.principal_id = 0
   OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS r
              WHERE r.oid = p.principal_id::oid AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'));

CREATE VIEW internal.caller_project_permissions AS
SELECT p.object_id, p.permission_type, p.is_deny
FROM internal.project_permissions AS p
WHERE p.principal_id = 0
   OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS r
              WHERE r.oid = p.principal_id::oid AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'));

CREATE VIEW internal.caller_environment_permissions AS
SELECT p.object_id, p.permission_type, p.is_deny
FROM internal.environment_permissions AS p
WHERE p.principal_id = 0
   OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles AS r
              WHERE r.oid = p.principal_id::oid AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'));

-- The projects the caller holds READ on: rows at the project (READ, 1) or its folder (READ_OBJECTS, 101), all
-- of them grants. bool_and is NULL with no row (not readable) and false with a deny at either level.
-- Functions, not views: a view's query is planned again in every query that reads it (several ms for
-- these, an admin's queries included), where PL/pgSQL keeps its plans for the session. A view calls one
-- once a query, in a hashed subplan, and for an admin not at all.
CREATE FUNCTION internal.caller_readable_projects()
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
    SELECT p.project_id
    FROM internal.projects AS p
    WHERE (SELECT bool_and(NOT g.is_deny)
           FROM (SELECT a.is_deny FROM internal.caller_project_permissions AS a
                 WHERE a.object_id = p.project_id AND a.permission_type = 1
                 UNION ALL
                 SELECT b.is_deny FROM internal.caller_folder_permissions AS b
                 WHERE b.object_id = p.folder_id AND b.permission_type = 101) AS g);
END
$$;

-- The environments the caller holds READ on, by the same rule.
CREATE FUNCTION internal.caller_readable_environments()
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
    SELECT e.environment_id
    FROM internal.environments AS e
    WHERE (SELECT bool_and(NOT g.is_deny)
           FROM (SELECT a.is_deny FROM internal.caller_environment_permissions AS a
                 WHERE a.object_id = e.environment_id AND a.permission_type = 1
                 UNION ALL
                 SELECT b.is_deny FROM internal.caller_folder_permissions AS b
                 WHERE b.object_id = e.folder_id AND b.permission_type = 101) AS g);
END
$$;

-- The folders listed to the caller: READ on the folder itself (granted, not denied), or a project or
-- environment in it that it reads.
CREATE FUNCTION internal.caller_readable_folders()
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
    SELECT f.folder_id
    FROM internal.folders AS f
    WHERE (SELECT bool_and(NOT g.is_deny) FROM internal.caller_folder_permissions AS g
           WHERE g.object_id = f.folder_id AND g.permission_type = 1)
    UNION
    SELECT p.folder_id FROM internal.projects AS p WHERE p.project_id IN (SELECT internal.caller_readable_projects())
    UNION
    SELECT e.folder_id FROM internal.environments AS e
    WHERE e.environment_id IN (SELECT internal.caller_readable_environments());
END
$$;

-- The views call them as their caller (as revision 0007's checks): the catalog's roles may, PUBLIC may not.
REVOKE EXECUTE ON FUNCTION internal.caller_readable_projects(), internal.caller_readable_environments(),
    internal.caller_readable_folders()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION internal.caller_readable_projects(), internal.caller_readable_environments(),
    internal.caller_readable_folders()
TO ssis_admin, ssis_cluster_executor, ssis_logreader;

CREATE OR REPLACE VIEW catalog.folders AS
SELECT folder_id AS id, name, description, created_by_name, created_time
FROM internal.folders
WHERE ((SELECT internal.caller_reads_catalog())
       OR folder_id IN (SELECT internal.caller_readable_folders()));

CREATE OR REPLACE VIEW catalog.projects AS
SELECT p.project_id, p.folder_id, p.name, p.description,
       1 AS project_format_version,
       p.deployed_by_name, p.last_deployed_time, p.created_time,
       p.object_version_lsn,
       v.version AS version          -- extension: the manifest's version string
FROM internal.projects AS p
LEFT JOIN internal.object_versions AS v ON v.object_version_lsn = p.object_version_lsn
WHERE ((SELECT internal.caller_reads_catalog())
       OR p.project_id IN (SELECT internal.caller_readable_projects()));

CREATE OR REPLACE VIEW catalog.packages AS
SELECT k.package_id, k.name, k.description, k.entry_point::text AS entry_point_name,
       p.project_id, true AS entry_point
FROM internal.packages AS k
JOIN internal.projects AS p ON p.object_version_lsn = k.project_version_lsn
WHERE ((SELECT internal.caller_reads_catalog())
       OR p.project_id IN (SELECT internal.caller_readable_projects()));

CREATE OR REPLACE VIEW catalog.object_parameters AS
SELECT op.parameter_id, p.project_id, op.object_type, op.object_name, op.parameter_name,
       op.data_type, op.required, op.sensitive,
       CASE WHEN op.sensitive THEN NULL ELSE op.default_value END AS design_default_value,
       op.description,
       CASE WHEN op.sensitive OR op.value_type = 'R' THEN NULL ELSE op.server_value END AS default_value,
       op.value_type, op.value_set, op.referenced_variable_name,
       'N'::char(1) AS validation_status, NULL::timestamptz AS last_validation_time
FROM internal.object_parameters AS op
JOIN internal.projects AS p ON p.object_version_lsn = op.project_version_lsn
WHERE ((SELECT internal.caller_reads_catalog())
       OR p.project_id IN (SELECT internal.caller_readable_projects()));

CREATE OR REPLACE VIEW catalog.object_versions AS
SELECT v.object_version_lsn, v.project_id AS object_id, 20::smallint AS object_type, p.name AS object_name,
       v.version AS description, v.created_by, v.created_time, v.restored_by, v.last_restored_time
FROM internal.object_versions AS v
JOIN internal.projects AS p ON p.project_id = v.project_id
WHERE ((SELECT internal.caller_reads_catalog())
       OR v.project_id IN (SELECT internal.caller_readable_projects()));

CREATE OR REPLACE VIEW catalog.environment_references AS
SELECT reference_id, project_id, reference_type, environment_folder_name, environment_name,
       validation_status, last_validation_time
FROM internal.environment_references
WHERE ((SELECT internal.caller_reads_catalog())
       OR project_id IN (SELECT internal.caller_readable_projects()));

CREATE OR REPLACE VIEW catalog.environments AS
SELECT environment_id, environment_name AS name, folder_id, description, NULL::bytea AS created_by_sid,
       created_by_name, created_time
FROM internal.environments
WHERE ((SELECT internal.caller_reads_catalog())
       OR environment_id IN (SELECT internal.caller_readable_environments()));

CREATE OR REPLACE VIEW catalog.environment_variables AS
SELECT variable_id, environment_id, name, description, type, sensitive,
       CASE WHEN sensitive THEN NULL ELSE value END AS value
FROM internal.environment_variables
WHERE ((SELECT internal.caller_reads_catalog())
       OR environment_id IN (SELECT internal.caller_readable_environments()));

CREATE OR REPLACE VIEW catalog.schedules AS
SELECT s.schedule_id, s.folder_name, s.name, s.project_name, s.package_name, s.reference_id,
       s.cron_expression, s.time_zone, s.retry_count, s.worker_agent_id, s.missed_run_policy, s.is_enabled,
       s.owner_name, s.created_time, s.next_run_time, s.last_run_time, s.last_execution_id,
       o.status AS last_status
FROM internal.schedules AS s
LEFT JOIN internal.operations AS o ON o.operation_id = s.last_execution_id
WHERE ((SELECT internal.caller_reads_catalog()) OR s.owner_name = session_user
       OR EXISTS (SELECT 1 FROM internal.projects AS p JOIN internal.folders AS f ON f.folder_id = p.folder_id
                  WHERE f.name = s.folder_name AND p.name = s.project_name
                    AND p.project_id IN (SELECT internal.caller_readable_projects())));

-- Every explicit grant and deny on the objects the caller may read (all of them for an admin): READ on an
-- operation as revision 0012's views decide it, ssis_logreader reading every operation.
CREATE OR REPLACE VIEW catalog.explicit_object_permissions AS
SELECT p.object_type, p.object_id, p.principal_id, p.permission_type, p.is_deny, p.grantor_id
FROM internal.object_permissions AS p
WHERE (SELECT internal.caller_is_admin())
   OR CASE p.object_type
          WHEN 1 THEN p.object_id IN (SELECT internal.caller_readable_folders())
          WHEN 2 THEN p.object_id IN (SELECT internal.caller_readable_projects())
          WHEN 3 THEN p.object_id IN (SELECT internal.caller_readable_environments())
          ELSE (SELECT pg_catalog.pg_has_role(session_user, 'ssis_logreader', 'MEMBER'))
               OR coalesce((SELECT bool_and(NOT g.is_deny) FROM internal.caller_operation_permissions AS g
                            WHERE g.object_id = p.object_id AND g.permission_type = 1),
                           (SELECT o.caller_name = session_user FROM internal.operations AS o
                            WHERE o.operation_id = p.object_id)) END;

-- Unchanged (the SQL Server twin drops it to create catalog.schedules again, and so names it here too).
CREATE OR REPLACE VIEW catalog.schedule_runs AS
SELECT r.run_id, r.schedule_id, s.folder_name, s.name AS schedule_name, r.run_type, r.due_time, r.fired_time,
       r.fired_by, r.execution_id, r.missed_count, r.error_number, r.error_message
FROM internal.schedule_runs AS r
JOIN catalog.schedules AS s ON s.schedule_id = r.schedule_id;

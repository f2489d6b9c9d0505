-- scaleout_catalog, SQL Server, revision 0013: the views over folders, projects, environments and schedules,
-- and [catalog].[explicit_object_permissions], decide what a login that is not an admin may read in the
-- query itself, as revision 0012 did for the views over executions. Revision 0007 called
-- [internal].[check_permission](2 or 3, id, 1) for every row such a login was shown (each package,
-- parameter and variable row as well as each project and environment), and [internal].[folder_is_readable],
-- which called it for every project and environment of the folder; on Babelfish each call runs T-SQL of
-- its own, milliseconds a row. The rule is the same (SSISDB's, as [internal].[caller_holds_permission] has
-- it for READ): ssis_admin, db_owner, sysadmin and ssis_logreader read every row (of
-- explicit_object_permissions, ssis_logreader only the operations' rows, as before); anyone else reads a
-- project or environment on which READ is granted, or READ_OBJECTS on its folder, to it, to public or to a
-- role it is in, and denied at neither level (DENY beats GRANT); a folder on which it holds READ, or in
-- which it reads a project or environment.
-- Whether the caller reads the whole catalog is asked once a query, as in revision 0012.
-- The readable sets are views here: SQL Server keeps each query's plan, and on Babelfish an admin's reads of
-- these views cost what they did before. (PostgreSQL's twin gives them as functions: there, planning the
-- views again in every query cost an admin several ms.)
-- Each view is dropped and created again (Babelfish has no ALTER VIEW), then granted as revisions 0007 and
-- 0008 did; [catalog].[schedule_runs] reads [catalog].[schedules], so it is dropped first and created again
-- unchanged.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- The caller's rows of the folder, project and environment permissions: granted or denied to it, to public
-- (0), or to a role it is a member of, as [internal].[caller_operation_permissions] (revision 0012) has them
-- for operations. The helper views below read them through their owner.
CREATE VIEW [internal].[caller_folder_permissions]
AS
SELECT p.[object_id], p.[permission_type], p.[is_deny]
FROM [internal].[folder_permissions] AS p
WHERE p.[principal_id] = 0 OR p.[principal_id] = DATABASE_PRINCIPAL_ID() OR IS_MEMBER(USER_NAME(p.[principal_id])) = 1;
GO
CREATE VIEW [internal].[caller_project_permissions]
AS
SELECT p.[object_id], p.[permission_type], p.[is_deny]
FROM [internal].[project_permissions] AS p
WHERE p.[principal_id] = 0 OR p.[principal_id] = DATABASE_PRINCIPAL_ID() OR IS_MEMBER(USER_NAME(p.[principal_id])) = 1;
GO
CREATE VIEW [internal].[caller_environment_permissions]
AS
SELECT p.[object_id], p.[permission_type], p.[is_deny]
FROM [internal].[environment_permissions] AS p
WHERE p.[principal_id] = 0 OR p.[principal_id] = DATABASE_PRINCIPAL_ID() OR IS_MEMBER(USER_NAME(p.[principal_id])) = 1;
GO
-- Projects the caller holds READ on: rows at the project (READ, 1) or its folder (READ_OBJECTS, 101), all
-- of them grants. MIN is NULL with no row (not readable) and 0 with a deny at either level.
CREATE VIEW [internal].[caller_readable_projects]
AS
SELECT p.[project_id], p.[folder_id]
FROM [internal].[projects] AS p
WHERE (SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END)
       FROM (SELECT a.[is_deny] FROM [internal].[caller_project_permissions] AS a
             WHERE a.[object_id] = p.[project_id] AND a.[permission_type] = 1
             UNION ALL
             SELECT b.[is_deny] FROM [internal].[caller_folder_permissions] AS b
             WHERE b.[object_id] = p.[folder_id] AND b.[permission_type] = 101) AS g) = 1;
GO
-- Environments the caller holds READ on, by the same rule.
CREATE VIEW [internal].[caller_readable_environments]
AS
SELECT e.[environment_id], e.[folder_id]
FROM [internal].[environments] AS e
WHERE (SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END)
       FROM (SELECT a.[is_deny] FROM [internal].[caller_environment_permissions] AS a
             WHERE a.[object_id] = e.[environment_id] AND a.[permission_type] = 1
             UNION ALL
             SELECT b.[is_deny] FROM [internal].[caller_folder_permissions] AS b
             WHERE b.[object_id] = e.[folder_id] AND b.[permission_type] = 101) AS g) = 1;
GO
-- Folders listed to the caller: READ on the folder itself (granted, not denied), or a project or
-- environment in it that it reads.
CREATE VIEW [internal].[caller_readable_folders]
AS
SELECT f.[folder_id]
FROM [internal].[folders] AS f
WHERE (SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END) FROM [internal].[caller_folder_permissions] AS g
       WHERE g.[object_id] = f.[folder_id] AND g.[permission_type] = 1) = 1
   OR EXISTS (SELECT 1 FROM [internal].[caller_readable_projects] AS p WHERE p.[folder_id] = f.[folder_id])
   OR EXISTS (SELECT 1 FROM [internal].[caller_readable_environments] AS e WHERE e.[folder_id] = f.[folder_id]);
GO
DROP VIEW IF EXISTS [catalog].[schedule_runs];
GO
DROP VIEW IF EXISTS [catalog].[folders];
GO
CREATE VIEW [catalog].[folders]
AS
SELECT [folder_id] AS [id], [name], [description], [created_by_name], [created_time] FROM [internal].[folders]
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR [folder_id] IN (SELECT r.[folder_id] FROM [internal].[caller_readable_folders] AS r));
GO
DROP VIEW IF EXISTS [catalog].[projects];
GO
CREATE VIEW [catalog].[projects]
AS
SELECT p.[project_id], p.[folder_id], p.[name], p.[description], 1 AS [project_format_version],
       p.[deployed_by_name], p.[last_deployed_time], p.[created_time], p.[object_version_lsn], v.[version]
FROM [internal].[projects] AS p
LEFT JOIN [internal].[object_versions] AS v ON v.[object_version_lsn] = p.[object_version_lsn]
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR p.[project_id] IN (SELECT r.[project_id] FROM [internal].[caller_readable_projects] AS r));
GO
DROP VIEW IF EXISTS [catalog].[packages];
GO
CREATE VIEW [catalog].[packages]
AS
SELECT k.[package_id], k.[name], k.[description], k.[entry_point] AS [entry_point_name], p.[project_id],
       CONVERT(bit, 1) AS [entry_point]
FROM [internal].[packages] AS k
INNER JOIN [internal].[projects] AS p ON p.[object_version_lsn] = k.[project_version_lsn]
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR p.[project_id] IN (SELECT r.[project_id] FROM [internal].[caller_readable_projects] AS r));
GO
DROP VIEW IF EXISTS [catalog].[object_parameters];
GO
CREATE VIEW [catalog].[object_parameters]
AS
SELECT op.[parameter_id], p.[project_id], op.[object_type], op.[object_name], op.[parameter_name], op.[data_type],
       op.[required], op.[sensitive],
       CASE WHEN op.[sensitive] = 1 THEN NULL ELSE op.[default_value] END AS [design_default_value],
       op.[description],
       CASE WHEN op.[sensitive] = 1 OR op.[value_type] = 'R' THEN NULL ELSE op.[server_value] END AS [default_value],
       op.[value_type], op.[value_set], op.[referenced_variable_name],
       CONVERT(char(1), 'N') AS [validation_status], CONVERT(datetimeoffset(7), NULL) AS [last_validation_time]
FROM [internal].[object_parameters] AS op
INNER JOIN [internal].[projects] AS p ON p.[object_version_lsn] = op.[project_version_lsn]
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR p.[project_id] IN (SELECT r.[project_id] FROM [internal].[caller_readable_projects] AS r));
GO
DROP VIEW IF EXISTS [catalog].[object_versions];
GO
CREATE VIEW [catalog].[object_versions]
AS
SELECT v.[object_version_lsn], v.[project_id] AS [object_id], CONVERT(smallint, 20) AS [object_type],
       p.[name] AS [object_name], v.[version] AS [description], v.[created_by], v.[created_time], v.[restored_by],
       v.[last_restored_time]
FROM [internal].[object_versions] AS v
INNER JOIN [internal].[projects] AS p ON p.[project_id] = v.[project_id]
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR v.[project_id] IN (SELECT r.[project_id] FROM [internal].[caller_readable_projects] AS r));
GO
DROP VIEW IF EXISTS [catalog].[environment_references];
GO
CREATE VIEW [catalog].[environment_references]
AS
SELECT [reference_id], [project_id], [reference_type], [environment_folder_name], [environment_name],
       [validation_status], [last_validation_time]
FROM [internal].[environment_references]
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR [project_id] IN (SELECT r.[project_id] FROM [internal].[caller_readable_projects] AS r));
GO
DROP VIEW IF EXISTS [catalog].[environments];
GO
CREATE VIEW [catalog].[environments]
AS
SELECT [environment_id], [environment_name] AS [name], [folder_id], [description],
       CONVERT(varbinary(85), NULL) AS [created_by_sid], [created_by_name], [created_time]
FROM [internal].[environments]
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR [environment_id] IN (SELECT r.[environment_id] FROM [internal].[caller_readable_environments] AS r));
GO
DROP VIEW IF EXISTS [catalog].[environment_variables];
GO
CREATE VIEW [catalog].[environment_variables]
AS
SELECT [variable_id], [environment_id], [name], [description], [type], [sensitive],
       CASE WHEN [sensitive] = 1 THEN NULL ELSE [value] END AS [value]
FROM [internal].[environment_variables]
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR [environment_id] IN (SELECT r.[environment_id] FROM [internal].[caller_readable_environments] AS r));
GO
DROP VIEW IF EXISTS [catalog].[schedules];
GO
CREATE VIEW [catalog].[schedules]
AS
SELECT s.[schedule_id], s.[folder_name], s.[name], s.[project_name], s.[package_name], s.[reference_id],
       s.[cron_expression], s.[time_zone], s.[retry_count], s.[worker_agent_id], s.[missed_run_policy], s.[is_enabled],
       s.[owner_name], s.[created_time], s.[next_run_time], s.[last_run_time], s.[last_execution_id],
       o.[status] AS [last_status]
FROM [internal].[schedules] AS s
LEFT JOIN [internal].[operations] AS o ON o.[operation_id] = s.[last_execution_id]
WHERE (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1
                                OR IS_MEMBER(N'ssis_logreader') = 1)
       OR s.[owner_name] = SUSER_SNAME()
       OR EXISTS (SELECT 1 FROM [internal].[caller_readable_projects] AS r
                  INNER JOIN [internal].[projects] AS p ON p.[project_id] = r.[project_id]
                  INNER JOIN [internal].[folders] AS f ON f.[folder_id] = p.[folder_id]
                  WHERE f.[name] = s.[folder_name] AND p.[name] = s.[project_name]));
GO
-- Every explicit grant and deny on the objects the caller may read (all of them for an admin): READ on an
-- operation as revision 0012's views decide it, ssis_logreader reading every operation.
DROP VIEW IF EXISTS [catalog].[explicit_object_permissions];
GO
CREATE VIEW [catalog].[explicit_object_permissions]
AS
SELECT p.[object_type], p.[object_id], p.[principal_id], p.[permission_type], p.[is_deny], p.[grantor_id]
FROM [internal].[object_permissions] AS p
WHERE EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1 OR IS_SRVROLEMEMBER(N'sysadmin') = 1)
   OR (p.[object_type] = 1 AND p.[object_id] IN (SELECT r.[folder_id] FROM [internal].[caller_readable_folders] AS r))
   OR (p.[object_type] = 2 AND p.[object_id] IN (SELECT r.[project_id] FROM [internal].[caller_readable_projects] AS r))
   OR (p.[object_type] = 3 AND p.[object_id] IN (SELECT r.[environment_id] FROM [internal].[caller_readable_environments] AS r))
   OR (p.[object_type] = 4
       AND (EXISTS (SELECT 1 WHERE IS_MEMBER(N'ssis_logreader') = 1)
            OR ISNULL((SELECT MIN(CASE WHEN g.[is_deny] = 1 THEN 0 ELSE 1 END)
                       FROM [internal].[caller_operation_permissions] AS g
                       WHERE g.[object_id] = p.[object_id] AND g.[permission_type] = 1),
                      (SELECT CASE WHEN o.[caller_name] = SUSER_SNAME() THEN 1 ELSE 0 END
                       FROM [internal].[operations] AS o WHERE o.[operation_id] = p.[object_id])) = 1));
GO
-- Unchanged from revision 0008: created again after [catalog].[schedules].
CREATE VIEW [catalog].[schedule_runs]
AS
SELECT r.[run_id], r.[schedule_id], s.[folder_name], s.[name] AS [schedule_name], r.[run_type], r.[due_time], r.[fired_time],
       r.[fired_by], r.[execution_id], r.[missed_count], r.[error_number], r.[error_message]
FROM [internal].[schedule_runs] AS r
INNER JOIN [catalog].[schedules] AS s ON s.[schedule_id] = r.[schedule_id];
GO
GRANT SELECT ON [catalog].[explicit_object_permissions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[folders] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[projects] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[packages] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[object_parameters] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[object_versions] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[environment_references] TO [ssis_admin], [ssis_cluster_executor];
GRANT SELECT ON [catalog].[environments] TO [ssis_admin], [ssis_cluster_executor];
GRANT SELECT ON [catalog].[environment_variables] TO [ssis_admin], [ssis_cluster_executor];
GRANT SELECT ON [catalog].[schedules] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GRANT SELECT ON [catalog].[schedule_runs] TO [ssis_admin], [ssis_cluster_executor], [ssis_logreader];
GO

-- scaleout_catalog, SQL Server, revision 0010: SSIS's system parameters that an execution leaves at their
-- defaults are no longer stored (the twin of PostgreSQL's 0010). Six rows an execution, each with two index
-- entries and a foreign-key check, were more than half of what [catalog].[create_and_start_executions]
-- wrote. A system parameter's row is stored only when a value is set for it (set_execution_parameter_value,
-- an element's or a schedule's parameters); [internal].[all_execution_parameter_values] adds the others,
-- and [catalog].[execution_parameter_values] and set_execution_parameter_value read through it (the claim
-- carries project and package parameters only, 50_internal_worker.sql). LOGGING_LEVEL's default is the
-- server's when the execution is created, kept in [internal].[executions].[logging_level]. Executions
-- created before this revision have all six rows stored and logging_level NULL.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- SSIS's system parameters with their defaults, in SSIS's order; LOGGING_LEVEL's is the server's now.
CREATE VIEW [internal].[system_parameter_defaults]
AS
SELECT s.[ordinal], CONVERT(nvarchar(128), s.[name]) AS [name], CONVERT(nvarchar(128), s.[data_type]) AS [data_type],
       CONVERT(nvarchar(4000), s.[value]) AS [value]
FROM (VALUES (1, N'LOGGING_LEVEL', N'Int32', (SELECT p.[property_value] FROM [internal].[catalog_properties] AS p
                                               WHERE p.[property_name] = N'SERVER_LOGGING_LEVEL')),
             (2, N'DUMP_ON_ERROR', N'Boolean', N'0'),
             (3, N'DUMP_ON_EVENT', N'Boolean', N'0'),
             (4, N'DUMP_EVENT_CODE', N'String', N'0'),
             (5, N'CALLER_INFO', N'String', NULL),
             (6, N'SYNCHRONIZED', N'Boolean', N'0')) AS s ([ordinal], [name], [data_type], [value]);
GO
-- Every parameter value of every execution: the stored rows, and the system parameters an execution
-- created since revision 0010 leaves at their defaults. Those have no row, so their
-- execution_parameter_id is made up, negative and stable: -(execution_id * 10 + the parameter's ordinal).
CREATE VIEW [internal].[all_execution_parameter_values]
AS
SELECT v.[execution_parameter_id], v.[execution_id], v.[object_type], v.[parameter_data_type], v.[parameter_name],
       v.[parameter_value], v.[sensitive_parameter_value], v.[sensitive], v.[required], v.[value_set], v.[runtime_override]
FROM [internal].[execution_parameter_values] AS v
UNION ALL
SELECT -(e.[execution_id] * 10 + y.[ordinal]), e.[execution_id], CONVERT(smallint, 50), y.[data_type], y.[name],
       CASE WHEN y.[ordinal] = 1 THEN CONVERT(nvarchar(4000), e.[logging_level]) ELSE y.[value] END,
       CONVERT(varbinary(max), NULL), CONVERT(bit, 0), CONVERT(bit, 0), CONVERT(bit, 1), CONVERT(bit, 0)
FROM [internal].[executions] AS e
CROSS JOIN [internal].[system_parameter_defaults] AS y
WHERE e.[logging_level] IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM [internal].[execution_parameter_values] AS s
                  WHERE s.[execution_id] = e.[execution_id] AND s.[object_type] = 50 AND s.[parameter_name] = y.[name]);
GO
-- Babelfish (no ownership chaining, see 0001): the roles whose views and procedures read these views
-- get SELECT on them, as they have on the internal tables beneath.
IF SERVERPROPERTY('Babelfish') IS NOT NULL
BEGIN
    GRANT SELECT ON [internal].[system_parameter_defaults]
        TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker], [ssis_logreader];
    GRANT SELECT ON [internal].[all_execution_parameter_values]
        TO [ssis_admin], [ssis_cluster_executor], [ssis_cluster_worker], [ssis_logreader];
END;
GO
-- Creates and queues the schedule's execution, as create_execution and start_execution would for its
-- owner. The caller has checked schedule_problem in the same transaction. As in revision 0008, but of
-- SSIS's system parameters only those the schedule sets are stored.
ALTER PROCEDURE [internal].[start_scheduled_execution]
    @schedule_id  bigint,
    @execution_id bigint OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @folder_name nvarchar(128), @project_name nvarchar(128), @package_name nvarchar(260), @reference_id bigint,
            @worker_agent_id uniqueidentifier, @owner nvarchar(256), @retry_count int, @project_id bigint, @lsn bigint,
            @environment_id bigint, @reference_type char(1), @environment_folder_name nvarchar(128),
            @environment_name nvarchar(128), @job_id uniqueidentifier = NEWID();
    SELECT @folder_name = [folder_name], @project_name = [project_name], @package_name = [package_name],
           @reference_id = [reference_id], @worker_agent_id = [worker_agent_id], @owner = [owner_name],
           @retry_count = [retry_count]
    FROM [internal].[schedules] WHERE [schedule_id] = @schedule_id;
    SELECT @project_id = p.[project_id], @lsn = p.[object_version_lsn]
    FROM [internal].[projects] AS p INNER JOIN [internal].[folders] AS f ON f.[folder_id] = p.[folder_id]
    WHERE f.[name] = @folder_name AND p.[name] = @project_name;
    IF @reference_id IS NOT NULL
    BEGIN
        SELECT @reference_type = [reference_type], @environment_folder_name = [environment_folder_name],
               @environment_name = [environment_name]
        FROM [internal].[environment_references] WHERE [reference_id] = @reference_id;
        SET @environment_id = [internal].[referenced_environment_id](@reference_id);
    END;
    INSERT INTO [internal].[operations] ([operation_type], [object_type], [object_id], [object_name], [status], [start_time],
        [caller_name], [machine_name], [server_name])
    VALUES (200, 20, @project_id, @project_name, 5, SYSDATETIMEOFFSET(), @owner, N'', CONVERT(nvarchar(128), @@SERVERNAME));
    SET @execution_id = SCOPE_IDENTITY();
    INSERT INTO [internal].[jobs] ([job_id], [job_type], [input_data], [creator], [use_all_worker_agents])
    VALUES (@job_id, 1, N'[{"name":"use32bitruntime","value":"0"}]', @owner,
            CASE WHEN @worker_agent_id IS NULL THEN 1 ELSE 0 END);
    IF @worker_agent_id IS NOT NULL
        INSERT INTO [internal].[job_worker_agents] ([job_id], [worker_agent_id]) VALUES (@job_id, @worker_agent_id);
    INSERT INTO [internal].[executions] ([execution_id], [folder_name], [project_name], [package_name], [project_id],
        [project_lsn], [use32bitruntime], [executed_as_name], [job_id], [reference_id], [reference_type],
        [environment_folder_name], [environment_name], [logging_level])
    VALUES (@execution_id, @folder_name, @project_name, @package_name, @project_id, @lsn, 0, @owner, @job_id,
            @reference_id, @reference_type, @environment_folder_name, @environment_name,
            [internal].[catalog_property_int](N'SERVER_LOGGING_LEVEL'));
    -- Project and package parameters with their starting values, each with the schedule's value where it
    -- gives one; of SSIS's system parameters only those the schedule sets.
    INSERT INTO [internal].[execution_parameter_values] ([execution_id], [object_type], [parameter_data_type],
        [parameter_name], [parameter_value], [sensitive_parameter_value], [sensitive], [required], [value_set], [runtime_override])
    SELECT @execution_id, d.[object_type], d.[data_type], d.[parameter_name],
           CASE WHEN g.[schedule_id] IS NOT NULL THEN g.[parameter_value] ELSE d.[parameter_value] END,
           CASE WHEN g.[schedule_id] IS NOT NULL THEN g.[sensitive_parameter_value] ELSE d.[sensitive_parameter_value] END,
           d.[sensitive], d.[required],
           CASE WHEN g.[schedule_id] IS NOT NULL OR d.[value_set] = 1 THEN 1 ELSE 0 END,
           CASE WHEN g.[schedule_id] IS NOT NULL THEN 1 ELSE 0 END
    FROM (
        SELECT v.[object_type], v.[data_type], v.[parameter_name], v.[parameter_value], v.[sensitive_parameter_value],
               v.[sensitive], v.[required], v.[value_set]
        FROM [internal].[starting_parameter_values](@lsn, @package_name, @environment_id) AS v
        UNION ALL
        SELECT CONVERT(smallint, 50), y.[data_type], y.[name], y.[value], CONVERT(varbinary(8000), NULL), CONVERT(bit, 0),
               CONVERT(bit, 0), CONVERT(bit, 1)
        FROM [internal].[system_parameter_defaults] AS y
        WHERE EXISTS (SELECT 1 FROM [internal].[schedule_parameter_values] AS s
                      WHERE s.[schedule_id] = @schedule_id AND s.[object_type] = 50 AND s.[parameter_name] = y.[name])
    ) AS d
    LEFT JOIN [internal].[schedule_parameter_values] AS g
        ON g.[schedule_id] = @schedule_id AND g.[object_type] = d.[object_type] AND g.[parameter_name] = d.[parameter_name];
    EXEC [internal].[encrypt_execution_values] @execution_id;
    INSERT INTO [internal].[tasks] ([task_id], [job_id], [execution_id], [task_type], [input_data], [max_executed_count],
        [status], [priority], [use_any_worker], [ready_for_dispatch_time])
    VALUES (NEWID(), @job_id, @execution_id, 0, CONCAT(N'[{"name":"execution_id","value":"', @execution_id, N'"}]'),
            @retry_count + 1, 1, 0, CASE WHEN @worker_agent_id IS NULL THEN 1 ELSE 0 END, SYSDATETIMEOFFSET());
END
GO

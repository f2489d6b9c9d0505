-- scaleout_catalog, SQL Server, revision 0010: the claim, the reconciliation and get_task_parameters (still
-- there for a worker that asks for them apart) carry the values the package process reads, its project and
-- package parameters (object_type 20 and 30). SSIS's system parameters (50) are the catalog's settings of
-- the execution, shown in [catalog].[execution_parameter_values]; no package reads them, and six more JSON
-- objects a task were a third of a claim's time in the server. Otherwise as in revisions 0003 and 0001.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- Claims up to @MaxTasks queued tasks in one transaction: priority first, then age.
-- READPAST lets any number of workers claim at once without waiting on each other.
ALTER PROCEDURE [internal].[pull_task]
    @WorkerAgentId uniqueidentifier,
    @MaxTasks      int = 1
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @machine_name nvarchar(256), @lease int, @now datetimeoffset(7) = SYSDATETIMEOFFSET();
    DECLARE @claimed TABLE ([task_id] uniqueidentifier PRIMARY KEY, [execution_id] bigint, [lease_token] uniqueidentifier,
        [executed_count] int, [max_executed_count] int, [expired_time] datetimeoffset(7), [input_data] nvarchar(max));
    IF @MaxTasks IS NULL OR @MaxTasks < 1 OR @MaxTasks > 1000
        EXEC [internal].[raise_error] 27101, N'The value for @MaxTasks is not valid. Pass a whole number from 1 to 1000.';
    EXEC [internal].[authorize_worker] @WorkerAgentId, 1, @machine_name OUTPUT;
    SET @lease = [internal].[catalog_property_int](N'WORKER_LEASE_SECONDS');
    BEGIN TRANSACTION;
    EXEC [internal].[take_pulse];
    -- No alias and no FROM on these UPDATEs: Babelfish returns stale OUTPUT rows for UPDATE alias ... FROM.
    UPDATE [internal].[tasks]
    SET [status] = 2, [executed_count] = [executed_count] + 1, [worker_agent_id] = @WorkerAgentId,
        [ready_for_dispatch_time] = NULL, [expired_time] = DATEADD(second, @lease, @now), [last_pickup_time] = @now,
        [lease_token] = NEWID(), [last_updated_time] = @now
    OUTPUT inserted.[task_id], inserted.[execution_id], inserted.[lease_token], inserted.[executed_count],
           inserted.[max_executed_count], inserted.[expired_time], inserted.[input_data]
    INTO @claimed
    -- [status] = 1 again here: where the engine ignores the locking hints (Babelfish runs on PostgreSQL,
    -- which re-checks this WHERE on a row another claimer has just updated), a row is claimed only once.
    WHERE [status] = 1 AND [task_id] IN (
        SELECT TOP (@MaxTasks) q.[task_id]
        FROM [internal].[tasks] AS q WITH (UPDLOCK, READPAST, ROWLOCK)
        WHERE q.[status] = 1
          AND (q.[use_any_worker] = 1
               OR EXISTS (SELECT 1 FROM [internal].[job_worker_agents] AS j
                          WHERE j.[job_id] = q.[job_id] AND j.[worker_agent_id] = @WorkerAgentId))
        ORDER BY q.[priority] DESC, q.[ready_for_dispatch_time], q.[task_id]);
    -- No UPDATE alias ... FROM here or anywhere: on Babelfish it corrupts the session's later statements.
    UPDATE [internal].[operations]
    SET [status] = 2, [worker_agent_id] = @WorkerAgentId, [machine_name] = @machine_name,
        [executed_count] = (SELECT c.[executed_count] FROM @claimed AS c WHERE c.[execution_id] = [operation_id])
    WHERE [operation_id] IN (SELECT [execution_id] FROM @claimed);
    INSERT INTO [internal].[task_attempts] ([lease_token], [task_id], [execution_id], [attempt], [worker_agent_id])
    SELECT [lease_token], [task_id], [execution_id], [executed_count], @WorkerAgentId FROM @claimed;
    COMMIT TRANSACTION;
    SELECT c.[task_id], c.[execution_id], c.[lease_token], c.[executed_count], c.[max_executed_count], c.[expired_time],
           c.[input_data], e.[package_name], k.[entry_point], v.[project_checksum],
           (SELECT p.[object_type], p.[parameter_name], p.[parameter_data_type],
                   CASE WHEN p.[sensitive_parameter_value] IS NOT NULL
                        THEN [internal].[decrypt_sensitive](p.[sensitive_parameter_value])
                        ELSE p.[parameter_value] END AS [parameter_value],
                   p.[sensitive]
            FROM [internal].[execution_parameter_values] AS p
            WHERE p.[execution_id] = c.[execution_id] AND p.[object_type] IN (20, 30)
            ORDER BY p.[object_type], p.[parameter_name]
            FOR JSON PATH, INCLUDE_NULL_VALUES) AS [parameters]
    FROM @claimed AS c
    INNER JOIN [internal].[executions] AS e ON e.[execution_id] = c.[execution_id]
    INNER JOIN [internal].[object_versions] AS v ON v.[object_version_lsn] = e.[project_lsn]
    INNER JOIN [internal].[packages] AS k ON k.[project_version_lsn] = e.[project_lsn] AND k.[name] = e.[package_name]
    ORDER BY c.[executed_count], c.[execution_id];
END
GO
-- Reconciliation: the tasks the catalog thinks this worker holds, with their leases renewed (see PostgreSQL).
ALTER PROCEDURE [internal].[get_held_tasks]
    @WorkerAgentId uniqueidentifier
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @lease int, @now datetimeoffset(7) = SYSDATETIMEOFFSET();
    EXEC [internal].[authorize_worker] @WorkerAgentId, 0;
    SET @lease = [internal].[catalog_property_int](N'WORKER_LEASE_SECONDS');
    BEGIN TRANSACTION;
    EXEC [internal].[take_pulse];
    UPDATE [internal].[tasks]
    SET [expired_time] = DATEADD(second, @lease, @now), [last_updated_time] = @now
    WHERE [status] = 2 AND [worker_agent_id] = @WorkerAgentId;
    COMMIT TRANSACTION;
    SELECT t.[task_id], t.[execution_id], t.[lease_token], t.[executed_count], t.[max_executed_count], t.[expired_time],
           t.[input_data], e.[package_name], k.[entry_point], v.[project_checksum],
           (SELECT p.[object_type], p.[parameter_name], p.[parameter_data_type],
                   CASE WHEN p.[sensitive_parameter_value] IS NOT NULL
                        THEN [internal].[decrypt_sensitive](p.[sensitive_parameter_value])
                        ELSE p.[parameter_value] END AS [parameter_value],
                   p.[sensitive]
            FROM [internal].[execution_parameter_values] AS p
            WHERE p.[execution_id] = t.[execution_id] AND p.[object_type] IN (20, 30)
            ORDER BY p.[object_type], p.[parameter_name]
            FOR JSON PATH, INCLUDE_NULL_VALUES) AS [parameters]
    FROM [internal].[tasks] AS t
    INNER JOIN [internal].[executions] AS e ON e.[execution_id] = t.[execution_id]
    INNER JOIN [internal].[object_versions] AS v ON v.[object_version_lsn] = e.[project_lsn]
    INNER JOIN [internal].[packages] AS k ON k.[project_version_lsn] = e.[project_lsn] AND k.[name] = e.[package_name]
    WHERE t.[status] = 2 AND t.[worker_agent_id] = @WorkerAgentId
    ORDER BY t.[executed_count], t.[execution_id];
END
GO
-- The only place sensitive values leave the catalog, and only to the worker holding the lease.
ALTER PROCEDURE [internal].[get_task_parameters]
    @WorkerAgentId uniqueidentifier,
    @TaskId        uniqueidentifier,
    @LeaseToken    uniqueidentifier
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    EXEC [internal].[authorize_worker] @WorkerAgentId, 0;
    EXEC [internal].[held_task] @WorkerAgentId, @TaskId, @LeaseToken;
    SELECT v.[object_type], v.[parameter_name], v.[parameter_data_type],
           CASE WHEN v.[sensitive_parameter_value] IS NOT NULL THEN [internal].[decrypt_sensitive](v.[sensitive_parameter_value])
                ELSE v.[parameter_value] END
               AS [parameter_value],
           v.[sensitive]
    FROM [internal].[tasks] AS t
    INNER JOIN [internal].[execution_parameter_values] AS v ON v.[execution_id] = t.[execution_id]
    WHERE t.[task_id] = @TaskId AND v.[object_type] IN (20, 30)
    ORDER BY v.[object_type], v.[parameter_name];
END
GO

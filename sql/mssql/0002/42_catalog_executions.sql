-- scaleout_catalog, SQL Server, revision 0002: an execution no worker may run is refused at start.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
ALTER PROCEDURE [catalog].[start_execution]
    @execution_id bigint,
    @retry_count  int = 0
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @status int, @job_id uniqueidentifier, @lsn bigint, @project_id bigint,
            @project_name nvarchar(128), @missing nvarchar(max), @priority int, @all bit;
    IF @execution_id IS NULL
        EXEC [internal].[raise_error] 27138, N'The @execution_id cannot be NULL. Pass the id that [catalog].[create_execution] returned.';
    IF @execution_id <= 0
        EXEC [internal].[raise_error] 27101, N'The value for @execution_id is not valid: it is a positive number from [catalog].[create_execution].';
    IF @retry_count IS NULL OR @retry_count < 0 OR @retry_count > 100
        EXEC [internal].[raise_error] 27101, N'The value for @retry_count is not valid. Pass a whole number from 0 to 100.';
    BEGIN TRANSACTION;
    EXEC [internal].[execution_for_caller] @execution_id, @status OUTPUT;
    IF @status <> 1
    BEGIN
        SET @message = CONCAT(N'The execution ', @execution_id,
            N' has already been started or has completed. An execution runs once; create a new one.');
        EXEC [internal].[raise_error] 27224, @message;
    END;
    SELECT @job_id = [job_id], @lsn = [project_lsn], @project_id = [project_id], @project_name = [project_name]
    FROM [internal].[executions] WHERE [execution_id] = @execution_id;
    IF @job_id IS NULL
        EXEC [internal].[raise_error] 27255, N'The job id of the execution is null. Create a job for the execution first and try again.';
    IF NOT EXISTS (SELECT 1 FROM [internal].[projects] WHERE [project_id] = @project_id AND [object_version_lsn] = @lsn)
    BEGIN
        SET @message = CONCAT(N'The project ''', @project_name, N''' was redeployed after execution ', @execution_id,
            N' was created. Create a new execution to run the current version.');
        EXEC [internal].[raise_error] 27150, @message;
    END;
    SELECT @missing = STRING_AGG([parameter_name], N', ') WITHIN GROUP (ORDER BY [parameter_name])
    FROM [internal].[execution_parameter_values]
    WHERE [execution_id] = @execution_id AND [required] = 1 AND [value_set] = 0;
    IF @missing IS NOT NULL
    BEGIN
        SET @message = CONCAT(N'The execution ', @execution_id, N' cannot start: required parameters have no value: ', @missing,
            N'. Set them with [catalog].[set_execution_parameter_value].');
        EXEC [internal].[raise_error] 27184, @message;
    END;
    SELECT @priority = [priority], @all = [use_all_worker_agents] FROM [internal].[jobs] WHERE [job_id] = @job_id;
    -- An execution for chosen workers that none of them can ever run would wait forever (SSIS pain point):
    -- at least one of them must exist and be enabled. Whether it is online is left to time.
    IF @all = 0 AND NOT EXISTS (SELECT 1 FROM [internal].[job_worker_agents] AS j
                                INNER JOIN [internal].[worker_agents] AS w ON w.[worker_agent_id] = j.[worker_agent_id]
                                WHERE j.[job_id] = @job_id AND w.[is_enabled] = 1)
    BEGIN
        SET @message = CONCAT(N'There is no active worker agent for execution ', @execution_id, N': none of the workers added ',
            N'with [catalog].[add_execution_worker] is enabled. Enable one with [catalog].[enable_worker_agent], or add an ',
            N'enabled worker, then start it again.');
        EXEC [internal].[raise_error] 27257, @message;
    END;
    UPDATE [internal].[operations]
    SET [status] = 5, [start_time] = SYSDATETIMEOFFSET(), [machine_name] = N'', [server_name] = @@SERVERNAME
    WHERE [operation_id] = @execution_id;
    INSERT INTO [internal].[tasks] ([task_id], [job_id], [execution_id], [task_type], [input_data], [max_executed_count],
        [status], [priority], [use_any_worker], [ready_for_dispatch_time])
    VALUES (NEWID(), @job_id, @execution_id, 0, CONCAT(N'[{"name":"execution_id","value":"', @execution_id, N'"}]'),
            @retry_count + 1, 1, @priority, @all, SYSDATETIMEOFFSET());
    COMMIT TRANSACTION;
    RETURN 0;
END
GO

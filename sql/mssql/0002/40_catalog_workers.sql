-- scaleout_catalog, SQL Server, revision 0002: worker management (see the PostgreSQL twin).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
ALTER PROCEDURE [catalog].[delete_worker_agent]
    @WorkerAgentId uniqueidentifier
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @orphans nvarchar(max);
    EXEC [internal].[require_worker_agent_id] @WorkerAgentId, N'WorkerAgentId';
    EXEC [internal].[require_admin] N'delete a worker agent';
    IF EXISTS (SELECT 1 FROM [internal].[tasks] WHERE [worker_agent_id] = @WorkerAgentId AND [status] = 2)
    BEGIN
        SET @message = CONCAT(N'The worker agent ''', @WorkerAgentId, N''' is running tasks and cannot be deleted now. ',
            N'Disable it with [catalog].[disable_worker_agent], wait for [catalog].[worker_agents].RunningTasks = 0, then delete it.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    IF NOT EXISTS (SELECT 1 FROM [internal].[worker_agents] WHERE [worker_agent_id] = @WorkerAgentId)
        EXEC [internal].[worker_agent_not_found] @WorkerAgentId;
    -- The only worker that may run an execution that has not ended (useanyworker = 0) stays:
    -- that execution would wait forever (SSIS pain point).
    SELECT @orphans = STRING_AGG(CONVERT(nvarchar(max), e.[execution_id]), N', ') WITHIN GROUP (ORDER BY e.[execution_id])
    FROM [internal].[job_worker_agents] AS j
    INNER JOIN [internal].[executions] AS e ON e.[job_id] = j.[job_id]
    INNER JOIN [internal].[operations] AS o ON o.[operation_id] = e.[execution_id]
    WHERE j.[worker_agent_id] = @WorkerAgentId AND o.[end_time] IS NULL
      AND NOT EXISTS (SELECT 1 FROM [internal].[job_worker_agents] AS k
                      WHERE k.[job_id] = j.[job_id] AND k.[worker_agent_id] <> j.[worker_agent_id]);
    IF @orphans IS NOT NULL
    BEGIN
        SET @message = CONCAT(N'The worker agent ''', @WorkerAgentId, N''' is the only worker that may run executions ', @orphans,
            N', which have not ended. Add another worker to them with [catalog].[add_execution_worker], or stop them with ',
            N'[catalog].[stop_operation], then delete it.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    BEGIN TRANSACTION;
    DELETE FROM [internal].[job_worker_agents] WHERE [worker_agent_id] = @WorkerAgentId;
    DELETE FROM [internal].[worker_agents] WHERE [worker_agent_id] = @WorkerAgentId;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
ALTER PROCEDURE [catalog].[set_worker_agent_property]
    @WorkerAgentId uniqueidentifier,
    @PropertyName  nvarchar(4000),
    @PropertyValue nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @name nvarchar(4000);
    EXEC [internal].[require_worker_agent_id] @WorkerAgentId, N'WorkerAgentId';
    IF @PropertyName IS NULL EXEC [internal].[null_argument] N'PropertyName';
    IF @PropertyName NOT IN (N'DisplayName', N'Description', N'Tags')
    BEGIN
        SET @message = CONCAT(N'The value ''', @PropertyName,
            N''' for @PropertyName is not supported. Supported values are DisplayName, Description and Tags.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    IF @PropertyName = N'DisplayName'
    BEGIN
        IF LEN(@PropertyValue) > 256
            EXEC [internal].[raise_error] 27101, N'The value for DisplayName is longer than 256 characters. Pass a shorter name.';
        SET @name = @PropertyValue;
        EXEC [internal].[require_valid_name] @name, N'DisplayName', 256;
    END
    ELSE IF @PropertyValue IS NOT NULL
    BEGIN
        -- Description and Tags: up to 4000 characters, no control characters but tab and line breaks.
        IF LEN(@PropertyValue) > 4000 OR [internal].[has_control_characters](@PropertyValue, 1) = 1
        BEGIN
            SET @message = CONCAT(N'The value for ', @PropertyName, N' is not valid: it has up to 4000 characters and no ',
                N'control characters other than tab and line breaks.');
            EXEC [internal].[raise_error] 27101, @message;
        END;
    END;
    EXEC [internal].[require_admin] N'set a worker agent property';
    UPDATE [internal].[worker_agents]
    SET [display_name] = CASE WHEN @PropertyName = N'DisplayName' THEN @PropertyValue ELSE [display_name] END,
        [description] = CASE WHEN @PropertyName = N'Description' THEN @PropertyValue ELSE [description] END,
        [tags] = CASE WHEN @PropertyName = N'Tags' THEN @PropertyValue ELSE [tags] END
    WHERE [worker_agent_id] = @WorkerAgentId;
    IF @@ROWCOUNT = 0 EXEC [internal].[worker_agent_not_found] @WorkerAgentId;
    RETURN 0;
END
GO

-- scaleout_catalog, SQL Server, revision 0009: a worker's report reads its @Tasks JSON once (revision
-- 0003's read it four times), as its PostgreSQL twin now does. Same checks, errors and results.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
ALTER PROCEDURE [internal].[update_tasks_status]
    @WorkerAgentId uniqueidentifier,
    @Tasks         nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @task_id uniqueidentifier, @lease_token uniqueidentifier, @status int, @result int, @now datetimeoffset(7);
    DECLARE @results TABLE ([n] int IDENTITY(1, 1) PRIMARY KEY, [task_id] uniqueidentifier, [status] int NULL);
    DECLARE @input TABLE ([n] int IDENTITY(1, 1) PRIMARY KEY, [task_id] uniqueidentifier, [lease_token] uniqueidentifier, [status] int);
    DECLARE @raw TABLE ([task_id] nvarchar(4000), [lease_token] nvarchar(4000), [status] nvarchar(4000));
    DECLARE @candidates TABLE ([task_id] uniqueidentifier PRIMARY KEY, [lease_token] uniqueidentifier);
    DECLARE @done TABLE ([task_id] uniqueidentifier PRIMARY KEY, [lease_token] uniqueidentifier, [execution_id] bigint);
    IF @Tasks IS NULL EXEC [internal].[null_argument] N'Tasks';
    EXEC [internal].[authorize_worker] @WorkerAgentId, 0;
    EXEC [internal].[require_json_array] @Tasks, N'Tasks', N'[{"task_id": "<uuid>", "lease_token": "<uuid>", "status": 5}]';
    -- Every value is read as text first, once, so that a wrong form is refused with 27101, not a conversion error.
    INSERT INTO @raw ([task_id], [lease_token], [status])
    SELECT x.[task_id], x.[lease_token], x.[status]
    FROM OPENJSON(@Tasks) WITH ([task_id] nvarchar(4000) '$.task_id', [lease_token] nvarchar(4000) '$.lease_token',
                                [status] nvarchar(4000) '$.status') AS x;
    IF EXISTS (SELECT 1 FROM @raw AS x WHERE x.[task_id] IS NULL OR x.[lease_token] IS NULL)
        EXEC [internal].[raise_error] 27100, N'Every element of @Tasks needs task_id, lease_token and status. Nothing was reported.';
    IF EXISTS (SELECT 1 FROM @raw AS x
               WHERE TRY_CONVERT(uniqueidentifier, x.[task_id]) IS NULL OR TRY_CONVERT(uniqueidentifier, x.[lease_token]) IS NULL
                  OR (x.[status] IS NOT NULL AND TRY_CONVERT(int, x.[status]) IS NULL))
        EXEC [internal].[raise_error] 27101, N'The value for @Tasks is not valid: task_id and lease_token are uuids and status a whole number. Nothing was reported.';
    INSERT INTO @input ([task_id], [lease_token], [status])
    SELECT CONVERT(uniqueidentifier, x.[task_id]), CONVERT(uniqueidentifier, x.[lease_token]), CONVERT(int, x.[status])
    FROM @raw AS x
    ORDER BY CONVERT(uniqueidentifier, x.[task_id]);
    IF EXISTS (SELECT 1 FROM @input WHERE [status] IS NULL OR [status] NOT IN (1, 4, 5, 6))
        EXEC [internal].[raise_error] 27101, N'A status in @Tasks is not supported. Report 5 (succeeded), 4 (failed), 6 (cancelled) or 1 (released). Nothing was reported.';
    INSERT INTO @candidates ([task_id], [lease_token])
    SELECT DISTINCT t.[task_id], t.[lease_token]
    FROM [internal].[tasks] AS t
    INNER JOIN @input AS i ON i.[task_id] = t.[task_id] AND i.[lease_token] = t.[lease_token] AND i.[status] = 5
    WHERE t.[status] = 2 AND t.[worker_agent_id] = @WorkerAgentId AND t.[is_cancelled] = 0;
    SET @now = SYSDATETIMEOFFSET();
    BEGIN TRANSACTION;
    -- Lock them by updating them (portable where locking hints are ignored), checking again what was read.
    UPDATE [internal].[tasks] SET [last_updated_time] = @now
    OUTPUT inserted.[task_id], inserted.[lease_token], inserted.[execution_id] INTO @done
    WHERE [task_id] IN (SELECT [task_id] FROM @candidates) AND [lease_token] IN (SELECT [lease_token] FROM @candidates)
      AND [status] = 2 AND [worker_agent_id] = @WorkerAgentId AND [is_cancelled] = 0;
    UPDATE [internal].[task_attempts] SET [ended_time] = @now, [status] = 5
    WHERE [lease_token] IN (SELECT [lease_token] FROM @done);
    DELETE FROM [internal].[tasks]
    OUTPUT deleted.[task_id], deleted.[job_id], deleted.[execution_id], deleted.[task_type], deleted.[input_data],
           deleted.[max_executed_count], deleted.[executed_count], 5, deleted.[priority],
           deleted.[use_any_worker], deleted.[worker_agent_id], deleted.[is_cancelled], deleted.[last_pickup_time],
           deleted.[created_time], @now
    INTO [internal].[tasks_history] ([task_id], [job_id], [execution_id], [task_type], [input_data],
           [max_executed_count], [executed_count], [status], [priority], [use_any_worker], [worker_agent_id],
           [is_cancelled], [last_pickup_time], [created_time], [last_updated_time])
    WHERE [task_id] IN (SELECT [task_id] FROM @done);
    UPDATE [internal].[operations] SET [status] = 7, [end_time] = @now
    WHERE [operation_id] IN (SELECT [execution_id] FROM @done) AND [end_time] IS NULL;
    DECLARE task_cursor CURSOR LOCAL FAST_FORWARD FOR
        SELECT [task_id], [lease_token], [status] FROM @input ORDER BY [task_id], [n];
    OPEN task_cursor;
    FETCH NEXT FROM task_cursor INTO @task_id, @lease_token, @status;
    WHILE @@FETCH_STATUS = 0
    BEGIN
        IF @status = 5 AND EXISTS (SELECT 1 FROM @done WHERE [task_id] = @task_id)
        BEGIN
            DELETE FROM @done WHERE [task_id] = @task_id;   -- a second report of the same task is stale
            SET @result = 5;
        END
        ELSE
            EXEC [internal].[apply_task_status] @WorkerAgentId, @task_id, @lease_token, @status, 0, @result OUTPUT;
        INSERT INTO @results ([task_id], [status]) VALUES (@task_id, @result);
        FETCH NEXT FROM task_cursor INTO @task_id, @lease_token, @status;
    END;
    CLOSE task_cursor;
    DEALLOCATE task_cursor;
    COMMIT TRANSACTION;
    SELECT [task_id], [status] FROM @results ORDER BY [n];
END
GO

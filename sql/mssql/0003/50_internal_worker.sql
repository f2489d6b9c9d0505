-- scaleout_catalog, SQL Server, revision 0003: one round trip starts a task. The claim (and the
-- reconciliation) returns what the task runs: package, entry point, the archive's checksum and the
-- parameter values as a JSON array, sensitive ones decrypted, to the lease holder only (see PostgreSQL).
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
            WHERE p.[execution_id] = c.[execution_id]
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
            WHERE p.[execution_id] = t.[execution_id]
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
-- Batched form: @Tasks is a JSON array of {"task_id", "lease_token", "status"}.
-- One row per input; [status] is NULL where the lease was stale (refused).
-- The common report, a success on a held task nobody asked to stop, is applied set by set; any other
-- goes through apply_task_status one by one, as before (see PostgreSQL).
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
    DECLARE @candidates TABLE ([task_id] uniqueidentifier PRIMARY KEY, [lease_token] uniqueidentifier);
    DECLARE @done TABLE ([task_id] uniqueidentifier PRIMARY KEY, [lease_token] uniqueidentifier, [execution_id] bigint);
    IF @Tasks IS NULL EXEC [internal].[null_argument] N'Tasks';
    EXEC [internal].[authorize_worker] @WorkerAgentId, 0;
    EXEC [internal].[require_json_array] @Tasks, N'Tasks', N'[{"task_id": "<uuid>", "lease_token": "<uuid>", "status": 5}]';
    -- Every value is read as text first, so that a wrong form is refused with 27101, not a conversion error.
    IF EXISTS (SELECT 1 FROM OPENJSON(@Tasks) WITH ([task_id] nvarchar(4000) '$.task_id', [lease_token] nvarchar(4000) '$.lease_token',
                                                 [status] nvarchar(4000) '$.status') AS x
               WHERE x.[task_id] IS NULL OR x.[lease_token] IS NULL)
        EXEC [internal].[raise_error] 27100, N'Every element of @Tasks needs task_id, lease_token and status. Nothing was reported.';
    IF EXISTS (SELECT 1 FROM OPENJSON(@Tasks) WITH ([task_id] nvarchar(4000) '$.task_id', [lease_token] nvarchar(4000) '$.lease_token',
                                                 [status] nvarchar(4000) '$.status') AS x
               WHERE TRY_CONVERT(uniqueidentifier, x.[task_id]) IS NULL OR TRY_CONVERT(uniqueidentifier, x.[lease_token]) IS NULL
                  OR (x.[status] IS NOT NULL AND TRY_CONVERT(int, x.[status]) IS NULL))
        EXEC [internal].[raise_error] 27101, N'The value for @Tasks is not valid: task_id and lease_token are uuids and status a whole number. Nothing was reported.';
    INSERT INTO @input ([task_id], [lease_token], [status])
    SELECT x.[task_id], x.[lease_token], x.[status]
    FROM OPENJSON(@Tasks) WITH ([task_id] uniqueidentifier '$.task_id', [lease_token] uniqueidentifier '$.lease_token',
                                [status] int '$.status') AS x
    ORDER BY x.[task_id];
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
-- Retention clean-up, in batches of 1000 operations, each in its own transaction (as SSISDB's does):
-- however much history has expired, no statement holds more than a batch's locks (no escalation to a
-- table lock that would stop the workers), and the log is reused between batches.
ALTER PROCEDURE [internal].[cleanup_server_retention_window]
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @cutoff datetimeoffset(7), @count int = 0, @batch int;
    DECLARE @expired TABLE ([operation_id] bigint PRIMARY KEY, [job_id] uniqueidentifier NULL);
    IF (SELECT UPPER([property_value]) FROM [internal].[catalog_properties]
        WHERE [property_name] = N'OPERATION_CLEANUP_ENABLED') <> N'TRUE'
    BEGIN
        SELECT 0 AS [removed];
        RETURN 0;
    END;
    SET @cutoff = DATEADD(day, -[internal].[catalog_property_int](N'RETENTION_WINDOW'), SYSDATETIMEOFFSET());
    WHILE 1 = 1
    BEGIN
        DELETE FROM @expired;
        BEGIN TRANSACTION;
        INSERT INTO @expired ([operation_id], [job_id])
        SELECT TOP (1000) o.[operation_id], e.[job_id]
        FROM [internal].[operations] AS o
        LEFT JOIN [internal].[executions] AS e ON e.[execution_id] = o.[operation_id]
        WHERE (o.[end_time] < @cutoff OR (o.[end_time] IS NULL AND o.[status] = 1 AND o.[created_time] < @cutoff))
          AND NOT EXISTS (SELECT 1 FROM [internal].[tasks] AS t WHERE t.[execution_id] = o.[operation_id])
        ORDER BY o.[operation_id];
        DELETE FROM [internal].[task_attempts] WHERE [execution_id] IN (SELECT [operation_id] FROM @expired);
        DELETE FROM [internal].[tasks_history] WHERE [execution_id] IN (SELECT [operation_id] FROM @expired);
        DELETE FROM [internal].[jobs] WHERE [job_id] IN (SELECT [job_id] FROM @expired WHERE [job_id] IS NOT NULL);
        DELETE FROM [internal].[operations] WHERE [operation_id] IN (SELECT [operation_id] FROM @expired);
        SET @batch = @@ROWCOUNT;
        COMMIT TRANSACTION;
        SET @count += @batch;
        IF @batch = 0 BREAK;
    END;
    SELECT @count AS [removed];
END
GO
-- Appends package log records in one batch (see the PostgreSQL twin for the JSON shape); a NUL in a
-- message is refused here too, as PostgreSQL refuses it.
ALTER PROCEDURE [internal].[append_operation_messages]
    @WorkerAgentId uniqueidentifier,
    @Messages      nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @missing int, @foreign int, @count int;
    DECLARE @batch TABLE ([n] int PRIMARY KEY, [lease_token] uniqueidentifier, [event_message_guid] uniqueidentifier,
        [message_time] datetimeoffset(7), [message_type] smallint, [message_source_type] smallint, [message] nvarchar(max));
    IF @Messages IS NULL EXEC [internal].[null_argument] N'Messages';
    EXEC [internal].[authorize_worker] @WorkerAgentId, 0;
    -- Babelfish's JSON functions stop at a \u0000 escape with an error of their own: it is looked for in the
    -- JSON as sent, before any of them reads it (an escaped backslash before u0000 is text, not a NUL).
    IF PATINDEX(N'%[^\]\u0000%', @Messages) > 0
        EXEC [internal].[raise_error] 27101, N'The value for @Messages is not valid: a message holds a NUL character, which the catalog does not store. Nothing was written; replace it and send the batch again.';
    EXEC [internal].[require_json_array] @Messages, N'Messages',
        N'[{"lease_token": "<uuid>", "event_message_guid": "<uuid>", "message_type": 70, "message": "..."}]';
    -- message_time: an ISO 8601 shape here, its value then read by the typed OPENJSON below (Babelfish's
    -- TRY_CONVERT refuses ISO times with fractions and offsets that its OPENJSON reads, and its OPENJSON
    -- alone would take PostgreSQL words such as 'yesterday').
    IF EXISTS (SELECT 1 FROM OPENJSON(@Messages) WITH ([lease_token] nvarchar(4000) '$.lease_token',
                   [event_message_guid] nvarchar(4000) '$.event_message_guid', [message_time] nvarchar(4000) '$.message_time',
                   [message_type] nvarchar(4000) '$.message_type', [message_source_type] nvarchar(4000) '$.message_source_type') AS x
               WHERE (x.[lease_token] IS NOT NULL AND TRY_CONVERT(uniqueidentifier, x.[lease_token]) IS NULL)
                  OR (x.[message_time] IS NOT NULL AND (x.[message_time] NOT LIKE
                      N'[0123456789][0123456789][0123456789][0123456789]-[0123456789][0123456789]-[0123456789][0123456789]%'
                      OR x.[message_time] LIKE N'%[^-+:. TZ0123456789]%'))
                  OR (x.[event_message_guid] IS NOT NULL AND TRY_CONVERT(uniqueidentifier, x.[event_message_guid]) IS NULL)
                  OR (x.[message_type] IS NOT NULL AND TRY_CONVERT(smallint, x.[message_type]) IS NULL)
                  OR (x.[message_source_type] IS NOT NULL AND TRY_CONVERT(smallint, x.[message_source_type]) IS NULL))
        EXEC [internal].[raise_error] 27101, N'The value for @Messages is not valid: lease_token and event_message_guid are uuids, message_time an ISO 8601 time, message_type and message_source_type small whole numbers. Nothing was written.';
    INSERT INTO @batch
    SELECT CONVERT(int, e.[key]), b.[lease_token], b.[event_message_guid], b.[message_time], b.[message_type],
           b.[message_source_type], b.[message]
    FROM OPENJSON(@Messages) AS e
    CROSS APPLY OPENJSON(e.[value]) WITH ([lease_token] uniqueidentifier '$.lease_token',
        [event_message_guid] uniqueidentifier '$.event_message_guid', [message_time] datetimeoffset(7) '$.message_time',
        [message_type] smallint '$.message_type', [message_source_type] smallint '$.message_source_type',
        [message] nvarchar(max) '$.message') AS b;
    -- A NUL in a message: PostgreSQL cannot store one, so neither dialect does (one contract). SQL Server's
    -- OPENJSON decodes \u0000 into the character, found here in a binary collation (where NUL is not ignored).
    IF EXISTS (SELECT 1 FROM @batch WHERE CHARINDEX(NCHAR(0) COLLATE Latin1_General_BIN2, [message] COLLATE Latin1_General_BIN2) > 0)
        EXEC [internal].[raise_error] 27101, N'The value for @Messages is not valid: a message holds a NUL character, which the catalog does not store. Nothing was written; replace it and send the batch again.';
    SELECT @missing = COUNT(*) FROM @batch
    WHERE [lease_token] IS NULL OR [event_message_guid] IS NULL OR [message] IS NULL OR [message_type] IS NULL;
    IF @missing > 0
        EXEC [internal].[raise_error] 27100, N'Every message needs lease_token, event_message_guid, message_type and message. Nothing was written.';
    SELECT @foreign = COUNT(*) FROM @batch AS b
    WHERE NOT EXISTS (SELECT 1 FROM [internal].[task_attempts] AS a
                      WHERE a.[lease_token] = b.[lease_token] AND a.[worker_agent_id] = @WorkerAgentId);
    IF @foreign > 0
    BEGIN
        SET @message = CONCAT(@foreign, N' messages name a task attempt that worker agent ''', @WorkerAgentId,
            N''' never ran. Nothing was written.');
        EXEC [internal].[raise_error] 27246, @message;
    END;
    INSERT INTO [internal].[operation_messages] ([operation_id], [message_time], [message_type], [message_source_type],
        [message], [event_message_guid], [worker_agent_id], [attempt])
    SELECT a.[execution_id], ISNULL(b.[message_time], SYSDATETIMEOFFSET()), b.[message_type],
           ISNULL(b.[message_source_type], 20), b.[message], b.[event_message_guid], a.[worker_agent_id], a.[attempt]
    FROM @batch AS b
    INNER JOIN [internal].[task_attempts] AS a ON a.[lease_token] = b.[lease_token]
    WHERE NOT EXISTS (SELECT 1 FROM [internal].[operation_messages] AS m WHERE m.[event_message_guid] = b.[event_message_guid])
    ORDER BY b.[n];
    SET @count = @@ROWCOUNT;
    SELECT @count AS [appended];
END
GO

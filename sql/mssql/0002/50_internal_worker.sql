-- scaleout_catalog, SQL Server, revision 0002: the worker procedures take the catalog's pulse, never reuse
-- an attempt number, check their JSON, and tell a worker which tasks it holds (see the PostgreSQL twin).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- Ends one attempt of a running task and settles the task: @AttemptStatus 5 succeeded, 4 failed,
-- 6 cancelled, 1 released (the worker is draining), 7 lease expired. Every attempt counts against
-- retry_count, a released one too, and its number is never given to another attempt. A cancelled task ends 6
-- (execution 3), a success 5 (7); otherwise the task goes back to the queue while attempts remain, else
-- it ends 4 (execution 4 after a failure, 6 after an expired lease or a release). A finished task moves to tasks_history.
-- Callable directly on Babelfish (no ownership chaining there), so it checks for itself that the caller
-- may end this attempt: the login of the worker holding it (or an admin), or anyone once its lease expired.
ALTER PROCEDURE [internal].[end_attempt]
    @TaskId        uniqueidentifier,
    @LeaseToken    uniqueidentifier,
    @AttemptStatus int,
    @Result        int = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @execution_id bigint, @executed int, @max int, @cancelled bit, @expired bit, @holder nvarchar(256),
            @task_status int, @execution_status int, @message nvarchar(2000);
    SET @Result = NULL;
    -- Lock the row by updating it first: portable where locking hints are ignored (Babelfish), so that
    -- two sessions can never end the same attempt (the second finds the lease gone).
    UPDATE [internal].[tasks] SET [last_updated_time] = SYSDATETIMEOFFSET()
    WHERE [task_id] = @TaskId AND [status] = 2 AND [lease_token] = @LeaseToken;
    SELECT @execution_id = t.[execution_id], @executed = t.[executed_count], @max = t.[max_executed_count],
           @cancelled = t.[is_cancelled], @holder = w.[user_account],
           @expired = CASE WHEN t.[expired_time] <= SYSDATETIMEOFFSET() THEN 1 ELSE 0 END
    FROM [internal].[tasks] AS t WITH (UPDLOCK, ROWLOCK)
    LEFT JOIN [internal].[worker_agents] AS w ON w.[worker_agent_id] = t.[worker_agent_id]
    WHERE t.[task_id] = @TaskId AND t.[status] = 2 AND t.[lease_token] = @LeaseToken;
    IF @execution_id IS NULL OR @AttemptStatus IS NULL OR @AttemptStatus NOT IN (1, 4, 5, 6, 7)
       OR (@AttemptStatus = 7 AND @expired = 0)
       OR (@AttemptStatus <> 7 AND ISNULL(@holder, N'') <> SUSER_SNAME() AND [internal].[caller_is_admin]() = 0)
    BEGIN
        SET @message = CONCAT(N'Cannot find the cluster execution task instance ''', @TaskId,
            N''' under this lease, or it is not yours to end. This attempt must stop and not report an outcome.');
        EXEC [internal].[raise_error] 27246, @message;
    END;
    UPDATE [internal].[task_attempts] SET [ended_time] = SYSDATETIMEOFFSET(), [status] = @AttemptStatus
    WHERE [lease_token] = @LeaseToken;
    SELECT @task_status = CASE WHEN @cancelled = 1 THEN 6 WHEN @AttemptStatus = 5 THEN 5
                               WHEN @executed < @max THEN 1 ELSE 4 END,
           @execution_status = CASE WHEN @cancelled = 1 THEN 3 WHEN @AttemptStatus = 5 THEN 7
                                    WHEN @AttemptStatus IN (1, 7) THEN 6 ELSE 4 END;
    IF @task_status = 1
    BEGIN
        UPDATE [internal].[tasks]
        SET [status] = 1, [ready_for_dispatch_time] = SYSDATETIMEOFFSET(), [worker_agent_id] = NULL, [lease_token] = NULL,
            [expired_time] = NULL, [last_updated_time] = SYSDATETIMEOFFSET()
        WHERE [task_id] = @TaskId;
        UPDATE [internal].[operations] SET [status] = 5
        WHERE [operation_id] = @execution_id AND [status] = 2;
    END
    ELSE
    BEGIN
        DELETE FROM [internal].[tasks]
        OUTPUT deleted.[task_id], deleted.[job_id], deleted.[execution_id], deleted.[task_type], deleted.[input_data],
               deleted.[max_executed_count], deleted.[executed_count], @task_status, deleted.[priority],
               deleted.[use_any_worker], deleted.[worker_agent_id], deleted.[is_cancelled], deleted.[last_pickup_time],
               deleted.[created_time], SYSDATETIMEOFFSET()
        INTO [internal].[tasks_history] ([task_id], [job_id], [execution_id], [task_type], [input_data],
               [max_executed_count], [executed_count], [status], [priority], [use_any_worker], [worker_agent_id],
               [is_cancelled], [last_pickup_time], [created_time], [last_updated_time])
        WHERE [task_id] = @TaskId;
        UPDATE [internal].[operations] SET [status] = @execution_status, [end_time] = SYSDATETIMEOFFSET()
        WHERE [operation_id] = @execution_id AND [end_time] IS NULL;
    END;
    SET @Result = @task_status;
END
GO
ALTER PROCEDURE [internal].[update_worker_agent_status]
    @WorkerAgentId         uniqueidentifier,
    @MachineName           nvarchar(4000),          -- wider than the columns, so that the checks fire
    @DisplayName           nvarchar(4000) = NULL,
    @Tags                  nvarchar(max) = NULL,
    @MaxTasks              int = NULL,
    @CertificateThumbprint nvarchar(4000) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @user_account nvarchar(256), @enabled bit, @thumbprint nvarchar(128), @next_thumbprint nvarchar(128),
        @warning nvarchar(2048);
    EXEC [internal].[require_worker_agent_id] @WorkerAgentId, N'WorkerAgentId';
    IF @MachineName IS NULL EXEC [internal].[null_argument] N'MachineName';
    IF LEN(@MachineName) > 256 OR LEN(@DisplayName) > 256
        EXEC [internal].[raise_error] 27101, N'The value for @MachineName or @DisplayName is longer than 256 characters. Pass a shorter name.';
    EXEC [internal].[require_valid_name] @MachineName, N'MachineName', 256;
    IF @DisplayName IS NOT NULL EXEC [internal].[require_valid_name] @DisplayName, N'DisplayName', 256;
    IF LEN(@Tags) > 4000 OR [internal].[has_control_characters](@Tags, 0) = 1
        EXEC [internal].[raise_error] 27101, N'The value for @Tags is not valid: up to 4000 characters, no control characters.';
    IF LEN(@CertificateThumbprint) > 128
        EXEC [internal].[raise_error] 27101, N'The value for @CertificateThumbprint is longer than 128 characters. Pass the certificate''s SHA-256 thumbprint.';
    IF @MaxTasks IS NOT NULL AND (@MaxTasks < 1 OR @MaxTasks > 1024)
        EXEC [internal].[raise_error] 27101, N'The value for @MaxTasks is not valid. Pass a whole number from 1 to 1024.';
    BEGIN TRANSACTION;
    EXEC [internal].[take_pulse];
    SELECT @user_account = [user_account], @enabled = [is_enabled], @thumbprint = [certificate_thumbprint],
           @next_thumbprint = [next_certificate_thumbprint]
    FROM [internal].[worker_agents] WITH (UPDLOCK, HOLDLOCK)
    WHERE [worker_agent_id] = @WorkerAgentId;
    IF @user_account IS NULL
        INSERT INTO [internal].[worker_agents] ([worker_agent_id], [display_name], [machine_name], [tags], [user_account],
            [max_tasks], [certificate_thumbprint])
        VALUES (@WorkerAgentId, ISNULL(@DisplayName, @MachineName), @MachineName, @Tags, SUSER_SNAME(), @MaxTasks,
                @CertificateThumbprint);
    ELSE
    BEGIN
        IF @user_account <> SUSER_SNAME() AND [internal].[caller_is_admin]() = 0
            EXEC [internal].[worker_agent_not_found] @WorkerAgentId;
        -- A changed certificate that was not announced disables an enabled worker (see PostgreSQL).
        IF @CertificateThumbprint IS NOT NULL AND @thumbprint IS NOT NULL AND @CertificateThumbprint <> @thumbprint
           AND (@next_thumbprint IS NULL OR @CertificateThumbprint <> @next_thumbprint) AND @enabled = 1
        BEGIN
            SET @warning = CONCAT(N'Worker agent ', CONVERT(nvarchar(36), @WorkerAgentId),
                N' registered with certificate thumbprint ', @CertificateThumbprint, N' instead of ', @thumbprint,
                N', so it was disabled. Check the certificate, then enable it again with [catalog].[enable_worker_agent].');
            UPDATE [internal].[worker_agents] SET [is_enabled] = 0 WHERE [worker_agent_id] = @WorkerAgentId;
        END;
        UPDATE [internal].[worker_agents]
        SET [last_online_time] = SYSDATETIMEOFFSET(), [machine_name] = @MachineName,
            [next_certificate_thumbprint] = CASE WHEN @CertificateThumbprint = [next_certificate_thumbprint]
                                                 THEN NULL ELSE [next_certificate_thumbprint] END,
            [display_name] = ISNULL(@DisplayName, [display_name]), [tags] = ISNULL(@Tags, [tags]),
            [max_tasks] = ISNULL(@MaxTasks, [max_tasks]),
            [certificate_thumbprint] = ISNULL(@CertificateThumbprint, [certificate_thumbprint])
        WHERE [worker_agent_id] = @WorkerAgentId;
    END;
    COMMIT TRANSACTION;
    SELECT CONVERT(int, [is_enabled]) AS [is_enabled],
           [internal].[catalog_property_int](N'WORKER_LEASE_SECONDS') AS [lease_seconds],
           [internal].[catalog_property_int](N'WORKER_ONLINE_WINDOW_SECONDS') AS [online_window_seconds],
           @warning AS [warning]
    FROM [internal].[worker_agents] WHERE [worker_agent_id] = @WorkerAgentId;
END
GO
-- Claims up to @MaxTasks queued tasks in one statement: priority first, then age.
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
    SELECT [task_id], [execution_id], [lease_token], [executed_count], [max_executed_count], [expired_time], [input_data]
    FROM @claimed ORDER BY [executed_count], [execution_id];
END
GO
ALTER PROCEDURE [internal].[renew_task_lease]
    @WorkerAgentId uniqueidentifier,
    @TaskId        uniqueidentifier,
    @LeaseToken    uniqueidentifier
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    EXEC [internal].[authorize_worker] @WorkerAgentId, 0;
    BEGIN TRANSACTION;
    EXEC [internal].[held_task] @WorkerAgentId, @TaskId, @LeaseToken;
    EXEC [internal].[take_pulse];
    UPDATE [internal].[tasks]
    SET [expired_time] = DATEADD(second, [internal].[catalog_property_int](N'WORKER_LEASE_SECONDS'), SYSDATETIMEOFFSET()),
        [last_updated_time] = SYSDATETIMEOFFSET()
    OUTPUT inserted.[expired_time], inserted.[is_cancelled]
    WHERE [task_id] = @TaskId;
    COMMIT TRANSACTION;
END
GO
-- Batched form: @Tasks is a JSON array of {"task_id", "lease_token", "status"}.
-- One row per input; [status] is NULL where the lease was stale (refused).
ALTER PROCEDURE [internal].[update_tasks_status]
    @WorkerAgentId uniqueidentifier,
    @Tasks         nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @task_id uniqueidentifier, @lease_token uniqueidentifier, @status int, @result int;
    DECLARE @results TABLE ([n] int IDENTITY(1, 1) PRIMARY KEY, [task_id] uniqueidentifier, [status] int NULL);
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
    BEGIN TRANSACTION;
    DECLARE task_cursor CURSOR LOCAL FAST_FORWARD FOR
        SELECT x.[task_id], x.[lease_token], x.[status]
        FROM OPENJSON(@Tasks) WITH ([task_id] uniqueidentifier '$.task_id', [lease_token] uniqueidentifier '$.lease_token',
                                    [status] int '$.status') AS x
        ORDER BY x.[task_id];
    OPEN task_cursor;
    FETCH NEXT FROM task_cursor INTO @task_id, @lease_token, @status;
    WHILE @@FETCH_STATUS = 0
    BEGIN
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
-- Appends package log records in one batch (see the PostgreSQL twin for the JSON shape).
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
-- Ends or re-queues tasks whose lease ran out. Returns the number handled.
ALTER PROCEDURE [internal].[dealwith_expired_tasks]
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @count int = 0, @task_id uniqueidentifier, @lease_token uniqueidentifier;
    -- One transaction: a call that fails part-way leaves nothing half done, and runs again whole.
    BEGIN TRANSACTION;
    EXEC [internal].[take_pulse];   -- first: after an outage, the silence is credited before anything expires
    WHILE 1 = 1
    BEGIN
        SET @task_id = NULL;
        SELECT TOP (1) @task_id = [task_id], @lease_token = [lease_token]
        FROM [internal].[tasks] WITH (UPDLOCK, READPAST, ROWLOCK)
        WHERE [status] = 2 AND [expired_time] <= SYSDATETIMEOFFSET()
        ORDER BY [task_id];
        IF @task_id IS NULL BREAK;
        -- Lock it by updating it (where locking hints are ignored, another session may be ending it
        -- too: then this finds it settled and leaves it).
        UPDATE [internal].[tasks] SET [last_updated_time] = SYSDATETIMEOFFSET()
        WHERE [task_id] = @task_id AND [status] = 2 AND [lease_token] = @lease_token
          AND [expired_time] <= SYSDATETIMEOFFSET();
        IF @@ROWCOUNT = 0 CONTINUE;
        EXEC [internal].[end_attempt] @task_id, @lease_token, 7;
        SET @count += 1;
    END;
    COMMIT TRANSACTION;
    SELECT @count AS [handled];
END
GO
-- Retention clean-up: finished operations older than RETENTION_WINDOW days, with what hangs off them, and,
-- as SSISDB does, executions created that long ago and never started.
ALTER PROCEDURE [internal].[cleanup_server_retention_window]
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @cutoff datetimeoffset(7), @count int = 0;
    DECLARE @expired TABLE ([operation_id] bigint PRIMARY KEY, [job_id] uniqueidentifier NULL);
    IF (SELECT UPPER([property_value]) FROM [internal].[catalog_properties]
        WHERE [property_name] = N'OPERATION_CLEANUP_ENABLED') <> N'TRUE'
    BEGIN
        SELECT 0 AS [removed];
        RETURN 0;
    END;
    SET @cutoff = DATEADD(day, -[internal].[catalog_property_int](N'RETENTION_WINDOW'), SYSDATETIMEOFFSET());
    BEGIN TRANSACTION;
    INSERT INTO @expired ([operation_id], [job_id])
    SELECT o.[operation_id], e.[job_id]
    FROM [internal].[operations] AS o
    LEFT JOIN [internal].[executions] AS e ON e.[execution_id] = o.[operation_id]
    WHERE (o.[end_time] < @cutoff OR (o.[end_time] IS NULL AND o.[status] = 1 AND o.[created_time] < @cutoff))
      AND NOT EXISTS (SELECT 1 FROM [internal].[tasks] AS t WHERE t.[execution_id] = o.[operation_id]);
    DELETE FROM [internal].[task_attempts] WHERE [execution_id] IN (SELECT [operation_id] FROM @expired);
    DELETE FROM [internal].[tasks_history] WHERE [execution_id] IN (SELECT [operation_id] FROM @expired);
    DELETE FROM [internal].[jobs] WHERE [job_id] IN (SELECT [job_id] FROM @expired WHERE [job_id] IS NOT NULL);
    DELETE FROM [internal].[operations] WHERE [operation_id] IN (SELECT [operation_id] FROM @expired);
    SET @count = @@ROWCOUNT;
    COMMIT TRANSACTION;
    SELECT @count AS [removed];
END
GO
-- Reconciliation: the tasks the catalog thinks this worker holds, with their leases renewed (see PostgreSQL).
CREATE PROCEDURE [internal].[get_held_tasks]
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
    SELECT [task_id], [execution_id], [lease_token], [executed_count], [max_executed_count], [expired_time], [input_data]
    FROM [internal].[tasks]
    WHERE [status] = 2 AND [worker_agent_id] = @WorkerAgentId
    ORDER BY [executed_count], [execution_id];
END
GO

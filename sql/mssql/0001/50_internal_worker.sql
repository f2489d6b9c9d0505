-- scaleout_catalog, SQL Server: the procedures Scale Out Workers call ([internal]).
-- Same contract as sql/postgresql/0001/50_internal_worker.sql: every call names the worker,
-- the caller must be the login that registered it, and every call about a claimed task
-- carries the claim's @LeaseToken (the fencing token).
-- Task status: 1 queued, 2 running, 4 failed, 5 succeeded, 6 cancelled; attempts add 7 (lease expired).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE [internal].[update_worker_agent_status]
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
    IF LEN(@CertificateThumbprint) > 128
        EXEC [internal].[raise_error] 27101, N'The value for @CertificateThumbprint is longer than 128 characters. Pass the certificate''s SHA-256 thumbprint.';
    IF @MaxTasks IS NOT NULL AND (@MaxTasks < 1 OR @MaxTasks > 1024)
        EXEC [internal].[raise_error] 27101, N'The value for @MaxTasks is not valid. Pass a whole number from 1 to 1024.';
    BEGIN TRANSACTION;
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
-- A worker announces the thumbprint of the certificate it is about to switch to (see PostgreSQL).
CREATE PROCEDURE [internal].[announce_worker_certificate]
    @WorkerAgentId         uniqueidentifier,
    @CertificateThumbprint nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @machine_name nvarchar(256);
    IF @CertificateThumbprint IS NULL EXEC [internal].[null_argument] N'CertificateThumbprint';
    IF LEN(@CertificateThumbprint) > 128
        EXEC [internal].[raise_error] 27101, N'The value for @CertificateThumbprint is longer than 128 characters. Pass the certificate''s SHA-256 thumbprint.';
    EXEC [internal].[authorize_worker] @WorkerAgentId, 0, @machine_name OUTPUT;
    UPDATE [internal].[worker_agents] SET [next_certificate_thumbprint] = @CertificateThumbprint
    WHERE [worker_agent_id] = @WorkerAgentId;
END
GO
-- Claims up to @MaxTasks queued tasks in one statement: priority first, then age.
-- READPAST lets any number of workers claim at once without waiting on each other.
CREATE PROCEDURE [internal].[pull_task]
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
-- Raises 27246 unless the caller holds @TaskId under @LeaseToken.
CREATE PROCEDURE [internal].[held_task]
    @WorkerAgentId uniqueidentifier,
    @TaskId        uniqueidentifier,
    @LeaseToken    uniqueidentifier
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    IF @TaskId IS NULL EXEC [internal].[null_argument] N'TaskId';
    IF @LeaseToken IS NULL EXEC [internal].[null_argument] N'LeaseToken';
    IF NOT EXISTS (SELECT 1 FROM [internal].[tasks] WITH (UPDLOCK, ROWLOCK)
                   WHERE [task_id] = @TaskId AND [status] = 2 AND [worker_agent_id] = @WorkerAgentId
                     AND [lease_token] = @LeaseToken)
    BEGIN
        SET @message = CONCAT(N'Cannot find the cluster execution task instance ''', @TaskId, N''' held by worker agent ''',
            @WorkerAgentId, N''' under this lease. The lease expired or the task was claimed again; ',
            N'this attempt must stop and not report an outcome.');
        EXEC [internal].[raise_error] 27246, @message;
    END;
END
GO
CREATE PROCEDURE [internal].[renew_task_lease]
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
    UPDATE [internal].[tasks]
    SET [expired_time] = DATEADD(second, [internal].[catalog_property_int](N'WORKER_LEASE_SECONDS'), SYSDATETIMEOFFSET()),
        [last_updated_time] = SYSDATETIMEOFFSET()
    OUTPUT inserted.[expired_time], inserted.[is_cancelled]
    WHERE [task_id] = @TaskId;
    COMMIT TRANSACTION;
END
GO
-- Applies one reported outcome (5 succeeded, 4 failed, 6 cancelled, 1 released unrun).
-- @Result is the task's resulting status (1 when re-queued), or NULL when @Raise = 0 and the token is stale.
CREATE PROCEDURE [internal].[apply_task_status]
    @WorkerAgentId uniqueidentifier,
    @TaskId        uniqueidentifier,
    @LeaseToken    uniqueidentifier,
    @Status        int,
    @Raise         bit,
    @Result        int = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @execution_id bigint, @cancelled bit;
    SET @Result = NULL;
    IF @Status IS NULL OR @Status NOT IN (1, 4, 5, 6)
    BEGIN
        SET @message = CONCAT(N'The value ', @Status,
            N' for @Status is not supported. Report 5 (succeeded), 4 (failed), 6 (cancelled) or 1 (released).');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    SELECT @execution_id = [execution_id], @cancelled = [is_cancelled]
    FROM [internal].[tasks] WITH (UPDLOCK, ROWLOCK)
    WHERE [task_id] = @TaskId AND [status] = 2 AND [worker_agent_id] = @WorkerAgentId AND [lease_token] = @LeaseToken;
    IF @execution_id IS NULL
    BEGIN
        -- Raises the error that fits (27100 for a NULL argument, else 27246).
        IF @Raise = 1 EXEC [internal].[held_task] @WorkerAgentId, @TaskId, @LeaseToken;
        RETURN 0;
    END;
    IF @Status = 6 AND @cancelled = 0
    BEGIN
        SET @message = CONCAT(N'The task ''', @TaskId, N''' was not asked to stop; report 4 (failed) for a package that ended early.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    EXEC [internal].[end_attempt] @TaskId, @LeaseToken, @Status, @Result OUTPUT;
    RETURN 0;
END
GO
-- Reports the outcome of one attempt (SSIS: internal.update_task_status). A stale @LeaseToken raises 27246.
CREATE PROCEDURE [internal].[update_task_status]
    @WorkerAgentId uniqueidentifier,
    @TaskId        uniqueidentifier,
    @LeaseToken    uniqueidentifier,
    @Status        int
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @result int;
    EXEC [internal].[authorize_worker] @WorkerAgentId, 0;
    BEGIN TRANSACTION;
    EXEC [internal].[apply_task_status] @WorkerAgentId, @TaskId, @LeaseToken, @Status, 1, @result OUTPUT;
    COMMIT TRANSACTION;
    SELECT @result AS [status];
END
GO
-- Batched form: @Tasks is a JSON array of {"task_id", "lease_token", "status"}.
-- One row per input; [status] is NULL where the lease was stale (refused).
CREATE PROCEDURE [internal].[update_tasks_status]
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
CREATE PROCEDURE [internal].[append_operation_messages]
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
CREATE PROCEDURE [internal].[get_task_package]
    @WorkerAgentId uniqueidentifier,
    @TaskId        uniqueidentifier,
    @LeaseToken    uniqueidentifier,
    @IncludeStream bit = 1
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    EXEC [internal].[authorize_worker] @WorkerAgentId, 0;
    EXEC [internal].[held_task] @WorkerAgentId, @TaskId, @LeaseToken;
    SELECT e.[execution_id], e.[folder_name], e.[project_name], e.[package_name], k.[entry_point], e.[project_lsn],
           v.[project_checksum], CASE WHEN ISNULL(@IncludeStream, 1) = 1 THEN v.[project_stream] END AS [project_stream]
    FROM [internal].[tasks] AS t
    INNER JOIN [internal].[executions] AS e ON e.[execution_id] = t.[execution_id]
    INNER JOIN [internal].[object_versions] AS v ON v.[object_version_lsn] = e.[project_lsn]
    INNER JOIN [internal].[packages] AS k ON k.[project_version_lsn] = e.[project_lsn] AND k.[name] = e.[package_name]
    WHERE t.[task_id] = @TaskId;
END
GO
-- The only place sensitive values leave the catalog, and only to the worker holding the lease.
CREATE PROCEDURE [internal].[get_task_parameters]
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
    WHERE t.[task_id] = @TaskId
    ORDER BY v.[object_type], v.[parameter_name];
END
GO
-- Ends or re-queues tasks whose lease ran out. Returns the number handled.
CREATE PROCEDURE [internal].[dealwith_expired_tasks]
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @count int = 0, @task_id uniqueidentifier, @lease_token uniqueidentifier;
    -- One transaction: a call that fails part-way leaves nothing half done, and runs again whole.
    BEGIN TRANSACTION;
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
-- Retention clean-up: finished operations older than RETENTION_WINDOW days, with what hangs off them.
CREATE PROCEDURE [internal].[cleanup_server_retention_window]
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
    WHERE o.[end_time] < @cutoff
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

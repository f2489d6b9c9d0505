-- scaleout_catalog, SQL Server, revision 0004: a worker reports its package messages and its finished
-- attempts in one call and one transaction (see the PostgreSQL twin).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- The body of append_operation_messages, with the count as an OUTPUT parameter rather than a result set,
-- so that report_tasks can call it inside its own transaction and return only the outcomes.
CREATE PROCEDURE [internal].[write_operation_messages]
    @WorkerAgentId uniqueidentifier,
    @Messages      nvarchar(max),
    @Appended      int OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @missing int, @foreign int;
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
    -- The message text is read as OPENJSON's own value column (nvarchar(max)): Babelfish cuts a typed
    -- nvarchar(max) column of OPENJSON ... WITH at 4000 characters. Scalars only (string, number, true or
    -- false), as the typed column reads them; null, an object or an array is no message text.
    INSERT INTO @batch
    SELECT CONVERT(int, e.[key]), b.[lease_token], b.[event_message_guid], b.[message_time], b.[message_type],
           b.[message_source_type], m.[value]
    FROM OPENJSON(@Messages) AS e
    CROSS APPLY OPENJSON(e.[value]) WITH ([lease_token] uniqueidentifier '$.lease_token',
        [event_message_guid] uniqueidentifier '$.event_message_guid', [message_time] datetimeoffset(7) '$.message_time',
        [message_type] smallint '$.message_type', [message_source_type] smallint '$.message_source_type') AS b
    OUTER APPLY (SELECT f.[value] FROM OPENJSON(e.[value]) AS f
                 WHERE f.[key] = N'message' AND f.[type] IN (1, 2, 3)) AS m;
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
    SET @Appended = @@ROWCOUNT;
END
GO
ALTER PROCEDURE [internal].[append_operation_messages]
    @WorkerAgentId uniqueidentifier,
    @Messages      nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @count int;
    EXEC [internal].[write_operation_messages] @WorkerAgentId, @Messages, @count OUTPUT;
    SELECT @count AS [appended];
END
GO
-- @Messages: as for append_operation_messages; @Tasks: as for update_tasks_status. Either may be NULL
-- (nothing of that kind to report), not both. All or nothing: a refusal of either part (the same error
-- numbers as those procedures) writes no message and reports no outcome. The messages are written first,
-- so an execution reported finished already has its whole log. Returns update_tasks_status's rows: one
-- per element of @Tasks (none when @Tasks is NULL).
CREATE PROCEDURE [internal].[report_tasks]
    @WorkerAgentId uniqueidentifier,
    @Messages      nvarchar(max),
    @Tasks         nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @appended int;
    IF @Messages IS NULL AND @Tasks IS NULL
        EXEC [internal].[raise_error] 27100, N'Pass @Messages, @Tasks or both: a report of nothing is not a report. Nothing was reported.';
    BEGIN TRANSACTION;
    IF @Messages IS NOT NULL
        EXEC [internal].[write_operation_messages] @WorkerAgentId, @Messages, @appended OUTPUT;
    IF @Tasks IS NOT NULL
        EXEC [internal].[update_tasks_status] @WorkerAgentId, @Tasks;
    ELSE
        SELECT CAST(NULL AS uniqueidentifier) AS [task_id], CAST(NULL AS int) AS [status] WHERE 1 = 0;
    COMMIT TRANSACTION;
END
GO

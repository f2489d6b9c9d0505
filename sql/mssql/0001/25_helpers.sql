-- scaleout_catalog, SQL Server: private helpers used by the procedures.
-- Every catalog error is raised with THROW 50000 and a message that starts with the
-- SSIS error number, "NNNNN: ", which clients read as the number (user errors cannot
-- reuse the engine's own 27xxx message ids).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE [internal].[raise_error]
    @number  int,
    @message nvarchar(2000)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @text nvarchar(2048) = CONCAT(@number, N': ', @message);
    THROW 50000, @text, 1;
END
GO
-- ssis_admin members, sysadmin and db_owner count as admins (SSISDB: ssis_admin or sysadmin).
CREATE FUNCTION [internal].[caller_is_admin] ()
RETURNS bit
AS
BEGIN
    RETURN CASE WHEN IS_MEMBER(N'ssis_admin') = 1 OR IS_MEMBER(N'db_owner') = 1
                     OR IS_SRVROLEMEMBER(N'sysadmin') = 1 THEN 1 ELSE 0 END;
END
GO
CREATE FUNCTION [internal].[catalog_property_int] (@name nvarchar(256))
RETURNS int
AS
BEGIN
    RETURN (SELECT CONVERT(int, [property_value]) FROM [internal].[catalog_properties] WHERE [property_name] = @name);
END
GO
-- Lower-case hex of up to 64 bytes (a SHA-256 is 32). CONVERT(char(64), @bytes, 2) would do, but
-- Babelfish ignores the style argument there.
CREATE FUNCTION [internal].[to_hex] (@bytes varbinary(64))
RETURNS varchar(128)
AS
BEGIN
    DECLARE @hex varchar(128) = '', @i int = 1, @byte int;
    WHILE @i <= DATALENGTH(@bytes)
    BEGIN
        SET @byte = CONVERT(int, SUBSTRING(@bytes, @i, 1));
        SET @hex = CONCAT(@hex, SUBSTRING('0123456789abcdef', @byte / 16 + 1, 1), SUBSTRING('0123456789abcdef', @byte % 16 + 1, 1));
        SET @i += 1;
    END;
    RETURN @hex;
END
GO
-- 1 when @value is a valid literal of the SSIS data type @type.
CREATE FUNCTION [internal].[is_valid_value] (@type nvarchar(128), @value nvarchar(4000))
RETURNS bit
AS
BEGIN
    IF @value IS NULL RETURN 1;
    RETURN CASE
        WHEN @type = N'String' THEN 1
        WHEN @type = N'Int32' AND TRY_CONVERT(int, @value) IS NOT NULL THEN 1
        WHEN @type = N'Int64' AND TRY_CONVERT(bigint, @value) IS NOT NULL THEN 1
        WHEN @type = N'Double' AND TRY_CONVERT(float, @value) IS NOT NULL THEN 1
        WHEN @type = N'Boolean' AND LOWER(LTRIM(RTRIM(@value))) IN (N'true', N'false', N'1', N'0') THEN 1
        WHEN @type = N'DateTime' AND TRY_CONVERT(datetimeoffset, @value) IS NOT NULL THEN 1
        ELSE 0
    END;
END
GO
CREATE PROCEDURE [internal].[worker_agent_not_found]
    @WorkerAgentId uniqueidentifier
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000) = CONCAT(N'Cannot find the cluster worker agent ''', @WorkerAgentId,
        N''' because it does not exist or you do not have sufficient permissions. Check the WorkerAgentId in [catalog].[worker_agents].');
    EXEC [internal].[raise_error] 27243, @message;
END
GO
CREATE PROCEDURE [internal].[require_worker_agent_id]
    @WorkerAgentId uniqueidentifier,
    @name          nvarchar(128)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    IF @WorkerAgentId IS NULL EXEC [internal].[null_argument] @name;
    IF @WorkerAgentId = '11111111-1111-1111-1111-111111111111'
    BEGIN
        SET @message = CONCAT(N'The value of @', @name, N' is not valid: 11111111-1111-1111-1111-111111111111 means all worker agents. ',
            N'Pass the WorkerAgentId of one worker from [catalog].[worker_agents].');
        EXEC [internal].[raise_error] 27101, @message;
    END;
END
GO
CREATE PROCEDURE [internal].[null_argument]
    @name nvarchar(128)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000) = CONCAT(N'The argument @', @name, N' cannot be NULL. Pass a value for @', @name, N'.');
    EXEC [internal].[raise_error] 27100, @message;
END
GO
CREATE PROCEDURE [internal].[require_admin]
    @operation nvarchar(256)
AS
BEGIN
    SET NOCOUNT ON;
    IF [internal].[caller_is_admin]() = 0
    BEGIN
        DECLARE @message nvarchar(2000) = CONCAT(N'The login ', SUSER_SNAME(), N' cannot ', @operation,
            N': it needs membership of ssis_admin.');
        EXEC [internal].[raise_error] 27103, @message;
    END;
END
GO
-- Checks a worker-side call: the worker exists, the caller is the login that registered it
-- (or an admin), and it is enabled when @MustBeEnabled = 1. Returns its machine name.
CREATE PROCEDURE [internal].[authorize_worker]
    @WorkerAgentId uniqueidentifier,
    @MustBeEnabled bit,
    @MachineName   nvarchar(256) = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @user_account nvarchar(256), @is_enabled bit, @message nvarchar(2000);
    EXEC [internal].[require_worker_agent_id] @WorkerAgentId, N'WorkerAgentId';
    SELECT @user_account = [user_account], @is_enabled = [is_enabled], @MachineName = [machine_name]
    FROM [internal].[worker_agents] WHERE [worker_agent_id] = @WorkerAgentId;
    IF @user_account IS NULL OR (@user_account <> SUSER_SNAME() AND [internal].[caller_is_admin]() = 0)
        EXEC [internal].[worker_agent_not_found] @WorkerAgentId;
    IF @MustBeEnabled = 1 AND @is_enabled = 0
    BEGIN
        SET @message = CONCAT(N'The Integration Services cluster worker agent ''', @WorkerAgentId,
            N''' is disabled. An administrator enables it with EXEC [catalog].[enable_worker_agent] ''', @WorkerAgentId, N'''.');
        EXEC [internal].[raise_error] 27252, @message;
    END;
END
GO
-- Ends one attempt of a running task and settles the task: @AttemptStatus 5 succeeded, 4 failed,
-- 6 cancelled, 1 released unrun (the attempt is given back), 7 lease expired. A cancelled task ends 6
-- (execution 3), a success 5 (7); otherwise the task goes back to the queue while attempts remain, else
-- it ends 4 (execution 4 after a failure, 6 after an expired lease). A finished task moves to tasks_history.
-- Callable directly on Babelfish (no ownership chaining there), so it checks for itself that the caller
-- may end this attempt: the login of the worker holding it (or an admin), or anyone once its lease expired.
CREATE PROCEDURE [internal].[end_attempt]
    @TaskId        uniqueidentifier,
    @LeaseToken    uniqueidentifier,
    @AttemptStatus int,
    @Result        int = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @execution_id bigint, @executed int, @max int, @cancelled bit, @expired bit, @holder nvarchar(256),
            @task_status int, @execution_status int, @give_back int, @message nvarchar(2000);
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
                               WHEN @AttemptStatus = 1 OR @executed < @max THEN 1 ELSE 4 END,
           @execution_status = CASE WHEN @cancelled = 1 THEN 3 WHEN @AttemptStatus = 5 THEN 7
                                    WHEN @AttemptStatus = 7 THEN 6 ELSE 4 END,
           @give_back = CASE WHEN @AttemptStatus = 1 THEN 1 ELSE 0 END;
    IF @task_status = 1
    BEGIN
        -- Back to the queue: a release gives the attempt back, a failure or an expiry uses it up.
        UPDATE [internal].[tasks]
        SET [status] = 1, [ready_for_dispatch_time] = SYSDATETIMEOFFSET(), [worker_agent_id] = NULL, [lease_token] = NULL,
            [expired_time] = NULL, [last_updated_time] = SYSDATETIMEOFFSET(), [executed_count] = [executed_count] - @give_back
        WHERE [task_id] = @TaskId;
        UPDATE [internal].[operations] SET [status] = 5, [executed_count] = [executed_count] - @give_back
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
-- Enables or disables a worker ([catalog].[enable_worker_agent] and [catalog].[disable_worker_agent]).
CREATE PROCEDURE [internal].[set_worker_agent_enabled]
    @WorkerAgentId uniqueidentifier,
    @Enabled       bit
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @operation nvarchar(256) = CONCAT(CASE WHEN @Enabled = 1 THEN N'enable' ELSE N'disable' END, N' a worker agent');
    EXEC [internal].[require_worker_agent_id] @WorkerAgentId, N'WorkerAgentId';
    EXEC [internal].[require_admin] @operation;
    -- Disabling, as in SSIS, lets running tasks finish; the worker simply gets no new ones.
    UPDATE [internal].[worker_agents] SET [is_enabled] = @Enabled WHERE [worker_agent_id] = @WorkerAgentId;
    IF @@ROWCOUNT = 0 EXEC [internal].[worker_agent_not_found] @WorkerAgentId;
END
GO

-- scaleout_catalog, SQL Server, revision 0005: a worker disabled for a changed certificate says so
-- ([internal].[worker_agents].[disabled_reason]), for [catalog].[execution_waits].
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
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
            UPDATE [internal].[worker_agents] SET [is_enabled] = 0, [disabled_reason] = N'certificate'
            WHERE [worker_agent_id] = @WorkerAgentId;
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

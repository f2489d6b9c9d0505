-- scaleout_catalog, SQL Server: worker management ([catalog]), for DBAs and admins.
-- Every procedure validates its parameters first and raises SSIS's error numbers.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE [catalog].[enable_worker_agent]
    @WorkerAgentId uniqueidentifier
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    EXEC [internal].[set_worker_agent_enabled] @WorkerAgentId, 1;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[disable_worker_agent]
    @WorkerAgentId uniqueidentifier
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    EXEC [internal].[set_worker_agent_enabled] @WorkerAgentId, 0;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[delete_worker_agent]
    @WorkerAgentId uniqueidentifier
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000);
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
    BEGIN TRANSACTION;
    DELETE FROM [internal].[job_worker_agents] WHERE [worker_agent_id] = @WorkerAgentId;
    DELETE FROM [internal].[worker_agents] WHERE [worker_agent_id] = @WorkerAgentId;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[set_worker_agent_property]
    @WorkerAgentId uniqueidentifier,
    @PropertyName  nvarchar(4000),
    @PropertyValue nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000);
    EXEC [internal].[require_worker_agent_id] @WorkerAgentId, N'WorkerAgentId';
    IF @PropertyName IS NULL EXEC [internal].[null_argument] N'PropertyName';
    IF @PropertyName NOT IN (N'DisplayName', N'Description', N'Tags')
    BEGIN
        SET @message = CONCAT(N'The value ''', @PropertyName,
            N''' for @PropertyName is not supported. Supported values are DisplayName, Description and Tags.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    IF @PropertyName = N'DisplayName' AND LEN(@PropertyValue) > 256
        EXEC [internal].[raise_error] 27101, N'The value for DisplayName is longer than 256 characters. Pass a shorter name.';
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
CREATE PROCEDURE [catalog].[configure_catalog]
    @property_name  nvarchar(4000),   -- wider than the column: a longer value is refused, not cut
    @property_value nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000);
    IF @property_name IS NULL EXEC [internal].[null_argument] N'property_name';
    IF @property_value IS NULL EXEC [internal].[null_argument] N'property_value';
    IF @property_name NOT IN (N'DEFAULT_EXECUTION_MODE', N'RETENTION_WINDOW', N'OPERATION_CLEANUP_ENABLED',
            N'MAX_PROJECT_VERSIONS', N'SERVER_LOGGING_LEVEL', N'WORKER_LEASE_SECONDS', N'WORKER_ONLINE_WINDOW_SECONDS')
    BEGIN
        SET @message = CONCAT(N'The property ''', @property_name, N''' cannot be configured. Configurable properties are ',
            N'DEFAULT_EXECUTION_MODE, RETENTION_WINDOW, OPERATION_CLEANUP_ENABLED, MAX_PROJECT_VERSIONS, ',
            N'SERVER_LOGGING_LEVEL, WORKER_LEASE_SECONDS and WORKER_ONLINE_WINDOW_SECONDS.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    IF (@property_name = N'DEFAULT_EXECUTION_MODE' AND @property_value <> N'1')
       OR (@property_name = N'OPERATION_CLEANUP_ENABLED' AND UPPER(@property_value) NOT IN (N'TRUE', N'FALSE'))
       OR (@property_name = N'SERVER_LOGGING_LEVEL' AND @property_value NOT IN (N'0', N'1', N'2', N'3', N'4'))
       OR (@property_name IN (N'RETENTION_WINDOW', N'MAX_PROJECT_VERSIONS', N'WORKER_LEASE_SECONDS',
                              N'WORKER_ONLINE_WINDOW_SECONDS')
           AND (@property_value LIKE N'%[^0-9]%' OR LEN(@property_value) NOT BETWEEN 1 AND 6
                OR TRY_CONVERT(int, @property_value) < 1))
    BEGIN
        SET @message = CONCAT(N'The value ''', @property_value, N''' is not valid for ', @property_name,
            N'. DEFAULT_EXECUTION_MODE takes 1 (Scale Out), OPERATION_CLEANUP_ENABLED TRUE or FALSE, ',
            N'SERVER_LOGGING_LEVEL 0 to 4, and the others a whole number of at least 1.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    EXEC [internal].[require_admin] N'configure the catalog';
    BEGIN TRANSACTION;
    UPDATE [internal].[catalog_properties] SET [property_value] = @property_value WHERE [property_name] = @property_name;
    INSERT INTO [internal].[operations] ([operation_type], [object_name], [status], [start_time], [end_time], [caller_name])
    VALUES (1000, @property_name, 7, SYSDATETIMEOFFSET(), SYSDATETIMEOFFSET(), SUSER_SNAME());
    COMMIT TRANSACTION;
    RETURN 0;
END
GO

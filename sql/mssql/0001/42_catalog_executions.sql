-- scaleout_catalog, SQL Server: executions ([catalog]), the "run packages in Scale Out" flow.
-- Finds an execution the caller may see (its creator, or an admin); raises 27103 otherwise.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE [internal].[execution_for_caller]
    @execution_id bigint,
    @status       int = NULL OUTPUT,
    @end_time     datetimeoffset(7) = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @caller nvarchar(128), @message nvarchar(2000);
    IF @execution_id IS NULL EXEC [internal].[null_argument] N'execution_id';
    -- Lock the row by updating it (portable where locking hints are ignored, as on Babelfish): two
    -- sessions cannot both start, or change, the same execution.
    UPDATE [internal].[operations] SET [status] = [status] WHERE [operation_id] = @execution_id;
    SELECT @status = o.[status], @end_time = o.[end_time], @caller = o.[caller_name]
    FROM [internal].[operations] AS o WITH (UPDLOCK, ROWLOCK)
    INNER JOIN [internal].[executions] AS e ON e.[execution_id] = o.[operation_id]
    WHERE o.[operation_id] = @execution_id;
    IF @caller IS NULL OR (@caller <> SUSER_SNAME() AND [internal].[caller_is_admin]() = 0)
    BEGIN
        SET @message = CONCAT(N'Cannot find the execution instance ''', @execution_id, N''' because it does not exist or ',
            N'you do not have sufficient permissions. Check execution_id in [catalog].[executions].');
        EXEC [internal].[raise_error] 27103, @message;
    END;
END
GO
CREATE PROCEDURE [catalog].[create_execution]
    @folder_name     nvarchar(4000),   -- wider than the columns: see create_folder
    @project_name    nvarchar(4000),
    @package_name    nvarchar(4000),
    @reference_id    bigint = NULL,
    @use32bitruntime bit = 0,
    @runinscaleout   bit = NULL,
    @useanyworker    bit = 1,
    @execution_id    bigint = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @project_id bigint, @lsn bigint, @job_id uniqueidentifier = NEWID();
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @project_name IS NULL EXEC [internal].[null_argument] N'project_name';
    IF @package_name IS NULL EXEC [internal].[null_argument] N'package_name';
    IF @reference_id IS NOT NULL
        EXEC [internal].[raise_error] 27101, N'Environment references are not supported: pass @reference_id = NULL and set values with [catalog].[set_execution_parameter_value].';
    IF ISNULL(@runinscaleout, CASE WHEN (SELECT [property_value] FROM [internal].[catalog_properties]
                                        WHERE [property_name] = N'DEFAULT_EXECUTION_MODE') = N'1' THEN 1 ELSE 0 END) = 0
        EXEC [internal].[raise_error] 27101, N'@runinscaleout = 0 is not supported: this catalog runs every execution in Scale Out. Pass @runinscaleout = 1 or NULL.';
    IF [internal].[caller_is_admin]() = 0 AND IS_MEMBER(N'ssis_cluster_executor') = 0
    BEGIN
        SET @message = CONCAT(N'Unable to execute the project named ''', @project_name, N'''. You do not have sufficient ',
            N'permissions: running in Scale Out needs membership of ssis_cluster_executor or ssis_admin.');
        EXEC [internal].[raise_error] 27178, @message;
    END;
    SELECT @project_id = p.[project_id], @lsn = p.[object_version_lsn]
    FROM [internal].[projects] AS p
    INNER JOIN [internal].[folders] AS f ON f.[folder_id] = p.[folder_id]
    WHERE f.[name] = @folder_name AND p.[name] = @project_name;
    IF @project_id IS NULL
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM [internal].[folders] WHERE [name] = @folder_name)
        BEGIN
            SET @message = CONCAT(N'Cannot find the folder ''', @folder_name, N''' because it does not exist or you do not ',
                N'have sufficient permissions. See [catalog].[folders].');
            EXEC [internal].[raise_error] 27104, @message;
        END;
        SET @message = CONCAT(N'Cannot find the project ''', @project_name, N''' in folder ''', @folder_name,
            N''' because it does not exist or you do not have sufficient permissions. See [catalog].[projects], or deploy it first.');
        EXEC [internal].[raise_error] 27109, @message;
    END;
    IF NOT EXISTS (SELECT 1 FROM [internal].[packages] WHERE [project_version_lsn] = @lsn AND [name] = @package_name)
    BEGIN
        SET @message = CONCAT(N'Cannot access the package ''', @package_name, N''' or the package does not exist in project ''',
            @project_name, N'''. See [catalog].[packages].');
        EXEC [internal].[raise_error] 27146, @message;
    END;

    BEGIN TRANSACTION;
    INSERT INTO [internal].[operations] ([operation_type], [object_type], [object_id], [object_name], [status], [caller_name])
    VALUES (200, 20, @project_id, @project_name, 1, SUSER_SNAME());
    SET @execution_id = SCOPE_IDENTITY();
    INSERT INTO [internal].[jobs] ([job_id], [job_type], [input_data], [creator], [use_all_worker_agents])
    VALUES (@job_id, 1, CONCAT(N'[{"name":"use32bitruntime","value":"', CONVERT(int, ISNULL(@use32bitruntime, 0)), N'"}]'),
            SUSER_SNAME(), ISNULL(@useanyworker, 1));
    INSERT INTO [internal].[executions] ([execution_id], [folder_name], [project_name], [package_name], [project_id],
        [project_lsn], [use32bitruntime], [executed_as_name], [job_id])
    VALUES (@execution_id, @folder_name, @project_name, @package_name, @project_id, @lsn, ISNULL(@use32bitruntime, 0),
            SUSER_SNAME(), @job_id);
    -- Project and package parameters with their design defaults, then SSIS's system parameters.
    INSERT INTO [internal].[execution_parameter_values] ([execution_id], [object_type], [parameter_data_type],
        [parameter_name], [parameter_value], [sensitive_parameter_value], [sensitive], [required], [value_set])
    SELECT @execution_id, op.[object_type], op.[data_type], op.[parameter_name],
           op.[default_value],
           NULL,   -- sensitive defaults are encrypted just below, in this transaction
           op.[sensitive], op.[required], CASE WHEN op.[default_value] IS NULL THEN 0 ELSE 1 END
    FROM [internal].[object_parameters] AS op
    WHERE op.[project_version_lsn] = @lsn AND (op.[object_type] = 20 OR op.[object_name] = @package_name)
    UNION ALL
    SELECT @execution_id, 50, s.[data_type], s.[name], s.[value], NULL, 0, 0, 1
    FROM (VALUES (N'LOGGING_LEVEL', N'Int32', (SELECT [property_value] FROM [internal].[catalog_properties]
                                               WHERE [property_name] = N'SERVER_LOGGING_LEVEL')),
                 (N'DUMP_ON_ERROR', N'Boolean', N'0'),
                 (N'DUMP_ON_EVENT', N'Boolean', N'0'),
                 (N'DUMP_EVENT_CODE', N'String', N'0'),
                 (N'CALLER_INFO', N'String', NULL),
                 (N'SYNCHRONIZED', N'Boolean', N'0')) AS s ([name], [data_type], [value]);
    -- Sensitive design defaults, encrypted one by one (the key opens only inside encrypt_sensitive);
    -- without encryption (Babelfish) they stay in parameter_value, which no view shows.
    DECLARE @sensitive_id bigint, @default nvarchar(4000), @encrypted varbinary(8000);
    DECLARE sensitive_defaults CURSOR LOCAL FAST_FORWARD FOR
        SELECT v.[execution_parameter_id], op.[default_value]
        FROM [internal].[execution_parameter_values] AS v
        INNER JOIN [internal].[object_parameters] AS op
            ON op.[project_version_lsn] = @lsn AND op.[object_type] = v.[object_type]
           AND op.[parameter_name] = v.[parameter_name] AND (op.[object_type] = 20 OR op.[object_name] = @package_name)
        WHERE v.[execution_id] = @execution_id AND v.[sensitive] = 1 AND op.[default_value] IS NOT NULL;
    OPEN sensitive_defaults;
    FETCH NEXT FROM sensitive_defaults INTO @sensitive_id, @default;
    WHILE @@FETCH_STATUS = 0
    BEGIN
        EXEC [internal].[encrypt_sensitive] @default, @encrypted OUTPUT;
        IF @encrypted IS NOT NULL
            UPDATE [internal].[execution_parameter_values] SET [sensitive_parameter_value] = @encrypted, [parameter_value] = NULL
            WHERE [execution_parameter_id] = @sensitive_id;
        FETCH NEXT FROM sensitive_defaults INTO @sensitive_id, @default;
    END;
    CLOSE sensitive_defaults;
    DEALLOCATE sensitive_defaults;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[set_execution_parameter_value]
    @execution_id    bigint,
    @object_type     smallint,
    @parameter_name  nvarchar(4000),
    @parameter_value sql_variant
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @status int, @parameter_id bigint, @data_type nvarchar(128),
            @value nvarchar(4000) = CONVERT(nvarchar(4000), @parameter_value);
    IF @execution_id IS NULL EXEC [internal].[null_argument] N'execution_id';
    IF @object_type IS NULL EXEC [internal].[null_argument] N'object_type';
    IF @parameter_name IS NULL EXEC [internal].[null_argument] N'parameter_name';
    IF @parameter_value IS NULL EXEC [internal].[null_argument] N'parameter_value';
    IF @object_type NOT IN (20, 30, 50)
    BEGIN
        SET @message = CONCAT(N'The value ', @object_type,
            N' for @object_type is not supported. Supported values are 20 (project), 30 (package) and 50 (system).');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    BEGIN TRANSACTION;
    EXEC [internal].[execution_for_caller] @execution_id, @status OUTPUT;
    IF @status <> 1
    BEGIN
        SET @message = CONCAT(N'The parameter value cannot be changed after the execution ', @execution_id,
            N' has been started. Create a new execution.');
        EXEC [internal].[raise_error] 27224, @message;
    END;
    SELECT @parameter_id = [execution_parameter_id], @data_type = [parameter_data_type]
    FROM [internal].[execution_parameter_values]
    WHERE [execution_id] = @execution_id AND [object_type] = @object_type AND [parameter_name] = @parameter_name;
    IF @parameter_id IS NULL
    BEGIN
        SET @message = CONCAT(N'The parameter ''', @parameter_name, N''' (object_type ', @object_type,
            N') does not exist in execution ', @execution_id,
            N'. See [catalog].[execution_parameter_values] for the parameters it takes.');
        EXEC [internal].[raise_error] 27176, @message;
    END;
    IF [internal].[is_valid_value](@data_type, @value) = 0
    BEGIN
        SET @message = CONCAT(N'The data type of the input value is not compatible with the data type of the parameter ''',
            @parameter_name, N''': it takes a ', @data_type, N'.');
        EXEC [internal].[raise_error] 27147, @message;
    END;
    IF @object_type = 50 AND @parameter_name = N'LOGGING_LEVEL' AND LTRIM(RTRIM(@value)) NOT IN (N'0', N'1', N'2', N'3', N'4', N'100')
    BEGIN
        SET @message = CONCAT(N'The logging level ', @value, N' is not defined. Use 0 (None), 1 (Basic), 2 (Performance), ',
            N'3 (Verbose), 4 (Runtime lineage) or 100 (Custom).');
        EXEC [internal].[raise_error] 27217, @message;
    END;
    DECLARE @encrypted varbinary(8000) = NULL;
    IF EXISTS (SELECT 1 FROM [internal].[execution_parameter_values] WHERE [execution_parameter_id] = @parameter_id
               AND [sensitive] = 1)
        EXEC [internal].[encrypt_sensitive] @value, @encrypted OUTPUT;
    UPDATE [internal].[execution_parameter_values]
    SET [parameter_value] = CASE WHEN [sensitive] = 1 AND @encrypted IS NOT NULL THEN NULL ELSE @value END,
        [sensitive_parameter_value] = CASE WHEN [sensitive] = 1 THEN @encrypted END,
        [value_set] = 1, [runtime_override] = 1
    WHERE [execution_parameter_id] = @parameter_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[add_execution_worker]
    @execution_id   bigint,
    @workeragent_id uniqueidentifier
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @status int, @end_time datetimeoffset(7), @job_id uniqueidentifier, @all bit;
    IF @execution_id IS NULL EXEC [internal].[null_argument] N'execution_id';
    EXEC [internal].[require_worker_agent_id] @workeragent_id, N'workeragent_id';
    BEGIN TRANSACTION;
    EXEC [internal].[execution_for_caller] @execution_id, @status OUTPUT, @end_time OUTPUT;
    SELECT @job_id = j.[job_id], @all = j.[use_all_worker_agents]
    FROM [internal].[jobs] AS j INNER JOIN [internal].[executions] AS e ON e.[job_id] = j.[job_id]
    WHERE e.[execution_id] = @execution_id;
    IF @job_id IS NULL
        EXEC [internal].[raise_error] 27255, N'The job id of the execution is null. Create a job for the execution first and try again.';
    IF @end_time IS NOT NULL OR @status NOT IN (1, 5)
    BEGIN
        SET @message = CONCAT(N'Workers cannot be added to execution ', @execution_id, N': it is no longer waiting to run.');
        EXEC [internal].[raise_error] 27224, @message;
    END;
    IF @all = 1
    BEGIN
        SET @message = CONCAT(N'Cannot add a worker agent to execute the cluster job instance ''', @job_id,
            N''' because the job is specified for all worker agents. Create the execution with @useanyworker = 0 to choose its workers.');
        EXEC [internal].[raise_error] 27251, @message;
    END;
    IF NOT EXISTS (SELECT 1 FROM [internal].[worker_agents] WHERE [worker_agent_id] = @workeragent_id)
        EXEC [internal].[worker_agent_not_found] @workeragent_id;
    IF NOT EXISTS (SELECT 1 FROM [internal].[job_worker_agents] WHERE [job_id] = @job_id AND [worker_agent_id] = @workeragent_id)
        INSERT INTO [internal].[job_worker_agents] ([job_id], [worker_agent_id]) VALUES (@job_id, @workeragent_id);
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[start_execution]
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
CREATE PROCEDURE [catalog].[stop_operation]
    @operation_id bigint
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @status int, @caller nvarchar(128), @job_id uniqueidentifier,
            @object_id bigint, @object_name nvarchar(260);
    IF @operation_id IS NULL EXEC [internal].[null_argument] N'operation_id';
    BEGIN TRANSACTION;
    UPDATE [internal].[operations] SET [status] = [status] WHERE [operation_id] = @operation_id;   -- the row lock
    SELECT @status = [status], @caller = [caller_name], @object_id = [object_id], @object_name = [object_name]
    FROM [internal].[operations] WITH (UPDLOCK, ROWLOCK) WHERE [operation_id] = @operation_id;
    IF @caller IS NULL OR (@caller <> SUSER_SNAME() AND [internal].[caller_is_admin]() = 0)
    BEGIN
        SET @message = CONCAT(N'The operation ', @operation_id,
            N' cannot be stopped: it does not exist or you do not have sufficient permissions.');
        EXEC [internal].[raise_error] 27124, @message;
    END;
    IF @status = 8
    BEGIN
        SET @message = CONCAT(N'The operation ', @operation_id,
            N' is already stopping. Wait for its status in [catalog].[executions] to become 3 (canceled).');
        EXEC [internal].[raise_error] 27126, @message;
    END;
    IF @status NOT IN (2, 5)
    BEGIN
        SET @message = CONCAT(N'The operation ', @operation_id, N' cannot be stopped because it is not running (status ', @status, N').');
        EXEC [internal].[raise_error] 27124, @message;
    END;
    SELECT @job_id = [job_id] FROM [internal].[executions] WHERE [execution_id] = @operation_id;
    IF @job_id IS NULL
    BEGIN
        SET @message = CONCAT(N'The operation ', @operation_id, N' cannot be stopped: it has no Scale Out job.');
        EXEC [internal].[raise_error] 27125, @message;
    END;
    UPDATE [internal].[jobs] SET [is_cancelled] = 1, [last_updated_time] = SYSDATETIMEOFFSET() WHERE [job_id] = @job_id;
    UPDATE [internal].[tasks] SET [is_cancelled] = 1, [last_updated_time] = SYSDATETIMEOFFSET() WHERE [job_id] = @job_id;
    UPDATE [internal].[operations] SET [status] = 8, [stopped_by_name] = SUSER_SNAME() WHERE [operation_id] = @operation_id;
    -- Queued tasks are cancelled at once (into tasks_history, and the execution ends 3);
    -- running ones when their worker renews its lease.
    DELETE FROM [internal].[tasks]
    OUTPUT deleted.[task_id], deleted.[job_id], deleted.[execution_id], deleted.[task_type], deleted.[input_data],
           deleted.[max_executed_count], deleted.[executed_count], 6, deleted.[priority], deleted.[use_any_worker],
           deleted.[worker_agent_id], deleted.[is_cancelled], deleted.[last_pickup_time], deleted.[created_time],
           SYSDATETIMEOFFSET()
    INTO [internal].[tasks_history] ([task_id], [job_id], [execution_id], [task_type], [input_data],
           [max_executed_count], [executed_count], [status], [priority], [use_any_worker], [worker_agent_id],
           [is_cancelled], [last_pickup_time], [created_time], [last_updated_time])
    WHERE [job_id] = @job_id AND [status] = 1;
    IF @@ROWCOUNT > 0
        UPDATE [internal].[operations] SET [status] = 3, [end_time] = SYSDATETIMEOFFSET()
        WHERE [operation_id] = @operation_id AND [end_time] IS NULL;
    INSERT INTO [internal].[operations] ([operation_type], [object_type], [object_id], [object_name], [status],
        [start_time], [end_time], [caller_name])
    VALUES (202, 20, @object_id, @object_name, 7, SYSDATETIMEOFFSET(), SYSDATETIMEOFFSET(), SUSER_SNAME());
    COMMIT TRANSACTION;
    RETURN 0;
END
GO

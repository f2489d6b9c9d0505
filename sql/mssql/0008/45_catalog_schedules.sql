-- scaleout_catalog, SQL Server, revision 0008: schedules. Creating one takes what create_execution takes
-- (ssis_cluster_executor, READ and EXECUTE on the project, READ on the environment); its owner and
-- ssis_admin members change it. Workers fire it ([internal].[fire_schedules]).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE [catalog].[create_schedule]
    @folder_name       nvarchar(4000),   -- wider than the columns, so that the checks can fire
    @schedule_name     nvarchar(4000),
    @project_name      nvarchar(4000),
    @package_name      nvarchar(4000),
    @cron_expression   nvarchar(4000),
    @time_zone         nvarchar(4000) = N'UTC',
    @reference_id      bigint = NULL,
    @parameters        nvarchar(max) = NULL,
    @retry_count       int = 0,
    @workeragent_id    uniqueidentifier = NULL,
    @missed_run_policy nvarchar(4000) = N'skip',
    @is_enabled        bit = 1,
    @schedule_id       bigint = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @example nvarchar(400) = N'[{"object_type": 30, "parameter_name": "...", "parameter_value": "..."}]';
    DECLARE @message nvarchar(2000), @second_mask bigint, @minute_mask bigint, @hour_mask bigint, @day_mask bigint,
            @month_mask bigint, @weekday_mask bigint, @days_either bit, @folder_id bigint, @project_id bigint, @lsn bigint,
            @reference_type char(1), @environment_name nvarchar(128), @environment_id bigint, @next datetimeoffset,
            @bad int, @bad_name nvarchar(4000), @bad_type nvarchar(128), @error_number int, @error_message nvarchar(2000),
            @name nvarchar(128), @object_type smallint, @plain nvarchar(4000), @encrypted varbinary(8000),
            @time_zone_ok bit;
    DECLARE @values TABLE ([object_type] smallint, [parameter_name] nvarchar(128), [parameter_value] nvarchar(4000));
    EXEC [internal].[require_valid_name] @folder_name, N'folder_name', 128;
    EXEC [internal].[require_valid_name] @schedule_name, N'schedule_name', 128;
    EXEC [internal].[require_valid_name] @project_name, N'project_name', 128;
    EXEC [internal].[require_valid_name] @package_name, N'package_name', 260;
    IF @cron_expression IS NULL EXEC [internal].[null_argument] N'cron_expression';
    IF @time_zone IS NULL EXEC [internal].[null_argument] N'time_zone';
    IF @retry_count IS NULL EXEC [internal].[null_argument] N'retry_count';
    IF @missed_run_policy IS NULL EXEC [internal].[null_argument] N'missed_run_policy';
    IF @is_enabled IS NULL EXEC [internal].[null_argument] N'is_enabled';
    IF LEN(@cron_expression + N'x') - 1 > 128
        EXEC [internal].[raise_error] 27101, N'The value for @cron_expression is not valid: it has at most 128 characters.';
    EXEC [internal].[parse_cron] @cron_expression, @second_mask OUTPUT, @minute_mask OUTPUT, @hour_mask OUTPUT,
        @day_mask OUTPUT, @month_mask OUTPUT, @weekday_mask OUTPUT, @days_either OUTPUT;
    IF @second_mask IS NULL OR @minute_mask IS NULL OR @hour_mask IS NULL OR @day_mask IS NULL OR @month_mask IS NULL
       OR @weekday_mask IS NULL
    BEGIN
        SET @message = CONCAT(N'The value for @cron_expression is not valid: ''', REPLACE(@cron_expression, NCHAR(0), N'?'),
            N'''. Pass five fields (minute hour day month weekday) or six (seconds first), each *, a number, a range a-b ',
            N'or a list a,b, optionally /step; such as ''*/15 * * * *'' or ''0 30 2 * * MON-FRI''.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    EXEC [internal].[is_time_zone] @time_zone, @time_zone_ok OUTPUT;
    IF @time_zone_ok = 0
    BEGIN
        SET @message = CONCAT(N'The value for @time_zone is not valid: ''', LEFT(REPLACE(@time_zone, NCHAR(0), N'?'), 64),
            N''' is not a time zone this server knows. Pass a name from sys.time_zone_info, such as ''UTC'' or ',
            N'''GMT Standard Time''.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    IF @retry_count < 0 OR @retry_count > 100
        EXEC [internal].[raise_error] 27101, N'The value for @retry_count is not valid. Pass a whole number from 0 to 100.';
    IF @missed_run_policy NOT IN (N'skip', N'run_once')
        EXEC [internal].[raise_error] 27101, N'The value for @missed_run_policy is not valid. Pass ''skip'' (due times missed while no worker ran are dropped) or ''run_once'' (one run makes up for them).';
    IF @parameters IS NOT NULL
        EXEC [internal].[require_json_array] @parameters, N'parameters', @example;
    IF [internal].[caller_is_admin]() = 0 AND IS_MEMBER(N'ssis_cluster_executor') = 0
    BEGIN
        SET @message = CONCAT(N'Unable to schedule the project named ''', @project_name, N'''. You do not have sufficient ',
            N'permissions: running in Scale Out needs membership of ssis_cluster_executor or ssis_admin.');
        EXEC [internal].[raise_error] 27178, @message;
    END;
    -- The project, package and reference as create_execution finds them, with the same permissions.
    EXEC [internal].[folder_id_of] @folder_name, @folder_id OUTPUT;
    SELECT @project_id = [project_id], @lsn = [object_version_lsn]
    FROM [internal].[projects] WHERE [folder_id] = @folder_id AND [name] = @project_name;
    IF @project_id IS NULL OR [internal].[check_permission](2, @project_id, 1) = 0
    BEGIN
        SET @message = CONCAT(N'Cannot find the project ''', @project_name, N''' in folder ''', @folder_name,
            N''' because it does not exist or you do not have sufficient permissions. See [catalog].[projects], or deploy it first.');
        EXEC [internal].[raise_error] 27109, @message;
    END;
    IF [internal].[check_permission](2, @project_id, 3) = 0
    BEGIN
        SET @message = CONCAT(N'Unable to schedule the project named ''', @project_name, N'''. You do not have sufficient ',
            N'permissions: it needs EXECUTE on the project, or EXECUTE_OBJECTS on its folder. Ask an ssis_admin member to grant it.');
        EXEC [internal].[raise_error] 27178, @message;
    END;
    IF @reference_id IS NOT NULL
    BEGIN
        SELECT @reference_type = [reference_type], @environment_name = [environment_name]
        FROM [internal].[environment_references] WHERE [reference_id] = @reference_id AND [project_id] = @project_id;
        IF @reference_type IS NULL
        BEGIN
            SET @message = CONCAT(N'The environment reference ''', @reference_id, N''' is not associated with the project ''',
                @project_name, N'''. See its references in [catalog].[environment_references].');
            EXEC [internal].[raise_error] 27208, @message;
        END;
        SET @environment_id = [internal].[referenced_environment_id](@reference_id);
        IF @environment_id IS NULL OR [internal].[check_permission](3, @environment_id, 1) = 0
        BEGIN
            SET @message = CONCAT(N'The environment ''', @environment_name, N''' does not exist or you have not been granted ',
                N'the appropriate permissions to access it: reference ', @reference_id, N' names it. Create it, or change the reference.');
            EXEC [internal].[raise_error] 27182, @message;
        END;
    END;
    IF @workeragent_id IS NOT NULL
    BEGIN
        EXEC [internal].[require_worker_agent_id] @workeragent_id, N'workeragent_id';
        IF NOT EXISTS (SELECT 1 FROM [internal].[worker_agents] WHERE [worker_agent_id] = @workeragent_id)
            EXEC [internal].[worker_agent_not_found] @workeragent_id;
    END;
    IF EXISTS (SELECT 1 FROM [internal].[schedules] WHERE [folder_name] = @folder_name AND [name] = @schedule_name)
    BEGIN
        SET @message = CONCAT(N'The schedule ''', @schedule_name, N''' already exists in folder ''', @folder_name,
            N'''. Pick another name, or delete it first with [catalog].[delete_schedule].');
        EXEC [internal].[raise_error] 27401, @message;
    END;
    SET @next = [internal].[cron_next_time](@second_mask, @minute_mask, @hour_mask, @day_mask, @month_mask, @weekday_mask,
        @days_either, @time_zone, SYSDATETIMEOFFSET());
    IF @next IS NULL
    BEGIN
        SET @message = CONCAT(N'The value for @cron_expression is not valid: ''', @cron_expression,
            N''' never comes due (no such date). Check its day and month.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    -- Its parameter values: each once, with object_type, parameter_name and parameter_value.
    IF @parameters IS NOT NULL
    BEGIN
        SELECT TOP (1) @bad = CONVERT(int, e.[key]) + 1 FROM OPENJSON(@parameters) AS e
        WHERE e.[type] <> 5
           OR NOT EXISTS (SELECT 1 FROM OPENJSON(e.[value]) AS a
                          WHERE a.[key] = N'object_type' AND a.[type] = 2 AND a.[value] IN (N'20', N'30', N'50'))
           OR NOT EXISTS (SELECT 1 FROM OPENJSON(e.[value]) AS a
                          WHERE a.[key] = N'parameter_name' AND a.[type] = 1 AND LEN(a.[value] + N'x') - 1 BETWEEN 1 AND 128)
           OR NOT EXISTS (SELECT 1 FROM OPENJSON(e.[value]) AS a
                          WHERE a.[key] = N'parameter_value' AND a.[type] IN (1, 2, 3) AND LEN(a.[value] + N'x') - 1 <= 4000)
        ORDER BY CONVERT(int, e.[key]);
        IF @bad IS NOT NULL
        BEGIN
            SET @message = CONCAT(N'Element ', @bad, N' of @parameters is not valid: each is an object with object_type 20 ',
                N'(project), 30 (package) or 50 (system), a parameter_name of 1 to 128 characters and a parameter_value of at ',
                N'most 4000, such as ', @example, N'. Nothing was created.');
            EXEC [internal].[raise_error] 27101, @message;
        END;
        INSERT INTO @values ([object_type], [parameter_name], [parameter_value])
        SELECT x.[object_type], x.[parameter_name], x.[parameter_value]
        FROM OPENJSON(@parameters) WITH ([object_type] smallint '$.object_type', [parameter_name] nvarchar(128) '$.parameter_name',
                                         [parameter_value] nvarchar(4000) '$.parameter_value') AS x;
        SELECT TOP (1) @bad_name = [parameter_name] FROM @values
        GROUP BY [object_type], [parameter_name] HAVING COUNT(*) > 1 ORDER BY [parameter_name];
        IF @bad_name IS NOT NULL
        BEGIN
            SET @message = CONCAT(N'The parameters set ''', @bad_name, N''' more than once. Nothing was created.');
            EXEC [internal].[raise_error] 27101, @message;
        END;
        -- A sensitive value is checked before it is encrypted.
        SELECT TOP (1) @bad_name = g.[parameter_name], @bad_type = d.[data_type]
        FROM @values AS g
        INNER JOIN [internal].[object_parameters] AS d ON d.[project_version_lsn] = @lsn AND d.[object_type] = g.[object_type]
            AND (d.[object_type] = 20 OR d.[object_name] = @package_name) AND d.[parameter_name] = g.[parameter_name]
        WHERE d.[sensitive] = 1 AND [internal].[is_valid_value](d.[data_type], g.[parameter_value]) = 0
        ORDER BY g.[parameter_name];
        IF @bad_type IS NOT NULL
        BEGIN
            SET @message = CONCAT(N'The data type of the input value is not compatible with the data type of the parameter ''',
                @bad_name, N''': it takes a ', @bad_type, N'. Nothing was created.');
            EXEC [internal].[raise_error] 27147, @message;
        END;
    END;

    BEGIN TRANSACTION;
    INSERT INTO [internal].[schedules] ([folder_name], [name], [project_name], [package_name], [reference_id], [cron_expression],
        [time_zone], [second_mask], [minute_mask], [hour_mask], [day_mask], [month_mask], [weekday_mask], [days_either],
        [retry_count], [worker_agent_id], [missed_run_policy], [is_enabled], [owner_name], [next_run_time])
    VALUES (@folder_name, @schedule_name, @project_name, @package_name, @reference_id, LTRIM(RTRIM(@cron_expression)),
            @time_zone, @second_mask, @minute_mask, @hour_mask, @day_mask, @month_mask, @weekday_mask, @days_either,
            @retry_count, @workeragent_id, @missed_run_policy, @is_enabled, SUSER_SNAME(),
            CASE WHEN @is_enabled = 1 THEN @next END);
    SET @schedule_id = SCOPE_IDENTITY();
    INSERT INTO [internal].[schedule_parameter_values] ([schedule_id], [object_type], [parameter_name], [parameter_value],
        [sensitive])
    SELECT @schedule_id, g.[object_type], g.[parameter_name], g.[parameter_value], ISNULL(d.[sensitive], 0)
    FROM @values AS g
    LEFT JOIN [internal].[object_parameters] AS d ON d.[project_version_lsn] = @lsn AND d.[object_type] = g.[object_type]
        AND (d.[object_type] = 20 OR d.[object_name] = @package_name) AND d.[parameter_name] = g.[parameter_name];
    -- Sensitive values encrypted one by one (where the catalog cannot encrypt, Babelfish, they stay as text, which no view shows).
    DECLARE sensitive_values CURSOR LOCAL FAST_FORWARD FOR
        SELECT [object_type], [parameter_name], [parameter_value] FROM [internal].[schedule_parameter_values]
        WHERE [schedule_id] = @schedule_id AND [sensitive] = 1;
    OPEN sensitive_values;
    FETCH NEXT FROM sensitive_values INTO @object_type, @name, @plain;
    WHILE @@FETCH_STATUS = 0
    BEGIN
        EXEC [internal].[encrypt_sensitive] @plain, @encrypted OUTPUT;
        IF @encrypted IS NOT NULL
            UPDATE [internal].[schedule_parameter_values] SET [sensitive_parameter_value] = @encrypted, [parameter_value] = NULL
            WHERE [schedule_id] = @schedule_id AND [object_type] = @object_type AND [parameter_name] = @name;
        FETCH NEXT FROM sensitive_values INTO @object_type, @name, @plain;
    END;
    CLOSE sensitive_values;
    DEALLOCATE sensitive_values;
    -- Everything its executions will need, as at each due time.
    EXEC [internal].[schedule_problem] @schedule_id, @error_number OUTPUT, @error_message OUTPUT;
    IF @error_number IS NOT NULL
    BEGIN
        SET @message = CONCAT(@error_message, N' Nothing was created.');
        EXEC [internal].[raise_error] @error_number, @message;
    END;
    COMMIT TRANSACTION;
END
GO
CREATE PROCEDURE [catalog].[enable_schedule]
    @folder_name   nvarchar(4000),
    @schedule_name nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @schedule_id bigint;
    BEGIN TRANSACTION;
    EXEC [internal].[schedule_for_caller] @folder_name, @schedule_name, @schedule_id OUTPUT;
    -- due times that passed while it was disabled are not made up for
    UPDATE [internal].[schedules]
    SET [is_enabled] = 1,
        [next_run_time] = [internal].[cron_next_time]([second_mask], [minute_mask], [hour_mask], [day_mask], [month_mask],
                                                      [weekday_mask], [days_either], [time_zone], SYSDATETIMEOFFSET())
    WHERE [schedule_id] = @schedule_id AND [is_enabled] = 0;
    COMMIT TRANSACTION;
END
GO
CREATE PROCEDURE [catalog].[disable_schedule]
    @folder_name   nvarchar(4000),
    @schedule_name nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @schedule_id bigint;
    BEGIN TRANSACTION;
    EXEC [internal].[schedule_for_caller] @folder_name, @schedule_name, @schedule_id OUTPUT;
    UPDATE [internal].[schedules] SET [is_enabled] = 0, [next_run_time] = NULL WHERE [schedule_id] = @schedule_id;
    COMMIT TRANSACTION;
END
GO
CREATE PROCEDURE [catalog].[delete_schedule]
    @folder_name   nvarchar(4000),
    @schedule_name nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @schedule_id bigint;
    BEGIN TRANSACTION;
    EXEC [internal].[schedule_for_caller] @folder_name, @schedule_name, @schedule_id OUTPUT;
    DELETE FROM [internal].[schedules] WHERE [schedule_id] = @schedule_id;   -- its values and runs go with it
    COMMIT TRANSACTION;
END
GO
-- Runs the schedule once now, outside its due times (which stay as they are); the execution's id comes back.
CREATE PROCEDURE [catalog].[run_schedule_now]
    @folder_name   nvarchar(4000),
    @schedule_name nvarchar(4000),
    @execution_id  bigint = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @schedule_id bigint, @error_number int, @error_message nvarchar(2000), @now datetimeoffset = SYSDATETIMEOFFSET(),
            @by nvarchar(256) = SUSER_SNAME();
    BEGIN TRANSACTION;
    EXEC [internal].[schedule_for_caller] @folder_name, @schedule_name, @schedule_id OUTPUT;
    EXEC [internal].[schedule_problem] @schedule_id, @error_number OUTPUT, @error_message OUTPUT;
    IF @error_number IS NOT NULL
        EXEC [internal].[raise_error] @error_number, @error_message;
    EXEC [internal].[fire_schedule] @schedule_id, 'M', @now, @by, 0, @execution_id OUTPUT;
    COMMIT TRANSACTION;
END
GO

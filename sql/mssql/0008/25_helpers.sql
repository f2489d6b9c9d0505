-- scaleout_catalog, SQL Server, revision 0008: cron expressions, due times, and starting a schedule's
-- execution (the reasoning of each is in the PostgreSQL twin). Those that raise or change rows are
-- procedures with OUTPUT values.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- 2 to the power @n, as a bigint (bit @n of a mask).
CREATE FUNCTION [internal].[bit_of] (@n int)
RETURNS bigint
AS
BEGIN
    RETURN CONVERT(bigint, POWER(CONVERT(bigint, 2), @n));
END
GO
-- One value of a cron field: a number, or a month or weekday name from @names ('JAN,FEB,...'); NULL when neither.
CREATE FUNCTION [internal].[cron_value] (@text nvarchar(128), @names nvarchar(64), @low int)
RETURNS int
AS
BEGIN
    DECLARE @at int;
    IF LEN(@text) BETWEEN 1 AND 2 AND @text NOT LIKE N'%[^0-9]%'
        RETURN CONVERT(int, @text);
    IF @names IS NOT NULL AND LEN(@text) = 3 AND @text NOT LIKE N'%[^A-Z]%'
    BEGIN
        SET @at = CHARINDEX(CONCAT(N',', @text, N','), CONCAT(N',', @names, N','));
        IF @at > 0
            RETURN (@at - 1) / 4 + @low;
    END;
    RETURN NULL;
END
GO
-- A cron field as a bit mask, or NULL when it is not valid: items separated by commas, each *, n or
-- n-m, optionally /step (n/step runs to the field's end).
CREATE FUNCTION [internal].[cron_field_mask] (@field nvarchar(128), @low int, @high int, @names nvarchar(64))
RETURNS bigint
AS
BEGIN
    DECLARE @mask bigint = 0, @rest nvarchar(200), @item nvarchar(128), @range nvarchar(128), @step_text nvarchar(128),
            @step int, @from int, @to int, @at int, @slash int, @dash int, @value int;
    IF @field IS NULL OR LEN(@field) = 0
        RETURN NULL;
    SET @rest = CONCAT(@field, N',');
    WHILE LEN(@rest) > 0
    BEGIN
        SET @at = CHARINDEX(N',', @rest);
        SET @item = LEFT(@rest, @at - 1);
        SET @rest = SUBSTRING(@rest, @at + 1, 200);
        IF LEN(@item) = 0
            RETURN NULL;
        SET @slash = CHARINDEX(N'/', @item);
        SET @step = 1;
        SET @range = @item;
        IF @slash > 0
        BEGIN
            SET @range = LEFT(@item, @slash - 1);
            SET @step_text = SUBSTRING(@item, @slash + 1, 128);
            IF LEN(@step_text) NOT BETWEEN 1 AND 2 OR @step_text LIKE N'%[^0-9]%'
                RETURN NULL;
            SET @step = CONVERT(int, @step_text);
            IF @step = 0
                RETURN NULL;
        END;
        IF @range = N'*'
        BEGIN
            SET @from = @low;
            SET @to = @high;
        END
        ELSE
        BEGIN
            SET @dash = CHARINDEX(N'-', @range);
            IF @dash > 0
            BEGIN
                SET @from = [internal].[cron_value](LEFT(@range, @dash - 1), @names, @low);
                SET @to = [internal].[cron_value](SUBSTRING(@range, @dash + 1, 128), @names, @low);
            END
            ELSE
            BEGIN
                SET @from = [internal].[cron_value](@range, @names, @low);
                SET @to = CASE WHEN @slash > 0 THEN @high ELSE @from END;
            END;
        END;
        IF @from IS NULL OR @to IS NULL OR @from < @low OR @to > @high OR @from > @to
            RETURN NULL;
        SET @value = @from;
        WHILE @value <= @to
        BEGIN
            SET @mask = @mask | [internal].[bit_of](@value);
            SET @value = @value + @step;
        END;
    END;
    RETURN @mask;
END
GO
-- A cron expression: five fields (minute hour day month weekday), six with seconds first, or a macro
-- (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly). Any mask NULL: not valid.
CREATE PROCEDURE [internal].[parse_cron]
    @expression   nvarchar(4000),
    @second_mask  bigint OUTPUT,
    @minute_mask  bigint OUTPUT,
    @hour_mask    bigint OUTPUT,
    @day_mask     bigint OUTPUT,
    @month_mask   bigint OUTPUT,
    @weekday_mask bigint OUTPUT,
    @days_either  bit OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @text nvarchar(4000) = UPPER(@expression), @rest nvarchar(4000),
            @count int = 0, @at int, @f1 nvarchar(128), @f2 nvarchar(128), @f3 nvarchar(128), @f4 nvarchar(128),
            @f5 nvarchar(128), @f6 nvarchar(128), @field nvarchar(4000);
    SELECT @second_mask = NULL, @minute_mask = NULL, @hour_mask = NULL, @day_mask = NULL, @month_mask = NULL,
           @weekday_mask = NULL, @days_either = NULL;
    -- blanks and tabs trimmed at either end; between fields only blanks (as on PostgreSQL)
    WHILE DATALENGTH(@text) > 0 AND UNICODE(LEFT(@text, 1)) IN (32, 9)
        SET @text = SUBSTRING(@text, 2, 4000);
    WHILE DATALENGTH(@text) > 0 AND UNICODE(RIGHT(@text, 1)) IN (32, 9)
        SET @text = LEFT(@text, DATALENGTH(@text) / 2 - 1);
    SET @text = CASE @text WHEN N'@YEARLY' THEN N'0 0 1 1 *' WHEN N'@ANNUALLY' THEN N'0 0 1 1 *'
                           WHEN N'@MONTHLY' THEN N'0 0 1 * *' WHEN N'@WEEKLY' THEN N'0 0 * * 0'
                           WHEN N'@DAILY' THEN N'0 0 * * *' WHEN N'@MIDNIGHT' THEN N'0 0 * * *'
                           WHEN N'@HOURLY' THEN N'0 * * * *' ELSE @text END;
    IF @text LIKE N'%[^-0-9A-Z*/,? ]%' OR LEN(@text) = 0
        RETURN;
    SET @rest = CONCAT(@text, N' ');
    WHILE LEN(@rest) > 0
    BEGIN
        SET @at = CHARINDEX(N' ', @rest);
        SET @field = LEFT(@rest, @at - 1);
        SET @rest = LTRIM(SUBSTRING(@rest, @at + 1, 4000));
        SET @count = @count + 1;
        IF @count > 6 OR LEN(@field) > 128
            RETURN;
        IF @count = 1 SET @f1 = @field;
        ELSE IF @count = 2 SET @f2 = @field;
        ELSE IF @count = 3 SET @f3 = @field;
        ELSE IF @count = 4 SET @f4 = @field;
        ELSE IF @count = 5 SET @f5 = @field;
        ELSE SET @f6 = @field;
    END;
    IF @count = 5
        SELECT @f6 = @f5, @f5 = @f4, @f4 = @f3, @f3 = @f2, @f2 = @f1, @f1 = N'0';
    ELSE IF @count <> 6
        RETURN;
    IF @f4 = N'?' SET @f4 = N'*';
    IF @f6 = N'?' SET @f6 = N'*';
    SET @second_mask = [internal].[cron_field_mask](@f1, 0, 59, NULL);
    SET @minute_mask = [internal].[cron_field_mask](@f2, 0, 59, NULL);
    SET @hour_mask = [internal].[cron_field_mask](@f3, 0, 23, NULL);
    SET @day_mask = [internal].[cron_field_mask](@f4, 1, 31, NULL);
    SET @month_mask = [internal].[cron_field_mask](@f5, 1, 12, N'JAN,FEB,MAR,APR,MAY,JUN,JUL,AUG,SEP,OCT,NOV,DEC');
    SET @weekday_mask = [internal].[cron_field_mask](@f6, 0, 7, N'SUN,MON,TUE,WED,THU,FRI,SAT');
    SET @weekday_mask = (@weekday_mask & 127) | ((@weekday_mask / 128) & 1);   -- 7 is Sunday too
    SET @days_either = CASE WHEN LEFT(@f4, 1) <> N'*' AND LEFT(@f6, 1) <> N'*' THEN 1 ELSE 0 END;
END
GO
-- 1 when @name is a time zone AT TIME ZONE takes: listed in sys.time_zone_info on SQL Server. Babelfish has
-- no such view, and its AT TIME ZONE error escapes TRY ... CATCH; it maps Windows names to its own with
-- sys.babelfish_timezone_mapping (called through sp_executesql, so that SQL Server never compiles it).
CREATE PROCEDURE [internal].[is_time_zone]
    @name nvarchar(4000),
    @ok   bit OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET @ok = 0;
    IF @name IS NULL OR LEN(@name + N'x') - 1 > 64 OR CHARINDEX(NCHAR(0), @name) > 0
        RETURN;
    IF SERVERPROPERTY('Babelfish') IS NULL
    BEGIN
        IF EXISTS (SELECT 1 FROM sys.time_zone_info WHERE [name] = @name)
            SET @ok = 1;
        RETURN;
    END;
    EXEC sys.sp_executesql
        N'SELECT @ok = CASE WHEN LOWER(@name) = N''utc'' OR sys.babelfish_timezone_mapping(LOWER(@name)) <> ''NULL'' THEN 1 ELSE 0 END',
        N'@name nvarchar(64), @ok bit OUTPUT', @name, @ok OUTPUT;
END
GO
-- The first due time after @after, walked in local time a field at a time and turned back into an
-- instant with AT TIME ZONE; NULL when nothing matches within about eight years.
CREATE FUNCTION [internal].[cron_next_time] (@second_mask bigint, @minute_mask bigint, @hour_mask bigint,
    @day_mask bigint, @month_mask bigint, @weekday_mask bigint, @days_either bit, @time_zone nvarchar(64),
    @after datetimeoffset)
RETURNS datetimeoffset   -- no precision: Babelfish 4.3 refuses datetimeoffset in a function's signature
AS
BEGIN
    DECLARE @clock datetime2 = CONVERT(datetime2, @after AT TIME ZONE @time_zone), @local datetime2(0),
            @limit datetime2(0), @day datetime2(0), @dom bit, @dow bit, @due datetimeoffset;
    -- whole seconds, truncated (a conversion to datetime2(0) would round)
    SET @day = CONVERT(datetime2(0), CONVERT(date, @clock));
    SET @local = DATEADD(second, DATEDIFF(second, @day, @clock) + 1, @day);
    SET @limit = DATEADD(day, 1, DATEADD(year, 8, @local));
    WHILE @local < @limit
    BEGIN
        SET @day = CONVERT(datetime2(0), CONVERT(date, @local));
        IF @month_mask & [internal].[bit_of](MONTH(@local)) = 0
        BEGIN
            SET @local = DATEADD(month, 1, CONVERT(datetime2(0), DATEFROMPARTS(YEAR(@local), MONTH(@local), 1)));
            CONTINUE;
        END;
        SET @dom = CASE WHEN @day_mask & [internal].[bit_of](DAY(@local)) <> 0 THEN 1 ELSE 0 END;
        SET @dow = CASE WHEN @weekday_mask & [internal].[bit_of](DATEDIFF(day, CONVERT(date, '19000107'), CONVERT(date, @local)) % 7) <> 0
                        THEN 1 ELSE 0 END;   -- 7 January 1900 was a Sunday (0)
        IF (@days_either = 1 AND @dom = 0 AND @dow = 0) OR (@days_either = 0 AND (@dom = 0 OR @dow = 0))
        BEGIN
            SET @local = DATEADD(day, 1, @day);
            CONTINUE;
        END;
        IF @hour_mask & [internal].[bit_of](DATEPART(hour, @local)) = 0
        BEGIN
            SET @local = DATEADD(hour, DATEPART(hour, @local) + 1, @day);
            CONTINUE;
        END;
        IF @minute_mask & [internal].[bit_of](DATEPART(minute, @local)) = 0
        BEGIN
            SET @local = DATEADD(minute, DATEPART(hour, @local) * 60 + DATEPART(minute, @local) + 1, @day);
            CONTINUE;
        END;
        IF @second_mask & [internal].[bit_of](DATEPART(second, @local)) = 0
        BEGIN
            SET @local = DATEADD(second, 1, @local);
            CONTINUE;
        END;
        SET @due = CONVERT(datetime2, @local) AT TIME ZONE @time_zone;
        IF CONVERT(datetime2(0), @due AT TIME ZONE @time_zone) <> @local
            -- a local time that a clock change skips: read with the offset before the change, as PostgreSQL
            -- and SQL Server do (Babelfish 4.3 reads it with the offset after, an hour early)
            SET @due = TODATETIMEOFFSET(@local, DATEPART(tzoffset,
                CONVERT(datetime2, DATEADD(hour, -3, @local)) AT TIME ZONE @time_zone));
        IF @due > @after
            RETURN @due;
        SET @local = DATEADD(second, 1, @local);   -- a local time repeated when clocks go back
    END;
    RETURN NULL;
END
GO
-- A schedule by folder and name, for a caller who may change it (its owner, or ssis_admin); 27400 for
-- anyone else, as for a schedule that does not exist. Locks it for the caller's transaction.
CREATE PROCEDURE [internal].[schedule_for_caller]
    @folder_name   nvarchar(4000),
    @schedule_name nvarchar(4000),
    @schedule_id   bigint OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000), @owner nvarchar(256);
    SET @schedule_id = NULL;
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @schedule_name IS NULL EXEC [internal].[null_argument] N'schedule_name';
    SELECT @schedule_id = [schedule_id], @owner = [owner_name]
    FROM [internal].[schedules] WITH (UPDLOCK, ROWLOCK)
    WHERE [folder_name] = @folder_name AND [name] = @schedule_name;
    IF @schedule_id IS NULL OR ([internal].[caller_is_admin]() = 0 AND @owner <> SUSER_SNAME())
    BEGIN
        SET @message = CONCAT(N'Cannot find the schedule ''', @schedule_name, N''' in folder ''', @folder_name,
            N''' because it does not exist or you do not have sufficient permissions: only its owner and ssis_admin ',
            N'members change it. See [catalog].[schedules].');
        EXEC [internal].[raise_error] 27400, @message;
    END;
END
GO
-- Why the schedule cannot start an execution now, as create_execution would refuse it: @error_number and
-- @error_message, or both NULL. Checked when it is created and again at every due time.
CREATE PROCEDURE [internal].[schedule_problem]
    @schedule_id   bigint,
    @error_number  int OUTPUT,
    @error_message nvarchar(2000) OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @folder_name nvarchar(128), @project_name nvarchar(128), @package_name nvarchar(260), @reference_id bigint,
            @worker_agent_id uniqueidentifier, @project_id bigint, @lsn bigint, @environment_id bigint,
            @environment_name nvarchar(128), @bad_name nvarchar(128), @bad_type nvarchar(128), @bad_variable nvarchar(128),
            @variable_type nvarchar(128), @bad_object_type smallint, @missing nvarchar(2000);
    SELECT @error_number = NULL, @error_message = NULL;
    SELECT @folder_name = [folder_name], @project_name = [project_name], @package_name = [package_name],
           @reference_id = [reference_id], @worker_agent_id = [worker_agent_id]
    FROM [internal].[schedules] WHERE [schedule_id] = @schedule_id;
    SELECT @project_id = p.[project_id], @lsn = p.[object_version_lsn]
    FROM [internal].[projects] AS p INNER JOIN [internal].[folders] AS f ON f.[folder_id] = p.[folder_id]
    WHERE f.[name] = @folder_name AND p.[name] = @project_name;
    IF @project_id IS NULL
    BEGIN
        SELECT @error_number = 27109, @error_message = CONCAT(N'Cannot find the project ''', @project_name, N''' in folder ''',
            @folder_name, N'''. Deploy it, or delete the schedule.');
        RETURN;
    END;
    IF NOT EXISTS (SELECT 1 FROM [internal].[packages] WHERE [project_version_lsn] = @lsn AND [name] = @package_name)
    BEGIN
        SELECT @error_number = 27146, @error_message = CONCAT(N'The package ''', @package_name, N''' does not exist in project ''',
            @project_name, N'''. See [catalog].[packages].');
        RETURN;
    END;
    IF @reference_id IS NOT NULL
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM [internal].[environment_references] WHERE [reference_id] = @reference_id AND [project_id] = @project_id)
        BEGIN
            SELECT @error_number = 27208, @error_message = CONCAT(N'The environment reference ''', @reference_id,
                N''' is not associated with the project ''', @project_name, N'''. See [catalog].[environment_references].');
            RETURN;
        END;
        SET @environment_id = [internal].[referenced_environment_id](@reference_id);
        IF @environment_id IS NULL
        BEGIN
            SELECT @environment_name = [environment_name] FROM [internal].[environment_references] WHERE [reference_id] = @reference_id;
            SELECT @error_number = 27182, @error_message = CONCAT(N'The environment ''', @environment_name, N''' that reference ',
                @reference_id, N' names does not exist. Create it, or change the reference.');
            RETURN;
        END;
        SELECT TOP (1) @bad_name = op.[parameter_name], @bad_type = op.[data_type], @bad_variable = v.[name],
               @variable_type = v.[type]
        FROM [internal].[object_parameters] AS op
        INNER JOIN [internal].[environment_variables] AS v
            ON v.[environment_id] = @environment_id AND v.[name] = op.[referenced_variable_name]
        WHERE op.[project_version_lsn] = @lsn AND op.[value_type] = 'R'
          AND (op.[object_type] = 20 OR op.[object_name] = @package_name) AND v.[type] <> op.[data_type]
        ORDER BY op.[object_type], op.[parameter_name];
        IF @bad_name IS NOT NULL
        BEGIN
            SELECT @error_number = 27148, @error_message = CONCAT(N'The data type of the parameter does not match the data type ',
                N'of the environment variable: parameter ''', @bad_name, N''' is a ', @bad_type, N', variable ''', @bad_variable,
                N''' a ', @variable_type, N'.');
            RETURN;
        END;
    END;
    SELECT TOP (1) @bad_name = g.[parameter_name], @bad_object_type = g.[object_type]
    FROM [internal].[schedule_parameter_values] AS g
    WHERE g.[schedule_id] = @schedule_id
      AND NOT EXISTS (SELECT 1 FROM [internal].[object_parameters] AS d
                      WHERE d.[project_version_lsn] = @lsn AND d.[object_type] = g.[object_type]
                        AND (d.[object_type] = 20 OR d.[object_name] = @package_name) AND d.[parameter_name] = g.[parameter_name])
      AND NOT (g.[object_type] = 50 AND g.[parameter_name] IN (N'LOGGING_LEVEL', N'DUMP_ON_ERROR', N'DUMP_ON_EVENT',
                                                              N'DUMP_EVENT_CODE', N'CALLER_INFO', N'SYNCHRONIZED'))
    ORDER BY g.[object_type], g.[parameter_name];
    IF @bad_name IS NOT NULL
    BEGIN
        SELECT @error_number = 27176, @error_message = CONCAT(N'The parameter ''', @bad_name, N''' (object_type ', @bad_object_type,
            N') does not exist in the project''s current version. See [catalog].[object_parameters].');
        RETURN;
    END;
    SELECT TOP (1) @bad_name = g.[parameter_name], @bad_type = d.[data_type]
    FROM [internal].[schedule_parameter_values] AS g
    INNER JOIN [internal].[object_parameters] AS d ON d.[project_version_lsn] = @lsn AND d.[object_type] = g.[object_type]
        AND (d.[object_type] = 20 OR d.[object_name] = @package_name) AND d.[parameter_name] = g.[parameter_name]
    WHERE g.[schedule_id] = @schedule_id
      AND (d.[sensitive] <> g.[sensitive] OR (g.[sensitive] = 0 AND [internal].[is_valid_value](d.[data_type], g.[parameter_value]) = 0))
    ORDER BY g.[object_type], g.[parameter_name];
    IF @bad_name IS NOT NULL
    BEGIN
        SELECT @error_number = 27147, @error_message = CONCAT(N'The data type of the value for parameter ''', @bad_name,
            N''' is not compatible with the parameter: it takes a ', @bad_type, N'.');
        RETURN;
    END;
    SELECT @missing = STRING_AGG(CONVERT(nvarchar(max), d.[parameter_name]), N', ') WITHIN GROUP (ORDER BY d.[parameter_name])
    FROM [internal].[starting_parameter_values](@lsn, @package_name, @environment_id) AS d
    WHERE d.[required] = 1 AND d.[value_set] = 0
      AND NOT EXISTS (SELECT 1 FROM [internal].[schedule_parameter_values] AS g WHERE g.[schedule_id] = @schedule_id
                      AND g.[object_type] = d.[object_type] AND g.[parameter_name] = d.[parameter_name]);
    IF @missing IS NOT NULL
    BEGIN
        SELECT @error_number = 27184, @error_message = CONCAT(N'Required parameters have no value: ', @missing,
            N'. Set them on the project, or give the schedule values for them.');
        RETURN;
    END;
    IF @worker_agent_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM [internal].[worker_agents] WHERE [worker_agent_id] = @worker_agent_id AND [is_enabled] = 1)
    BEGIN
        SELECT @error_number = 27257, @error_message = CONCAT(N'The worker agent ''', @worker_agent_id, N''' that the schedule ',
            N'runs on does not exist or is disabled. Enable it with [catalog].[enable_worker_agent], or create the schedule ',
            N'again for another worker.');
        RETURN;
    END;
END
GO
-- Creates and queues the schedule's execution, as create_execution and start_execution would for its
-- owner. The caller has checked schedule_problem in the same transaction.
CREATE PROCEDURE [internal].[start_scheduled_execution]
    @schedule_id  bigint,
    @execution_id bigint OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @folder_name nvarchar(128), @project_name nvarchar(128), @package_name nvarchar(260), @reference_id bigint,
            @worker_agent_id uniqueidentifier, @owner nvarchar(256), @retry_count int, @project_id bigint, @lsn bigint,
            @environment_id bigint, @reference_type char(1), @environment_folder_name nvarchar(128),
            @environment_name nvarchar(128), @job_id uniqueidentifier = NEWID();
    SELECT @folder_name = [folder_name], @project_name = [project_name], @package_name = [package_name],
           @reference_id = [reference_id], @worker_agent_id = [worker_agent_id], @owner = [owner_name],
           @retry_count = [retry_count]
    FROM [internal].[schedules] WHERE [schedule_id] = @schedule_id;
    SELECT @project_id = p.[project_id], @lsn = p.[object_version_lsn]
    FROM [internal].[projects] AS p INNER JOIN [internal].[folders] AS f ON f.[folder_id] = p.[folder_id]
    WHERE f.[name] = @folder_name AND p.[name] = @project_name;
    IF @reference_id IS NOT NULL
    BEGIN
        SELECT @reference_type = [reference_type], @environment_folder_name = [environment_folder_name],
               @environment_name = [environment_name]
        FROM [internal].[environment_references] WHERE [reference_id] = @reference_id;
        SET @environment_id = [internal].[referenced_environment_id](@reference_id);
    END;
    INSERT INTO [internal].[operations] ([operation_type], [object_type], [object_id], [object_name], [status], [start_time],
        [caller_name], [machine_name], [server_name])
    VALUES (200, 20, @project_id, @project_name, 5, SYSDATETIMEOFFSET(), @owner, N'', CONVERT(nvarchar(128), @@SERVERNAME));
    SET @execution_id = SCOPE_IDENTITY();
    INSERT INTO [internal].[jobs] ([job_id], [job_type], [input_data], [creator], [use_all_worker_agents])
    VALUES (@job_id, 1, N'[{"name":"use32bitruntime","value":"0"}]', @owner,
            CASE WHEN @worker_agent_id IS NULL THEN 1 ELSE 0 END);
    IF @worker_agent_id IS NOT NULL
        INSERT INTO [internal].[job_worker_agents] ([job_id], [worker_agent_id]) VALUES (@job_id, @worker_agent_id);
    INSERT INTO [internal].[executions] ([execution_id], [folder_name], [project_name], [package_name], [project_id],
        [project_lsn], [use32bitruntime], [executed_as_name], [job_id], [reference_id], [reference_type],
        [environment_folder_name], [environment_name])
    VALUES (@execution_id, @folder_name, @project_name, @package_name, @project_id, @lsn, 0, @owner, @job_id,
            @reference_id, @reference_type, @environment_folder_name, @environment_name);
    INSERT INTO [internal].[execution_parameter_values] ([execution_id], [object_type], [parameter_data_type],
        [parameter_name], [parameter_value], [sensitive_parameter_value], [sensitive], [required], [value_set], [runtime_override])
    SELECT @execution_id, d.[object_type], d.[data_type], d.[parameter_name],
           CASE WHEN g.[schedule_id] IS NOT NULL THEN g.[parameter_value] ELSE d.[parameter_value] END,
           CASE WHEN g.[schedule_id] IS NOT NULL THEN g.[sensitive_parameter_value] ELSE d.[sensitive_parameter_value] END,
           d.[sensitive], d.[required],
           CASE WHEN g.[schedule_id] IS NOT NULL OR d.[value_set] = 1 THEN 1 ELSE 0 END,
           CASE WHEN g.[schedule_id] IS NOT NULL THEN 1 ELSE 0 END
    FROM (
        SELECT v.[object_type], v.[data_type], v.[parameter_name], v.[parameter_value], v.[sensitive_parameter_value],
               v.[sensitive], v.[required], v.[value_set]
        FROM [internal].[starting_parameter_values](@lsn, @package_name, @environment_id) AS v
        UNION ALL
        SELECT CONVERT(smallint, 50), s.[data_type], s.[name], s.[value], CONVERT(varbinary(8000), NULL), CONVERT(bit, 0),
               CONVERT(bit, 0), CONVERT(bit, 1)
        FROM (VALUES (N'LOGGING_LEVEL', N'Int32', (SELECT [property_value] FROM [internal].[catalog_properties]
                                                   WHERE [property_name] = N'SERVER_LOGGING_LEVEL')),
                     (N'DUMP_ON_ERROR', N'Boolean', N'0'),
                     (N'DUMP_ON_EVENT', N'Boolean', N'0'),
                     (N'DUMP_EVENT_CODE', N'String', N'0'),
                     (N'CALLER_INFO', N'String', NULL),
                     (N'SYNCHRONIZED', N'Boolean', N'0')) AS s ([name], [data_type], [value])
    ) AS d
    LEFT JOIN [internal].[schedule_parameter_values] AS g
        ON g.[schedule_id] = @schedule_id AND g.[object_type] = d.[object_type] AND g.[parameter_name] = d.[parameter_name];
    EXEC [internal].[encrypt_execution_values] @execution_id;
    INSERT INTO [internal].[tasks] ([task_id], [job_id], [execution_id], [task_type], [input_data], [max_executed_count],
        [status], [priority], [use_any_worker], [ready_for_dispatch_time])
    VALUES (NEWID(), @job_id, @execution_id, 0, CONCAT(N'[{"name":"execution_id","value":"', @execution_id, N'"}]'),
            @retry_count + 1, 1, 0, CASE WHEN @worker_agent_id IS NULL THEN 1 ELSE 0 END, SYSDATETIMEOFFSET());
END
GO
-- One firing of a schedule: its execution, or the reason there is none, in internal.schedule_runs, whose
-- unique key on (schedule_id, run_type, due_time) refuses a second firing of the same due time.
CREATE PROCEDURE [internal].[fire_schedule]
    @schedule_id  bigint,
    @run_type     char(1),
    @due_time     datetimeoffset,
    @fired_by     nvarchar(256),
    @missed_count int = 0,
    @execution_id bigint = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @error_number int, @error_message nvarchar(2000);
    SET @execution_id = NULL;
    IF @run_type <> 'K'
    BEGIN
        EXEC [internal].[schedule_problem] @schedule_id, @error_number OUTPUT, @error_message OUTPUT;
        IF @error_number IS NULL
            EXEC [internal].[start_scheduled_execution] @schedule_id, @execution_id OUTPUT;
    END;
    INSERT INTO [internal].[schedule_runs] ([schedule_id], [run_type], [due_time], [fired_by], [execution_id], [missed_count],
        [error_number], [error_message])
    VALUES (@schedule_id, @run_type, @due_time, @fired_by, @execution_id, @missed_count, @error_number, @error_message);
    UPDATE [internal].[schedules]
    SET [last_run_time] = CASE WHEN @run_type = 'K' THEN [last_run_time] ELSE @due_time END,
        [last_execution_id] = COALESCE(@execution_id, [last_execution_id])
    WHERE [schedule_id] = @schedule_id;
END
GO

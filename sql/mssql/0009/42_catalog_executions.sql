-- scaleout_catalog, SQL Server, revision 0009: create_and_start_executions as in revision 0007, with each
-- package's starting values read once, not once an element (the twin of PostgreSQL's 0009; JIT, which
-- PostgreSQL's also turns off, is not SQL Server's).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
ALTER PROCEDURE [catalog].[create_and_start_executions]
    @executions  nvarchar(max),
    @retry_count int = 0
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @example nvarchar(400) = N'[{"folder_name": "...", "project_name": "...", "package_name": "...", "parameters": [{"object_type": 30, "parameter_name": "...", "parameter_value": "..."}]}]';
    DECLARE @message nvarchar(4000), @count int, @bad int, @bad_text nvarchar(4000), @bad_more nvarchar(4000),
            @bad_type nvarchar(128), @now datetimeoffset(7) = SYSDATETIMEOFFSET(),
            @logging_level nvarchar(4000) = (SELECT [property_value] FROM [internal].[catalog_properties]
                                             WHERE [property_name] = N'SERVER_LOGGING_LEVEL');
    DECLARE @new TABLE ([ordinal] int PRIMARY KEY, [folder_name] nvarchar(4000), [project_name] nvarchar(4000),
        [package_name] nvarchar(4000), [use32bitruntime] nvarchar(4000), [use32bitruntime_type] int,
        [parameters] nvarchar(max), [parameters_type] int, [project_id] bigint, [project_lsn] bigint);
    DECLARE @values TABLE ([ordinal] int, [object_type] nvarchar(4000), [parameter_name] nvarchar(4000),
        [parameter_value] nvarchar(4000), [parameter_data_type] nvarchar(128));
    DECLARE @system TABLE ([name] nvarchar(128) PRIMARY KEY, [data_type] nvarchar(128), [value] nvarchar(4000));
    DECLARE @ids TABLE ([execution_id] bigint PRIMARY KEY);
    DECLARE @made TABLE ([ordinal] int PRIMARY KEY, [execution_id] bigint, [job_id] uniqueidentifier);
    DECLARE @defaults TABLE ([project_lsn] bigint, [package_name] nvarchar(4000), [object_type] smallint,
        [data_type] nvarchar(128), [parameter_name] nvarchar(128), [parameter_value] nvarchar(4000),
        [sensitive_parameter_value] varbinary(8000), [sensitive] bit, [required] bit, [value_set] bit);

    EXEC [internal].[require_json_array] @executions, N'executions', @example;
    IF @retry_count IS NULL OR @retry_count < 0 OR @retry_count > 100
        EXEC [internal].[raise_error] 27101, N'The value for @retry_count is not valid. Pass a whole number from 0 to 100.';
    IF [internal].[caller_is_admin]() = 0 AND IS_MEMBER(N'ssis_cluster_executor') = 0
        EXEC [internal].[raise_error] 27178, N'Unable to execute the projects. You do not have sufficient permissions: running in Scale Out needs membership of ssis_cluster_executor or ssis_admin.';
    SELECT @count = COUNT(*) FROM OPENJSON(@executions);
    IF @count > 10000
    BEGIN
        SET @message = CONCAT(N'The value for @executions holds ', @count, N' executions; pass at most 10000 in one call.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    INSERT INTO @system ([name], [data_type], [value])
    VALUES (N'LOGGING_LEVEL', N'Int32', @logging_level), (N'DUMP_ON_ERROR', N'Boolean', N'0'),
           (N'DUMP_ON_EVENT', N'Boolean', N'0'), (N'DUMP_EVENT_CODE', N'String', N'0'),
           (N'CALLER_INFO', N'String', NULL), (N'SYNCHRONIZED', N'Boolean', N'0');

    -- Each element, its project found as create_execution finds it.
    INSERT INTO @new ([ordinal], [folder_name], [project_name], [package_name], [use32bitruntime], [use32bitruntime_type],
        [parameters], [parameters_type], [project_id], [project_lsn])
    SELECT CONVERT(int, e.[key]) + 1, x.[folder_name], x.[project_name], x.[package_name],
           (SELECT a.[value] FROM OPENJSON(e.[value]) AS a WHERE a.[key] = N'use32bitruntime'),
           (SELECT a.[type] FROM OPENJSON(e.[value]) AS a WHERE a.[key] = N'use32bitruntime'),
           (SELECT a.[value] FROM OPENJSON(e.[value]) AS a WHERE a.[key] = N'parameters'),
           (SELECT a.[type] FROM OPENJSON(e.[value]) AS a WHERE a.[key] = N'parameters'),
           p.[project_id], p.[object_version_lsn]
    FROM OPENJSON(@executions) AS e
    CROSS APPLY OPENJSON(e.[value]) WITH ([folder_name] nvarchar(4000) '$.folder_name',
        [project_name] nvarchar(4000) '$.project_name', [package_name] nvarchar(4000) '$.package_name') AS x
    LEFT JOIN [internal].[folders] AS f ON f.[name] = x.[folder_name]
    LEFT JOIN [internal].[projects] AS p ON p.[folder_id] = f.[folder_id] AND p.[name] = x.[project_name];

    SELECT TOP (1) @bad = [ordinal] FROM @new
    WHERE [folder_name] IS NULL OR [project_name] IS NULL OR [package_name] IS NULL ORDER BY [ordinal];
    IF @bad IS NOT NULL
    BEGIN
        SET @message = CONCAT(N'Element ', @bad, N' of @executions needs folder_name, project_name and package_name. Nothing was created.');
        EXEC [internal].[raise_error] 27100, @message;
    END;
    SELECT TOP (1) @bad = [ordinal] FROM @new
    WHERE ([use32bitruntime_type] IS NOT NULL AND [use32bitruntime_type] NOT IN (0, 3))
       OR ([parameters_type] IS NOT NULL AND [parameters_type] NOT IN (0, 4))
    ORDER BY [ordinal];
    IF @bad IS NULL
        SELECT TOP (1) @bad = n.[ordinal] FROM @new AS n CROSS APPLY OPENJSON(n.[parameters]) AS x
        WHERE n.[parameters_type] = 4 AND x.[type] <> 5 ORDER BY n.[ordinal];
    IF @bad IS NOT NULL
    BEGIN
        SET @message = CONCAT(N'The value for @executions is not valid at element ', @bad, N': use32bitruntime is true or false, ',
            N'and parameters a JSON array of objects, such as [{"object_type": 30, "parameter_name": "...", "parameter_value": "..."}]. ',
            N'Nothing was created.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    SELECT TOP (1) @bad = [ordinal], @bad_text = [folder_name], @bad_more = [project_name] FROM @new
    WHERE [project_id] IS NULL ORDER BY [ordinal];
    IF @bad IS NOT NULL
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM [internal].[folders] WHERE [name] = @bad_text)
        BEGIN
            SET @message = CONCAT(N'Cannot find the folder ''', @bad_text, N''' (element ', @bad, N' of @executions) because it ',
                N'does not exist or you do not have sufficient permissions. See [catalog].[folders]. Nothing was created.');
            EXEC [internal].[raise_error] 27104, @message;
        END;
        SET @message = CONCAT(N'Cannot find the project ''', @bad_more, N''' in folder ''', @bad_text, N''' (element ', @bad,
            N' of @executions) because it does not exist or you do not have sufficient permissions. See [catalog].[projects], ',
            N'or deploy it first. Nothing was created.');
        EXEC [internal].[raise_error] 27109, @message;
    END;
    IF [internal].[caller_is_admin]() = 0
    BEGIN
        SELECT TOP (1) @bad = [ordinal], @bad_text = [folder_name], @bad_more = [project_name] FROM @new
        WHERE [internal].[check_permission](2, [project_id], 1) = 0 ORDER BY [ordinal];
        IF @bad IS NOT NULL
        BEGIN
            SET @message = CONCAT(N'Cannot find the project ''', @bad_more, N''' in folder ''', @bad_text, N''' (element ', @bad,
                N' of @executions) because it does not exist or you do not have sufficient permissions. See [catalog].[projects], ',
                N'or deploy it first. Nothing was created.');
            EXEC [internal].[raise_error] 27109, @message;
        END;
        SELECT TOP (1) @bad = [ordinal], @bad_more = [project_name] FROM @new
        WHERE [internal].[check_permission](2, [project_id], 3) = 0 ORDER BY [ordinal];
        IF @bad IS NOT NULL
        BEGIN
            SET @message = CONCAT(N'Unable to execute the project named ''', @bad_more, N''' (element ', @bad, N' of @executions). ',
                N'You do not have sufficient permissions: it needs EXECUTE on the project, or EXECUTE_OBJECTS on its folder. ',
                N'Nothing was created.');
            EXEC [internal].[raise_error] 27178, @message;
        END;
    END;
    SELECT TOP (1) @bad = n.[ordinal], @bad_text = n.[package_name], @bad_more = n.[project_name] FROM @new AS n
    WHERE NOT EXISTS (SELECT 1 FROM [internal].[packages] AS k
                      WHERE k.[project_version_lsn] = n.[project_lsn] AND k.[name] = n.[package_name])
    ORDER BY n.[ordinal];
    IF @bad IS NOT NULL
    BEGIN
        SET @message = CONCAT(N'Cannot access the package ''', @bad_text, N''' or the package does not exist in project ''',
            @bad_more, N''' (element ', @bad, N' of @executions). See [catalog].[packages]. Nothing was created.');
        EXEC [internal].[raise_error] 27146, @message;
    END;

    -- Each parameter value, as set_execution_parameter_value checks it; its type found as it is set.
    INSERT INTO @values ([ordinal], [object_type], [parameter_name], [parameter_value], [parameter_data_type])
    SELECT n.[ordinal], v.[object_type], v.[parameter_name], v.[parameter_value], COALESCE(d.[data_type], s.[data_type])
    FROM @new AS n
    CROSS APPLY OPENJSON(n.[parameters]) AS x
    CROSS APPLY OPENJSON(x.[value]) WITH ([object_type] nvarchar(4000) '$.object_type',
        [parameter_name] nvarchar(4000) '$.parameter_name', [parameter_value] nvarchar(4000) '$.parameter_value') AS v
    LEFT JOIN [internal].[object_parameters] AS d
        ON d.[project_version_lsn] = n.[project_lsn] AND CONVERT(nvarchar(4000), d.[object_type]) = v.[object_type]
       AND (d.[object_type] = 20 OR d.[object_name] = n.[package_name]) AND d.[parameter_name] = v.[parameter_name]
    LEFT JOIN @system AS s ON v.[object_type] = N'50' AND s.[name] = v.[parameter_name]
    WHERE n.[parameters_type] = 4;
    SELECT TOP (1) @bad = [ordinal] FROM @values
    WHERE [object_type] IS NULL OR [parameter_name] IS NULL OR [parameter_value] IS NULL ORDER BY [ordinal];
    IF @bad IS NOT NULL
    BEGIN
        SET @message = CONCAT(N'Every parameter of element ', @bad, N' of @executions needs object_type, parameter_name and ',
            N'parameter_value. Nothing was created.');
        EXEC [internal].[raise_error] 27100, @message;
    END;
    SELECT TOP (1) @bad = [ordinal], @bad_text = [object_type] FROM @values
    WHERE [object_type] NOT IN (N'20', N'30', N'50') ORDER BY [ordinal];
    IF @bad IS NOT NULL
    BEGIN
        SET @message = CONCAT(N'The value ', @bad_text, N' for object_type (element ', @bad, N' of @executions) is not supported. ',
            N'Supported values are 20 (project), 30 (package) and 50 (system). Nothing was created.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    SELECT TOP (1) @bad = [ordinal], @bad_text = [parameter_name] FROM @values
    GROUP BY [ordinal], [object_type], [parameter_name] HAVING COUNT(*) > 1 ORDER BY [ordinal];
    IF @bad IS NOT NULL
    BEGIN
        SET @message = CONCAT(N'Element ', @bad, N' of @executions sets parameter ''', @bad_text, N''' more than once. ',
            N'Nothing was created.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    SELECT TOP (1) @bad = [ordinal], @bad_text = [parameter_name], @bad_more = [object_type] FROM @values
    WHERE [parameter_data_type] IS NULL ORDER BY [ordinal];
    IF @bad IS NOT NULL
    BEGIN
        SET @message = CONCAT(N'The parameter ''', @bad_text, N''' (object_type ', @bad_more, N') does not exist in element ', @bad,
            N' of @executions. See [catalog].[object_parameters] for the parameters it takes. Nothing was created.');
        EXEC [internal].[raise_error] 27176, @message;
    END;
    SELECT TOP (1) @bad = [ordinal], @bad_text = [parameter_name], @bad_type = [parameter_data_type] FROM @values
    WHERE [internal].[is_valid_value]([parameter_data_type], [parameter_value]) = 0 ORDER BY [ordinal];
    IF @bad IS NOT NULL
    BEGIN
        SET @message = CONCAT(N'The data type of the input value is not compatible with the data type of the parameter ''',
            @bad_text, N''' (element ', @bad, N' of @executions): it takes a ', @bad_type, N'. Nothing was created.');
        EXEC [internal].[raise_error] 27147, @message;
    END;
    SELECT TOP (1) @bad = [ordinal], @bad_text = [parameter_value] FROM @values
    WHERE [object_type] = N'50' AND [parameter_name] = N'LOGGING_LEVEL'
      AND LTRIM(RTRIM([parameter_value])) NOT IN (N'0', N'1', N'2', N'3', N'4', N'100') ORDER BY [ordinal];
    IF @bad IS NOT NULL
    BEGIN
        SET @message = CONCAT(N'The logging level ', @bad_text, N' (element ', @bad, N' of @executions) is not defined. Use 0 (None), ',
            N'1 (Basic), 2 (Performance), 3 (Verbose), 4 (Runtime lineage) or 100 (Custom). Nothing was created.');
        EXEC [internal].[raise_error] 27217, @message;
    END;
    -- Each package's starting values once, however many elements run it.
    INSERT INTO @defaults ([project_lsn], [package_name], [object_type], [data_type], [parameter_name], [parameter_value],
        [sensitive_parameter_value], [sensitive], [required], [value_set])
    SELECT k.[project_lsn], k.[package_name], v.[object_type], v.[data_type], v.[parameter_name], v.[parameter_value],
           v.[sensitive_parameter_value], v.[sensitive], v.[required], v.[value_set]
    FROM (SELECT DISTINCT [project_lsn], [package_name] FROM @new) AS k
    CROSS APPLY [internal].[starting_parameter_values](k.[project_lsn], k.[package_name], NULL) AS v;
    SELECT TOP (1) @bad = n.[ordinal], @bad_text = d.[parameter_name]
    FROM @new AS n
    INNER JOIN @defaults AS d ON d.[project_lsn] = n.[project_lsn] AND d.[package_name] = n.[package_name]
    WHERE d.[required] = 1 AND d.[value_set] = 0 AND NOT EXISTS (SELECT 1 FROM @values AS g WHERE g.[ordinal] = n.[ordinal]
                      AND g.[object_type] = CONVERT(nvarchar(4000), d.[object_type]) AND g.[parameter_name] = d.[parameter_name])
    ORDER BY n.[ordinal], d.[parameter_name];
    IF @bad IS NOT NULL
    BEGIN
        SET @message = CONCAT(N'Element ', @bad, N' of @executions cannot start: required parameters have no value: ', @bad_text,
            N'. Add them to its parameters. Nothing was created.');
        EXEC [internal].[raise_error] 27184, @message;
    END;

    -- All checked: create and start them, set by set. Identity values follow the ORDER BY of an
    -- INSERT ... SELECT, so the n-th smallest new id is the n-th element's.
    BEGIN TRANSACTION;
    INSERT INTO [internal].[operations] ([operation_type], [created_time], [object_type], [object_id], [object_name], [status],
        [start_time], [caller_name], [machine_name], [server_name])
    OUTPUT inserted.[operation_id] INTO @ids ([execution_id])
    SELECT 200, @now, 20, [project_id], [project_name], 5, @now, SUSER_SNAME(), N'', @@SERVERNAME
    FROM @new ORDER BY [ordinal];
    INSERT INTO @made ([ordinal], [execution_id], [job_id])
    SELECT n.[ordinal], i.[execution_id], NEWID()
    FROM (SELECT [ordinal], ROW_NUMBER() OVER (ORDER BY [ordinal]) AS [r] FROM @new) AS n
    INNER JOIN (SELECT [execution_id], ROW_NUMBER() OVER (ORDER BY [execution_id]) AS [r] FROM @ids) AS i ON i.[r] = n.[r];
    INSERT INTO [internal].[jobs] ([job_id], [job_type], [input_data], [creator], [use_all_worker_agents])
    SELECT m.[job_id], 1,
           CONCAT(N'[{"name":"use32bitruntime","value":"', CASE WHEN n.[use32bitruntime] = N'true' THEN 1 ELSE 0 END, N'"}]'),
           SUSER_SNAME(), 1
    FROM @made AS m INNER JOIN @new AS n ON n.[ordinal] = m.[ordinal] ORDER BY m.[ordinal];
    INSERT INTO [internal].[executions] ([execution_id], [folder_name], [project_name], [package_name], [project_id],
        [project_lsn], [use32bitruntime], [executed_as_name], [job_id])
    SELECT m.[execution_id], n.[folder_name], n.[project_name], n.[package_name], n.[project_id], n.[project_lsn],
           CASE WHEN n.[use32bitruntime] = N'true' THEN 1 ELSE 0 END, SUSER_SNAME(), m.[job_id]
    FROM @made AS m INNER JOIN @new AS n ON n.[ordinal] = m.[ordinal] ORDER BY m.[ordinal];
    -- Project and package parameters with their design defaults, then SSIS's system parameters, each
    -- with the element's value where it gives one (sensitive ones encrypted just below).
    INSERT INTO [internal].[execution_parameter_values] ([execution_id], [object_type], [parameter_data_type],
        [parameter_name], [parameter_value], [sensitive_parameter_value], [sensitive], [required], [value_set], [runtime_override])
    SELECT m.[execution_id], d.[object_type], d.[data_type], d.[parameter_name], COALESCE(g.[parameter_value], d.[parameter_value]),
           CASE WHEN g.[parameter_value] IS NULL THEN d.[sensitive_parameter_value] END, d.[sensitive], d.[required],
           CASE WHEN g.[parameter_value] IS NOT NULL OR d.[value_set] = 1 THEN 1 ELSE 0 END,
           CASE WHEN g.[parameter_value] IS NOT NULL THEN 1 ELSE 0 END
    FROM @made AS m
    INNER JOIN @new AS n ON n.[ordinal] = m.[ordinal]
    CROSS APPLY (
        SELECT v.[object_type], v.[data_type], v.[parameter_name], v.[parameter_value], v.[sensitive_parameter_value],
               v.[sensitive], v.[required], v.[value_set]
        FROM @defaults AS v
        WHERE v.[project_lsn] = n.[project_lsn] AND v.[package_name] = n.[package_name]
        UNION ALL
        SELECT CONVERT(smallint, 50), s.[data_type], s.[name], s.[value], CONVERT(varbinary(8000), NULL), CONVERT(bit, 0),
               CONVERT(bit, 0), CONVERT(bit, 1)
        FROM @system AS s
    ) AS d
    LEFT JOIN @values AS g ON g.[ordinal] = m.[ordinal] AND g.[object_type] = CONVERT(nvarchar(4000), d.[object_type])
        AND g.[parameter_name] = d.[parameter_name];
    -- Sensitive values, encrypted one by one (the key opens only inside encrypt_sensitive); without
    -- encryption (Babelfish) they stay in parameter_value, which no view shows.
    DECLARE @sensitive_id bigint, @plain nvarchar(4000), @encrypted varbinary(8000);
    DECLARE sensitive_values CURSOR LOCAL FAST_FORWARD FOR
        SELECT v.[execution_parameter_id], v.[parameter_value]
        FROM [internal].[execution_parameter_values] AS v
        INNER JOIN @made AS m ON m.[execution_id] = v.[execution_id]
        WHERE v.[sensitive] = 1 AND v.[parameter_value] IS NOT NULL;
    OPEN sensitive_values;
    FETCH NEXT FROM sensitive_values INTO @sensitive_id, @plain;
    WHILE @@FETCH_STATUS = 0
    BEGIN
        EXEC [internal].[encrypt_sensitive] @plain, @encrypted OUTPUT;
        IF @encrypted IS NOT NULL
            UPDATE [internal].[execution_parameter_values] SET [sensitive_parameter_value] = @encrypted, [parameter_value] = NULL
            WHERE [execution_parameter_id] = @sensitive_id;
        FETCH NEXT FROM sensitive_values INTO @sensitive_id, @plain;
    END;
    CLOSE sensitive_values;
    DEALLOCATE sensitive_values;
    -- Queued in the array's order: one microsecond apart, so the claim (oldest first) keeps it.
    INSERT INTO [internal].[tasks] ([task_id], [job_id], [execution_id], [task_type], [input_data], [max_executed_count],
        [status], [priority], [use_any_worker], [ready_for_dispatch_time])
    SELECT NEWID(), m.[job_id], m.[execution_id], 0, CONCAT(N'[{"name":"execution_id","value":"', m.[execution_id], N'"}]'),
           @retry_count + 1, 1, 0, 1, DATEADD(microsecond, m.[ordinal] - 1, @now)
    FROM @made AS m ORDER BY m.[ordinal];
    COMMIT TRANSACTION;
    SELECT [ordinal], [execution_id] FROM @made ORDER BY [ordinal];
END
GO

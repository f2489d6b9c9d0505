-- scaleout_catalog, SQL Server, revision 0010: creating an execution stores its system parameters only
-- where a value is set for one, and the server's logging level of the moment in
-- [internal].[executions].[logging_level] (see 25_helpers.sql); set_execution_parameter_value stores a
-- system parameter's row when it first sets one. Otherwise as in revisions 0007, 0001 and 0009.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
ALTER PROCEDURE [catalog].[create_execution]
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
    DECLARE @message nvarchar(2000), @project_id bigint, @lsn bigint, @job_id uniqueidentifier = NEWID(),
            @reference_type char(1), @environment_folder_name nvarchar(128), @environment_name nvarchar(128),
            @environment_id bigint, @bad_parameter nvarchar(128), @bad_type nvarchar(128), @bad_variable nvarchar(128),
            @variable_type nvarchar(128);
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @project_name IS NULL EXEC [internal].[null_argument] N'project_name';
    IF @package_name IS NULL EXEC [internal].[null_argument] N'package_name';
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
    IF [internal].[check_permission](2, @project_id, 1) = 0
    BEGIN
        SET @message = CONCAT(N'Cannot find the project ''', @project_name, N''' in folder ''', @folder_name,
            N''' because it does not exist or you do not have sufficient permissions. See [catalog].[projects], or deploy it first.');
        EXEC [internal].[raise_error] 27109, @message;
    END;
    IF [internal].[check_permission](2, @project_id, 3) = 0
    BEGIN
        SET @message = CONCAT(N'Unable to execute the project named ''', @project_name, N'''. You do not have sufficient ',
            N'permissions: it needs EXECUTE on the project, or EXECUTE_OBJECTS on its folder. Ask an ssis_admin member to grant it.');
        EXEC [internal].[raise_error] 27178, @message;
    END;
    IF NOT EXISTS (SELECT 1 FROM [internal].[packages] WHERE [project_version_lsn] = @lsn AND [name] = @package_name)
    BEGIN
        SET @message = CONCAT(N'Cannot access the package ''', @package_name, N''' or the package does not exist in project ''',
            @project_name, N'''. See [catalog].[packages].');
        EXEC [internal].[raise_error] 27146, @message;
    END;

    IF @reference_id IS NOT NULL
    BEGIN
        SELECT @reference_type = [reference_type], @environment_folder_name = [environment_folder_name],
               @environment_name = [environment_name]
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
            SET @message = CONCAT(N'The environment ''', @environment_name, N''' does not exist in folder ''',
                ISNULL(@environment_folder_name, @folder_name), N''' or you have not been granted the appropriate permissions ',
                N'to access it: reference ', @reference_id, N' names it. Create it, or change the reference.');
            EXEC [internal].[raise_error] 27182, @message;
        END;
        SELECT TOP (1) @bad_parameter = op.[parameter_name], @bad_type = op.[data_type], @bad_variable = v.[name],
               @variable_type = v.[type]
        FROM [internal].[object_parameters] AS op
        INNER JOIN [internal].[environment_variables] AS v
            ON v.[environment_id] = @environment_id AND v.[name] = op.[referenced_variable_name]
        WHERE op.[project_version_lsn] = @lsn AND op.[value_type] = 'R'
          AND (op.[object_type] = 20 OR op.[object_name] = @package_name) AND v.[type] <> op.[data_type]
        ORDER BY op.[object_type], op.[parameter_name];
        IF @bad_parameter IS NOT NULL
        BEGIN
            SET @message = CONCAT(N'The data type of the parameter does not match the data type of the environment variable: ',
                N'parameter ''', @bad_parameter, N''' is a ', @bad_type, N', variable ''', @bad_variable, N''' of environment ''',
                @environment_name, N''' a ', @variable_type, N'. Change the variable''s type, or bind another variable.');
            EXEC [internal].[raise_error] 27148, @message;
        END;
        SELECT TOP (1) @bad_parameter = op.[parameter_name], @bad_variable = v.[name]
        FROM [internal].[object_parameters] AS op
        INNER JOIN [internal].[environment_variables] AS v
            ON v.[environment_id] = @environment_id AND v.[name] = op.[referenced_variable_name]
        WHERE op.[project_version_lsn] = @lsn AND op.[value_type] = 'R'
          AND (op.[object_type] = 20 OR op.[object_name] = @package_name) AND v.[sensitive] = 1 AND op.[sensitive] = 0
        ORDER BY op.[object_type], op.[parameter_name];
        IF @bad_parameter IS NOT NULL
        BEGIN
            SET @message = CONCAT(N'Unable to map the sensitive environment variable ''', @bad_variable, N''' to the parameter ''',
                @bad_parameter, N''', which is not sensitive. Make the parameter sensitive, or the variable not sensitive.');
            EXEC [internal].[raise_error] 27221, @message;
        END;
    END;

    BEGIN TRANSACTION;
    INSERT INTO [internal].[operations] ([operation_type], [object_type], [object_id], [object_name], [status], [caller_name])
    VALUES (200, 20, @project_id, @project_name, 1, SUSER_SNAME());
    SET @execution_id = SCOPE_IDENTITY();
    INSERT INTO [internal].[jobs] ([job_id], [job_type], [input_data], [creator], [use_all_worker_agents])
    VALUES (@job_id, 1, CONCAT(N'[{"name":"use32bitruntime","value":"', CONVERT(int, ISNULL(@use32bitruntime, 0)), N'"}]'),
            SUSER_SNAME(), ISNULL(@useanyworker, 1));
    INSERT INTO [internal].[executions] ([execution_id], [folder_name], [project_name], [package_name], [project_id],
        [project_lsn], [use32bitruntime], [executed_as_name], [job_id], [reference_id], [reference_type],
        [environment_folder_name], [environment_name], [logging_level])
    VALUES (@execution_id, @folder_name, @project_name, @package_name, @project_id, @lsn, ISNULL(@use32bitruntime, 0),
            SUSER_SNAME(), @job_id, CASE WHEN @reference_type IS NOT NULL THEN @reference_id END, @reference_type,
            @environment_folder_name, @environment_name, [internal].[catalog_property_int](N'SERVER_LOGGING_LEVEL'));
    -- Project and package parameters with their starting values. SSIS's system parameters are not stored
    -- until set_execution_parameter_value sets one ([internal].[all_execution_parameter_values]).
    INSERT INTO [internal].[execution_parameter_values] ([execution_id], [object_type], [parameter_data_type],
        [parameter_name], [parameter_value], [sensitive_parameter_value], [sensitive], [required], [value_set])
    SELECT @execution_id, v.[object_type], v.[data_type], v.[parameter_name], v.[parameter_value],
           v.[sensitive_parameter_value], v.[sensitive], v.[required], v.[value_set]
    FROM [internal].[starting_parameter_values](@lsn, @package_name, @environment_id) AS v;
    EXEC [internal].[encrypt_execution_values] @execution_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
ALTER PROCEDURE [catalog].[set_execution_parameter_value]
    @execution_id    bigint,
    @object_type     smallint,
    @parameter_name  nvarchar(4000),
    @parameter_value sql_variant
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @status int, @parameter_id bigint, @data_type nvarchar(128), @name nvarchar(128),
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
    SELECT @parameter_id = [execution_parameter_id], @data_type = [parameter_data_type], @name = [parameter_name]
    FROM [internal].[all_execution_parameter_values]
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
    IF @parameter_id < 0   -- a system parameter at its default: stored from now on
    BEGIN
        INSERT INTO [internal].[execution_parameter_values] ([execution_id], [object_type], [parameter_data_type],
            [parameter_name], [parameter_value], [sensitive], [required], [value_set], [runtime_override])
        VALUES (@execution_id, @object_type, @data_type, @name, @value, 0, 0, 1, 1);
        COMMIT TRANSACTION;
        RETURN 0;
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
            @logging_level int = [internal].[catalog_property_int](N'SERVER_LOGGING_LEVEL');
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
    SELECT [name], [data_type], [value] FROM [internal].[system_parameter_defaults];

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
        [project_lsn], [use32bitruntime], [executed_as_name], [job_id], [logging_level])
    SELECT m.[execution_id], n.[folder_name], n.[project_name], n.[package_name], n.[project_id], n.[project_lsn],
           CASE WHEN n.[use32bitruntime] = N'true' THEN 1 ELSE 0 END, SUSER_SNAME(), m.[job_id], @logging_level
    FROM @made AS m INNER JOIN @new AS n ON n.[ordinal] = m.[ordinal] ORDER BY m.[ordinal];
    -- Project and package parameters with their starting values, each with the element's value where it
    -- gives one (sensitive ones encrypted just below); of SSIS's system parameters only those the element
    -- sets (the others are not stored).
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
        FROM @values AS x INNER JOIN @system AS s ON s.[name] = x.[parameter_name]
        WHERE x.[ordinal] = m.[ordinal] AND x.[object_type] = N'50'
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

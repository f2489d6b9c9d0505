-- scaleout_catalog, SQL Server, revision 0006: helpers for environments and parameter values (the
-- reasoning of each is in the PostgreSQL twin). They raise, so most are procedures with OUTPUT values.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- 1 when @value is a name as require_valid_name wants it (1 to @max characters, no control characters,
-- no blank at either end): SSIS's own numbers for a bad environment (27142) or variable (27180) name use it.
CREATE FUNCTION [internal].[is_valid_name] (@value nvarchar(4000), @max int)
RETURNS bit
AS
BEGIN
    DECLARE @length int = LEN(@value + N'x') - 1;    -- counts trailing blanks too
    RETURN CASE WHEN @value IS NULL OR @length = 0 OR @length > @max OR [internal].[has_control_characters](@value, 0) = 1
                     OR UNICODE(LEFT(@value, 1)) IN (32, 160, 12288) OR UNICODE(RIGHT(@value, 1)) IN (32, 160, 12288)
                THEN 0 ELSE 1 END;
END
GO
-- require_valid_name's test, now is_valid_name's, as in the PostgreSQL twin: one rule for every name.
ALTER PROCEDURE [internal].[require_valid_name]
    @value nvarchar(4000),
    @name  nvarchar(300),
    @max   int
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    IF @value IS NULL EXEC [internal].[null_argument] @name;
    IF [internal].[is_valid_name](@value, @max) = 0
    BEGIN
        SET @message = CONCAT(N'The value for ', CASE WHEN CHARINDEX(N' ', @name) = 0 THEN N'@' END, @name,
            N' is not valid: a name has 1 to ', @max,
            N' characters, no control characters, and does not begin or end with a blank. Pass another name.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
END
GO
-- A description: at most 1024 characters, no control characters but tabs and line breaks.
CREATE PROCEDURE [internal].[require_valid_description]
    @value nvarchar(max),
    @name  nvarchar(128)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    IF LEN(@value + N'x') - 1 > 1024 OR [internal].[has_control_characters](@value, 1) = 1
    BEGIN
        SET @message = CONCAT(N'The value for @', @name, N' is not valid: a description has at most 1024 characters and ',
            N'no control characters other than tabs and line breaks.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
END
GO
-- A folder by name; 27104, or @number (27115 for the target of a move), when there is none.
CREATE PROCEDURE [internal].[folder_id_of]
    @folder_name nvarchar(4000),
    @folder_id   bigint OUTPUT,
    @number      int = 27104
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    SET @folder_id = (SELECT [folder_id] FROM [internal].[folders] WHERE [name] = @folder_name);
    IF @folder_id IS NULL
    BEGIN
        SET @message = CASE WHEN @number = 27115
            THEN CONCAT(N'Cannot find the target folder ''', @folder_name, N''' because it does not exist or you do not have ',
                        N'sufficient permissions. See [catalog].[folders], or create it with [catalog].[create_folder].')
            ELSE CONCAT(N'Cannot find the folder ''', @folder_name, N''' because it does not exist or you do not have ',
                        N'sufficient permissions. See [catalog].[folders].') END;
        EXEC [internal].[raise_error] @number, @message;
    END;
END
GO
-- An environment by folder and name, locked for the caller's change; 27104 or 27182 when there is none.
CREATE PROCEDURE [internal].[environment_of]
    @folder_name      nvarchar(4000),
    @environment_name nvarchar(4000),
    @environment_id   bigint OUTPUT,
    @folder_id        bigint = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    EXEC [internal].[folder_id_of] @folder_name, @folder_id OUTPUT;
    -- Locked by an update (portable where locking hints are ignored, as on Babelfish).
    UPDATE [internal].[environments] SET [environment_name] = [environment_name]
    WHERE [folder_id] = @folder_id AND [environment_name] = @environment_name;
    SET @environment_id = (SELECT [environment_id] FROM [internal].[environments]
                           WHERE [folder_id] = @folder_id AND [environment_name] = @environment_name);
    IF @environment_id IS NULL
    BEGIN
        SET @message = CONCAT(N'The environment ''', @environment_name, N''' does not exist in folder ''', @folder_name,
            N''' or you have not been granted the appropriate permissions to access it. See [catalog].[environments], ',
            N'or create it with [catalog].[create_environment].');
        EXEC [internal].[raise_error] 27182, @message;
    END;
END
GO
-- A variable of an environment, locked; 27183 when there is none.
CREATE PROCEDURE [internal].[environment_variable_of]
    @environment_id   bigint,
    @environment_name nvarchar(4000),
    @variable_name    nvarchar(4000),
    @variable_id      bigint OUTPUT,
    @type             nvarchar(128) = NULL OUTPUT,
    @sensitive        bit = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    UPDATE [internal].[environment_variables] SET [name] = [name]
    WHERE [environment_id] = @environment_id AND [name] = @variable_name;
    SELECT @variable_id = [variable_id], @type = [type], @sensitive = [sensitive]
    FROM [internal].[environment_variables] WHERE [environment_id] = @environment_id AND [name] = @variable_name;
    IF @variable_id IS NULL
    BEGIN
        SET @message = CONCAT(N'The environment variable ''', @variable_name, N''' does not exist in environment ''',
            @environment_name, N''' or you have not been granted the appropriate permissions to access it. ',
            N'See [catalog].[environment_variables].');
        EXEC [internal].[raise_error] 27183, @message;
    END;
END
GO
-- A value for a variable or parameter of SSIS type @type: 27159 for a type the catalog does not hold,
-- 27147 for a value that is not of it, 27101 for one longer than 4000 characters.
CREATE PROCEDURE [internal].[require_typed_value]
    @type  nvarchar(4000),
    @value nvarchar(max),
    @what  nvarchar(300)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    IF @type IS NULL OR @type NOT IN (N'String', N'Int32', N'Int64', N'Double', N'Boolean', N'DateTime')
    BEGIN
        SET @message = CONCAT(N'Data type of the input value is not supported: ''', LEFT(@type, 128),
            N'''. Use String, Int32, Int64, Double, Boolean or DateTime.');
        EXEC [internal].[raise_error] 27159, @message;
    END;
    IF LEN(@value + N'x') - 1 > 4000
    BEGIN
        SET @message = CONCAT(N'The value for the ', @what, N' is not valid: it is longer than 4000 characters.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    IF [internal].[is_valid_value](@type, @value) = 0
    BEGIN
        SET @message = CONCAT(N'The data type of the input value is not compatible with the data type of the ', @what,
            N': it takes a ', @type, N' (',
            CASE @type WHEN N'Boolean' THEN N'true, false, 1 or 0'
                       WHEN N'DateTime' THEN N'an ISO 8601 date and time, such as 2026-01-31T23:00:00'
                       WHEN N'Double' THEN N'a finite decimal number'
                       ELSE N'whole numbers in its range' END, N').');
        EXEC [internal].[raise_error] 27147, @message;
    END;
END
GO
-- A project by folder and name, locked; 27104 or 27109 when there is none.
CREATE PROCEDURE [internal].[project_of]
    @folder_name  nvarchar(4000),
    @project_name nvarchar(4000),
    @project_id   bigint OUTPUT,
    @lsn          bigint = NULL OUTPUT,
    @folder_id    bigint = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    EXEC [internal].[folder_id_of] @folder_name, @folder_id OUTPUT;
    UPDATE [internal].[projects] SET [name] = [name] WHERE [folder_id] = @folder_id AND [name] = @project_name;
    SELECT @project_id = [project_id], @lsn = [object_version_lsn]
    FROM [internal].[projects] WHERE [folder_id] = @folder_id AND [name] = @project_name;
    IF @project_id IS NULL
    BEGIN
        SET @message = CONCAT(N'Cannot find the project ''', @project_name, N''' in folder ''', @folder_name,
            N''' because it does not exist or you do not have sufficient permissions. See [catalog].[projects], or deploy it first.');
        EXEC [internal].[raise_error] 27109, @message;
    END;
END
GO
-- The environment a reference names, if it exists: relative ('R') in the project's folder, absolute
-- ('A') in environment_folder_name.
CREATE FUNCTION [internal].[referenced_environment_id] (@reference_id bigint)
RETURNS bigint
AS
BEGIN
    RETURN (SELECT e.[environment_id]
            FROM [internal].[environment_references] AS r
            INNER JOIN [internal].[projects] AS p ON p.[project_id] = r.[project_id]
            INNER JOIN [internal].[folders] AS f ON (r.[reference_type] = 'R' AND f.[folder_id] = p.[folder_id])
                                                 OR (r.[reference_type] = 'A' AND f.[name] = r.[environment_folder_name])
            INNER JOIN [internal].[environments] AS e ON e.[folder_id] = f.[folder_id]
                                                      AND e.[environment_name] = r.[environment_name]
            WHERE r.[reference_id] = @reference_id);
END
GO
-- A reference's type and folder: 'R' (relative: no folder) or 'A' (absolute: a folder), either case.
CREATE PROCEDURE [internal].[require_reference_type]
    @type        nvarchar(4000),
    @folder_name nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    IF UPPER(@type) NOT IN (N'R', N'A')
    BEGIN
        SET @message = CONCAT(N'The value for @reference_type is not valid: ''', LEFT(@type, 16), N'''. Use R for an ',
            N'environment in the project''s own folder, or A with @environment_folder_name for one in another folder.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    IF UPPER(@type) = N'A' AND @folder_name IS NULL EXEC [internal].[null_argument] N'environment_folder_name';
    IF UPPER(@type) = N'R' AND @folder_name IS NOT NULL
        EXEC [internal].[raise_error] 27101, N'The value for @environment_folder_name is not valid: a relative reference (R) finds its environment in the project''s own folder. Pass @environment_folder_name = NULL, or use @reference_type A.';
END
GO
-- 27204 when the project already has that reference (other than @except_id).
CREATE PROCEDURE [internal].[require_new_reference]
    @project_id       bigint,
    @type             char(1),
    @folder_name      nvarchar(4000),
    @environment_name nvarchar(4000),
    @except_id        bigint = NULL
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    IF EXISTS (SELECT 1 FROM [internal].[environment_references] AS r
               WHERE r.[project_id] = @project_id AND r.[reference_type] = @type
                 AND (r.[environment_folder_name] = @folder_name OR (r.[environment_folder_name] IS NULL AND @folder_name IS NULL))
                 AND r.[environment_name] = @environment_name
                 AND (@except_id IS NULL OR r.[reference_id] <> @except_id))
    BEGIN
        SET @message = CONCAT(N'Failed to create environment reference. This project already has a reference to the ',
            N'environment ''', @environment_name, N'''. See [catalog].[environment_references].');
        EXEC [internal].[raise_error] 27204, @message;
    END;
END
GO
-- A deployed parameter's object: 20 (the project) or 30 (a package, named by @object_name).
CREATE PROCEDURE [internal].[require_object_type]
    @object_type smallint,
    @object_name nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000);
    IF @object_type NOT IN (20, 30)
    BEGIN
        SET @message = CONCAT(N'The value ', @object_type, N' for @object_type is not supported. Use 20 for a project ',
            N'parameter, or 30 with @object_name for a package parameter.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    IF @object_type = 30 AND @object_name IS NULL EXEC [internal].[null_argument] N'object_name';
END
GO
-- A parameter of the project's current version, locked; 27104, 27109 or 27106 when there is none.
-- Parameter names compare case-sensitively, as SSISDB's do.
CREATE PROCEDURE [internal].[object_parameter_of]
    @folder_name    nvarchar(4000),
    @project_name   nvarchar(4000),
    @object_type    smallint,
    @object_name    nvarchar(4000),
    @parameter_name nvarchar(4000),
    @parameter_id   bigint OUTPUT,
    @data_type      nvarchar(128) = NULL OUTPUT,
    @sensitive      bit = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000), @project_id bigint, @lsn bigint;
    EXEC [internal].[project_of] @folder_name, @project_name, @project_id OUTPUT, @lsn OUTPUT;
    SELECT @parameter_id = op.[parameter_id], @data_type = op.[data_type], @sensitive = op.[sensitive]
    FROM [internal].[object_parameters] AS op
    WHERE op.[project_version_lsn] = @lsn AND op.[object_type] = @object_type
      AND op.[object_name] = CASE WHEN @object_type = 20 THEN @project_name ELSE @object_name END
      AND op.[parameter_name] = @parameter_name COLLATE Latin1_General_CS_AS;
    IF @parameter_id IS NULL
    BEGIN
        SET @message = CONCAT(N'Cannot find the parameter ''', @parameter_name, N''' because it does not exist in ',
            CASE WHEN @object_type = 20 THEN CONCAT(N'project ''', @project_name, N'''')
                 ELSE CONCAT(N'package ''', @object_name, N''' of project ''', @project_name, N'''') END,
            N'. See [catalog].[object_parameters].');
        EXEC [internal].[raise_error] 27106, @message;
    END;
END
GO
-- The values an execution starts with, for a project version's parameters (20) and one package's (30),
-- in SSIS's order of precedence (see the PostgreSQL twin). A sensitive value comes out encrypted when
-- it was stored so (sensitive_parameter_value), else as text; the caller encrypts what is still text.
CREATE FUNCTION [internal].[starting_parameter_values] (@lsn bigint, @package_name nvarchar(260), @environment_id bigint)
RETURNS TABLE
AS
RETURN
SELECT op.[object_type], op.[data_type], op.[parameter_name], s.[plain] AS [parameter_value],
       s.[encrypted] AS [sensitive_parameter_value], s.[sensitive], op.[required], s.[is_set] AS [value_set]
FROM [internal].[object_parameters] AS op
LEFT JOIN [internal].[environment_variables] AS v
    ON op.[value_type] = 'R' AND v.[environment_id] = @environment_id AND v.[name] = op.[referenced_variable_name]
CROSS APPLY (
    SELECT CONVERT(bit, CASE WHEN op.[sensitive] = 1 OR v.[sensitive] = 1 THEN 1 ELSE 0 END) AS [sensitive],
           CASE WHEN op.[value_type] = 'R' AND v.[variable_id] IS NOT NULL THEN v.[value]
                WHEN op.[value_type] = 'R' AND op.[required] = 1 THEN NULL
                WHEN op.[value_type] = 'V' AND op.[value_set] = 1 THEN op.[server_value]
                ELSE op.[default_value] END AS [plain],
           CASE WHEN op.[value_type] = 'R' AND v.[variable_id] IS NOT NULL THEN v.[sensitive_value]
                WHEN op.[value_type] = 'V' AND op.[value_set] = 1 THEN op.[sensitive_server_value] END AS [encrypted],
           CONVERT(bit, CASE WHEN op.[value_type] = 'R' AND v.[variable_id] IS NOT NULL THEN 1
                             WHEN op.[value_type] = 'R' AND op.[required] = 1 THEN 0
                             WHEN op.[value_type] = 'V' AND op.[value_set] = 1 THEN 1
                             WHEN op.[default_value] IS NOT NULL THEN 1 ELSE 0 END) AS [is_set]
) AS s
WHERE op.[project_version_lsn] = @lsn AND (op.[object_type] = 20 OR op.[object_name] = @package_name);
GO
-- An execution's sensitive values still held as text, encrypted one by one (the key opens only inside
-- encrypt_sensitive); without encryption (Babelfish) they stay in parameter_value, which no view shows.
CREATE PROCEDURE [internal].[encrypt_execution_values]
    @execution_id bigint
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @id bigint, @plain nvarchar(4000), @encrypted varbinary(8000);
    DECLARE plain_values CURSOR LOCAL FAST_FORWARD FOR
        SELECT [execution_parameter_id], [parameter_value] FROM [internal].[execution_parameter_values]
        WHERE [execution_id] = @execution_id AND [sensitive] = 1 AND [parameter_value] IS NOT NULL;
    OPEN plain_values;
    FETCH NEXT FROM plain_values INTO @id, @plain;
    WHILE @@FETCH_STATUS = 0
    BEGIN
        EXEC [internal].[encrypt_sensitive] @plain, @encrypted OUTPUT;
        IF @encrypted IS NOT NULL
            UPDATE [internal].[execution_parameter_values] SET [sensitive_parameter_value] = @encrypted, [parameter_value] = NULL
            WHERE [execution_parameter_id] = @id;
        FETCH NEXT FROM plain_values INTO @id, @plain;
    END;
    CLOSE plain_values;
    DEALLOCATE plain_values;
END
GO
-- An SSIS data type name as the catalog spells it (SSISDB reads them in any case): 'int32' is Int32.
-- Another name comes back as given, for require_typed_value to refuse.
CREATE FUNCTION [internal].[canonical_type] (@type nvarchar(4000))
RETURNS nvarchar(4000)
AS
BEGIN
    RETURN COALESCE((SELECT t.[name] FROM (VALUES (N'String'), (N'Int32'), (N'Int64'), (N'Double'), (N'Boolean'),
                                                  (N'DateTime')) AS t ([name])
                     WHERE LOWER(t.[name]) = LOWER(@type)), @type);
END
GO

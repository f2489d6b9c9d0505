-- scaleout_catalog, SQL Server, revision 0006: a new version of a project keeps the values set on the
-- server for its parameters.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- The values set on the server for @from_lsn's parameters, copied to @to_lsn's parameters of the same
-- object, name, type and sensitivity (SSISDB does the same on a restore).
CREATE PROCEDURE [internal].[carry_parameter_values]
    @from_lsn bigint,
    @to_lsn   bigint
AS
BEGIN
    SET NOCOUNT ON;
    UPDATE n
    SET [value_type] = o.[value_type], [value_set] = o.[value_set], [server_value] = o.[server_value],
        [sensitive_server_value] = o.[sensitive_server_value], [referenced_variable_name] = o.[referenced_variable_name]
    FROM [internal].[object_parameters] AS n
    INNER JOIN [internal].[object_parameters] AS o
        ON o.[project_version_lsn] = @from_lsn AND o.[value_set] = 1 AND o.[object_type] = n.[object_type]
       AND o.[object_name] = n.[object_name] AND o.[parameter_name] = n.[parameter_name]
       AND o.[data_type] = n.[data_type] AND o.[sensitive] = n.[sensitive]
    WHERE n.[project_version_lsn] = @to_lsn;
END
GO
-- Keeps a project's MAX_PROJECT_VERSIONS most recent versions (deployed or restored last, as SSISDB's
-- cleanup ranks them), never its current one nor one that an unfinished execution still needs.
CREATE PROCEDURE [internal].[prune_project_versions]
    @project_id bigint
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @keep int = [internal].[catalog_property_int](N'MAX_PROJECT_VERSIONS');
    -- No DELETE alias FROM ...: on Babelfish it corrupts the session's later statements.
    DELETE FROM [internal].[object_versions]
    WHERE [project_id] = @project_id
      AND [object_version_lsn] NOT IN (SELECT TOP (@keep) k.[object_version_lsn] FROM [internal].[object_versions] AS k
                                       WHERE k.[project_id] = @project_id
                                       ORDER BY COALESCE(k.[last_restored_time], k.[created_time]) DESC,
                                                k.[object_version_lsn] DESC)
      AND [object_version_lsn] NOT IN (SELECT p.[object_version_lsn] FROM [internal].[projects] AS p
                                       WHERE p.[project_id] = @project_id AND p.[object_version_lsn] IS NOT NULL)
      AND [object_version_lsn] NOT IN (SELECT e.[project_lsn] FROM [internal].[executions] AS e
                                       INNER JOIN [internal].[operations] AS o ON o.[operation_id] = e.[execution_id]
                                       WHERE e.[project_id] = @project_id AND o.[end_time] IS NULL);
END
GO
ALTER PROCEDURE [catalog].[deploy_project]
    @folder_name      nvarchar(4000),
    @project_name     nvarchar(4000),
    @project_stream   varbinary(max),
    @operation_id     bigint = NULL OUTPUT,
    @project_manifest nvarchar(max) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @folder_id bigint, @project_id bigint, @lsn bigint,
            @package_name nvarchar(4000), @package_parameters nvarchar(max), @where nvarchar(300),
            @packages nvarchar(max);
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @project_name IS NULL EXEC [internal].[null_argument] N'project_name';
    IF @project_stream IS NULL EXEC [internal].[null_argument] N'project_stream';
    IF @project_manifest IS NULL EXEC [internal].[null_argument] N'project_manifest';
    EXEC [internal].[require_valid_name] @folder_name, N'folder_name', 128;
    EXEC [internal].[require_valid_name] @project_name, N'project_name', 128;
    -- A zip archive starts with a local file header (or, empty, with the end of central directory);
    -- the worker checks every member again before it extracts one.
    IF SUBSTRING(@project_stream, 1, 4) NOT IN (0x504B0304, 0x504B0506)
        EXEC [internal].[raise_error] 27101, N'The value for @project_stream is not a project archive (a zip file). Deploy with scaleout deploy, which builds it.';
    IF ISJSON(@project_manifest) = 0 OR LEFT(LTRIM(@project_manifest), 1) <> N'{'
        EXEC [internal].[raise_error] 27101, N'The value for @project_manifest is not valid JSON. Pass the manifest as a JSON object.';
    IF ISNULL(JSON_VALUE(@project_manifest, N'$.name'), N'') <> @project_name
    BEGIN
        SET @message = CONCAT(N'The @project_name ''', @project_name, N''' does not match the name ''',
            JSON_VALUE(@project_manifest, N'$.name'), N''' in the project manifest. Deploy under the manifest''s name.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    SET @packages = JSON_QUERY(@project_manifest, N'$.packages');
    IF @packages IS NULL OR LEFT(LTRIM(@packages), 1) <> N'[' OR NOT EXISTS (SELECT 1 FROM OPENJSON(@packages))
        EXEC [internal].[raise_error] 27101, N'The project manifest declares no packages. Declare at least one package with its entry point.';
    SET @where = N'the project';
    SET @package_parameters = JSON_QUERY(@project_manifest, N'$.parameters');
    EXEC [internal].[validate_manifest_parameters] @package_parameters, @where;
    IF EXISTS (SELECT 1 FROM OPENJSON(@packages) WITH ([name] nvarchar(4000) '$.name') AS k
               WHERE ISNULL(k.[name], N'') = N'' OR LEN(k.[name]) > 260)
        EXEC [internal].[raise_error] 27101, N'A package in the project manifest has no name. Give every package a name.';
    SELECT TOP (1) @package_name = k.[name], @message = k.[entry_point]
    FROM OPENJSON(@packages) WITH ([name] nvarchar(260) '$.name', [entry_point] nvarchar(512) '$.entry_point') AS k
    WHERE k.[entry_point] IS NULL OR k.[entry_point] NOT LIKE N'[A-Za-z_]%:[A-Za-z_]%'
       OR k.[entry_point] LIKE N'%:%:%' OR k.[entry_point] LIKE N'%[^A-Za-z0-9_.:]%';
    IF @@ROWCOUNT > 0
    BEGIN
        SET @message = CONCAT(N'The package ', @package_name, N' has the entry point ''', @message,
            N'''. An entry point has the form module:function.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    DECLARE package_cursor CURSOR LOCAL FAST_FORWARD FOR
        SELECT k.[name], k.[parameters]
        FROM OPENJSON(@packages) WITH ([name] nvarchar(260) '$.name', [parameters] nvarchar(max) '$.parameters' AS JSON) AS k;
    OPEN package_cursor;
    FETCH NEXT FROM package_cursor INTO @package_name, @package_parameters;
    WHILE @@FETCH_STATUS = 0
    BEGIN
        SET @where = CONCAT(N'package name ''', LEFT(@package_name, 40), N'''');
        EXEC [internal].[require_valid_name] @package_name, @where, 260;
        SET @where = CONCAT(N'package ', @package_name);
        EXEC [internal].[validate_manifest_parameters] @package_parameters, @where;
        FETCH NEXT FROM package_cursor INTO @package_name, @package_parameters;
    END;
    CLOSE package_cursor;
    DEALLOCATE package_cursor;
    IF (SELECT COUNT(*) - COUNT(DISTINCT k.[name]) FROM OPENJSON(@packages) WITH ([name] nvarchar(260) '$.name') AS k) > 0
        EXEC [internal].[raise_error] 27101, N'Two packages in the project manifest have the same name.';
    EXEC [internal].[require_admin] N'deploy a project';

    SELECT @folder_id = [folder_id] FROM [internal].[folders] WHERE [name] = @folder_name;
    IF @folder_id IS NULL
    BEGIN
        SET @message = CONCAT(N'Cannot find the folder ''', @folder_name, N''' because it does not exist or you do not have ',
            N'sufficient permissions. Create it with [catalog].[create_folder].');
        EXEC [internal].[raise_error] 27104, @message;
    END;

    BEGIN TRANSACTION;
    SELECT @project_id = [project_id] FROM [internal].[projects] WITH (UPDLOCK, HOLDLOCK)
    WHERE [folder_id] = @folder_id AND [name] = @project_name;
    IF @project_id IS NULL
    BEGIN
        INSERT INTO [internal].[projects] ([folder_id], [name], [description], [deployed_by_name])
        VALUES (@folder_id, @project_name, JSON_VALUE(@project_manifest, N'$.description'), SUSER_SNAME());
        SET @project_id = SCOPE_IDENTITY();
    END;
    INSERT INTO [internal].[object_versions] ([project_id], [version], [project_stream], [project_checksum], [created_by])
    VALUES (@project_id, JSON_VALUE(@project_manifest, N'$.version'), @project_stream,
            [internal].[to_hex](HASHBYTES('SHA2_256', @project_stream)), SUSER_SNAME());
    SET @lsn = SCOPE_IDENTITY();
    INSERT INTO [internal].[packages] ([project_version_lsn], [name], [entry_point], [description])
    SELECT @lsn, k.[name], k.[entry_point], k.[description]
    FROM OPENJSON(@packages) WITH ([name] nvarchar(260) '$.name', [entry_point] nvarchar(512) '$.entry_point',
                                   [description] nvarchar(1024) '$.description') AS k;
    INSERT INTO [internal].[object_parameters] ([project_version_lsn], [object_type], [object_name], [parameter_name],
        [data_type], [required], [sensitive], [default_value], [description])
    SELECT @lsn, 20, @project_name, p.[name], p.[type], ISNULL(p.[required], 0), ISNULL(p.[sensitive], 0), p.[default], p.[description]
    FROM OPENJSON(ISNULL(JSON_QUERY(@project_manifest, N'$.parameters'), N'[]'))
         WITH ([name] nvarchar(128) '$.name', [type] nvarchar(128) '$.type', [required] bit '$.required',
               [sensitive] bit '$.sensitive', [default] nvarchar(4000) '$.default',
               [description] nvarchar(1024) '$.description') AS p
    UNION ALL
    SELECT @lsn, 30, k.[name], p.[name], p.[type], ISNULL(p.[required], 0), ISNULL(p.[sensitive], 0), p.[default], p.[description]
    FROM OPENJSON(@packages) WITH ([name] nvarchar(260) '$.name', [parameters] nvarchar(max) '$.parameters' AS JSON) AS k
    CROSS APPLY OPENJSON(ISNULL(k.[parameters], N'[]'))
         WITH ([name] nvarchar(128) '$.name', [type] nvarchar(128) '$.type', [required] bit '$.required',
               [sensitive] bit '$.sensitive', [default] nvarchar(4000) '$.default',
               [description] nvarchar(1024) '$.description') AS p;
    -- Values set on the server ([catalog].[set_object_parameter_value]) carry over to the new version.
    DECLARE @previous_lsn bigint = (SELECT [object_version_lsn] FROM [internal].[projects] WHERE [project_id] = @project_id);
    EXEC [internal].[carry_parameter_values] @previous_lsn, @lsn;
    UPDATE [internal].[projects]
    SET [object_version_lsn] = @lsn, [description] = JSON_VALUE(@project_manifest, N'$.description'),
        [deployed_by_name] = SUSER_SNAME(), [last_deployed_time] = SYSDATETIMEOFFSET()
    WHERE [project_id] = @project_id;
    EXEC [internal].[prune_project_versions] @project_id;
    INSERT INTO [internal].[operations] ([operation_type], [object_type], [object_id], [object_name], [status],
        [start_time], [end_time], [caller_name])
    VALUES (101, 20, @project_id, @project_name, 7, SYSDATETIMEOFFSET(), SYSDATETIMEOFFSET(), SUSER_SNAME());
    SET @operation_id = SCOPE_IDENTITY();
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
-- Project versions and management (SSISDB's procedures and numbers). An admin's, as deploying is.
CREATE PROCEDURE [catalog].[restore_project]
    @folder_name        nvarchar(4000),
    @project_name       nvarchar(4000),
    @object_version_lsn bigint
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @project_id bigint, @current bigint;
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @project_name IS NULL EXEC [internal].[null_argument] N'project_name';
    IF @object_version_lsn IS NULL EXEC [internal].[null_argument] N'object_version_lsn';
    EXEC [internal].[require_admin] N'restore a project';
    BEGIN TRANSACTION;
    EXEC [internal].[project_of] @folder_name, @project_name, @project_id OUTPUT, @current OUTPUT;
    IF NOT EXISTS (SELECT 1 FROM [internal].[object_versions]
                   WHERE [object_version_lsn] = @object_version_lsn AND [project_id] = @project_id)
    BEGIN
        SET @message = CONCAT(N'The object version ', @object_version_lsn, N' does not match the project ''', @project_name,
            N''' or you do not have sufficient permissions. See its versions in [catalog].[object_versions].');
        EXEC [internal].[raise_error] 27179, @message;
    END;
    IF @current = @object_version_lsn
    BEGIN
        SET @message = CONCAT(N'Project restore has failed: version ', @object_version_lsn,
            N' is already the current version of project ''', @project_name, N'''.');
        EXEC [internal].[raise_error] 27155, @message;
    END;
    -- Values set on the server move to the restored version, as SSISDB's restore does.
    EXEC [internal].[carry_parameter_values] @current, @object_version_lsn;
    UPDATE [internal].[projects] SET [object_version_lsn] = @object_version_lsn WHERE [project_id] = @project_id;
    UPDATE [internal].[object_versions] SET [restored_by] = SUSER_SNAME(), [last_restored_time] = SYSDATETIMEOFFSET()
    WHERE [object_version_lsn] = @object_version_lsn;
    INSERT INTO [internal].[operations] ([operation_type], [object_type], [object_id], [object_name], [status],
        [start_time], [end_time], [caller_name])
    VALUES (106, 20, @project_id, @project_name, 7, SYSDATETIMEOFFSET(), SYSDATETIMEOFFSET(), SUSER_SNAME());
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
-- The archive of the project's current version, as deployed: one row, one column.
CREATE PROCEDURE [catalog].[get_project]
    @folder_name  nvarchar(4000),
    @project_name nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message nvarchar(2000), @project_id bigint, @lsn bigint, @folder_id bigint;
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @project_name IS NULL EXEC [internal].[null_argument] N'project_name';
    IF [internal].[caller_is_admin]() = 0 AND IS_MEMBER(N'ssis_cluster_executor') = 0
    BEGIN
        SET @message = CONCAT(N'Cannot find the project ''', @project_name, N''' because it does not exist or you do not ',
            N'have sufficient permissions: reading a project takes ssis_cluster_executor or ssis_admin.');
        EXEC [internal].[raise_error] 27109, @message;
    END;
    EXEC [internal].[folder_id_of] @folder_name, @folder_id OUTPUT;
    SELECT @project_id = [project_id], @lsn = [object_version_lsn]
    FROM [internal].[projects] WHERE [folder_id] = @folder_id AND [name] = @project_name;
    IF @project_id IS NULL
    BEGIN
        SET @message = CONCAT(N'Cannot find the project ''', @project_name, N''' in folder ''', @folder_name,
            N''' because it does not exist or you do not have sufficient permissions. See [catalog].[projects].');
        EXEC [internal].[raise_error] 27109, @message;
    END;
    SELECT [project_stream] FROM [internal].[object_versions] WHERE [object_version_lsn] = @lsn;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[delete_project]
    @folder_name  nvarchar(4000),
    @project_name nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @project_id bigint;
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @project_name IS NULL EXEC [internal].[null_argument] N'project_name';
    EXEC [internal].[require_admin] N'delete a project';
    BEGIN TRANSACTION;
    EXEC [internal].[project_of] @folder_name, @project_name, @project_id OUTPUT;
    IF EXISTS (SELECT 1 FROM [internal].[executions] AS e INNER JOIN [internal].[operations] AS o ON o.[operation_id] = e.[execution_id]
               WHERE e.[project_id] = @project_id AND o.[end_time] IS NULL AND o.[status] IN (2, 5, 8))
    BEGIN
        SET @message = CONCAT(N'The project ''', @project_name, N''' cannot be deleted now: executions of it are pending or ',
            N'running. Wait until they end, or stop them with [catalog].[stop_operation], and try again.');
        EXEC [internal].[raise_error] 27149, @message;
    END;
    -- Its versions, packages, parameters and environment references go with it; executions keep its name.
    DELETE FROM [internal].[projects] WHERE [project_id] = @project_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[move_project]
    @source_folder      nvarchar(4000),
    @project_name       nvarchar(4000),
    @destination_folder nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @project_id bigint, @target bigint;
    IF @source_folder IS NULL EXEC [internal].[null_argument] N'source_folder';
    IF @project_name IS NULL EXEC [internal].[null_argument] N'project_name';
    IF @destination_folder IS NULL EXEC [internal].[null_argument] N'destination_folder';
    EXEC [internal].[require_admin] N'move a project';
    BEGIN TRANSACTION;
    EXEC [internal].[project_of] @source_folder, @project_name, @project_id OUTPUT;
    EXEC [internal].[folder_id_of] @destination_folder, @target OUTPUT, 27115;
    IF EXISTS (SELECT 1 FROM [internal].[projects] WHERE [folder_id] = @target AND [name] = @project_name)
    BEGIN
        SET @message = CONCAT(N'The project ''', @project_name, N''' already exists in folder ''', @destination_folder,
            N'''. Delete or move that one first.');
        EXEC [internal].[raise_error] 27181, @message;
    END;
    UPDATE [internal].[projects] SET [folder_id] = @target WHERE [project_id] = @project_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
-- Folders: an admin's (SSISDB: 27188 for anyone else).
CREATE PROCEDURE [catalog].[delete_folder]
    @folder_name nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @folder_id bigint;
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    EXEC [internal].[require_admin] N'delete a folder';
    BEGIN TRANSACTION;
    EXEC [internal].[folder_id_of] @folder_name, @folder_id OUTPUT;
    UPDATE [internal].[folders] SET [name] = [name] WHERE [folder_id] = @folder_id;
    IF EXISTS (SELECT 1 FROM [internal].[projects] WHERE [folder_id] = @folder_id)
       OR EXISTS (SELECT 1 FROM [internal].[environments] WHERE [folder_id] = @folder_id)
    BEGIN
        SET @message = CONCAT(N'Failed to delete the folder ''', @folder_name, N''' because it is not empty. Only empty ',
            N'folders can be deleted: delete or move its projects and environments first.');
        EXEC [internal].[raise_error] 27196, @message;
    END;
    DELETE FROM [internal].[folders] WHERE [folder_id] = @folder_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[rename_folder]
    @old_name nvarchar(4000),
    @new_name nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @folder_id bigint;
    IF @old_name IS NULL EXEC [internal].[null_argument] N'old_name';
    IF @new_name IS NULL EXEC [internal].[null_argument] N'new_name';
    IF [internal].[is_valid_name](@new_name, 128) = 0
    BEGIN
        SET @message = CONCAT(N'''', LEFT(@new_name, 128), N''' is not a valid folder name: a name has 1 to 128 characters, ',
            N'no control characters, and does not begin or end with a blank.');
        EXEC [internal].[raise_error] 27199, @message;
    END;
    EXEC [internal].[require_admin] N'rename a folder';
    BEGIN TRANSACTION;
    EXEC [internal].[folder_id_of] @old_name, @folder_id OUTPUT;
    IF EXISTS (SELECT 1 FROM [internal].[folders] WHERE [name] = @new_name AND [folder_id] <> @folder_id)
    BEGIN
        SET @message = CONCAT(N'The folder ''', @new_name, N''' already exists. Pick another name.');
        EXEC [internal].[raise_error] 27129, @message;
    END;
    UPDATE [internal].[folders] SET [name] = @new_name WHERE [folder_id] = @folder_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[set_folder_description]
    @folder_name        nvarchar(4000),
    @folder_description nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @folder_id bigint;
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    EXEC [internal].[require_valid_description] @folder_description, N'folder_description';
    EXEC [internal].[require_admin] N'describe a folder';
    EXEC [internal].[folder_id_of] @folder_name, @folder_id OUTPUT;
    UPDATE [internal].[folders] SET [description] = @folder_description WHERE [folder_id] = @folder_id;
    RETURN 0;
END
GO

-- scaleout_catalog, SQL Server, revision 0006: environments, their variables and the projects'
-- references to them (SSISDB's procedures, parameter names and error numbers). Changing them takes
-- ssis_admin (SSISDB: MODIFY on the environment, CREATE_OBJECTS on its folder). Parameters are wider
-- than the columns, so that the checks fire rather than a silent truncation.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
CREATE PROCEDURE [catalog].[create_environment]
    @folder_name             nvarchar(4000),
    @environment_name        nvarchar(4000),
    @environment_description nvarchar(max) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @folder_id bigint;
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @environment_name IS NULL EXEC [internal].[null_argument] N'environment_name';
    IF [internal].[is_valid_name](@environment_name, 128) = 0
    BEGIN
        SET @message = CONCAT(N'''', LEFT(@environment_name, 128), N''' is not a valid environment name: a name has 1 to 128 ',
            N'characters, no control characters, and does not begin or end with a blank.');
        EXEC [internal].[raise_error] 27142, @message;
    END;
    EXEC [internal].[require_valid_description] @environment_description, N'environment_description';
    EXEC [internal].[require_admin] N'create an environment';
    BEGIN TRANSACTION;
    EXEC [internal].[folder_id_of] @folder_name, @folder_id OUTPUT;
    UPDATE [internal].[folders] SET [name] = [name] WHERE [folder_id] = @folder_id;    -- one creator at a time
    IF EXISTS (SELECT 1 FROM [internal].[environments] WHERE [folder_id] = @folder_id AND [environment_name] = @environment_name)
    BEGIN
        SET @message = CONCAT(N'The environment ''', @environment_name, N''' already exists in folder ''', @folder_name,
            N'''. Pick another name, or change the existing one.');
        EXEC [internal].[raise_error] 27157, @message;
    END;
    INSERT INTO [internal].[environments] ([environment_name], [folder_id], [description], [created_by_name])
    VALUES (@environment_name, @folder_id, @environment_description, SUSER_SNAME());
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[delete_environment]
    @folder_name      nvarchar(4000),
    @environment_name nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @environment_id bigint;
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @environment_name IS NULL EXEC [internal].[null_argument] N'environment_name';
    EXEC [internal].[require_admin] N'delete an environment';
    BEGIN TRANSACTION;
    EXEC [internal].[environment_of] @folder_name, @environment_name, @environment_id OUTPUT;
    -- Its variables go with it; references to it stay (they hold its name, as in SSISDB).
    DELETE FROM [internal].[environments] WHERE [environment_id] = @environment_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[rename_environment]
    @folder_name          nvarchar(4000),
    @environment_name     nvarchar(4000),
    @new_environment_name nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @environment_id bigint, @folder_id bigint;
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @environment_name IS NULL EXEC [internal].[null_argument] N'environment_name';
    IF @new_environment_name IS NULL EXEC [internal].[null_argument] N'new_environment_name';
    IF [internal].[is_valid_name](@new_environment_name, 128) = 0
    BEGIN
        SET @message = CONCAT(N'''', LEFT(@new_environment_name, 128), N''' is not a valid environment name: a name has 1 to ',
            N'128 characters, no control characters, and does not begin or end with a blank.');
        EXEC [internal].[raise_error] 27142, @message;
    END;
    EXEC [internal].[require_admin] N'rename an environment';
    BEGIN TRANSACTION;
    EXEC [internal].[environment_of] @folder_name, @environment_name, @environment_id OUTPUT, @folder_id OUTPUT;
    IF EXISTS (SELECT 1 FROM [internal].[environments] WHERE [folder_id] = @folder_id AND [environment_name] = @new_environment_name)
    BEGIN
        SET @message = CONCAT(N'The environment ''', @new_environment_name, N''' already exists in folder ''', @folder_name,
            N'''. Pick another name.');
        EXEC [internal].[raise_error] 27157, @message;
    END;
    UPDATE [internal].[environments] SET [environment_name] = @new_environment_name WHERE [environment_id] = @environment_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[move_environment]
    @source_folder      nvarchar(4000),
    @environment_name   nvarchar(4000),
    @destination_folder nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @environment_id bigint, @target bigint;
    IF @source_folder IS NULL EXEC [internal].[null_argument] N'source_folder';
    IF @environment_name IS NULL EXEC [internal].[null_argument] N'environment_name';
    IF @destination_folder IS NULL EXEC [internal].[null_argument] N'destination_folder';
    EXEC [internal].[require_admin] N'move an environment';
    BEGIN TRANSACTION;
    EXEC [internal].[environment_of] @source_folder, @environment_name, @environment_id OUTPUT;
    EXEC [internal].[folder_id_of] @destination_folder, @target OUTPUT, 27115;
    IF EXISTS (SELECT 1 FROM [internal].[environments] WHERE [folder_id] = @target AND [environment_name] = @environment_name)
    BEGIN
        SET @message = CONCAT(N'The environment ''', @environment_name, N''' already exists in folder ''', @destination_folder,
            N'''. Rename one of them first.');
        EXEC [internal].[raise_error] 27157, @message;
    END;
    UPDATE [internal].[environments] SET [folder_id] = @target WHERE [environment_id] = @environment_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[set_environment_property]
    @folder_name      nvarchar(4000),
    @environment_name nvarchar(4000),
    @property_name    nvarchar(4000),
    @property_value   nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @environment_id bigint;
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @environment_name IS NULL EXEC [internal].[null_argument] N'environment_name';
    IF @property_name IS NULL EXEC [internal].[null_argument] N'property_name';
    IF UPPER(@property_name) <> N'DESCRIPTION'
    BEGIN
        SET @message = CONCAT(N'The value for @property_name is not valid: ''', LEFT(@property_name, 128),
            N'''. An environment has one property to set: Description.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    EXEC [internal].[require_valid_description] @property_value, N'property_value';
    EXEC [internal].[require_admin] N'change an environment';
    BEGIN TRANSACTION;
    EXEC [internal].[environment_of] @folder_name, @environment_name, @environment_id OUTPUT;
    UPDATE [internal].[environments] SET [description] = @property_value WHERE [environment_id] = @environment_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
-- Variables: typed (String, Int32, Int64, Double, Boolean, DateTime); a sensitive value is stored
-- encrypted, as sensitive parameter values are, and no view shows it.
CREATE PROCEDURE [catalog].[create_environment_variable]
    @folder_name      nvarchar(4000),
    @environment_name nvarchar(4000),
    @variable_name    nvarchar(4000),
    @data_type        nvarchar(4000),
    @sensitive        bit,
    @value            sql_variant,
    @description      nvarchar(max) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @environment_id bigint, @encrypted varbinary(8000),
            @text nvarchar(max) = CONVERT(nvarchar(max), @value);
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @environment_name IS NULL EXEC [internal].[null_argument] N'environment_name';
    IF @variable_name IS NULL EXEC [internal].[null_argument] N'variable_name';
    IF @data_type IS NULL EXEC [internal].[null_argument] N'data_type';
    IF @sensitive IS NULL EXEC [internal].[null_argument] N'sensitive';
    IF @value IS NULL EXEC [internal].[null_argument] N'value';
    SET @data_type = [internal].[canonical_type](@data_type);
    IF [internal].[is_valid_name](@variable_name, 128) = 0
    BEGIN
        SET @message = CONCAT(N'''', LEFT(@variable_name, 128), N''' is not a valid environment variable name: a name has 1 to ',
            N'128 characters, no control characters, and does not begin or end with a blank.');
        EXEC [internal].[raise_error] 27180, @message;
    END;
    EXEC [internal].[require_typed_value] @data_type, @text, N'environment variable';
    EXEC [internal].[require_valid_description] @description, N'description';
    EXEC [internal].[require_admin] N'create an environment variable';
    IF @sensitive = 1 EXEC [internal].[encrypt_sensitive] @text, @encrypted OUTPUT;
    BEGIN TRANSACTION;
    EXEC [internal].[environment_of] @folder_name, @environment_name, @environment_id OUTPUT;
    IF EXISTS (SELECT 1 FROM [internal].[environment_variables] WHERE [environment_id] = @environment_id AND [name] = @variable_name)
    BEGIN
        SET @message = CONCAT(N'The environment variable ''', @variable_name, N''' already exists in environment ''',
            @environment_name, N'''. Change its value with [catalog].[set_environment_variable_value].');
        EXEC [internal].[raise_error] 27173, @message;
    END;
    INSERT INTO [internal].[environment_variables] ([environment_id], [name], [description], [type], [sensitive], [value],
        [sensitive_value])
    VALUES (@environment_id, @variable_name, @description, @data_type, @sensitive,
            CASE WHEN @encrypted IS NULL THEN @text END, @encrypted);
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[set_environment_variable_value]
    @folder_name      nvarchar(4000),
    @environment_name nvarchar(4000),
    @variable_name    nvarchar(4000),
    @value            sql_variant
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @environment_id bigint, @variable_id bigint, @type nvarchar(128), @sensitive bit, @encrypted varbinary(8000),
            @text nvarchar(max) = CONVERT(nvarchar(max), @value);
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @environment_name IS NULL EXEC [internal].[null_argument] N'environment_name';
    IF @variable_name IS NULL EXEC [internal].[null_argument] N'variable_name';
    IF @value IS NULL EXEC [internal].[null_argument] N'value';
    EXEC [internal].[require_admin] N'change an environment variable';
    BEGIN TRANSACTION;
    EXEC [internal].[environment_of] @folder_name, @environment_name, @environment_id OUTPUT;
    EXEC [internal].[environment_variable_of] @environment_id, @environment_name, @variable_name, @variable_id OUTPUT,
        @type OUTPUT, @sensitive OUTPUT;
    EXEC [internal].[require_typed_value] @type, @text, N'environment variable';
    IF @sensitive = 1 EXEC [internal].[encrypt_sensitive] @text, @encrypted OUTPUT;
    UPDATE [internal].[environment_variables]
    SET [value] = CASE WHEN @encrypted IS NULL THEN @text END, [sensitive_value] = @encrypted
    WHERE [variable_id] = @variable_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
-- Properties: Description, Name (a rename) and Type (the value converted; 27210 if it cannot be).
CREATE PROCEDURE [catalog].[set_environment_variable_property]
    @folder_name      nvarchar(4000),
    @environment_name nvarchar(4000),
    @variable_name    nvarchar(4000),
    @property_name    nvarchar(4000),
    @property_value   nvarchar(max)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @environment_id bigint, @variable_id bigint, @type nvarchar(128), @sensitive bit,
            @property nvarchar(4000) = UPPER(@property_name), @current nvarchar(4000);
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @environment_name IS NULL EXEC [internal].[null_argument] N'environment_name';
    IF @variable_name IS NULL EXEC [internal].[null_argument] N'variable_name';
    IF @property_name IS NULL EXEC [internal].[null_argument] N'property_name';
    IF @property NOT IN (N'DESCRIPTION', N'NAME', N'TYPE')
    BEGIN
        SET @message = CONCAT(N'The value for @property_name is not valid: ''', LEFT(@property_name, 128),
            N'''. A variable''s properties are Description, Name and Type.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    IF @property = N'DESCRIPTION'
        EXEC [internal].[require_valid_description] @property_value, N'property_value';
    ELSE IF @property_value IS NULL
        EXEC [internal].[null_argument] N'property_value';
    IF @property = N'NAME' AND [internal].[is_valid_name](@property_value, 128) = 0
    BEGIN
        SET @message = CONCAT(N'''', LEFT(@property_value, 128), N''' is not a valid environment variable name: a name has 1 to ',
            N'128 characters, no control characters, and does not begin or end with a blank.');
        EXEC [internal].[raise_error] 27180, @message;
    END;
    IF @property = N'TYPE'
    BEGIN
        SET @property_value = [internal].[canonical_type](@property_value);
        EXEC [internal].[require_typed_value] @property_value, NULL, N'environment variable';
    END;
    EXEC [internal].[require_admin] N'change an environment variable';
    BEGIN TRANSACTION;
    EXEC [internal].[environment_of] @folder_name, @environment_name, @environment_id OUTPUT;
    EXEC [internal].[environment_variable_of] @environment_id, @environment_name, @variable_name, @variable_id OUTPUT,
        @type OUTPUT, @sensitive OUTPUT;
    IF @property = N'DESCRIPTION'
        UPDATE [internal].[environment_variables] SET [description] = @property_value WHERE [variable_id] = @variable_id;
    ELSE IF @property = N'NAME'
    BEGIN
        IF EXISTS (SELECT 1 FROM [internal].[environment_variables]
                   WHERE [environment_id] = @environment_id AND [name] = @property_value AND [variable_id] <> @variable_id)
        BEGIN
            SET @message = CONCAT(N'The environment variable ''', @property_value, N''' already exists in environment ''',
                @environment_name, N'''. Pick another name.');
            EXEC [internal].[raise_error] 27173, @message;
        END;
        UPDATE [internal].[environment_variables] SET [name] = @property_value WHERE [variable_id] = @variable_id;
    END
    ELSE
    BEGIN
        SELECT @current = COALESCE([value], [internal].[decrypt_sensitive]([sensitive_value]))
        FROM [internal].[environment_variables] WHERE [variable_id] = @variable_id;
        IF [internal].[is_valid_value](@property_value, @current) = 0
        BEGIN
            SET @message = CONCAT(N'Conversion failed when converting the ', @type, N' value of variable ''', @variable_name,
                N''' to data type ', @property_value, N'. Set a value of the new type first with ',
                N'[catalog].[set_environment_variable_value], or create a new variable.');
            EXEC [internal].[raise_error] 27210, @message;
        END;
        UPDATE [internal].[environment_variables] SET [type] = @property_value WHERE [variable_id] = @variable_id;
    END;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[set_environment_variable_protection]
    @folder_name      nvarchar(4000),
    @environment_name nvarchar(4000),
    @variable_name    nvarchar(4000),
    @sensitive        bit
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @environment_id bigint, @variable_id bigint, @type nvarchar(128), @was bit, @text nvarchar(4000),
            @encrypted varbinary(8000);
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @environment_name IS NULL EXEC [internal].[null_argument] N'environment_name';
    IF @variable_name IS NULL EXEC [internal].[null_argument] N'variable_name';
    IF @sensitive IS NULL EXEC [internal].[null_argument] N'sensitive';
    EXEC [internal].[require_admin] N'change an environment variable';
    BEGIN TRANSACTION;
    EXEC [internal].[environment_of] @folder_name, @environment_name, @environment_id OUTPUT;
    EXEC [internal].[environment_variable_of] @environment_id, @environment_name, @variable_name, @variable_id OUTPUT,
        @type OUTPUT, @was OUTPUT;
    IF @was <> @sensitive
    BEGIN
        SELECT @text = COALESCE([value], [internal].[decrypt_sensitive]([sensitive_value]))
        FROM [internal].[environment_variables] WHERE [variable_id] = @variable_id;
        IF @sensitive = 1 EXEC [internal].[encrypt_sensitive] @text, @encrypted OUTPUT;
        UPDATE [internal].[environment_variables]
        SET [sensitive] = @sensitive, [value] = CASE WHEN @encrypted IS NULL THEN @text END, [sensitive_value] = @encrypted
        WHERE [variable_id] = @variable_id;
    END;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[delete_environment_variable]
    @folder_name      nvarchar(4000),
    @environment_name nvarchar(4000),
    @variable_name    nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @environment_id bigint, @variable_id bigint;
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @environment_name IS NULL EXEC [internal].[null_argument] N'environment_name';
    IF @variable_name IS NULL EXEC [internal].[null_argument] N'variable_name';
    EXEC [internal].[require_admin] N'delete an environment variable';
    BEGIN TRANSACTION;
    EXEC [internal].[environment_of] @folder_name, @environment_name, @environment_id OUTPUT;
    EXEC [internal].[environment_variable_of] @environment_id, @environment_name, @variable_name, @variable_id OUTPUT;
    DELETE FROM [internal].[environment_variables] WHERE [variable_id] = @variable_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
-- References: 'R' finds the environment in the project's own folder, 'A' in @environment_folder_name.
CREATE PROCEDURE [catalog].[create_environment_reference]
    @folder_name             nvarchar(4000),
    @project_name            nvarchar(4000),
    @environment_name        nvarchar(4000),
    @reference_type          nvarchar(4000),
    @environment_folder_name nvarchar(4000) = NULL,
    @reference_id            bigint = NULL OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @project_id bigint, @environment_id bigint, @type char(1);
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @project_name IS NULL EXEC [internal].[null_argument] N'project_name';
    IF @environment_name IS NULL EXEC [internal].[null_argument] N'environment_name';
    IF @reference_type IS NULL EXEC [internal].[null_argument] N'reference_type';
    EXEC [internal].[require_reference_type] @reference_type, @environment_folder_name;
    SET @type = UPPER(@reference_type);
    EXEC [internal].[require_admin] N'create an environment reference';
    BEGIN TRANSACTION;
    EXEC [internal].[project_of] @folder_name, @project_name, @project_id OUTPUT;
    IF @type = 'A'
        EXEC [internal].[environment_of] @environment_folder_name, @environment_name, @environment_id OUTPUT;
    ELSE
        EXEC [internal].[environment_of] @folder_name, @environment_name, @environment_id OUTPUT;
    EXEC [internal].[require_new_reference] @project_id, @type, @environment_folder_name, @environment_name;
    INSERT INTO [internal].[environment_references] ([project_id], [reference_type], [environment_folder_name], [environment_name])
    VALUES (@project_id, @type, @environment_folder_name, @environment_name);
    SET @reference_id = SCOPE_IDENTITY();
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[delete_environment_reference]
    @reference_id bigint
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000);
    IF @reference_id IS NULL EXEC [internal].[null_argument] N'reference_id';
    EXEC [internal].[require_admin] N'delete an environment reference';
    DELETE FROM [internal].[environment_references] WHERE [reference_id] = @reference_id;
    IF @@ROWCOUNT = 0
    BEGIN
        SET @message = CONCAT(N'Cannot find the reference ''', @reference_id, N''' because it does not exist or you do not ',
            N'have sufficient permissions. See [catalog].[environment_references].');
        EXEC [internal].[raise_error] 27114, @message;
    END;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[set_environment_reference_type]
    @reference_id            bigint,
    @reference_type          nvarchar(4000),
    @environment_folder_name nvarchar(4000) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @project_id bigint, @environment_name nvarchar(128), @folder nvarchar(128),
            @environment_id bigint, @type char(1);
    IF @reference_id IS NULL EXEC [internal].[null_argument] N'reference_id';
    IF @reference_type IS NULL EXEC [internal].[null_argument] N'reference_type';
    EXEC [internal].[require_reference_type] @reference_type, @environment_folder_name;
    SET @type = UPPER(@reference_type);
    EXEC [internal].[require_admin] N'change an environment reference';
    BEGIN TRANSACTION;
    UPDATE [internal].[environment_references] SET [environment_name] = [environment_name] WHERE [reference_id] = @reference_id;
    SELECT @project_id = r.[project_id], @environment_name = r.[environment_name], @folder = f.[name]
    FROM [internal].[environment_references] AS r
    INNER JOIN [internal].[projects] AS p ON p.[project_id] = r.[project_id]
    INNER JOIN [internal].[folders] AS f ON f.[folder_id] = p.[folder_id]
    WHERE r.[reference_id] = @reference_id;
    IF @project_id IS NULL
    BEGIN
        SET @message = CONCAT(N'Cannot find the reference ''', @reference_id, N''' because it is not part of the project or ',
            N'you do not have sufficient permissions. See [catalog].[environment_references].');
        EXEC [internal].[raise_error] 27111, @message;
    END;
    IF @type = 'A'
        EXEC [internal].[environment_of] @environment_folder_name, @environment_name, @environment_id OUTPUT;
    ELSE
        EXEC [internal].[environment_of] @folder, @environment_name, @environment_id OUTPUT;
    EXEC [internal].[require_new_reference] @project_id, @type, @environment_folder_name, @environment_name, @reference_id;
    UPDATE [internal].[environment_references]
    SET [reference_type] = @type, [environment_folder_name] = @environment_folder_name
    WHERE [reference_id] = @reference_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
-- A value on a deployed parameter of the project's current version: 'V' a literal of the parameter's
-- type, 'R' the name of an environment variable that an execution's reference supplies.
CREATE PROCEDURE [catalog].[set_object_parameter_value]
    @object_type     smallint,
    @folder_name     nvarchar(4000),
    @project_name    nvarchar(4000),
    @parameter_name  nvarchar(4000),
    @parameter_value sql_variant,
    @object_name     nvarchar(4000) = NULL,
    @value_type      nvarchar(4000) = N'V'
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message nvarchar(2000), @parameter_id bigint, @data_type nvarchar(128), @sensitive bit,
            @encrypted varbinary(8000), @kind nvarchar(4000) = UPPER(ISNULL(@value_type, N'V')),
            @text nvarchar(max) = CONVERT(nvarchar(max), @parameter_value), @what nvarchar(300);
    IF @object_type IS NULL EXEC [internal].[null_argument] N'object_type';
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @project_name IS NULL EXEC [internal].[null_argument] N'project_name';
    IF @parameter_name IS NULL EXEC [internal].[null_argument] N'parameter_name';
    IF @parameter_value IS NULL EXEC [internal].[null_argument] N'parameter_value';
    EXEC [internal].[require_object_type] @object_type, @object_name;
    IF @kind NOT IN (N'V', N'R')
    BEGIN
        SET @message = CONCAT(N'The value for @value_type is not valid: ''', LEFT(@value_type, 16), N'''. Use V for a literal ',
            N'value, or R for the name of an environment variable.');
        EXEC [internal].[raise_error] 27101, @message;
    END;
    IF @kind = N'R' AND [internal].[is_valid_name](@text, 128) = 0
    BEGIN
        SET @message = CONCAT(N'''', LEFT(@text, 128), N''' is not a valid environment variable name: a name has 1 to 128 ',
            N'characters, no control characters, and does not begin or end with a blank.');
        EXEC [internal].[raise_error] 27180, @message;
    END;
    EXEC [internal].[require_admin] N'set a parameter value of a project';
    BEGIN TRANSACTION;
    EXEC [internal].[object_parameter_of] @folder_name, @project_name, @object_type, @object_name, @parameter_name,
        @parameter_id OUTPUT, @data_type OUTPUT, @sensitive OUTPUT;
    IF @kind = N'V'
    BEGIN
        SET @what = CONCAT(N'parameter ''', @parameter_name, N'''');
        EXEC [internal].[require_typed_value] @data_type, @text, @what;
        IF @sensitive = 1 EXEC [internal].[encrypt_sensitive] @text, @encrypted OUTPUT;
    END;
    UPDATE [internal].[object_parameters]
    SET [value_type] = @kind, [value_set] = 1,
        [server_value] = CASE WHEN @kind = N'V' AND @encrypted IS NULL THEN @text END,
        [sensitive_server_value] = @encrypted,
        [referenced_variable_name] = CASE WHEN @kind = N'R' THEN @text END
    WHERE [parameter_id] = @parameter_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO
CREATE PROCEDURE [catalog].[clear_object_parameter_value]
    @folder_name    nvarchar(4000),
    @project_name   nvarchar(4000),
    @object_type    smallint,
    @object_name    nvarchar(4000) = NULL,
    @parameter_name nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @parameter_id bigint;
    IF @folder_name IS NULL EXEC [internal].[null_argument] N'folder_name';
    IF @project_name IS NULL EXEC [internal].[null_argument] N'project_name';
    IF @object_type IS NULL EXEC [internal].[null_argument] N'object_type';
    IF @parameter_name IS NULL EXEC [internal].[null_argument] N'parameter_name';
    EXEC [internal].[require_object_type] @object_type, @object_name;
    EXEC [internal].[require_admin] N'clear a parameter value of a project';
    BEGIN TRANSACTION;
    EXEC [internal].[object_parameter_of] @folder_name, @project_name, @object_type, @object_name, @parameter_name,
        @parameter_id OUTPUT;
    UPDATE [internal].[object_parameters]
    SET [value_type] = 'V', [value_set] = 0, [server_value] = NULL, [sensitive_server_value] = NULL,
        [referenced_variable_name] = NULL
    WHERE [parameter_id] = @parameter_id;
    COMMIT TRANSACTION;
    RETURN 0;
END
GO

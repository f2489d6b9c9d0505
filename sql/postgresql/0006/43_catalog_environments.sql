-- scaleout_catalog, PostgreSQL, revision 0006: environments, their variables and the projects'
-- references to them (SSISDB's procedures, names and error numbers). Changing them takes ssis_admin
-- (SSISDB: MODIFY on the environment, CREATE_OBJECTS on its folder).

CREATE PROCEDURE catalog.create_environment(
    folder_name text,
    environment_name text,
    environment_description text DEFAULT NULL)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_folder_id bigint;
BEGIN
    PERFORM internal.require_not_null(create_environment.folder_name, 'folder_name');
    PERFORM internal.require_not_null(create_environment.environment_name, 'environment_name');
    IF NOT internal.is_valid_name(create_environment.environment_name, 128) THEN
        PERFORM internal.raise_error(27142, pg_catalog.format(
            '''%s'' is not a valid environment name: a name has 1 to 128 characters, no control characters, and does '
            'not begin or end with a blank.', left(create_environment.environment_name, 128)));
    END IF;
    PERFORM internal.require_valid_description(create_environment.environment_description, 'environment_description');
    PERFORM internal.require_admin('create an environment');
    v_folder_id := internal.folder_id_of(create_environment.folder_name);
    IF EXISTS (SELECT 1 FROM internal.environments AS e
               WHERE e.folder_id = v_folder_id AND e.environment_name = create_environment.environment_name) THEN
        PERFORM internal.raise_error(27157, pg_catalog.format(
            'The environment ''%s'' already exists in folder ''%s''. Pick another name, or change the existing one.',
            create_environment.environment_name, create_environment.folder_name));
    END IF;
    INSERT INTO internal.environments (environment_name, folder_id, description, created_by_name)
    VALUES (create_environment.environment_name, v_folder_id, create_environment.environment_description, session_user);
EXCEPTION
    WHEN unique_violation THEN     -- created by another session since the check
        PERFORM internal.raise_error(27157, pg_catalog.format(
            'The environment ''%s'' already exists in folder ''%s''. Pick another name, or change the existing one.',
            create_environment.environment_name, create_environment.folder_name));
END
$$;

CREATE PROCEDURE catalog.delete_environment(folder_name text, environment_name text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_env internal.environments;
BEGIN
    PERFORM internal.require_not_null(delete_environment.folder_name, 'folder_name');
    PERFORM internal.require_not_null(delete_environment.environment_name, 'environment_name');
    PERFORM internal.require_admin('delete an environment');
    v_env := internal.environment_of(delete_environment.folder_name, delete_environment.environment_name);
    -- Its variables go with it; references to it stay (they hold its name, as in SSISDB) and resolve
    -- again if an environment of that name is created there.
    DELETE FROM internal.environments WHERE environment_id = v_env.environment_id;
END
$$;

CREATE PROCEDURE catalog.rename_environment(folder_name text, environment_name text, new_environment_name text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_env internal.environments;
BEGIN
    PERFORM internal.require_not_null(rename_environment.folder_name, 'folder_name');
    PERFORM internal.require_not_null(rename_environment.environment_name, 'environment_name');
    PERFORM internal.require_not_null(rename_environment.new_environment_name, 'new_environment_name');
    IF NOT internal.is_valid_name(rename_environment.new_environment_name, 128) THEN
        PERFORM internal.raise_error(27142, pg_catalog.format(
            '''%s'' is not a valid environment name: a name has 1 to 128 characters, no control characters, and does '
            'not begin or end with a blank.', left(rename_environment.new_environment_name, 128)));
    END IF;
    PERFORM internal.require_admin('rename an environment');
    v_env := internal.environment_of(rename_environment.folder_name, rename_environment.environment_name);
    IF EXISTS (SELECT 1 FROM internal.environments AS e
               WHERE e.folder_id = v_env.folder_id AND e.environment_name = rename_environment.new_environment_name) THEN
        PERFORM internal.raise_error(27157, pg_catalog.format(
            'The environment ''%s'' already exists in folder ''%s''. Pick another name.',
            rename_environment.new_environment_name, rename_environment.folder_name));
    END IF;
    UPDATE internal.environments SET environment_name = rename_environment.new_environment_name
    WHERE environment_id = v_env.environment_id;
END
$$;

CREATE PROCEDURE catalog.move_environment(source_folder text, environment_name text, destination_folder text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_env    internal.environments;
    v_target bigint;
BEGIN
    PERFORM internal.require_not_null(move_environment.source_folder, 'source_folder');
    PERFORM internal.require_not_null(move_environment.environment_name, 'environment_name');
    PERFORM internal.require_not_null(move_environment.destination_folder, 'destination_folder');
    PERFORM internal.require_admin('move an environment');
    v_env := internal.environment_of(move_environment.source_folder, move_environment.environment_name);
    v_target := internal.folder_id_of(move_environment.destination_folder, 27115);
    IF EXISTS (SELECT 1 FROM internal.environments AS e
               WHERE e.folder_id = v_target AND e.environment_name = move_environment.environment_name) THEN
        PERFORM internal.raise_error(27157, pg_catalog.format(
            'The environment ''%s'' already exists in folder ''%s''. Rename one of them first.',
            move_environment.environment_name, move_environment.destination_folder));
    END IF;
    UPDATE internal.environments SET folder_id = v_target WHERE environment_id = v_env.environment_id;
END
$$;

CREATE PROCEDURE catalog.set_environment_property(
    folder_name text,
    environment_name text,
    property_name text,
    property_value text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_env internal.environments;
BEGIN
    PERFORM internal.require_not_null(set_environment_property.folder_name, 'folder_name');
    PERFORM internal.require_not_null(set_environment_property.environment_name, 'environment_name');
    PERFORM internal.require_not_null(set_environment_property.property_name, 'property_name');
    IF upper(set_environment_property.property_name) <> 'DESCRIPTION' THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for property_name is not valid: ''%s''. An environment has one property to set: Description.',
            left(set_environment_property.property_name, 128)));
    END IF;
    PERFORM internal.require_valid_description(set_environment_property.property_value, 'property_value');
    PERFORM internal.require_admin('change an environment');
    v_env := internal.environment_of(set_environment_property.folder_name, set_environment_property.environment_name);
    UPDATE internal.environments SET description = set_environment_property.property_value
    WHERE environment_id = v_env.environment_id;
END
$$;

-- Variables: typed (String, Int32, Int64, Double, Boolean, DateTime); a sensitive value is stored
-- encrypted, as sensitive parameter values are, and no view shows it.
CREATE PROCEDURE catalog.create_environment_variable(
    folder_name text,
    environment_name text,
    variable_name text,
    data_type text,
    sensitive boolean,
    value text,
    description text DEFAULT NULL)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_env internal.environments;
BEGIN
    PERFORM internal.require_not_null(create_environment_variable.folder_name, 'folder_name');
    PERFORM internal.require_not_null(create_environment_variable.environment_name, 'environment_name');
    PERFORM internal.require_not_null(create_environment_variable.variable_name, 'variable_name');
    PERFORM internal.require_not_null(create_environment_variable.data_type, 'data_type');
    PERFORM internal.require_not_null(create_environment_variable.sensitive, 'sensitive');
    PERFORM internal.require_not_null(create_environment_variable.value, 'value');
    IF NOT internal.is_valid_name(create_environment_variable.variable_name, 128) THEN
        PERFORM internal.raise_error(27180, pg_catalog.format(
            '''%s'' is not a valid environment variable name: a name has 1 to 128 characters, no control characters, '
            'and does not begin or end with a blank.', left(create_environment_variable.variable_name, 128)));
    END IF;
    PERFORM internal.require_typed_value(internal.canonical_type(create_environment_variable.data_type),
                                         create_environment_variable.value, 'environment variable');
    PERFORM internal.require_valid_description(create_environment_variable.description, 'description');
    PERFORM internal.require_admin('create an environment variable');
    v_env := internal.environment_of(create_environment_variable.folder_name, create_environment_variable.environment_name);
    IF EXISTS (SELECT 1 FROM internal.environment_variables AS v
               WHERE v.environment_id = v_env.environment_id AND v.name = create_environment_variable.variable_name) THEN
        PERFORM internal.raise_error(27173, pg_catalog.format(
            'The environment variable ''%s'' already exists in environment ''%s''. Change its value with '
            'catalog.set_environment_variable_value.', create_environment_variable.variable_name, v_env.environment_name));
    END IF;
    INSERT INTO internal.environment_variables (environment_id, name, description, type, sensitive, value, sensitive_value)
    VALUES (v_env.environment_id, create_environment_variable.variable_name, create_environment_variable.description,
            internal.canonical_type(create_environment_variable.data_type), create_environment_variable.sensitive,
            CASE WHEN create_environment_variable.sensitive THEN NULL ELSE create_environment_variable.value END,
            CASE WHEN create_environment_variable.sensitive
                 THEN internal.encrypt_sensitive(create_environment_variable.value) END);
END
$$;

CREATE PROCEDURE catalog.set_environment_variable_value(
    folder_name text,
    environment_name text,
    variable_name text,
    value text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_env internal.environments;
    v_var internal.environment_variables;
BEGIN
    PERFORM internal.require_not_null(set_environment_variable_value.folder_name, 'folder_name');
    PERFORM internal.require_not_null(set_environment_variable_value.environment_name, 'environment_name');
    PERFORM internal.require_not_null(set_environment_variable_value.variable_name, 'variable_name');
    PERFORM internal.require_not_null(set_environment_variable_value.value, 'value');
    PERFORM internal.require_admin('change an environment variable');
    v_env := internal.environment_of(set_environment_variable_value.folder_name, set_environment_variable_value.environment_name);
    v_var := internal.environment_variable_of(v_env, set_environment_variable_value.variable_name);
    PERFORM internal.require_typed_value(v_var.type, set_environment_variable_value.value, 'environment variable');
    UPDATE internal.environment_variables
    SET value = CASE WHEN sensitive THEN NULL ELSE set_environment_variable_value.value END,
        sensitive_value = CASE WHEN sensitive THEN internal.encrypt_sensitive(set_environment_variable_value.value) END
    WHERE variable_id = v_var.variable_id;
END
$$;

-- Properties: Description, Name (a rename) and Type (the value converted; 27210 if it cannot be).
CREATE PROCEDURE catalog.set_environment_variable_property(
    folder_name text,
    environment_name text,
    variable_name text,
    property_name text,
    property_value text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_env      internal.environments;
    v_var      internal.environment_variables;
    v_property text := upper(set_environment_variable_property.property_name);
    v_value    text;
BEGIN
    PERFORM internal.require_not_null(set_environment_variable_property.folder_name, 'folder_name');
    PERFORM internal.require_not_null(set_environment_variable_property.environment_name, 'environment_name');
    PERFORM internal.require_not_null(set_environment_variable_property.variable_name, 'variable_name');
    PERFORM internal.require_not_null(set_environment_variable_property.property_name, 'property_name');
    IF v_property NOT IN ('DESCRIPTION', 'NAME', 'TYPE') THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for property_name is not valid: ''%s''. A variable''s properties are Description, Name and Type.',
            left(set_environment_variable_property.property_name, 128)));
    END IF;
    IF v_property = 'DESCRIPTION' THEN
        PERFORM internal.require_valid_description(set_environment_variable_property.property_value, 'property_value');
    ELSIF v_property = 'NAME' THEN
        PERFORM internal.require_not_null(set_environment_variable_property.property_value, 'property_value');
        IF NOT internal.is_valid_name(set_environment_variable_property.property_value, 128) THEN
            PERFORM internal.raise_error(27180, pg_catalog.format(
                '''%s'' is not a valid environment variable name: a name has 1 to 128 characters, no control '
                'characters, and does not begin or end with a blank.',
                left(set_environment_variable_property.property_value, 128)));
        END IF;
    ELSE
        PERFORM internal.require_not_null(set_environment_variable_property.property_value, 'property_value');
        PERFORM internal.require_typed_value(internal.canonical_type(set_environment_variable_property.property_value), NULL,
                                             'environment variable');
    END IF;
    PERFORM internal.require_admin('change an environment variable');
    v_env := internal.environment_of(set_environment_variable_property.folder_name,
                                     set_environment_variable_property.environment_name);
    v_var := internal.environment_variable_of(v_env, set_environment_variable_property.variable_name);
    IF v_property = 'DESCRIPTION' THEN
        UPDATE internal.environment_variables SET description = set_environment_variable_property.property_value
        WHERE variable_id = v_var.variable_id;
    ELSIF v_property = 'NAME' THEN
        IF EXISTS (SELECT 1 FROM internal.environment_variables AS v
                   WHERE v.environment_id = v_env.environment_id AND v.name = set_environment_variable_property.property_value
                     AND v.variable_id <> v_var.variable_id) THEN
            PERFORM internal.raise_error(27173, pg_catalog.format(
                'The environment variable ''%s'' already exists in environment ''%s''. Pick another name.',
                set_environment_variable_property.property_value, v_env.environment_name));
        END IF;
        UPDATE internal.environment_variables SET name = set_environment_variable_property.property_value
        WHERE variable_id = v_var.variable_id;
    ELSE
        v_value := CASE WHEN v_var.sensitive THEN internal.decrypt_sensitive(v_var.sensitive_value) ELSE v_var.value END;
        IF NOT internal.is_valid_value(internal.canonical_type(set_environment_variable_property.property_value), v_value) THEN
            PERFORM internal.raise_error(27210, pg_catalog.format(
                'Conversion failed when converting the %s value of variable ''%s'' to data type %s. Set a value of '
                'the new type first with catalog.set_environment_variable_value, or create a new variable.',
                v_var.type, v_var.name, set_environment_variable_property.property_value));
        END IF;
        UPDATE internal.environment_variables SET type = internal.canonical_type(set_environment_variable_property.property_value)
        WHERE variable_id = v_var.variable_id;
    END IF;
END
$$;

CREATE PROCEDURE catalog.set_environment_variable_protection(
    folder_name text,
    environment_name text,
    variable_name text,
    sensitive boolean)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_env internal.environments;
    v_var internal.environment_variables;
BEGIN
    PERFORM internal.require_not_null(set_environment_variable_protection.folder_name, 'folder_name');
    PERFORM internal.require_not_null(set_environment_variable_protection.environment_name, 'environment_name');
    PERFORM internal.require_not_null(set_environment_variable_protection.variable_name, 'variable_name');
    PERFORM internal.require_not_null(set_environment_variable_protection.sensitive, 'sensitive');
    PERFORM internal.require_admin('change an environment variable');
    v_env := internal.environment_of(set_environment_variable_protection.folder_name,
                                     set_environment_variable_protection.environment_name);
    v_var := internal.environment_variable_of(v_env, set_environment_variable_protection.variable_name);
    IF v_var.sensitive = set_environment_variable_protection.sensitive THEN
        RETURN;
    END IF;
    UPDATE internal.environment_variables
    SET sensitive = set_environment_variable_protection.sensitive,
        value = CASE WHEN set_environment_variable_protection.sensitive THEN NULL
                     ELSE internal.decrypt_sensitive(v_var.sensitive_value) END,
        sensitive_value = CASE WHEN set_environment_variable_protection.sensitive
                               THEN internal.encrypt_sensitive(v_var.value) END
    WHERE variable_id = v_var.variable_id;
END
$$;

CREATE PROCEDURE catalog.delete_environment_variable(folder_name text, environment_name text, variable_name text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_env internal.environments;
    v_var internal.environment_variables;
BEGIN
    PERFORM internal.require_not_null(delete_environment_variable.folder_name, 'folder_name');
    PERFORM internal.require_not_null(delete_environment_variable.environment_name, 'environment_name');
    PERFORM internal.require_not_null(delete_environment_variable.variable_name, 'variable_name');
    PERFORM internal.require_admin('delete an environment variable');
    v_env := internal.environment_of(delete_environment_variable.folder_name, delete_environment_variable.environment_name);
    v_var := internal.environment_variable_of(v_env, delete_environment_variable.variable_name);
    DELETE FROM internal.environment_variables WHERE variable_id = v_var.variable_id;
END
$$;

-- References: 'R' finds the environment in the project's own folder, 'A' in environment_folder_name.
CREATE PROCEDURE catalog.create_environment_reference(
    folder_name text,
    project_name text,
    environment_name text,
    reference_type text,
    environment_folder_name text DEFAULT NULL,
    INOUT reference_id bigint DEFAULT NULL)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_project internal.projects;
BEGIN
    PERFORM internal.require_not_null(create_environment_reference.folder_name, 'folder_name');
    PERFORM internal.require_not_null(create_environment_reference.project_name, 'project_name');
    PERFORM internal.require_not_null(create_environment_reference.environment_name, 'environment_name');
    PERFORM internal.require_not_null(create_environment_reference.reference_type, 'reference_type');
    PERFORM internal.require_reference_type(create_environment_reference.reference_type,
                                            create_environment_reference.environment_folder_name);
    PERFORM internal.require_admin('create an environment reference');
    v_project := internal.project_of(create_environment_reference.folder_name, create_environment_reference.project_name);
    PERFORM internal.environment_of(
        CASE WHEN upper(create_environment_reference.reference_type) = 'A'
             THEN create_environment_reference.environment_folder_name ELSE create_environment_reference.folder_name END,
        create_environment_reference.environment_name);
    PERFORM internal.require_new_reference(v_project.project_id, upper(create_environment_reference.reference_type),
        create_environment_reference.environment_folder_name, create_environment_reference.environment_name, NULL);
    INSERT INTO internal.environment_references (project_id, reference_type, environment_folder_name, environment_name)
    VALUES (v_project.project_id, upper(create_environment_reference.reference_type),
            create_environment_reference.environment_folder_name, create_environment_reference.environment_name)
    RETURNING internal.environment_references.reference_id INTO create_environment_reference.reference_id;
END
$$;

CREATE PROCEDURE catalog.delete_environment_reference(reference_id bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    PERFORM internal.require_not_null(delete_environment_reference.reference_id, 'reference_id');
    PERFORM internal.require_admin('delete an environment reference');
    DELETE FROM internal.environment_references AS r WHERE r.reference_id = delete_environment_reference.reference_id;
    IF NOT FOUND THEN
        PERFORM internal.raise_error(27114, pg_catalog.format(
            'Cannot find the reference ''%s'' because it does not exist or you do not have sufficient permissions. '
            'See catalog.environment_references.', delete_environment_reference.reference_id));
    END IF;
END
$$;

CREATE PROCEDURE catalog.set_environment_reference_type(
    reference_id bigint,
    reference_type text,
    environment_folder_name text DEFAULT NULL)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_ref    internal.environment_references;
    v_folder text;
BEGIN
    PERFORM internal.require_not_null(set_environment_reference_type.reference_id, 'reference_id');
    PERFORM internal.require_not_null(set_environment_reference_type.reference_type, 'reference_type');
    PERFORM internal.require_reference_type(set_environment_reference_type.reference_type,
                                            set_environment_reference_type.environment_folder_name);
    PERFORM internal.require_admin('change an environment reference');
    SELECT * INTO v_ref FROM internal.environment_references AS r
    WHERE r.reference_id = set_environment_reference_type.reference_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM internal.raise_error(27111, pg_catalog.format(
            'Cannot find the reference ''%s'' because it is not part of the project or you do not have sufficient '
            'permissions. See catalog.environment_references.', set_environment_reference_type.reference_id));
    END IF;
    SELECT f.name INTO v_folder FROM internal.projects AS p JOIN internal.folders AS f ON f.folder_id = p.folder_id
    WHERE p.project_id = v_ref.project_id;
    PERFORM internal.environment_of(
        CASE WHEN upper(set_environment_reference_type.reference_type) = 'A'
             THEN set_environment_reference_type.environment_folder_name ELSE v_folder END,
        v_ref.environment_name);
    PERFORM internal.require_new_reference(v_ref.project_id, upper(set_environment_reference_type.reference_type),
        set_environment_reference_type.environment_folder_name, v_ref.environment_name, v_ref.reference_id);
    UPDATE internal.environment_references AS r
    SET reference_type = upper(set_environment_reference_type.reference_type),
        environment_folder_name = set_environment_reference_type.environment_folder_name
    WHERE r.reference_id = v_ref.reference_id;
END
$$;

-- A value on a deployed parameter of the project's current version: 'V' a literal of the parameter's
-- type, 'R' the name of an environment variable that an execution's reference supplies.
CREATE PROCEDURE catalog.set_object_parameter_value(
    object_type smallint,
    folder_name text,
    project_name text,
    parameter_name text,
    parameter_value text,
    object_name text DEFAULT NULL,
    value_type text DEFAULT 'V')
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_param internal.object_parameters;
    v_kind  text := upper(coalesce(set_object_parameter_value.value_type, 'V'));
BEGIN
    PERFORM internal.require_not_null(set_object_parameter_value.object_type, 'object_type');
    PERFORM internal.require_not_null(set_object_parameter_value.folder_name, 'folder_name');
    PERFORM internal.require_not_null(set_object_parameter_value.project_name, 'project_name');
    PERFORM internal.require_not_null(set_object_parameter_value.parameter_name, 'parameter_name');
    PERFORM internal.require_not_null(set_object_parameter_value.parameter_value, 'parameter_value');
    PERFORM internal.require_object_type(set_object_parameter_value.object_type, set_object_parameter_value.object_name);
    IF v_kind NOT IN ('V', 'R') THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for value_type is not valid: ''%s''. Use V for a literal value, or R for the name of an '
            'environment variable.', left(set_object_parameter_value.value_type, 16)));
    END IF;
    IF v_kind = 'R' AND NOT internal.is_valid_name(set_object_parameter_value.parameter_value, 128) THEN
        PERFORM internal.raise_error(27180, pg_catalog.format(
            '''%s'' is not a valid environment variable name: a name has 1 to 128 characters, no control characters, '
            'and does not begin or end with a blank.', left(set_object_parameter_value.parameter_value, 128)));
    END IF;
    PERFORM internal.require_admin('set a parameter value of a project');
    v_param := internal.object_parameter_of(set_object_parameter_value.folder_name, set_object_parameter_value.project_name,
        set_object_parameter_value.object_type, set_object_parameter_value.object_name,
        set_object_parameter_value.parameter_name);
    IF v_kind = 'V' THEN
        PERFORM internal.require_typed_value(v_param.data_type, set_object_parameter_value.parameter_value,
                                             pg_catalog.format('parameter ''%s''', v_param.parameter_name));
    END IF;
    UPDATE internal.object_parameters
    SET value_type = v_kind, value_set = true,
        server_value = CASE WHEN v_kind = 'V' AND NOT sensitive THEN set_object_parameter_value.parameter_value END,
        sensitive_server_value = CASE WHEN v_kind = 'V' AND sensitive
                                      THEN internal.encrypt_sensitive(set_object_parameter_value.parameter_value) END,
        referenced_variable_name = CASE WHEN v_kind = 'R' THEN set_object_parameter_value.parameter_value END
    WHERE parameter_id = v_param.parameter_id;
END
$$;

CREATE PROCEDURE catalog.clear_object_parameter_value(
    folder_name text,
    project_name text,
    object_type smallint,
    object_name text DEFAULT NULL,
    parameter_name text DEFAULT NULL)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_param internal.object_parameters;
BEGIN
    PERFORM internal.require_not_null(clear_object_parameter_value.folder_name, 'folder_name');
    PERFORM internal.require_not_null(clear_object_parameter_value.project_name, 'project_name');
    PERFORM internal.require_not_null(clear_object_parameter_value.object_type, 'object_type');
    PERFORM internal.require_not_null(clear_object_parameter_value.parameter_name, 'parameter_name');
    PERFORM internal.require_object_type(clear_object_parameter_value.object_type, clear_object_parameter_value.object_name);
    PERFORM internal.require_admin('clear a parameter value of a project');
    v_param := internal.object_parameter_of(clear_object_parameter_value.folder_name, clear_object_parameter_value.project_name,
        clear_object_parameter_value.object_type, clear_object_parameter_value.object_name,
        clear_object_parameter_value.parameter_name);
    UPDATE internal.object_parameters
    SET value_type = 'V', value_set = false, server_value = NULL, sensitive_server_value = NULL,
        referenced_variable_name = NULL
    WHERE parameter_id = v_param.parameter_id;
END
$$;

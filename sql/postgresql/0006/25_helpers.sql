-- scaleout_catalog, PostgreSQL, revision 0006: helpers for environments and parameter values.

-- A name as require_valid_name wants it, as a test: its check and SSIS's own numbers for an invalid
-- environment (27142) or variable (27180) name share it.
CREATE FUNCTION internal.is_valid_name(p_value text, p_max integer)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT p_value <> '' AND length(p_value) <= p_max AND NOT internal.has_control_characters(p_value, false)
       AND p_value = btrim(p_value, E' \t\u00a0\u3000')
$$;

CREATE OR REPLACE FUNCTION internal.require_valid_name(p_value text, p_name text, p_max integer)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM internal.require_not_null(p_value, p_name);
    IF NOT internal.is_valid_name(p_value, p_max) THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for %s is not valid: a name has 1 to %s characters, no control characters, and does not '
            'begin or end with a blank. Pass another name.', p_name, p_max));
    END IF;
END
$$;

-- A description: at most 1024 characters (SSISDB's nvarchar(1024)), no control characters but line breaks.
CREATE FUNCTION internal.require_valid_description(p_value text, p_name text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF length(p_value) > 1024 OR internal.has_control_characters(p_value, true) THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for %s is not valid: a description has at most 1024 characters and no control characters '
            'other than tabs and line breaks.', p_name));
    END IF;
END
$$;

-- A folder by name; 27104, or p_number (27115 for the target of a move), when there is none.
CREATE FUNCTION internal.folder_id_of(p_folder_name text, p_number integer DEFAULT 27104)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT folder_id INTO v_id FROM internal.folders WHERE name = p_folder_name;
    IF v_id IS NULL THEN
        PERFORM internal.raise_error(p_number, pg_catalog.format(
            CASE WHEN p_number = 27115 THEN 'Cannot find the target folder ''%s'' because it does not exist or you do not have '
                                            'sufficient permissions. See catalog.folders, or create it with catalog.create_folder.'
                 ELSE 'Cannot find the folder ''%s'' because it does not exist or you do not have sufficient permissions. '
                      'See catalog.folders.' END, p_folder_name));
    END IF;
    RETURN v_id;
END
$$;

-- An environment by folder and name, locked for the caller's change; 27104 or 27182 when there is none.
CREATE FUNCTION internal.environment_of(p_folder_name text, p_environment_name text)
RETURNS internal.environments
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_folder_id bigint := internal.folder_id_of(p_folder_name);
    v_env       internal.environments;
BEGIN
    SELECT * INTO v_env FROM internal.environments
    WHERE folder_id = v_folder_id AND environment_name = p_environment_name
    FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM internal.raise_error(27182, pg_catalog.format(
            'The environment ''%s'' does not exist in folder ''%s'' or you have not been granted the appropriate '
            'permissions to access it. See catalog.environments, or create it with catalog.create_environment.',
            p_environment_name, p_folder_name));
    END IF;
    RETURN v_env;
END
$$;

-- A variable of an environment, locked; 27183 when there is none.
CREATE FUNCTION internal.environment_variable_of(p_env internal.environments, p_variable_name text)
RETURNS internal.environment_variables
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_var internal.environment_variables;
BEGIN
    SELECT * INTO v_var FROM internal.environment_variables
    WHERE environment_id = p_env.environment_id AND name = p_variable_name
    FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM internal.raise_error(27183, pg_catalog.format(
            'The environment variable ''%s'' does not exist in environment ''%s'' or you have not been granted the '
            'appropriate permissions to access it. See catalog.environment_variables.',
            p_variable_name, p_env.environment_name));
    END IF;
    RETURN v_var;
END
$$;

-- A value for a variable or parameter of SSIS type p_type: 27159 for a type the catalog does not
-- hold, 27147 for a value that is not of it, 27101 for one longer than 4000 characters.
CREATE FUNCTION internal.require_typed_value(p_type text, p_value text, p_what text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_type IS NULL OR p_type NOT IN ('String', 'Int32', 'Int64', 'Double', 'Boolean', 'DateTime') THEN
        PERFORM internal.raise_error(27159, pg_catalog.format(
            'Data type of the input value is not supported: ''%s''. Use String, Int32, Int64, Double, Boolean or DateTime.',
            p_type));
    END IF;
    IF length(p_value) > 4000 THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for %s is not valid: it is longer than 4000 characters.', p_what));
    END IF;
    IF NOT internal.is_valid_value(p_type, p_value) THEN
        PERFORM internal.raise_error(27147, pg_catalog.format(
            'The data type of the input value is not compatible with the data type of the %s: it takes a %s '
            '(%s).', p_what, p_type,
            CASE p_type WHEN 'Boolean' THEN 'true, false, 1 or 0'
                        WHEN 'DateTime' THEN 'an ISO 8601 date and time, such as 2026-01-31T23:00:00'
                        WHEN 'Double' THEN 'a finite decimal number'
                        ELSE 'whole numbers in its range' END));
    END IF;
END
$$;

-- A project by folder and name; 27104 or 27109 when there is none.
CREATE FUNCTION internal.project_of(p_folder_name text, p_project_name text)
RETURNS internal.projects
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_folder_id bigint := internal.folder_id_of(p_folder_name);
    v_project   internal.projects;
BEGIN
    SELECT * INTO v_project FROM internal.projects WHERE folder_id = v_folder_id AND name = p_project_name
    FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM internal.raise_error(27109, pg_catalog.format(
            'Cannot find the project ''%s'' in folder ''%s'' because it does not exist or you do not have sufficient '
            'permissions. See catalog.projects, or deploy it first.', p_project_name, p_folder_name));
    END IF;
    RETURN v_project;
END
$$;

-- The environment a reference names, if it exists: relative ('R') in the project's folder, absolute
-- ('A') in environment_folder_name. References hold names, as SSISDB's do.
CREATE FUNCTION internal.referenced_environment_id(p_reference_id bigint)
RETURNS bigint
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT e.environment_id
    FROM internal.environment_references AS r
    JOIN internal.projects AS p ON p.project_id = r.project_id
    JOIN internal.folders AS f ON (r.reference_type = 'R' AND f.folder_id = p.folder_id)
                               OR (r.reference_type = 'A' AND f.name = r.environment_folder_name)
    JOIN internal.environments AS e ON e.folder_id = f.folder_id AND e.environment_name = r.environment_name
    WHERE r.reference_id = p_reference_id
$$;

-- The values an execution starts with, for a project version's parameters (20) and one package's (30),
-- in SSIS's order of precedence (set_execution_parameter_value comes after, and beats them all):
--   a parameter bound to a variable ('R'): the variable's value in p_environment_id; without one, no
--     value when it is required (start_execution then refuses with 27184), else its design default;
--   a value set on the server ('V', value_set): that value;
--   otherwise the design default.
-- Sensitive values come out encrypted (sensitive_parameter_value), as internal.encrypt_sensitive keeps them.
CREATE FUNCTION internal.starting_parameter_values(p_lsn bigint, p_package_name text, p_environment_id bigint)
RETURNS TABLE (object_type smallint, data_type text, parameter_name text, parameter_value text,
               sensitive_parameter_value bytea, sensitive boolean, required boolean, value_set boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT op.object_type, op.data_type, op.parameter_name,
           CASE WHEN s.sensitive THEN NULL ELSE s.plain END,
           CASE WHEN s.sensitive THEN coalesce(s.encrypted, internal.encrypt_sensitive(s.plain)) END,
           s.sensitive, op.required, s.is_set
    FROM internal.object_parameters AS op
    LEFT JOIN internal.environment_variables AS v
        ON op.value_type = 'R' AND v.environment_id = p_environment_id AND v.name = op.referenced_variable_name
    CROSS JOIN LATERAL (
        SELECT op.sensitive OR coalesce(v.sensitive, false) AS sensitive,
               CASE WHEN op.value_type = 'R' AND v.variable_id IS NOT NULL THEN v.value
                    WHEN op.value_type = 'R' AND op.required THEN NULL
                    WHEN op.value_type = 'V' AND op.value_set THEN op.server_value
                    ELSE op.default_value END AS plain,
               CASE WHEN op.value_type = 'R' AND v.variable_id IS NOT NULL THEN v.sensitive_value
                    WHEN op.value_type = 'V' AND op.value_set THEN op.sensitive_server_value END AS encrypted,
               CASE WHEN op.value_type = 'R' AND v.variable_id IS NOT NULL THEN true
                    WHEN op.value_type = 'R' AND op.required THEN false
                    WHEN op.value_type = 'V' AND op.value_set THEN true
                    ELSE op.default_value IS NOT NULL END AS is_set
    ) AS s
    WHERE op.project_version_lsn = p_lsn AND (op.object_type = 20 OR op.object_name = p_package_name)
$$;

-- A reference's type and folder: 'R' (relative: no folder) or 'A' (absolute: a folder), either case.
CREATE FUNCTION internal.require_reference_type(p_type text, p_folder_name text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF upper(p_type) NOT IN ('R', 'A') THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for reference_type is not valid: ''%s''. Use R for an environment in the project''s own folder, '
            'or A with environment_folder_name for one in another folder.', left(p_type, 16)));
    END IF;
    IF upper(p_type) = 'A' THEN
        PERFORM internal.require_not_null(p_folder_name, 'environment_folder_name');
    ELSIF p_folder_name IS NOT NULL THEN
        PERFORM internal.raise_error(27101,
            'The value for environment_folder_name is not valid: a relative reference (R) finds its environment in '
            'the project''s own folder. Pass environment_folder_name = NULL, or use reference_type A.');
    END IF;
END
$$;

-- 27204 when the project already has that reference (other than p_except_id).
CREATE FUNCTION internal.require_new_reference(p_project_id bigint, p_type text, p_folder_name text,
                                               p_environment_name text, p_except_id bigint)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM internal.environment_references AS r
               WHERE r.project_id = p_project_id AND r.reference_type = p_type
                 AND r.environment_folder_name IS NOT DISTINCT FROM p_folder_name
                 AND r.environment_name = p_environment_name
                 AND r.reference_id IS DISTINCT FROM p_except_id) THEN
        PERFORM internal.raise_error(27204, pg_catalog.format(
            'Failed to create environment reference. This project already has a reference to the environment ''%s''. '
            'See catalog.environment_references.', p_environment_name));
    END IF;
END
$$;

-- A deployed parameter's object: 20 (the project) or 30 (a package, named by object_name).
CREATE FUNCTION internal.require_object_type(p_object_type smallint, p_object_name text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_object_type NOT IN (20, 30) THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value %s for object_type is not supported. Use 20 for a project parameter, or 30 with object_name '
            'for a package parameter.', p_object_type));
    END IF;
    IF p_object_type = 30 THEN
        PERFORM internal.require_not_null(p_object_name, 'object_name');
    END IF;
END
$$;

-- A parameter of the project's current version, locked; 27104, 27109 or 27106 when there is none.
CREATE FUNCTION internal.object_parameter_of(p_folder_name text, p_project_name text, p_object_type smallint,
                                             p_object_name text, p_parameter_name text)
RETURNS internal.object_parameters
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_project internal.projects := internal.project_of(p_folder_name, p_project_name);
    v_param   internal.object_parameters;
BEGIN
    SELECT * INTO v_param FROM internal.object_parameters AS op
    WHERE op.project_version_lsn = v_project.object_version_lsn AND op.object_type = p_object_type
      AND op.object_name = CASE WHEN p_object_type = 20 THEN v_project.name ELSE p_object_name END
      AND op.parameter_name = p_parameter_name
    FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM internal.raise_error(27106, pg_catalog.format(
            'Cannot find the parameter ''%s'' because it does not exist in %s. See catalog.object_parameters.',
            p_parameter_name, CASE WHEN p_object_type = 20 THEN pg_catalog.format('project ''%s''', p_project_name)
                                   ELSE pg_catalog.format('package ''%s'' of project ''%s''', p_object_name, p_project_name) END));
    END IF;
    RETURN v_param;
END
$$;

-- An SSIS data type name as the catalog spells it (SSISDB reads them in any case): 'int32' is Int32.
-- Another name comes back as given, for require_typed_value to refuse.
CREATE FUNCTION internal.canonical_type(p_type text)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce((SELECT t FROM unnest(ARRAY['String', 'Int32', 'Int64', 'Double', 'Boolean', 'DateTime']) AS t
                     WHERE lower(t) = lower(p_type)), p_type)
$$;

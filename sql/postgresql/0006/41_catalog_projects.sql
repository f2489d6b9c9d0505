-- scaleout_catalog, PostgreSQL, revision 0006: a new version of a project keeps the values set on the
-- server for its parameters.

-- The values set on the server for p_from_lsn's parameters, copied to p_to_lsn's parameters of the same
-- object, name, type and sensitivity (SSISDB does the same on a restore).
CREATE FUNCTION internal.carry_parameter_values(p_from_lsn bigint, p_to_lsn bigint)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    UPDATE internal.object_parameters AS n
    SET value_type = o.value_type, value_set = o.value_set, server_value = o.server_value,
        sensitive_server_value = o.sensitive_server_value, referenced_variable_name = o.referenced_variable_name
    FROM internal.object_parameters AS o
    WHERE o.project_version_lsn = p_from_lsn AND n.project_version_lsn = p_to_lsn AND o.value_set
      AND n.object_type = o.object_type AND n.object_name = o.object_name AND n.parameter_name = o.parameter_name
      AND n.data_type = o.data_type AND n.sensitive = o.sensitive
$$;

-- Keeps a project's MAX_PROJECT_VERSIONS most recent versions (deployed or restored last, as SSISDB's
-- cleanup ranks them), never its current one nor one that an unfinished execution still needs.
CREATE FUNCTION internal.prune_project_versions(p_project_id bigint)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    DELETE FROM internal.object_versions AS v
    WHERE v.project_id = p_project_id
      AND v.object_version_lsn NOT IN (
          SELECT k.object_version_lsn FROM internal.object_versions AS k WHERE k.project_id = p_project_id
          ORDER BY coalesce(k.last_restored_time, k.created_time) DESC, k.object_version_lsn DESC
          LIMIT internal.catalog_property_int('MAX_PROJECT_VERSIONS'))
      AND v.object_version_lsn <> (SELECT p.object_version_lsn FROM internal.projects AS p WHERE p.project_id = p_project_id)
      AND NOT EXISTS (SELECT 1 FROM internal.executions AS e
                      JOIN internal.operations AS o ON o.operation_id = e.execution_id
                      WHERE e.project_lsn = v.object_version_lsn AND o.end_time IS NULL)
$$;

CREATE OR REPLACE PROCEDURE catalog.deploy_project(
    folder_name text,
    project_name text,
    project_stream bytea,
    INOUT operation_id bigint DEFAULT NULL,
    project_manifest text DEFAULT NULL)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_manifest   jsonb;
    v_folder_id  bigint;
    v_project_id bigint;
    v_lsn        bigint;
    v_package    jsonb;
BEGIN
    PERFORM internal.require_not_null(deploy_project.folder_name, 'folder_name');
    PERFORM internal.require_not_null(deploy_project.project_name, 'project_name');
    PERFORM internal.require_not_null(deploy_project.project_stream, 'project_stream');
    PERFORM internal.require_not_null(deploy_project.project_manifest, 'project_manifest');
    PERFORM internal.require_valid_name(deploy_project.folder_name, 'folder_name', 128);
    PERFORM internal.require_valid_name(deploy_project.project_name, 'project_name', 128);
    -- A zip archive starts with a local file header (or, empty, with the end of central directory);
    -- the worker checks every member again before it extracts one.
    IF substr(deploy_project.project_stream, 1, 4) NOT IN ('\x504b0304'::bytea, '\x504b0506'::bytea) THEN
        PERFORM internal.raise_error(27101,
            'The value for project_stream is not a project archive (a zip file). Deploy with scaleout deploy, which builds it.');
    END IF;
    BEGIN
        v_manifest := deploy_project.project_manifest::jsonb;
    EXCEPTION WHEN invalid_text_representation THEN
        PERFORM internal.raise_error(27101, 'The value for project_manifest is not valid JSON. Pass the manifest as a JSON object.');
    END;
    IF jsonb_typeof(v_manifest) <> 'object' THEN
        PERFORM internal.raise_error(27101, 'The value for project_manifest must be a JSON object.');
    END IF;
    IF v_manifest->>'name' IS DISTINCT FROM deploy_project.project_name THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The project_name ''%s'' does not match the name ''%s'' in the project manifest. Deploy under the manifest''s name.',
            deploy_project.project_name, coalesce(v_manifest->>'name', '')));
    END IF;
    IF jsonb_typeof(v_manifest->'packages') IS DISTINCT FROM 'array' OR jsonb_array_length(v_manifest->'packages') = 0 THEN
        PERFORM internal.raise_error(27101, 'The project manifest declares no packages. Declare at least one package with its entry point.');
    END IF;
    PERFORM internal.validate_manifest_parameters(v_manifest->'parameters', 'the project');
    FOR v_package IN SELECT value FROM jsonb_array_elements(v_manifest->'packages') LOOP
        IF jsonb_typeof(v_package) <> 'object' OR jsonb_typeof(v_package->'name') IS DISTINCT FROM 'string' THEN
            PERFORM internal.raise_error(27101, 'A package in the project manifest has no name. Give every package a name.');
        END IF;
        PERFORM internal.require_valid_name(v_package->>'name', 'package name ' || pg_catalog.quote_literal(left(v_package->>'name', 40)), 260);
        IF coalesce(v_package->>'entry_point', '') !~ '^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$' THEN
            PERFORM internal.raise_error(27101, pg_catalog.format(
                'The package %s has the entry point ''%s''. An entry point has the form module:function.',
                v_package->>'name', coalesce(v_package->>'entry_point', '')));
        END IF;
        PERFORM internal.validate_manifest_parameters(v_package->'parameters', 'package ' || (v_package->>'name'));
    END LOOP;
    IF (SELECT count(*) <> count(DISTINCT value->>'name') FROM jsonb_array_elements(v_manifest->'packages')) THEN
        PERFORM internal.raise_error(27101, 'Two packages in the project manifest have the same name.');
    END IF;
    PERFORM internal.require_admin('deploy a project');

    SELECT f.folder_id INTO v_folder_id FROM internal.folders AS f WHERE f.name = deploy_project.folder_name;
    IF v_folder_id IS NULL THEN
        PERFORM internal.raise_error(27104, pg_catalog.format(
            'Cannot find the folder ''%s'' because it does not exist or you do not have sufficient permissions. '
            'Create it with catalog.create_folder.', deploy_project.folder_name));
    END IF;

    SELECT p.project_id INTO v_project_id FROM internal.projects AS p
    WHERE p.folder_id = v_folder_id AND p.name = deploy_project.project_name
    FOR UPDATE;
    IF v_project_id IS NULL THEN
        INSERT INTO internal.projects (folder_id, name, description, deployed_by_name)
        VALUES (v_folder_id, deploy_project.project_name, v_manifest->>'description', session_user)
        RETURNING project_id INTO v_project_id;
    END IF;

    INSERT INTO internal.object_versions (project_id, version, project_stream, project_checksum, created_by)
    VALUES (v_project_id, v_manifest->>'version', deploy_project.project_stream,
            encode(sha256(deploy_project.project_stream), 'hex'), session_user)
    RETURNING object_version_lsn INTO v_lsn;

    INSERT INTO internal.packages (project_version_lsn, name, entry_point, description)
    SELECT v_lsn, value->>'name', value->>'entry_point', value->>'description'
    FROM jsonb_array_elements(v_manifest->'packages');

    INSERT INTO internal.object_parameters (project_version_lsn, object_type, object_name, parameter_name,
        data_type, required, sensitive, default_value, description)
    SELECT v_lsn, 20, deploy_project.project_name, value->>'name', value->>'type',
           coalesce((value->>'required')::boolean, false), coalesce((value->>'sensitive')::boolean, false),
           value->>'default', value->>'description'
    FROM jsonb_array_elements(coalesce(v_manifest->'parameters', '[]'::jsonb))
    UNION ALL
    SELECT v_lsn, 30, pk.value->>'name', pp.value->>'name', pp.value->>'type',
           coalesce((pp.value->>'required')::boolean, false), coalesce((pp.value->>'sensitive')::boolean, false),
           pp.value->>'default', pp.value->>'description'
    FROM jsonb_array_elements(v_manifest->'packages') AS pk,
         jsonb_array_elements(coalesce(pk.value->'parameters', '[]'::jsonb)) AS pp;

    -- Values set on the server (catalog.set_object_parameter_value) carry over to the new version.
    PERFORM internal.carry_parameter_values((SELECT p.object_version_lsn FROM internal.projects AS p
                                             WHERE p.project_id = v_project_id), v_lsn);

    UPDATE internal.projects
    SET object_version_lsn = v_lsn, description = v_manifest->>'description',
        deployed_by_name = session_user, last_deployed_time = now()
    WHERE project_id = v_project_id;

    PERFORM internal.prune_project_versions(v_project_id);

    INSERT INTO internal.operations (operation_type, object_type, object_id, object_name, status,
        start_time, end_time, caller_name)
    VALUES (101, 20, v_project_id, deploy_project.project_name, 7, now(), now(), session_user)
    RETURNING internal.operations.operation_id INTO deploy_project.operation_id;
EXCEPTION
    WHEN invalid_text_representation THEN
        -- a manifest flag such as "required": "maybe"
        PERFORM internal.raise_error(27101, 'A required or sensitive flag in the project manifest is not true or false.');
END
$$;

-- Project versions and management (SSISDB's procedures and numbers). An admin's, as deploying is.
CREATE PROCEDURE catalog.restore_project(folder_name text, project_name text, object_version_lsn bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_project internal.projects;
BEGIN
    PERFORM internal.require_not_null(restore_project.folder_name, 'folder_name');
    PERFORM internal.require_not_null(restore_project.project_name, 'project_name');
    PERFORM internal.require_not_null(restore_project.object_version_lsn, 'object_version_lsn');
    PERFORM internal.require_admin('restore a project');
    v_project := internal.project_of(restore_project.folder_name, restore_project.project_name);
    IF NOT EXISTS (SELECT 1 FROM internal.object_versions AS v
                   WHERE v.object_version_lsn = restore_project.object_version_lsn AND v.project_id = v_project.project_id) THEN
        PERFORM internal.raise_error(27179, pg_catalog.format(
            'The object version %s does not match the project ''%s'' or you do not have sufficient permissions. '
            'See its versions in catalog.object_versions.', restore_project.object_version_lsn, restore_project.project_name));
    END IF;
    IF v_project.object_version_lsn = restore_project.object_version_lsn THEN
        PERFORM internal.raise_error(27155, pg_catalog.format(
            'Project restore has failed: version %s is already the current version of project ''%s''.',
            restore_project.object_version_lsn, restore_project.project_name));
    END IF;
    -- Values set on the server move to the restored version, as SSISDB's restore does.
    PERFORM internal.carry_parameter_values(v_project.object_version_lsn, restore_project.object_version_lsn);
    UPDATE internal.projects SET object_version_lsn = restore_project.object_version_lsn
    WHERE project_id = v_project.project_id;
    UPDATE internal.object_versions AS v SET restored_by = session_user, last_restored_time = now()
    WHERE v.object_version_lsn = restore_project.object_version_lsn;
    INSERT INTO internal.operations (operation_type, object_type, object_id, object_name, status, start_time, end_time,
        caller_name)
    VALUES (106, 20, v_project.project_id, restore_project.project_name, 7, now(), now(), session_user);
END
$$;

-- The archive of the project's current version, as deployed.
CREATE FUNCTION catalog.get_project(folder_name text, project_name text)
RETURNS TABLE (project_stream bytea)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_project internal.projects;
BEGIN
    PERFORM internal.require_not_null(get_project.folder_name, 'folder_name');
    PERFORM internal.require_not_null(get_project.project_name, 'project_name');
    IF NOT internal.caller_in_role('ssis_cluster_executor') THEN
        PERFORM internal.raise_error(27109, pg_catalog.format(
            'Cannot find the project ''%s'' because it does not exist or you do not have sufficient permissions: reading '
            'a project takes ssis_cluster_executor or ssis_admin.', get_project.project_name));
    END IF;
    v_project := internal.project_of(get_project.folder_name, get_project.project_name);
    RETURN QUERY SELECT v.project_stream FROM internal.object_versions AS v
                 WHERE v.object_version_lsn = v_project.object_version_lsn;
END
$$;

CREATE PROCEDURE catalog.delete_project(folder_name text, project_name text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_project internal.projects;
BEGIN
    PERFORM internal.require_not_null(delete_project.folder_name, 'folder_name');
    PERFORM internal.require_not_null(delete_project.project_name, 'project_name');
    PERFORM internal.require_admin('delete a project');
    v_project := internal.project_of(delete_project.folder_name, delete_project.project_name);
    IF EXISTS (SELECT 1 FROM internal.executions AS e JOIN internal.operations AS o ON o.operation_id = e.execution_id
               WHERE e.project_id = v_project.project_id AND o.end_time IS NULL AND o.status IN (2, 5, 8)) THEN
        PERFORM internal.raise_error(27149, pg_catalog.format(
            'The project ''%s'' cannot be deleted now: executions of it are pending or running. Wait until they end, '
            'or stop them with catalog.stop_operation, and try again.', delete_project.project_name));
    END IF;
    -- Its versions, packages, parameters and environment references go with it; executions keep its name.
    DELETE FROM internal.projects WHERE project_id = v_project.project_id;
END
$$;

CREATE PROCEDURE catalog.move_project(source_folder text, project_name text, destination_folder text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_project internal.projects;
    v_target  bigint;
BEGIN
    PERFORM internal.require_not_null(move_project.source_folder, 'source_folder');
    PERFORM internal.require_not_null(move_project.project_name, 'project_name');
    PERFORM internal.require_not_null(move_project.destination_folder, 'destination_folder');
    PERFORM internal.require_admin('move a project');
    v_project := internal.project_of(move_project.source_folder, move_project.project_name);
    v_target := internal.folder_id_of(move_project.destination_folder, 27115);
    IF EXISTS (SELECT 1 FROM internal.projects AS p WHERE p.folder_id = v_target AND p.name = move_project.project_name) THEN
        PERFORM internal.raise_error(27181, pg_catalog.format(
            'The project ''%s'' already exists in folder ''%s''. Delete or move that one first.',
            move_project.project_name, move_project.destination_folder));
    END IF;
    UPDATE internal.projects SET folder_id = v_target WHERE project_id = v_project.project_id;
END
$$;

-- Folders: an admin's (SSISDB: 27188 for anyone else).
CREATE PROCEDURE catalog.delete_folder(folder_name text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_folder_id bigint;
BEGIN
    PERFORM internal.require_not_null(delete_folder.folder_name, 'folder_name');
    PERFORM internal.require_admin('delete a folder');
    v_folder_id := internal.folder_id_of(delete_folder.folder_name);
    PERFORM 1 FROM internal.folders WHERE folder_id = v_folder_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM internal.projects WHERE folder_id = v_folder_id)
       OR EXISTS (SELECT 1 FROM internal.environments WHERE folder_id = v_folder_id) THEN
        PERFORM internal.raise_error(27196, pg_catalog.format(
            'Failed to delete the folder ''%s'' because it is not empty. Only empty folders can be deleted: delete or '
            'move its projects and environments first.', delete_folder.folder_name));
    END IF;
    DELETE FROM internal.folders WHERE folder_id = v_folder_id;
END
$$;

CREATE PROCEDURE catalog.rename_folder(old_name text, new_name text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_folder_id bigint;
BEGIN
    PERFORM internal.require_not_null(rename_folder.old_name, 'old_name');
    PERFORM internal.require_not_null(rename_folder.new_name, 'new_name');
    IF NOT internal.is_valid_name(rename_folder.new_name, 128) THEN
        PERFORM internal.raise_error(27199, pg_catalog.format(
            '''%s'' is not a valid folder name: a name has 1 to 128 characters, no control characters, and does not '
            'begin or end with a blank.', left(rename_folder.new_name, 128)));
    END IF;
    PERFORM internal.require_admin('rename a folder');
    v_folder_id := internal.folder_id_of(rename_folder.old_name);
    IF rename_folder.new_name = rename_folder.old_name THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM internal.folders WHERE name = rename_folder.new_name) THEN
        PERFORM internal.raise_error(27129, pg_catalog.format(
            'The folder ''%s'' already exists. Pick another name.', rename_folder.new_name));
    END IF;
    UPDATE internal.folders SET name = rename_folder.new_name WHERE folder_id = v_folder_id;
END
$$;

CREATE PROCEDURE catalog.set_folder_description(folder_name text, folder_description text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_folder_id bigint;
BEGIN
    PERFORM internal.require_not_null(set_folder_description.folder_name, 'folder_name');
    PERFORM internal.require_valid_description(set_folder_description.folder_description, 'folder_description');
    PERFORM internal.require_admin('describe a folder');
    v_folder_id := internal.folder_id_of(set_folder_description.folder_name);
    UPDATE internal.folders SET description = set_folder_description.folder_description WHERE folder_id = v_folder_id;
END
$$;

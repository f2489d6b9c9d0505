-- scaleout_catalog, PostgreSQL, revision 0005: a worker disabled for a changed certificate says so
-- (internal.worker_agents.disabled_reason), for catalog.execution_waits.

-- Registration and heartbeat (SSIS: internal.update_worker_agent_status).
-- An enabled worker that comes back with a different certificate thumbprint (one it did
-- not announce with announce_worker_certificate) is disabled until an admin enables it
-- again; the new thumbprint is shown in catalog.worker_agents for the admin to check.
CREATE OR REPLACE FUNCTION internal.update_worker_agent_status(
    worker_agent_id uuid,
    machine_name text,
    display_name text DEFAULT NULL,
    tags text DEFAULT NULL,
    max_tasks integer DEFAULT NULL,
    certificate_thumbprint text DEFAULT NULL)
RETURNS TABLE (is_enabled integer, lease_seconds integer, online_window_seconds integer, warning text)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    v_worker  internal.worker_agents;
    v_warning text;
BEGIN
    PERFORM internal.require_worker_agent_id(update_worker_agent_status.worker_agent_id, 'worker_agent_id');
    PERFORM internal.require_valid_name(update_worker_agent_status.machine_name, 'machine_name', 256);
    IF update_worker_agent_status.display_name IS NOT NULL THEN
        PERFORM internal.require_valid_name(update_worker_agent_status.display_name, 'display_name', 256);
    END IF;
    IF internal.has_control_characters(update_worker_agent_status.tags, false) OR length(update_worker_agent_status.tags) > 4000 THEN
        PERFORM internal.raise_error(27101, 'The value for tags is not valid: up to 4000 characters, no control characters.');
    END IF;
    IF length(update_worker_agent_status.certificate_thumbprint) > 128 THEN
        PERFORM internal.raise_error(27101, 'The value for certificate_thumbprint is longer than 128 characters. Pass the certificate''s SHA-256 thumbprint.');
    END IF;
    IF update_worker_agent_status.max_tasks IS NOT NULL AND update_worker_agent_status.max_tasks NOT BETWEEN 1 AND 1024 THEN
        PERFORM internal.raise_error(27101, 'The value for max_tasks is not valid. Pass a whole number from 1 to 1024.');
    END IF;
    PERFORM internal.take_pulse();
    SELECT * INTO v_worker FROM internal.worker_agents AS w
    WHERE w.worker_agent_id = update_worker_agent_status.worker_agent_id FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO internal.worker_agents (worker_agent_id, display_name, machine_name, tags, user_account,
            max_tasks, certificate_thumbprint)
        VALUES (update_worker_agent_status.worker_agent_id,
                coalesce(update_worker_agent_status.display_name, update_worker_agent_status.machine_name),
                update_worker_agent_status.machine_name, update_worker_agent_status.tags, session_user,
                update_worker_agent_status.max_tasks, update_worker_agent_status.certificate_thumbprint)
        ON CONFLICT DO NOTHING;
    ELSE
        IF v_worker.user_account <> session_user AND NOT internal.caller_is_admin() THEN
            PERFORM internal.worker_agent_not_found(update_worker_agent_status.worker_agent_id);
        END IF;
        IF update_worker_agent_status.certificate_thumbprint IS DISTINCT FROM v_worker.certificate_thumbprint
           AND update_worker_agent_status.certificate_thumbprint IS NOT NULL
           AND v_worker.certificate_thumbprint IS NOT NULL
           AND update_worker_agent_status.certificate_thumbprint IS DISTINCT FROM v_worker.next_certificate_thumbprint
           AND v_worker.is_enabled THEN
            v_warning := pg_catalog.format(
                'Worker agent %s registered with certificate thumbprint %s instead of %s, so it was disabled. '
                'Check the certificate, then enable it again with catalog.enable_worker_agent.',
                v_worker.worker_agent_id, update_worker_agent_status.certificate_thumbprint,
                v_worker.certificate_thumbprint);
            RAISE WARNING '%', v_warning;
            UPDATE internal.worker_agents AS w SET is_enabled = false, disabled_reason = 'certificate'
            WHERE w.worker_agent_id = update_worker_agent_status.worker_agent_id;
        END IF;
        UPDATE internal.worker_agents AS w
        SET last_online_time = now(),
            next_certificate_thumbprint = CASE
                WHEN update_worker_agent_status.certificate_thumbprint = w.next_certificate_thumbprint THEN NULL
                ELSE w.next_certificate_thumbprint END,
            machine_name = update_worker_agent_status.machine_name,
            display_name = coalesce(update_worker_agent_status.display_name, w.display_name),
            tags = coalesce(update_worker_agent_status.tags, w.tags),
            max_tasks = coalesce(update_worker_agent_status.max_tasks, w.max_tasks),
            certificate_thumbprint = coalesce(update_worker_agent_status.certificate_thumbprint, w.certificate_thumbprint)
        WHERE w.worker_agent_id = update_worker_agent_status.worker_agent_id;
    END IF;
    RETURN QUERY
    SELECT w.is_enabled::integer,
           internal.catalog_property_int('WORKER_LEASE_SECONDS'),
           internal.catalog_property_int('WORKER_ONLINE_WINDOW_SECONDS'),
           v_warning
    FROM internal.worker_agents AS w WHERE w.worker_agent_id = update_worker_agent_status.worker_agent_id;
END
$$;

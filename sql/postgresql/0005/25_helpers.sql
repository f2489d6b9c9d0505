-- scaleout_catalog, PostgreSQL, revision 0005: enabling or disabling a worker clears why it was disabled.

-- Enables or disables a worker (catalog.enable_worker_agent and catalog.disable_worker_agent).
CREATE OR REPLACE FUNCTION internal.set_worker_agent_enabled(p_worker_agent_id uuid, p_enabled boolean)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM internal.require_worker_agent_id(p_worker_agent_id, 'worker_agent_id');
    PERFORM internal.require_admin(CASE WHEN p_enabled THEN 'enable' ELSE 'disable' END || ' a worker agent');
    -- Disabling, as in SSIS, lets running tasks finish; the worker simply gets no new ones.
    -- An admin's decision replaces the reason a worker was disabled for.
    UPDATE internal.worker_agents SET is_enabled = p_enabled, disabled_reason = NULL
    WHERE worker_agent_id = p_worker_agent_id;
    IF NOT FOUND THEN
        PERFORM internal.worker_agent_not_found(p_worker_agent_id);
    END IF;
END
$$;

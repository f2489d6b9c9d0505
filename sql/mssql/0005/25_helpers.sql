-- scaleout_catalog, SQL Server, revision 0005: enabling or disabling a worker clears why it was disabled.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
ALTER PROCEDURE [internal].[set_worker_agent_enabled]
    @WorkerAgentId uniqueidentifier,
    @Enabled       bit
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @operation nvarchar(256) = CONCAT(CASE WHEN @Enabled = 1 THEN N'enable' ELSE N'disable' END, N' a worker agent');
    EXEC [internal].[require_worker_agent_id] @WorkerAgentId, N'WorkerAgentId';
    EXEC [internal].[require_admin] @operation;
    -- Disabling, as in SSIS, lets running tasks finish; the worker simply gets no new ones.
    -- An admin's decision replaces the reason a worker was disabled for.
    UPDATE [internal].[worker_agents] SET [is_enabled] = @Enabled, [disabled_reason] = NULL
    WHERE [worker_agent_id] = @WorkerAgentId;
    IF @@ROWCOUNT = 0 EXEC [internal].[worker_agent_not_found] @WorkerAgentId;
END
GO

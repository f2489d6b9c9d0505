-- scaleout_catalog, SQL Server, revision 0009: nothing here. PostgreSQL's 0009 rewrites two helpers
-- that it planned again on every call (a LANGUAGE sql function with a SET clause); SQL Server compiles
-- [internal].[starting_parameter_values] and the system parameters' VALUES into the calling procedure's
-- plan, which it keeps.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO

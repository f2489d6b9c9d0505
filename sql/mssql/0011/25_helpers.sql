-- scaleout_catalog, SQL Server, revision 0011: nothing here. PostgreSQL's 0011 rewrites two permission
-- checks that it planned again on every call (LANGUAGE sql functions with a subquery, which it cannot
-- inline); SQL Server keeps the plans of [internal].[caller_has_permission_row] and its callers already.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO

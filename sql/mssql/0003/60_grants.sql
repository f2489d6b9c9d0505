-- scaleout_catalog, SQL Server, revision 0003: nothing new to grant (ALTER PROCEDURE keeps the grants
-- of the worker procedures it redefines).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO

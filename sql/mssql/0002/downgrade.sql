-- scaleout_catalog, SQL Server: removes revision 0002. What it redefined is put back from 0001 after this.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
DROP PROCEDURE IF EXISTS [internal].[get_held_tasks];
DROP PROCEDURE IF EXISTS [internal].[require_json_array];
DROP PROCEDURE IF EXISTS [internal].[require_valid_name];
DROP PROCEDURE IF EXISTS [internal].[take_pulse];
DROP FUNCTION IF EXISTS [internal].[has_control_characters];
DROP TABLE IF EXISTS [internal].[catalog_pulse];
GO

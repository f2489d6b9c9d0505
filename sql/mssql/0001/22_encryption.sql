-- scaleout_catalog, SQL Server: protection of sensitive parameter values.
-- SQL Server and Azure SQL Managed Instance: encrypted as SSISDB does it, with a symmetric key
-- (AES-256) protected by a certificate in the catalog database, the certificate by the database
-- master key. Callers get no permission on either; only the two helpers below, which run as the
-- owner, encrypt and decrypt. The ciphertext goes to sensitive_parameter_value.
-- Babelfish has no master key, certificate, symmetric key or EXECUTE AS (and converts nvarchar to
-- varbinary through a single-byte code page), so there a sensitive value stays in parameter_value,
-- unencrypted, protected by permissions alone (no role may read the tables; every view shows it as
-- NULL), as on a PostgreSQL without pgcrypto: encrypt_sensitive returns NULL, meaning "keep the text".
-- catalog_properties SENSITIVE_VALUE_ENCRYPTION says which is in force (AES_256 or none).
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- Everything SQL Server-only goes through sp_executesql, so that Babelfish (which has not even
-- sys.symmetric_keys) and the T-SQL linter never parse it.
IF SERVERPROPERTY('Babelfish') IS NULL
BEGIN
    EXEC sys.sp_executesql N'IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE [name] = N''##MS_DatabaseMasterKey##'')
BEGIN
    DECLARE @password nvarchar(128) = CONCAT(CONVERT(nvarchar(36), NEWID()), N''#Aa1'', CONVERT(nvarchar(36), NEWID()));
    DECLARE @sql nvarchar(max) = CONCAT(N''CREATE MASTER KEY ENCRYPTION BY PASSWORD = '', QUOTENAME(@password, CHAR(39)), N'';'');
    EXEC sys.sp_executesql @sql;
END;';
    EXEC sys.sp_executesql N'CREATE CERTIFICATE [scaleout_sensitive_values]
        WITH SUBJECT = N''scaleout_catalog sensitive parameter values'';';
    EXEC sys.sp_executesql N'CREATE SYMMETRIC KEY [scaleout_sensitive_values] WITH ALGORITHM = AES_256
        ENCRYPTION BY CERTIFICATE [scaleout_sensitive_values];';
END;
GO
INSERT INTO [internal].[catalog_properties] ([property_name], [property_value])
VALUES (N'SENSITIVE_VALUE_ENCRYPTION', CASE WHEN SERVERPROPERTY('Babelfish') IS NULL THEN N'AES_256' ELSE N'none' END);
GO
-- The forms for Babelfish: nothing is encrypted. On SQL Server they are altered just below.
CREATE PROCEDURE [internal].[encrypt_sensitive]
    @Value     nvarchar(4000),
    @Encrypted varbinary(8000) OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET @Encrypted = NULL;
END
GO
CREATE FUNCTION [internal].[decrypt_sensitive] (@Value varbinary(8000))
RETURNS nvarchar(4000)
AS
BEGIN
    RETURN NULL;
END
GO
IF SERVERPROPERTY('Babelfish') IS NULL
BEGIN
    -- An opened key stays open for the session, so the dynamic OPEN serves the next statement.
    EXEC sys.sp_executesql N'ALTER PROCEDURE [internal].[encrypt_sensitive]
    @Value     nvarchar(4000),
    @Encrypted varbinary(8000) OUTPUT
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    EXEC sys.sp_executesql N''OPEN SYMMETRIC KEY [scaleout_sensitive_values]
        DECRYPTION BY CERTIFICATE [scaleout_sensitive_values];'';
    SET @Encrypted = ENCRYPTBYKEY(KEY_GUID(N''scaleout_sensitive_values''), @Value);
    EXEC sys.sp_executesql N''CLOSE SYMMETRIC KEY [scaleout_sensitive_values];'';
END';
    EXEC sys.sp_executesql N'ALTER FUNCTION [internal].[decrypt_sensitive] (@Value varbinary(8000))
RETURNS nvarchar(4000)
WITH EXECUTE AS OWNER
AS
BEGIN
    RETURN CONVERT(nvarchar(4000), DECRYPTBYKEYAUTOCERT(CERT_ID(N''scaleout_sensitive_values''), NULL, @Value));
END';
END;
GO

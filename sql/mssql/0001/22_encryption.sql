-- scaleout_catalog, SQL Server: encryption of sensitive parameter values, as SSISDB does it:
-- a symmetric key (AES-256) protected by a certificate in the catalog database, the
-- certificate by the database master key. Callers get no permission on either; only
-- the two helpers below, which run as the owner, encrypt and decrypt.
SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE [name] = N'##MS_DatabaseMasterKey##')
BEGIN
    DECLARE @password nvarchar(128) = CONCAT(CONVERT(nvarchar(36), NEWID()), N'#Aa1', CONVERT(nvarchar(36), NEWID()));
    DECLARE @sql nvarchar(max) = CONCAT(N'CREATE MASTER KEY ENCRYPTION BY PASSWORD = ', QUOTENAME(@password, N''''), N';');
    EXEC sys.sp_executesql @sql;
END;
GO
-- Key statements go through sp_executesql only so that the T-SQL linter can parse this file.
EXEC sys.sp_executesql N'CREATE CERTIFICATE [scaleout_sensitive_values]
    WITH SUBJECT = N''scaleout_catalog sensitive parameter values'';';
EXEC sys.sp_executesql N'CREATE SYMMETRIC KEY [scaleout_sensitive_values] WITH ALGORITHM = AES_256
    ENCRYPTION BY CERTIFICATE [scaleout_sensitive_values];';
GO
INSERT INTO [internal].[catalog_properties] ([property_name], [property_value])
VALUES (N'SENSITIVE_VALUE_ENCRYPTION', N'AES_256');
GO
CREATE PROCEDURE [internal].[encrypt_sensitive]
    @Value     nvarchar(4000),
    @Encrypted varbinary(8000) OUTPUT
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    -- An opened key stays open for the session, so the dynamic OPEN serves the next statement.
    EXEC sys.sp_executesql N'OPEN SYMMETRIC KEY [scaleout_sensitive_values]
        DECRYPTION BY CERTIFICATE [scaleout_sensitive_values];';
    SET @Encrypted = ENCRYPTBYKEY(KEY_GUID(N'scaleout_sensitive_values'), @Value);
    EXEC sys.sp_executesql N'CLOSE SYMMETRIC KEY [scaleout_sensitive_values];';
END
GO
CREATE FUNCTION [internal].[decrypt_sensitive] (@Value varbinary(8000))
RETURNS nvarchar(4000)
WITH EXECUTE AS OWNER
AS
BEGIN
    RETURN CONVERT(nvarchar(4000), DECRYPTBYKEYAUTOCERT(CERT_ID(N'scaleout_sensitive_values'), NULL, @Value));
END
GO

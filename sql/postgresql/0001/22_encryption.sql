-- scaleout_catalog, PostgreSQL: encryption of sensitive parameter values.
-- Values are encrypted with pgcrypto (pgp_sym_encrypt, AES-256) under a key made at
-- install and kept in internal.encryption_keys, which no role is granted: only the
-- SECURITY DEFINER procedures, running as the catalog's owner, encrypt and decrypt.
-- A server without pgcrypto (the embedded PostgreSQL wheel ships none) stores them
-- unencrypted; catalog_properties SENSITIVE_VALUE_ENCRYPTION says which it is.
-- Stored form: one marker byte (1 = pgcrypto, 0 = plain), then the bytes.

CREATE TABLE internal.encryption_keys (
    key_name  text PRIMARY KEY,
    key_value text NOT NULL
);

INSERT INTO internal.encryption_keys (key_name, key_value)
VALUES ('sensitive_values', replace(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pgcrypto')
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'pgcrypto') THEN
        BEGIN
            CREATE EXTENSION pgcrypto SCHEMA internal;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'pgcrypto could not be created (%); sensitive parameter values will be stored unencrypted. '
                          'Run CREATE EXTENSION pgcrypto as a superuser, then upgrade again.', SQLERRM;
        END;
    END IF;
    INSERT INTO internal.catalog_properties (property_name, property_value)
    VALUES ('SENSITIVE_VALUE_ENCRYPTION',
            CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pgcrypto')
                 THEN 'pgcrypto' ELSE 'none' END);
END
$$;

-- The schema pgcrypto lives in, or NULL without it.
CREATE FUNCTION internal.pgcrypto_schema()
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT e.extnamespace::regnamespace::text FROM pg_catalog.pg_extension AS e WHERE e.extname = 'pgcrypto' $$;

CREATE FUNCTION internal.encrypt_sensitive(p_value text)
RETURNS bytea
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_schema text := internal.pgcrypto_schema();
    v_out    bytea;
BEGIN
    IF p_value IS NULL THEN
        RETURN NULL;
    END IF;
    IF v_schema IS NULL THEN
        RETURN '\x00'::bytea || convert_to(p_value, 'UTF8');
    END IF;
    EXECUTE pg_catalog.format('SELECT %I.pgp_sym_encrypt($1, $2, %L)', v_schema, 'cipher-algo=aes256')
        INTO v_out
        USING p_value, (SELECT key_value FROM internal.encryption_keys WHERE key_name = 'sensitive_values');
    RETURN '\x01'::bytea || v_out;
END
$$;

CREATE FUNCTION internal.decrypt_sensitive(p_value bytea)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_out text;
BEGIN
    IF p_value IS NULL THEN
        RETURN NULL;
    END IF;
    IF get_byte(p_value, 0) = 0 THEN
        RETURN convert_from(substring(p_value FROM 2), 'UTF8');
    END IF;
    EXECUTE pg_catalog.format('SELECT %I.pgp_sym_decrypt($1, $2)', internal.pgcrypto_schema())
        INTO v_out
        USING substring(p_value FROM 2), (SELECT key_value FROM internal.encryption_keys WHERE key_name = 'sensitive_values');
    RETURN v_out;
END
$$;

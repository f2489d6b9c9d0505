-- scaleout_catalog, PostgreSQL, revision 0002: helpers for strict names and values, and the pulse.

-- Leases are measured in database time, but a holder can renew only while it reaches the database.
-- Every worker call that could expire a lease (the sweep) or that proves a worker alive (heartbeat,
-- claim, renewal) takes the pulse first. When no worker at all was heard for longer than half a lease,
-- the database (or the network to every worker) was down: that silence is added to every lease that
-- was still running when it began, so an outage expires no healthy lease. A worker cut off alone is
-- not credited, because the others keep the pulse, so fencing stays exact. Running workers call in at
-- least every quarter lease, so a working fleet never looks silent.
CREATE FUNCTION internal.take_pulse()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_lease    numeric := internal.catalog_property_int('WORKER_LEASE_SECONDS');
    v_throttle interval := make_interval(secs => least(1.0, v_lease / 8.0));
    v_last     timestamptz;
BEGIN
    SELECT last_pulse_time INTO v_last FROM internal.catalog_pulse WHERE pulse_id = 1;
    IF v_last IS NULL OR v_last > now() - v_throttle THEN
        RETURN;   -- the hot path: at most a few writes a second
    END IF;
    -- Compare and set: of sessions that read the same pulse, one moves it and credits the silence.
    UPDATE internal.catalog_pulse SET last_pulse_time = now() WHERE pulse_id = 1 AND last_pulse_time = v_last;
    IF FOUND AND now() - v_last > make_interval(secs => v_lease / 2.0) THEN
        UPDATE internal.tasks SET expired_time = expired_time + (now() - v_last)
        WHERE status = 2 AND expired_time > v_last;
    END IF;
END
$$;

-- Whether p_value holds a control character (C0, DEL, C1); tab and line breaks are allowed with p_allow_breaks.
CREATE FUNCTION internal.has_control_characters(p_value text, p_allow_breaks boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN p_allow_breaks THEN p_value ~ '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]'
                ELSE p_value ~ '[\x01-\x1f\x7f-\x9f]' END
$$;

-- Names of folders, projects, packages and workers: not NULL, 1 to p_max characters, no control
-- characters, no leading or trailing blanks (two names that differ only by a space are a trap).
CREATE FUNCTION internal.require_valid_name(p_value text, p_name text, p_max integer)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM internal.require_not_null(p_value, p_name);
    IF p_value = '' OR length(p_value) > p_max OR internal.has_control_characters(p_value, false)
       OR p_value <> btrim(p_value, E' \t\u00a0\u3000') THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for %s is not valid: a name has 1 to %s characters, no control characters, and does not '
            'begin or end with a blank. Pass another name.', p_name, p_max));
    END IF;
END
$$;

-- True when p_value is a valid literal of the SSIS data type p_type. The forms are the ones both
-- dialects read alike: ASCII digits, finite decimal numbers, ISO 8601 dates and times.
CREATE OR REPLACE FUNCTION internal.is_valid_value(p_type text, p_value text)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF p_value IS NULL THEN
        RETURN true;
    END IF;
    CASE p_type
        WHEN 'String' THEN RETURN true;
        WHEN 'Int32' THEN RETURN p_value ~ '^\s*[-+]?[0-9]{1,19}\s*$' AND p_value::numeric BETWEEN -2147483648 AND 2147483647;
        WHEN 'Int64' THEN RETURN p_value ~ '^\s*[-+]?[0-9]{1,19}\s*$' AND p_value::numeric BETWEEN -9223372036854775808 AND 9223372036854775807;
        WHEN 'Double' THEN
            RETURN p_value ~ '^\s*[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]{1,3})?\s*$'
               AND p_value::double precision NOT IN ('Infinity'::double precision, '-Infinity'::double precision);
        WHEN 'Boolean' THEN RETURN lower(btrim(p_value)) IN ('true', 'false', '1', '0');
        WHEN 'DateTime' THEN
            RETURN p_value ~ '^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?)?(Z|[-+][0-9]{2}:[0-9]{2})?\s*$'
               AND p_value::timestamptz IS NOT NULL
               AND substr(btrim(p_value), 1, 4)::integer BETWEEN 1 AND 9999;
        ELSE RETURN false;
    END CASE;
EXCEPTION
    WHEN invalid_text_representation OR datetime_field_overflow OR invalid_datetime_format
      OR numeric_value_out_of_range THEN
        RETURN false;
END
$$;

-- A JSON parameter of a worker procedure: valid JSON, an array, every element an object.
CREATE FUNCTION internal.require_json_array(p_value text, p_name text, p_example text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_json json;
BEGIN
    PERFORM internal.require_not_null(p_value, p_name);
    BEGIN
        v_json := p_value::json;
    EXCEPTION WHEN data_exception THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for %s is not valid JSON (%s). Pass an array such as %s.', p_name, SQLERRM, p_example));
    END;
    IF json_typeof(v_json) <> 'array'
       OR EXISTS (SELECT 1 FROM json_array_elements(v_json) AS e WHERE json_typeof(e.value) <> 'object') THEN
        PERFORM internal.raise_error(27101, pg_catalog.format(
            'The value for %s must be a JSON array of objects, such as %s.', p_name, p_example));
    END IF;
END
$$;

-- Every code on the wire in one casing, lower_snake_case (issue 15; docs/api.md explains the rule). The
-- statuses and the timeline's events were written in capitals (AFGEROND), every other code in small
-- letters (te_laat_verzenden): they are now `afgerond` and `verzonden` too. The rows follow, and so
-- does every function and index of this schema that names one.
--
-- The functions and indexes are rewritten from their own definitions, with each code in small letters,
-- rather than copied here: 027's and 029's functions are long, and a copy could drift from what is
-- installed. A code appears in them as a quoted literal ('AFGEROND', or ''AFGEROND'' inside a string)
-- and in the name of a key figure's column ("status_AFGEROND", 027), which is renamed to match.
--
-- The totals of 027 and 029 count rows per category, not per code, so the rows' new spelling changes
-- none of them: their triggers are switched off while the rows are rewritten (they would otherwise
-- compare an old spelling with a new one), and on again after, in this same transaction.

DO $$
DECLARE
    codes CONSTANT text[] := ARRAY[
        'AFGEROND', 'BERICHT', 'BIJ_OUDERS', 'CODE_INGEWISSELD', 'CONCEPT', 'DEADLINE_VERPLAATST',
        'FORMULIER_OPGESLAGEN', 'GEANNULEERD', 'GEOPEND', 'GEREED_VOOR_VERZENDING', 'GERETOURNEERD',
        'GEWEIGERD', 'INGEDIEND', 'INGETROKKEN', 'INHOUD_VERWIJDERD', 'ONTVANGEN', 'ONTVANGST_BEVESTIGD',
        'OUDERREACTIE', 'OVERDRACHT_VERLOPEN', 'PAPIEREN_KOPIE_MEEGEGEVEN', 'SCHOOL_GEKOZEN', 'TERUGGENOMEN',
        'TOESTEMMING_GEGEVEN', 'TOESTEMMING_GEWEIGERD', 'TOESTEMMING_INGETROKKEN', 'VERHUISD',
        'VERZENDING_VERLOPEN', 'VERZONDEN', 'VLAG_GEZET', 'WACHT_OP_SCHOOL', 'WARME_OVERDRACHT_GEHOUDEN',
        'WARME_OVERDRACHT_GEPLAND', 'WARME_OVERDRACHT_GEVRAAGD'
    ];
    code text;
    item record;
    old_def text;
    new_def text;
BEGIN
    FOR item IN
        SELECT c.relname, a.attname FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
          AND a.attname LIKE 'status\_%' AND a.attname <> lower(a.attname)
    LOOP
        EXECUTE format('ALTER TABLE %I RENAME COLUMN %I TO %I', item.relname, item.attname, lower(item.attname));
    END LOOP;

    FOR item IN
        SELECT p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema() AND p.prokind = 'f'
    LOOP
        old_def := pg_get_functiondef(item.oid);
        new_def := old_def;
        FOREACH code IN ARRAY codes LOOP
            new_def := replace(new_def, '''' || code || '''', '''' || lower(code) || '''');
            new_def := replace(new_def, '"status_' || code || '"', 'status_' || lower(code));
        END LOOP;
        IF new_def <> old_def THEN
            EXECUTE new_def;
        END IF;
    END LOOP;

    FOR item IN SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() LOOP
        new_def := item.indexdef;
        FOREACH code IN ARRAY codes LOOP
            new_def := replace(new_def, '''' || code || '''', '''' || lower(code) || '''');
        END LOOP;
        IF new_def <> item.indexdef THEN
            EXECUTE format('DROP INDEX %I', item.indexname);
            EXECUTE new_def;
        END IF;
    END LOOP;
END
$$;

ALTER TABLE overdrachten DISABLE TRIGGER USER;
UPDATE overdrachten SET status = lower(status) WHERE status <> lower(status);
ALTER TABLE overdrachten ENABLE TRIGGER USER;

UPDATE overdracht_gebeurtenissen SET status = lower(status), gebeurtenis = lower(gebeurtenis)
WHERE status <> lower(status) OR gebeurtenis <> lower(gebeurtenis);

-- The planner's statistics still hold the old spelling's most common values: without this, a list by
-- status (`?status=verzonden`) took 100 ms instead of 13 at a million rows until autovacuum came by.
ANALYZE overdrachten, overdracht_gebeurtenissen;

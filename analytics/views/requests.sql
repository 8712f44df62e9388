-- The requests of the latest export, one row each, with only non-personal fields: no customer, no question, no answer.
-- Times are local (Asia/Ho_Chi_Minh, no daylight saving), so a day, month or quarter is Vietnam's.
CREATE OR REPLACE VIEW requests AS
SELECT
    snapshot,
    item.tenant.s AS tenant,
    split_part(item.pk.s, '#', 4) AS request_id,
    item.channel.s AS channel,
    item.kind.s AS kind,
    item.category.s AS category,
    item.status.s AS status,
    item.subject.s AS subject,
    json_extract_scalar(item.body.s, '$.unit_id') AS unit_id,
    CAST(from_iso8601_timestamp(item.received_at.s) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS timestamp) AS received_local,
    CAST(
        from_iso8601_timestamp(json_extract_scalar(item.body.s, '$.answered_at')) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS timestamp
    ) AS answered_local,
    CAST(from_iso8601_timestamp(item.due_at.s) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS timestamp) AS due_local,
    coalesce(json_array_length(json_extract(item.body.s, '$.escalations')), 0) AS escalations,
    coalesce(json_array_length(json_extract(item.body.s, '$.transfers')), 0) AS transfers,
    json_extract_scalar(item.body.s, '$.origin.tenant') AS origin_tenant,
    CAST(json_extract_scalar(item.body.s, '$.rating.satisfied') AS boolean) AS satisfied,
    -- the instant-support fact as the indicator's own function counted it (chalicelib/reports/facts.py), kept on
    -- the request; null for a request written before the statistics existed
    CAST(json_extract_scalar(item.body.s, '$.counted.m.instant') AS integer) AS counted_instant,
    json_extract(item.body.s, '$.counted') IS NOT NULL AS counted
FROM table_export
WHERE snapshot = (SELECT max(snapshot) FROM "table_export$partitions")
    AND item.sk.s = 'REQ'
    AND item.type.s = 'Request'

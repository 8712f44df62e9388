-- Each transfer a request was handed over with (Art. 6.1 step 3), from the latest export: who sent it, to which
-- office, by when the result was due and when it was reported back. The transfer's result text is not read.
CREATE OR REPLACE VIEW transfers AS
SELECT
    snapshot,
    item.tenant.s AS from_tenant,
    split_part(item.pk.s, '#', 4) AS request_id,
    item.channel.s AS channel,
    json_extract_scalar(transfer, '$.to_tenant') AS to_tenant,
    CAST(from_iso8601_timestamp(json_extract_scalar(transfer, '$.due_at')) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS timestamp) AS due_local,
    CAST(
        from_iso8601_timestamp(json_extract_scalar(transfer, '$.reported_at')) AT TIME ZONE 'Asia/Ho_Chi_Minh' AS timestamp
    ) AS reported_local
FROM table_export
CROSS JOIN UNNEST(CAST(json_extract(item.body.s, '$.transfers') AS ARRAY(JSON))) AS t (transfer)
WHERE snapshot = (SELECT max(snapshot) FROM "table_export$partitions")
    AND item.sk.s = 'REQ'
    AND item.type.s = 'Request'

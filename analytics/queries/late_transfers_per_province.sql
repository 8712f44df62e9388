-- Transfers answered late, per receiving province: of the requests handed to each office (Art. 6.1 step 3), how many it reported back, how many of those after the deadline, and how many were still unreported and overdue when the day of the export ended.
-- Reads the transfers view: receiving office, due and reported times (not the result the office reported).
SELECT
    to_tenant AS province,
    count(*) AS transfers,
    sum(CASE WHEN reported_local IS NOT NULL THEN 1 ELSE 0 END) AS reported,
    sum(CASE WHEN reported_local > due_local THEN 1 ELSE 0 END) AS reported_late,
    sum(
        CASE WHEN reported_local IS NULL AND due_local < CAST(snapshot AS timestamp) + INTERVAL '1' DAY THEN 1 ELSE 0 END
    ) AS overdue_unreported,
    round(100 * CAST(sum(CASE WHEN reported_local <= due_local THEN 1 ELSE 0 END) AS double) / count(*), 1) AS in_time_percent
FROM transfers
GROUP BY to_tenant
ORDER BY province

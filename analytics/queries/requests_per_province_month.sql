-- Requests received per province and month: how many came in, how many have been answered, how many are still open, and how many of those were past their deadline when the day of the export ended.
-- Reads the requests view: office, status, received, answered and due times (no customer, no question text).
SELECT
    tenant AS province,
    year(received_local) AS year,
    month(received_local) AS month,
    count(*) AS received,
    sum(CASE WHEN answered_local IS NOT NULL THEN 1 ELSE 0 END) AS answered,
    sum(CASE WHEN status IN ('open', 'escalated', 'transferred', 'awaiting_approval') THEN 1 ELSE 0 END) AS still_open,
    sum(
        CASE
            WHEN status IN ('open', 'escalated', 'transferred', 'awaiting_approval')
                AND due_local < CAST(snapshot AS timestamp) + INTERVAL '1' DAY
                THEN 1
            ELSE 0
        END
    ) AS overdue
FROM requests
GROUP BY tenant, year(received_local), month(received_local)
ORDER BY province, year, month

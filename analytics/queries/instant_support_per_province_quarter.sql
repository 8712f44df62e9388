-- Instant-support rate per province and quarter: the share of the requests received that were answered at once, as the indicator counted it on each request (chalicelib/reports/facts.py: the hotline in the call, a written channel by the end of the working day of receipt); a request written before the statistics falls back to: on the local day it came in without going to a specialist unit or another office (Art. 6.1 step 3a; Annex 2 §1 "answer at once, same day"; target 85 % in 2025, 90 % in 2030, 97 % in 2045).
-- Reads the requests view: office, received and answered times, how many escalations and transfers (no customer, no question text).
SELECT
    tenant AS province,
    year(received_local) AS year,
    quarter(received_local) AS quarter,
    count(*) AS received,
    sum(
        CASE
            WHEN counted THEN coalesce(counted_instant, 0)
            WHEN CAST(answered_local AS date) = CAST(received_local AS date) AND escalations = 0 AND transfers = 0 THEN 1
            ELSE 0
        END
    ) AS instant,
    round(
        100 * CAST(
            sum(
                CASE
                    WHEN counted THEN coalesce(counted_instant, 0)
                    WHEN CAST(answered_local AS date) = CAST(received_local AS date) AND escalations = 0 AND transfers = 0 THEN 1
                    ELSE 0
                END
            ) AS double
        ) / count(*),
        1
    ) AS instant_percent
FROM requests
GROUP BY tenant, year(received_local), quarter(received_local)
ORDER BY province, year, quarter

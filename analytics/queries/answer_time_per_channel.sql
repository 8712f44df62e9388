-- Answer time per channel: of the answered requests of each intake channel, how many were answered within an hour, within 8 hours, a day, 3 days, 7 days or later, in calendar time from receipt (the working-day deadlines of Annex 2 are the counters' business).
-- Reads the requests view: channel, received and answered times (no customer, no question text).
WITH answered AS (
    SELECT
        channel,
        CASE
            WHEN answered_local <= received_local + INTERVAL '1' HOUR THEN 1
            WHEN answered_local <= received_local + INTERVAL '8' HOUR THEN 2
            WHEN answered_local <= received_local + INTERVAL '1' DAY THEN 3
            WHEN answered_local <= received_local + INTERVAL '3' DAY THEN 4
            WHEN answered_local <= received_local + INTERVAL '7' DAY THEN 5
            ELSE 6
        END AS band
    FROM requests
    WHERE answered_local IS NOT NULL
)
SELECT
    channel,
    band,
    CASE band
        WHEN 1 THEN 'trong 1 giờ'
        WHEN 2 THEN 'từ 1 đến 8 giờ'
        WHEN 3 THEN 'từ 8 giờ đến 1 ngày'
        WHEN 4 THEN 'từ 1 đến 3 ngày'
        WHEN 5 THEN 'từ 3 đến 7 ngày'
        ELSE 'trên 7 ngày'
    END AS answered_within,
    count(*) AS requests,
    round(100 * CAST(count(*) AS double) / sum(count(*)) OVER (PARTITION BY channel), 1) AS percent_of_channel
FROM answered
GROUP BY channel, band
ORDER BY channel, band

-- Satisfaction rate per province and quarter: of the ratings customers gave on the requests received in the quarter, the share that were satisfied (Art. 6.1 step 4; target over 80 % in 2025, 85 % in 2030, over 90 % in 2045). Survey answers are counted by the survey results, not here.
-- Reads the requests view: office, received time and whether the rating was satisfied (not its reason or remedy).
SELECT
    tenant AS province,
    year(received_local) AS year,
    quarter(received_local) AS quarter,
    sum(CASE WHEN satisfied IS NOT NULL THEN 1 ELSE 0 END) AS rated,
    sum(CASE WHEN satisfied THEN 1 ELSE 0 END) AS satisfied,
    round(
        100 * CAST(sum(CASE WHEN satisfied THEN 1 ELSE 0 END) AS double)
        / nullif(sum(CASE WHEN satisfied IS NOT NULL THEN 1 ELSE 0 END), 0),
        1
    ) AS satisfied_percent
FROM requests
GROUP BY tenant, year(received_local), quarter(received_local)
ORDER BY province, year, quarter

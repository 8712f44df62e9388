-- Typical questions: the 20 most frequent request subjects in each of Art. 14's five categories, per quarter, nationally, with how many offices received them (the policy report's "typical questions").
-- Reads the requests view: category, received time, office and the subject line, which is the one text the policy report needs; never the question itself or the customer.
WITH counted AS (
    SELECT
        year(received_local) AS year,
        quarter(received_local) AS quarter,
        category,
        lower(trim(subject)) AS subject,
        count(*) AS requests,
        count(DISTINCT tenant) AS provinces
    FROM requests
    GROUP BY year(received_local), quarter(received_local), category, lower(trim(subject))
),
ranked AS (
    SELECT
        year,
        quarter,
        category,
        subject,
        requests,
        provinces,
        row_number() OVER (PARTITION BY year, quarter, category ORDER BY requests DESC, subject) AS place
    FROM counted
)
SELECT year, quarter, category, place, subject, requests, provinces
FROM ranked
WHERE place <= 20
ORDER BY year, quarter, category, place

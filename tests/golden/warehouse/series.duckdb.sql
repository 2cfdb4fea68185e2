SELECT
  *
FROM (
  SELECT
    "t1"."dataflow",
    "t1"."variable",
    "t1"."sex",
    "t1"."age",
    "t1"."offence",
    "t1"."status",
    "t1"."citizenship",
    "t1"."category",
    "t1"."unit",
    COUNT(*) AS "observations",
    MIN("t1"."year") AS "first_year",
    MAX("t1"."year") AS "last_year"
  FROM (
    SELECT
      *
    FROM "observations" AS "t0"
    WHERE
      "t0"."area" = 'MEX'
  ) AS "t1"
  GROUP BY
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9
) AS "t2"
ORDER BY
  "t2"."dataflow" ASC,
  "t2"."variable" ASC,
  "t2"."sex" ASC,
  "t2"."age" ASC,
  "t2"."offence" ASC,
  "t2"."status" ASC,
  "t2"."citizenship" ASC,
  "t2"."category" ASC,
  "t2"."unit" ASC

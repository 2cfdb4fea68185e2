SELECT
  *
FROM (
  SELECT
    'prison_occupancy' AS "indicator",
    "t7"."area",
    "t7"."year",
    CASE
      WHEN "t8"."denominator" IS NULL
      THEN CAST(NULL AS DOUBLE PRECISION)
      WHEN "t8"."denominator" = 0
      THEN CAST(NULL AS DOUBLE PRECISION)
      ELSE (
        CAST("t7"."numerator" AS DOUBLE PRECISION) / "t8"."denominator"
      ) * 100.0
    END AS "value",
    "t7"."numerator",
    "t8"."denominator",
    CASE
      WHEN "t8"."denominator" IS NULL
      THEN 'missing-denominator'
      WHEN "t8"."denominator" = 0
      THEN 'zero-denominator'
      ELSE ''
    END AS "flags"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t1"."area",
        "t1"."year",
        SUM("t1"."value") AS "numerator"
      FROM (
        SELECT
          *
        FROM "observations" AS "t0"
        WHERE
          "t0"."variable" = 'persons-held'
          AND "t0"."unit" = 'count'
          AND "t0"."sex" = '_T'
          AND "t0"."age" = '_T'
          AND "t0"."offence" = '_T'
          AND "t0"."status" = '_T'
          AND "t0"."citizenship" = '_T'
          AND "t0"."category" = '_T'
      ) AS "t1"
      GROUP BY
        1,
        2
    ) AS "t3"
  ) AS "t7"
  LEFT OUTER JOIN (
    SELECT
      *
    FROM (
      SELECT
        "t2"."area",
        "t2"."year",
        SUM("t2"."value") AS "denominator"
      FROM (
        SELECT
          *
        FROM "observations" AS "t0"
        WHERE
          "t0"."variable" = 'prison-capacity'
          AND "t0"."unit" = 'count'
          AND "t0"."sex" = '_T'
          AND "t0"."age" = '_T'
          AND "t0"."offence" = '_T'
          AND "t0"."status" = '_T'
          AND "t0"."citizenship" = '_T'
          AND "t0"."category" = '_T'
      ) AS "t2"
      GROUP BY
        1,
        2
    ) AS "t4"
  ) AS "t8"
    ON "t7"."area" = "t8"."area" AND "t7"."year" = "t8"."year"
) AS "t9"
ORDER BY
  "t9"."area" ASC,
  "t9"."year" ASC

SELECT
  *
FROM (
  SELECT
    'sdg_16_1_1' AS "indicator",
    "t8"."area",
    "t8"."year",
    CASE
      WHEN "t7"."denominator" IS NULL
      THEN CAST(NULL AS DOUBLE)
      WHEN "t7"."denominator" = 0
      THEN CAST(NULL AS DOUBLE)
      ELSE (
        "t8"."numerator" / "t7"."denominator"
      ) * 100000.0
    END AS "value",
    "t8"."numerator",
    "t7"."denominator",
    CASE
      WHEN "t7"."denominator" IS NULL
      THEN 'missing-denominator'
      WHEN "t7"."denominator" = 0
      THEN 'zero-denominator'
      ELSE ''
    END AS "flags"
  FROM (
    SELECT
      "t3"."area",
      "t3"."year",
      "t3"."numerator"
    FROM (
      SELECT
        "t1"."area",
        "t1"."year",
        SUM("t1"."value") AS "numerator",
        COUNT(DISTINCT "t1"."sex") AS "_n_sex"
      FROM (
        SELECT
          *
        FROM "observations" AS "t0"
        WHERE
          "t0"."variable" = 'VC_IHR_PSRCN'
          AND "t0"."unit" = 'count'
          AND "t0"."sex" IN ('M', 'F')
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
    WHERE
      "t3"."_n_sex" = 2
  ) AS "t8"
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
          "t0"."variable" = 'population'
          AND "t0"."unit" = 'persons'
          AND "t0"."dataflow" = 'WB_WDI'
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
  ) AS "t7"
    ON "t8"."area" = "t7"."area" AND "t8"."year" = "t7"."year"
) AS "t9"
ORDER BY
  "t9"."area" ASC,
  "t9"."year" ASC

SELECT
  'sdg_16_5_1' AS "indicator",
  "t2"."area",
  "t2"."year",
  "t2"."sex",
  "t2"."numerator" AS "value",
  "t2"."numerator",
  CAST(NULL AS DOUBLE) AS "denominator",
  '' AS "flags"
FROM (
  SELECT
    "t1"."area",
    "t1"."year",
    "t1"."sex",
    SUM("t1"."value") AS "numerator"
  FROM (
    SELECT
      *
    FROM "observations" AS "t0"
    WHERE
      "t0"."variable" = 'IU_COR_BRIB'
      AND "t0"."unit" = 'percent'
      AND "t0"."age" = '_T'
      AND "t0"."offence" = '_T'
      AND "t0"."status" = '_T'
      AND "t0"."citizenship" = '_T'
      AND "t0"."category" = '_T'
  ) AS "t1"
  GROUP BY
    1,
    2,
    3
) AS "t2"
ORDER BY
  "t2"."area" ASC,
  "t2"."year" ASC,
  "t2"."sex" ASC

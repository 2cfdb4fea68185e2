SELECT
  'sdg_16_5_1' AS "indicator",
  "t5"."area",
  "t5"."year",
  "t5"."sex",
  "t5"."numerator" AS "value",
  "t5"."numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator",
  '' AS "flags"
FROM (
  SELECT
    "t4"."area",
    "t4"."year",
    "t4"."sex",
    SUM("t4"."value") AS "numerator"
  FROM (
    SELECT
      "t3"."dataflow",
      "t3"."area",
      "t3"."period",
      "t3"."variable",
      "t3"."sex",
      "t3"."age",
      "t3"."offence",
      "t3"."status",
      "t3"."citizenship",
      "t3"."category",
      "t3"."unit",
      "t3"."value",
      "t3"."flags",
      "t3"."note",
      "t3"."label",
      "t3"."source",
      "t3"."file_sha256",
      "t3"."row",
      "t3"."import_id",
      "t3"."year"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t1"."dataflow",
          "t1"."area",
          "t1"."period",
          "t1"."variable",
          "t1"."sex",
          "t1"."age",
          "t1"."offence",
          "t1"."status",
          "t1"."citizenship",
          "t1"."category",
          "t1"."unit",
          "t1"."value",
          "t1"."flags",
          "t1"."note",
          "t1"."label",
          "t1"."source",
          "t1"."file_sha256",
          "t1"."row",
          "t1"."import_id",
          "t1"."year",
          ROW_NUMBER() OVER (
            PARTITION BY "t1"."area", "t1"."year", "t1"."variable", "t1"."unit", "t1"."sex", "t1"."age", "t1"."offence", "t1"."status", "t1"."citizenship", "t1"."category"
            ORDER BY CASE
              WHEN "t1"."dataflow" = 'UN_CTS'
              THEN 0
              WHEN "t1"."dataflow" = 'UNODC_CTS'
              THEN 1
              WHEN "t1"."dataflow" = 'UN_SDG'
              THEN 2
              WHEN "t1"."dataflow" = 'SURVEY'
              THEN 3
              WHEN "t1"."dataflow" = 'WB_WDI'
              THEN 4
              WHEN "t1"."dataflow" = 'JJ_POLICY'
              THEN 5
              ELSE 6
            END ASC, "t1"."dataflow" ASC, COALESCE("t1"."import_id", 0) DESC NULLS LAST, "t1"."period" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) - 1 AS "_source_pick"
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
      ) AS "t2"
      WHERE
        "t2"."_source_pick" = 0
    ) AS "t3"
  ) AS "t4"
  GROUP BY
    1,
    2,
    3
) AS "t5"
ORDER BY
  "t5"."area" ASC,
  "t5"."year" ASC,
  "t5"."sex" ASC

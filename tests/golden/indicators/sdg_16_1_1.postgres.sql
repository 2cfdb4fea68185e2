SELECT
  *
FROM (
  SELECT
    'sdg_16_1_1' AS "indicator",
    "t11"."area",
    "t11"."year",
    CASE
      WHEN "t5"."denominator" IS NULL
      THEN CAST(NULL AS DOUBLE PRECISION)
      WHEN "t5"."denominator" = 0
      THEN CAST(NULL AS DOUBLE PRECISION)
      ELSE (
        CAST("t11"."numerator" AS DOUBLE PRECISION) / "t5"."denominator"
      ) * 100000.0
    END AS "value",
    "t11"."numerator",
    "t5"."denominator",
    CASE
      WHEN "t5"."denominator" IS NULL
      THEN 'missing-denominator'
      WHEN "t5"."denominator" = 0
      THEN 'zero-denominator'
      ELSE ''
    END AS "flags"
  FROM (
    SELECT
      "t9"."area",
      "t9"."year",
      "t9"."numerator"
    FROM (
      SELECT
        "t8"."area",
        "t8"."year",
        SUM("t8"."value") AS "numerator",
        COUNT(DISTINCT "t8"."sex") AS "_n_sex"
      FROM (
        SELECT
          "t7"."dataflow",
          "t7"."area",
          "t7"."period",
          "t7"."variable",
          "t7"."sex",
          "t7"."age",
          "t7"."offence",
          "t7"."status",
          "t7"."citizenship",
          "t7"."category",
          "t7"."unit",
          "t7"."value",
          "t7"."flags",
          "t7"."note",
          "t7"."label",
          "t7"."source",
          "t7"."file_sha256",
          "t7"."row",
          "t7"."import_id",
          "t7"."year"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t2"."dataflow",
              "t2"."area",
              "t2"."period",
              "t2"."variable",
              "t2"."sex",
              "t2"."age",
              "t2"."offence",
              "t2"."status",
              "t2"."citizenship",
              "t2"."category",
              "t2"."unit",
              "t2"."value",
              "t2"."flags",
              "t2"."note",
              "t2"."label",
              "t2"."source",
              "t2"."file_sha256",
              "t2"."row",
              "t2"."import_id",
              "t2"."year",
              ROW_NUMBER() OVER (
                PARTITION BY "t2"."area", "t2"."year", "t2"."variable", "t2"."unit", "t2"."sex", "t2"."age", "t2"."offence", "t2"."status", "t2"."citizenship", "t2"."category"
                ORDER BY CASE
                  WHEN "t2"."dataflow" = 'UN_CTS'
                  THEN 0
                  WHEN "t2"."dataflow" = 'UNODC_CTS'
                  THEN 1
                  WHEN "t2"."dataflow" = 'UN_SDG'
                  THEN 2
                  WHEN "t2"."dataflow" = 'SURVEY'
                  THEN 3
                  WHEN "t2"."dataflow" = 'WB_WDI'
                  THEN 4
                  WHEN "t2"."dataflow" = 'JJ_POLICY'
                  THEN 5
                  ELSE 6
                END ASC, "t2"."dataflow" ASC, COALESCE("t2"."import_id", 0) DESC NULLS LAST, "t2"."period" ASC
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
              ) - 1 AS "_source_pick"
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
            ) AS "t2"
          ) AS "t6"
          WHERE
            "t6"."_source_pick" = 0
        ) AS "t7"
      ) AS "t8"
      GROUP BY
        1,
        2
    ) AS "t9"
    WHERE
      "t9"."_n_sex" = 2
  ) AS "t11"
  LEFT OUTER JOIN (
    SELECT
      *
    FROM (
      SELECT
        "t1"."area",
        "t1"."year",
        SUM("t1"."value") AS "denominator"
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
      ) AS "t1"
      GROUP BY
        1,
        2
    ) AS "t3"
  ) AS "t5"
    ON "t11"."area" = "t5"."area" AND "t11"."year" = "t5"."year"
) AS "t12"
ORDER BY
  "t12"."area" ASC,
  "t12"."year" ASC

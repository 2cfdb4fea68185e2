SELECT
  *
FROM (
  SELECT
    'prison_occupancy' AS "indicator",
    "t13"."area",
    "t13"."year",
    CASE
      WHEN "t14"."denominator" IS NULL
      THEN CAST(NULL AS DOUBLE)
      WHEN "t14"."denominator" = 0
      THEN CAST(NULL AS DOUBLE)
      ELSE (
        "t13"."numerator" / "t14"."denominator"
      ) * 100.0
    END AS "value",
    "t13"."numerator",
    "t14"."denominator",
    CASE
      WHEN "t14"."denominator" IS NULL
      THEN 'missing-denominator'
      WHEN "t14"."denominator" = 0
      THEN 'zero-denominator'
      ELSE ''
    END AS "flags"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t7"."area",
        "t7"."year",
        SUM("t7"."value") AS "numerator"
      FROM (
        SELECT
          "t5".*
          EXCLUDE ("_source_pick")
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
                END ASC, "t1"."dataflow" ASC, COALESCE("t1"."import_id", 0) DESC, "t1"."period" ASC
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
              ) - 1 AS "_source_pick"
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
          ) AS "t3"
          WHERE
            "t3"."_source_pick" = 0
        ) AS "t5"
      ) AS "t7"
      GROUP BY
        1,
        2
    ) AS "t9"
  ) AS "t13"
  LEFT OUTER JOIN (
    SELECT
      *
    FROM (
      SELECT
        "t8"."area",
        "t8"."year",
        SUM("t8"."value") AS "denominator"
      FROM (
        SELECT
          "t6".*
          EXCLUDE ("_source_pick")
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
                END ASC, "t2"."dataflow" ASC, COALESCE("t2"."import_id", 0) DESC, "t2"."period" ASC
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
              ) - 1 AS "_source_pick"
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
          ) AS "t4"
          WHERE
            "t4"."_source_pick" = 0
        ) AS "t6"
      ) AS "t8"
      GROUP BY
        1,
        2
    ) AS "t10"
  ) AS "t14"
    ON "t13"."area" = "t14"."area" AND "t13"."year" = "t14"."year"
) AS "t15"
ORDER BY
  "t15"."area" ASC,
  "t15"."year" ASC

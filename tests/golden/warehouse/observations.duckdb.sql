SELECT
  *
FROM "observations" AS "t0"
WHERE
  "t0"."area" IN ('MEX')
  AND "t0"."variable" IN ('persons-held')
  AND "t0"."sex" IN ('_T')
  AND "t0"."status" IN ('_T')
  AND "t0"."year" >= 2010
  AND "t0"."year" <= 2020
ORDER BY
  "t0"."area" ASC,
  "t0"."variable" ASC,
  "t0"."sex" ASC,
  "t0"."age" ASC,
  "t0"."offence" ASC,
  "t0"."status" ASC,
  "t0"."citizenship" ASC,
  "t0"."category" ASC,
  "t0"."unit" ASC,
  "t0"."period" ASC

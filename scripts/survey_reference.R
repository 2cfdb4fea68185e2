# Reference values for observatory.surveys from R's `survey` package on the `api` samples.
#
#   Rscript scripts/survey_reference.R ../shared/data/survey_api tests/golden/surveys/r_reference.json
#
# (Debian: apt-get install r-base-core r-cran-survey r-cran-jsonlite.) Every case records the exact R
# call that produced it; the JSON also records the R and survey versions. CI does not run R: the tests
# read the JSON.
suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
data_dir <- if (length(args) >= 1) args[[1]] else "../shared/data/survey_api"
out_file <- if (length(args) >= 2) args[[2]] else "tests/golden/surveys/r_reference.json"
options(survey.lonely.psu = "fail")  # R's default, stated

read_api <- function(name) read.csv(file.path(data_dir, paste0(name, ".csv")), stringsAsFactors = TRUE)
apisrs <- read_api("apisrs")
apistrat <- read_api("apistrat")
apiclus1 <- read_api("apiclus1")
apiclus2 <- read_api("apiclus2")
apipop <- read_api("apipop")

# Districts of apiclus2 paired in order of dnum: 20 pseudo-strata of 2 PSUs each, for BRR.
districts <- sort(unique(apiclus2$dnum))
apiclus2$pair <- (match(apiclus2$dnum, districts) + 1) %/% 2

design_calls <- list(
  srs = "svydesign(ids = ~1, fpc = ~fpc, data = apisrs)",
  srs_nofpc = "svydesign(ids = ~1, weights = ~pw, data = apisrs)",
  strat = "svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)",
  clus1 = "svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)",
  clus1_nofpc = "svydesign(ids = ~dnum, weights = ~pw, data = apiclus1)",
  clus2 = "svydesign(ids = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)",
  clus2_pw = "svydesign(ids = ~dnum + snum, weights = ~pw, data = apiclus2)",
  poststrat = "postStratify(designs$clus1, ~stype, pop_stype)",
  raked = "rake(designs$clus1, list(~stype, ~sch.wide), list(pop_stype, pop_schwide))",
  jk1 = "as.svrepdesign(designs$clus1, type = \"JK1\")",
  jkn = "as.svrepdesign(designs$strat, type = \"JKn\")",
  brr = "as.svrepdesign(svydesign(ids = ~dnum, strata = ~pair, weights = ~pw, data = apiclus2), type = \"BRR\")",
  fay = "as.svrepdesign(svydesign(ids = ~dnum, strata = ~pair, weights = ~pw, data = apiclus2), type = \"Fay\", fay.rho = 0.5)",
  boot = "{set.seed(20240601); as.svrepdesign(designs$clus1, type = \"bootstrap\", replicates = 50)}"
)
pop_stype <- as.data.frame(table(stype = apipop$stype))
pop_schwide <- as.data.frame(table(sch.wide = apipop$sch.wide))
designs <- list()
for (name in names(design_calls)) designs[[name]] <- eval(parse(text = design_calls[[name]]))

num <- function(x) as.vector(unclass(x))

stat_rows <- function(est) {
  cf <- coef(est)
  se <- num(SE(est))
  ci <- confint(est)
  d <- attr(est, "deff")
  rows <- list()
  for (i in seq_along(cf)) {
    rows[[i]] <- list(
      term = names(cf)[i], estimate = num(cf)[i], se = se[i],
      ci_lower = num(ci[i, 1]), ci_upper = num(ci[i, 2]),
      deff = if (is.null(d)) NULL else num(diag(as.matrix(d)))[i]
    )
  }
  rows
}

ratio_rows <- function(est) {
  ci <- confint(est)
  d <- attr(est, "deff")
  list(list(
    term = "api00/api99", estimate = num(est$ratio), se = sqrt(num(est$var)),
    ci_lower = num(ci[1, 1]), ci_upper = num(ci[1, 2]), deff = if (is.null(d)) NULL else num(d)
  ))
}

quantile_rows <- function(est) {
  m <- est[[1]]
  list(list(
    term = rownames(m)[1], estimate = num(m[1, "quantile"]), se = num(m[1, "se"]),
    ci_lower = num(m[1, 2]), ci_upper = num(m[1, 3]), deff = NULL
  ))
}

by_rows <- function(est, statistic) {
  rows <- list()
  se <- num(SE(est))
  ci <- confint(est)
  cf <- num(coef(est))
  deff_column <- grep("^DEff", names(est), value = TRUE)
  d <- if (length(deff_column)) num(est[[deff_column[1]]]) else NULL
  for (i in seq_len(nrow(est))) {
    rows[[i]] <- list(
      term = as.character(est[i, 1]), estimate = cf[i], se = se[i],
      ci_lower = num(ci[i, 1]), ci_upper = num(ci[i, 2]), deff = if (is.null(d)) NULL else d[i]
    )
  }
  rows
}

cases <- list()
add <- function(design, statistic, variable, call, rows, by = NULL, extra = list()) {
  cases[[length(cases) + 1]] <<- c(list(
    design = design, statistic = statistic, variable = variable, by = by, call = call, rows = rows
  ), extra)
}

run <- function(design, statistic, variable, call, kind, by = NULL, extra = list()) {
  if (nzchar(Sys.getenv("SURVEY_REF_DEBUG"))) message(call)
  est <- eval(parse(text = call))
  rows <- switch(kind, stat = stat_rows(est), ratio = ratio_rows(est), quantile = quantile_rows(est),
    by = by_rows(est, statistic))
  add(design, statistic, variable, call, rows, by, extra)
}

taylor <- c("srs", "srs_nofpc", "strat", "clus1", "clus1_nofpc", "clus2", "clus2_pw", "poststrat", "raked")
replicate <- c("jk1", "jkn", "brr", "fay", "boot")
for (name in c(taylor, replicate)) {
  d <- sprintf("designs$%s", name)
  na <- if (name %in% c("clus2", "clus2_pw", "brr", "fay")) ", na.rm = TRUE" else ""  # apiclus2 enroll has NAs
  run(name, "mean", "api00", sprintf("svymean(~api00, %s, deff = TRUE)", d), "stat")
  run(name, "total", "api00", sprintf("svytotal(~api00, %s, deff = TRUE)", d), "stat")
  run(name, "mean", "enroll", sprintf("svymean(~enroll, %s, deff = TRUE%s)", d, na), "stat")
  run(name, "total", "enroll", sprintf("svytotal(~enroll, %s, deff = TRUE%s)", d, na), "stat")
  run(name, "proportion", "stype", sprintf("svymean(~stype, %s, deff = TRUE)", d), "stat")
  run(name, "proportion", "awards", sprintf("svymean(~awards, %s, deff = TRUE)", d), "stat")
  run(name, "ratio", "api00/api99", sprintf("svyratio(~api00, ~api99, %s)", d), "ratio")
  run(name, "mean", "api00", sprintf("svyby(~api00, ~stype, %s, svymean, deff = TRUE)", d), "by", by = "stype")
  run(name, "mean", "api00", sprintf("svyby(~api00, ~awards, %s, svymean, deff = TRUE)", d), "by", by = "awards")
  run(name, "total", "enroll", sprintf("svyby(~enroll, ~stype, %s, svytotal, deff = TRUE%s)", d, na), "by",
    by = "stype")
  run(name, "ratio", "api00/api99", sprintf("svyby(~api00, ~awards, %s, svyratio, denominator = ~api99)", d),
    "by", by = "awards")
  if (name %in% taylor) {
    run(name, "ratio", "api00/api99", sprintf("svyratio(~api00, ~api99, %s, deff = TRUE)", d), "ratio",
      extra = list(with_deff = TRUE))
    run(name, "quantile", "api00", sprintf("svyquantile(~api00, %s, quantiles = 0.5)", d), "quantile")
    run(name, "quantile", "api00", sprintf("svyquantile(~api00, %s, quantiles = 0.25)", d), "quantile",
      extra = list(p = 0.25))
    run(name, "quantile", "api00",
      sprintf("svyby(~api00, ~stype, %s, svyquantile, quantiles = 0.5, ci = TRUE)", d), "by", by = "stype")
  }
}

# Replicate weights R made, so that the declared-replicate path can be compared exactly.
export_replicates <- function(name) {
  d <- designs[[name]]
  list(
    type = d$type, scale = d$scale, rscales = num(d$rscales), rho = d$rho, mse = d$mse,
    factors = unname(lapply(seq_len(nrow(d$repweights$weights)), function(i) num(d$repweights$weights[i, ]))),
    index = num(d$repweights$index), degf = d$degf
  )
}

degf <- list()
for (name in names(designs)) degf[[name]] <- degf(designs[[name]])

result <- list(
  provenance = list(
    r_version = R.version.string,
    survey_version = as.character(packageVersion("survey")),
    jsonlite_version = as.character(packageVersion("jsonlite")),
    script = "scripts/survey_reference.R",
    data = "../shared/data/survey_api (R survey 4.5 api samples as CSV, see PROVENANCE.md)",
    lonely_psu = getOption("survey.lonely.psu"),
    note = "confint() as R prints it: normal quantiles for svymean/svytotal/svyratio; svyquantile uses the Woodruff interval with qrule='math' and t quantiles on degf(design) degrees of freedom"
  ),
  populations = list(stype = pop_stype, sch.wide = pop_schwide),
  designs = design_calls,
  degf = degf,
  replicates = list(jk1 = export_replicates("jk1"), brr = export_replicates("brr"), fay = export_replicates("fay"),
    boot = export_replicates("boot")),
  cases = cases
)
dir.create(dirname(out_file), showWarnings = FALSE, recursive = TRUE)
writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null", na = "null"), out_file)
cat("wrote", length(cases), "cases to", out_file, "\n")

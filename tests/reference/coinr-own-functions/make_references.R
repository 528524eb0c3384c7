# COINr 1.1.14 references for own functions in Treat (f_pass, f1, f2) and in Aggregate per level.
# Run from this folder: Rscript make_references.R. Data: COINr's ASEM (asem: ../coinr-imeta/asem),
# the random framework with gaps of ../coinr-imeta/random (written by its make_references.R), and
# the same framework with heavy-tailed values written here (skewed/iData.csv).
suppressMessages(library(COINr))
stopifnot(as.character(packageVersion("COINr")) == "1.1.14")

fmt <- function(df) {  # 17 significant digits, empty = missing
  for (j in seq_along(df)) if (is.numeric(df[[j]])) {
    v <- sprintf("%.17g", df[[j]]); v[is.na(df[[j]])] <- ""; df[[j]] <- v }
  df
}
out <- function(df, folder, name) {
  dir.create(folder, showWarnings = FALSE, recursive = TRUE)
  write.csv(fmt(df), file.path(folder, name), row.names = FALSE, na = "",
            quote = which(sapply(df, is.character)))
}

# Own functions; `...` takes the default parameters COINr's modifyList keeps in f*_para.
zmax_pass <- function(x, limit = 3, ...) {  # passes if no |z-score| reaches `limit`
  z <- (x - mean(x, na.rm = TRUE)) / sd(x, na.rm = TRUE)
  max(abs(z), na.rm = TRUE) < limit
}
clip_q <- function(x, q = 0.05, ...) {  # clip to the q and 1 - q quantiles (type 7)
  lo <- quantile(x, q, na.rm = TRUE, names = FALSE)
  hi <- quantile(x, 1 - q, na.rm = TRUE, names = FALSE)
  pmin(pmax(x, lo), hi)
}
sqrt_shift <- function(x, ...) sqrt(x - min(x, na.rm = TRUE))
# aggregation, f_ag(x, w, ...) per unit row: the weighted mean of the children present less
# k sample sds of them (one child: its value)
a_softmin <- function(x, w, k = 0.5) {
  keep <- !is.na(x); x <- x[keep]; w <- w[keep]
  if (length(x) == 0) return(NA)
  if (length(x) == 1) return(x)
  sum(w * x) / sum(w) - k * sd(x)
}

rmeta <- read.csv("../coinr-imeta/random/iMeta_params.csv", na.strings = "")
rdata <- read.csv("../coinr-imeta/random/iData.csv", na.strings = "")
# skewed: the random framework's units with heavy-tailed values (lognormal, 3 decimals) and gaps,
# so that treatment has work to do
set.seed(7)
skewed <- rdata
for (code in rmeta$iCode[rmeta$Type == "Indicator"]) {
  skewed[[code]] <- round(exp(rnorm(nrow(rdata), 1, 1.2)), 3)
  skewed[[code]][sample(nrow(rdata), 2)] <- NA
}
out(skewed, "skewed", "iData.csv")
inputs <- list(
  asem = list(iData = ASEM_iData, iMeta = read.csv("../coinr-imeta/asem/iMeta_params.csv", na.strings = "")),
  random = list(iData = rdata, iMeta = rmeta),
  skewed = list(iData = skewed, iMeta = rmeta))
treatments <- list(
  pass = list(global_specs = list(f_pass = "zmax_pass", f_pass_para = list(limit = 3)),
              combine_treat = FALSE),
  all3 = list(global_specs = list(f_pass = "zmax_pass", f_pass_para = list(limit = 2.5),
                                  f1 = "clip_q", f1_para = list(q = 0.02), f2 = "sqrt_shift"),
              combine_treat = FALSE),
  all3combine = list(global_specs = list(f_pass = "zmax_pass", f_pass_para = list(limit = 2.5),
                                         f1 = "clip_q", f1_para = list(q = 0.02),
                                         f2 = "sqrt_shift"),
                     combine_treat = TRUE))
for (data in names(inputs)) {
  coin <- new_coin(inputs[[data]]$iData, inputs[[data]]$iMeta, quietly = TRUE)
  for (name in names(treatments)) {
    spec <- treatments[[name]]
    treated <- Treat(coin, dset = "Raw", global_specs = spec$global_specs,
                     combine_treat = spec$combine_treat)
    out(get_dset(treated, "Treated"), paste0(data, "-treat-", name), "dset_Treated.csv")
  }
  # own aggregation at level 2 only, COINr's arithmetic mean above
  nlev <- max(inputs[[data]]$iMeta$Level, na.rm = TRUE)
  agg <- Normalise(coin, dset = "Raw")
  agg <- Aggregate(agg, dset = "Normalised", f_ag = c("a_softmin", rep("a_amean", nlev - 2)),
                   f_ag_para = c(list(list(k = 0.5)), rep(list(NULL), nlev - 2)))
  out(get_dset(agg, "Aggregated"), paste0(data, "-aggregate-perlevel"), "dset_Aggregated.csv")
}

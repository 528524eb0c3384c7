# COINr 1.1.14 references for innometrics' tests (run from this folder: Rscript make_references.R).
# Inputs: COINr's own ASEM data (exported here as asem/ASEM_iData.csv, asem/ASEM_iMeta.csv) and a
# small random framework (random/iMeta.csv, random/iData.csv) written by this script.
suppressMessages(library(COINr))
stopifnot(as.character(packageVersion("COINr")) == "1.1.14")

fmt <- function(df) {  # 17 significant digits, empty = missing
  for (j in seq_along(df)) if (is.numeric(df[[j]])) {
    v <- sprintf("%.17g", df[[j]]); v[is.na(df[[j]])] <- ""; df[[j]] <- v }
  df
}
out <- function(df, folder, name) {  # text columns quoted, numbers not
  dir.create(folder, showWarnings = FALSE, recursive = TRUE)
  write.csv(fmt(df), file.path(folder, name), row.names = FALSE, na = "",
            quote = which(!sapply(df, is.numeric)))
}
dsets <- function(coin, folder) {  # the aggregated set holds the normalised indicators too
  out(get_dset(coin, "Aggregated"), folder, "dset_Aggregated.csv")
}
# a_copeland as shipped cannot be called by Aggregate(by_df = TRUE) ("unused argument x"):
copeland_df <- function(x, w = NULL) a_copeland(X = as.data.frame(x), w = w)

## ASEM ---------------------------------------------------------------------------------------
dir.create("asem", showWarnings = FALSE)
out(ASEM_iData, "asem", "ASEM_iData.csv")
out(ASEM_iMeta, "asem", "ASEM_iMeta.csv")
asem <- new_coin(ASEM_iData, ASEM_iMeta, quietly = TRUE)
asem <- Denominate(asem, dset = "Raw")
asem <- Impute(asem, dset = "Denominated", f_i = "i_mean")
asem <- Treat(asem, dset = "Imputed")

c1 <- Normalise(asem, dset = "Treated", global_specs = list(f_n = "n_borda"))
c1 <- Aggregate(c1, dset = "Normalised", f_ag = "a_genmean", f_ag_para = list(p = 2))
dsets(c1, "asem-borda-genmean2")

c2 <- Normalise(asem, dset = "Treated", global_specs = list(f_n = "n_scaled", f_n_para = list(npara = c(0, 50))))
c2 <- Aggregate(c2, dset = "Normalised", f_ag = c("a_amean", "a_amean", "copeland_df"),
                f_ag_para = list(NULL, NULL, NULL), by_df = c(FALSE, FALSE, TRUE))
dsets(c2, "asem-scaled-copeland")

c3 <- Normalise(asem, dset = "Treated", global_specs = list(f_n = "n_dist2ref", f_n_para = list(iref = 5, cap_max = TRUE)))
c3 <- Aggregate(c3, dset = "Normalised")
dsets(c3, "asem-dist2ref-cap")
# iref is a row of the data set being normalised (COINr sorts units by uCode)
writeLines(get_dset(c3, "Treated")$uCode[5], "asem-dist2ref-cap/reference_unit.txt")

## Random framework: ties, gaps, negative values, uneven weights, mixed directions -------------
set.seed(16)
n_ind <- 12; n_unit <- 30
meta <- data.frame(
  iCode = c(sprintf("x%02d", 1:n_ind), "P1", "P2", "P3", "P4", "S1", "S2", "Index"),
  Level = c(rep(1, n_ind), rep(2, 4), rep(3, 2), 4),
  Parent = c(rep(c("P1", "P2", "P3", "P4"), each = 3), "S1", "S1", "S2", "S2", "Index", "Index", NA),
  Direction = c(sample(c(1, 1, -1), n_ind, replace = TRUE), rep(1, 7)),
  Weight = c(round(runif(n_ind, 0.2, 3), 2), 1, 2.5, 0.5, 1.5, 2, 1, 1),
  Type = c(rep("Indicator", n_ind), rep("Aggregate", 7)))
meta$iName <- meta$iCode
vals <- matrix(round(rnorm(n_unit * n_ind, 0, 10), 0), n_unit)  # rounded: many ties; negatives
vals[sample(length(vals), 25)] <- NA                                  # gaps
colnames(vals) <- meta$iCode[1:n_ind]
data <- data.frame(uCode = sprintf("U%02d", 1:n_unit), uName = sprintf("Unit %d", 1:n_unit), vals)
dir.create("random", showWarnings = FALSE)
out(meta, "random", "iMeta.csv")
out(data, "random", "iData.csv")
rnd <- new_coin(data, meta, quietly = TRUE)
imp <- Impute(rnd, dset = "Raw", f_i = "i_mean")

r1 <- Normalise(rnd, dset = "Raw", global_specs = list(f_n = "n_borda"))
r1 <- Aggregate(r1, dset = "Normalised")
dsets(r1, "random-borda-gaps")

r2 <- Normalise(rnd, dset = "Raw", global_specs = list(f_n = "n_scaled", f_n_para = list(npara = c(-30, 20), scale_factor = 10)))
r2 <- Aggregate(r2, dset = "Normalised")
dsets(r2, "random-scaled-gaps")

r7 <- Normalise(rnd, dset = "Raw", global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(1, 100))))
r7 <- Aggregate(r7, dset = "Normalised", f_ag = "a_genmean", f_ag_para = list(p = 2))
dsets(r7, "random-genmean-gaps")

# n_scaled with its parameters from iMeta (scaled_lower/upper in the indicator's own units;
# COINr flips them for direction -1), one scale_factor per indicator
meta_s <- meta
meta_s$scaled_lower <- c(rep(-40, n_ind), rep(NA, 7))
meta_s$scaled_upper <- c(round(runif(n_ind, 20, 40)), rep(NA, 7))
meta_s$scale_factor <- c(rep(c(100, 10, 1), 4), rep(NA, 7))
out(meta_s, "random", "iMeta_scaled.csv")
rs <- new_coin(data, meta_s, quietly = TRUE)
rs <- Normalise(rs, dset = "Raw", global_specs = list(f_n = "n_scaled", f_n_para = "use_iMeta"))
rs <- Aggregate(rs, dset = "Normalised")
dsets(rs, "random-scaled-imeta")

r3 <- Normalise(imp, dset = "Imputed", global_specs = list(f_n = "n_dist2ref", f_n_para = list(iref = 7, cap_max = FALSE)))
r3 <- Aggregate(r3, dset = "Normalised")
dsets(r3, "random-dist2ref")
writeLines(get_dset(r3, "Imputed")$uCode[7], "random-dist2ref/reference_unit.txt")

r4 <- Normalise(imp, dset = "Imputed", global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(1, 100))))
r4 <- Aggregate(r4, dset = "Normalised", f_ag = c("a_genmean", "a_genmean", "a_genmean"),
                f_ag_para = list(list(p = -1.5), list(p = 0.5), list(p = 3)))
dsets(r4, "random-genmean-perlevel")

r5 <- Normalise(imp, dset = "Imputed", global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100))))
r5 <- Aggregate(r5, dset = "Normalised", f_ag = c("a_amean", "a_amean", "copeland_df"),
                f_ag_para = list(NULL, NULL, NULL), by_df = c(FALSE, FALSE, TRUE))
dsets(r5, "random-copeland-top")

r6 <- Normalise(imp, dset = "Imputed", global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100))))
r6 <- Aggregate(r6, dset = "Normalised", f_ag = "copeland_df", by_df = TRUE)
dsets(r6, "random-copeland-all")

## Optimised weights on the main ASEM build (COINr's own objective and optimiser) -------------
main <- Normalise(asem, dset = "Treated")  # n_minmax onto [0, 100]
main <- Aggregate(main, dset = "Normalised")  # a_amean
opt <- suppressMessages(get_opt_weights(main, itarg = "equal", dset = "Aggregated", Level = 2,
                                        cortype = "pearson", optype = "balance", out2 = "list"))
out(opt$CorrResultsNorm, "asem-opt-weights-balance", "corr_results.csv")

# COINr 1.1.14 references for normalisation parameters read from iMeta (f_n_para = "use_iMeta").
# Run from this folder: Rscript make_references.R. Writes the frameworks with COINr's extra
# parameter columns (asem/, random/) and one folder per build with COINr's dset_Aggregated.csv.
suppressMessages(library(COINr))
stopifnot(as.character(packageVersion("COINr")) == "1.1.14")

fmt <- function(df) {  # 17 significant digits, empty = missing
  for (j in seq_along(df)) if (is.numeric(df[[j]])) {
    v <- sprintf("%.17g", df[[j]]); v[is.na(df[[j]])] <- ""; df[[j]] <- v }
  df
}
out <- function(df, folder, name) {  # text and TRUE/FALSE columns quoted as R writes them
  dir.create(folder, showWarnings = FALSE, recursive = TRUE)
  write.csv(fmt(df), file.path(folder, name), row.names = FALSE, na = "",
            quote = which(sapply(df, is.character)))
}
build <- function(iData, iMeta, f_n, folder, indiv_specs = NULL) {
  coin <- new_coin(iData, iMeta, quietly = TRUE)
  coin <- Normalise(coin, dset = "Raw", global_specs = list(f_n = f_n, f_n_para = "use_iMeta"),
                    indiv_specs = indiv_specs)
  coin <- Aggregate(coin, dset = "Normalised")
  out(get_dset(coin, "Aggregated"), folder, "dset_Aggregated.csv")
}
# goalposts inside the data's range, so that truncation matters
posts <- function(x) {
  lo <- signif(quantile(x, 0.1, na.rm = TRUE, names = FALSE), 3)
  hi <- signif(quantile(x, 0.9, na.rm = TRUE, names = FALSE), 3)
  c(lo, ifelse(hi > lo, hi, lo + 1))
}
add_columns <- function(meta, data, cap = TRUE) {
  ind <- meta$Type == "Indicator"; n <- sum(ind)
  p <- sapply(meta$iCode[ind], function(code) posts(data[[code]]))
  meta$goalpost_lower[ind] <- p[1, ]
  meta$goalpost_upper[ind] <- p[2, ]
  meta$goalpost_scale[ind] <- rep(c(100, 10, 1), length.out = n)
  meta$goalpost_trunc2posts[ind] <- rep(c(TRUE, FALSE), length.out = n)
  meta$minmax_lower[ind] <- rep(c(0, 1, -5), length.out = n)
  meta$minmax_upper[ind] <- rep(c(100, 10, 5), length.out = n)
  meta$zscore_mean[ind] <- rep(c(10, 0, 100), length.out = n)
  meta$zscore_sd[ind] <- rep(c(2, 1, 15), length.out = n)
  if (cap) meta$dist2targ_cap_max[ind] <- rep(c(TRUE, FALSE, FALSE), length.out = n)
  meta
}

## ASEM: COINr's data, its Target column, three directions turned to -1 ----------------------
meta <- ASEM_iMeta
meta$Direction[meta$iCode %in% c("Flights", "Tariff", "CO2")] <- -1
meta <- add_columns(meta, ASEM_iData)
out(ASEM_iData, "asem", "iData.csv")
out(meta, "asem", "iMeta_params.csv")
for (f_n in c("n_goalposts", "n_minmax", "n_zscore", "n_dist2targ")) {
  build(ASEM_iData, meta, f_n, paste0("asem-", sub("n_", "", f_n)))
}

## Random: gaps, negative values, ties, mixed directions; no dist2targ_cap_max column -------
set.seed(20)
n_ind <- 9; n_unit <- 25
rmeta <- data.frame(
  iCode = c(sprintf("x%02d", 1:n_ind), "P1", "P2", "P3", "Index"),
  Level = c(rep(1, n_ind), rep(2, 3), 3),
  Parent = c(rep(c("P1", "P2", "P3"), each = 3), "Index", "Index", "Index", NA),
  Direction = c(sample(c(1, 1, -1), n_ind, replace = TRUE), rep(1, 4)),
  Weight = c(round(runif(n_ind, 0.2, 3), 2), 1, 2, 0.5, 1),
  Type = c(rep("Indicator", n_ind), rep("Aggregate", 4)))
rmeta$iName <- rmeta$iCode
vals <- matrix(round(rnorm(n_unit * n_ind, 5, 10), 0), n_unit)  # rounded: ties; negatives
vals[sample(length(vals), 20)] <- NA                              # gaps
colnames(vals) <- rmeta$iCode[1:n_ind]
rdata <- data.frame(uCode = sprintf("U%02d", 1:n_unit), uName = sprintf("Unit %d", 1:n_unit), vals)
rmeta$Target <- c(sapply(rmeta$iCode[1:n_ind], function(code) {
  signif(quantile(rdata[[code]], ifelse(rmeta$Direction[rmeta$iCode == code] == 1, 0.8, 0.2),
                  na.rm = TRUE, names = FALSE), 3)}), rep(NA, 4))
rmeta <- add_columns(rmeta, rdata, cap = FALSE)
out(rdata, "random", "iData.csv")
out(rmeta, "random", "iMeta_params.csv")
for (f_n in c("n_goalposts", "n_minmax", "n_zscore", "n_dist2targ")) {
  build(rdata, rmeta, f_n, paste0("random-", sub("n_", "", f_n)))
}
# individual specifications replace the iMeta ones for the indicators they name
build(rdata, rmeta, "n_goalposts", "random-goalposts-indiv",
      indiv_specs = list(x02 = list(f_n = "n_rank"),
                         x05 = list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 1)))))

## EffWeight: COINr's get_eff_weights(out2 = "coin") writes it into iMeta; an iMeta saved after it
eff <- get_eff_weights(new_coin(ASEM_iData, ASEM_iMeta, quietly = TRUE), out2 = "coin")
out(eff$Meta$Ind, "asem", "iMeta_effweight.csv")

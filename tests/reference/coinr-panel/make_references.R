# COINr 1.1.14 panel (purse) references for innometrics' tests (run from this folder:
# Rscript make_references.R). asem-panel-global/ is copied from the shared COINr references (see
# SOURCE.md); this script makes asem-panel-latest/ and random-panel-linear/.
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

## ASEM panel, gaps filled by the latest earlier value (max_time = 2), normalised per year ----
set.seed(17)
iData_p <- ASEM_iData_p
inds <- ASEM_iMeta$iCode[ASEM_iMeta$Type == "Indicator"]
for (k in 1:300) {  # 300 random cells of the indicator columns made missing
  iData_p[sample(nrow(iData_p), 1), sample(inds, 1)] <- NA
}
out(iData_p, "asem-panel-latest", "iData_p.csv")
purse <- new_coin(iData_p, ASEM_iMeta, split_to = "all", quietly = TRUE)
purse <- Impute(purse, dset = "Raw", f_i = "impute_panel",
                f_i_para = list(imp_type = "latest", max_time = 2))
purse <- Normalise(purse, dset = "Imputed", global = FALSE)
purse <- Aggregate(purse, dset = "Normalised")
out(get_dset(purse, "Imputed"), "asem-panel-latest", "dset_Imputed.csv")
out(get_dset(purse, "Aggregated"), "asem-panel-latest", "dset_Aggregated.csv")
# which time filled each point (impute_panel's DataT, on the same data)
out(impute_panel(get_dset(purse, "Raw"), imp_type = "latest", max_time = 2)$DataT,
    "asem-panel-latest", "DataT.csv")
out(get_trends(purse, dset = "Aggregated", f_trend = "CAGR", interp_at = "all")$Trends,
    "asem-panel-latest", "trends_CAGR.csv")

## Random panel: gaps, absent unit-years, a group column; linear panel imputation, then group
## means for the series with no value; normalised across years (global = TRUE) ---------------
set.seed(18)
n_ind <- 8; n_unit <- 20; years <- 2016:2021
meta <- data.frame(
  iCode = c(sprintf("y%d", 1:n_ind), "P1", "P2", "Index", "Grp"),
  Level = c(rep(1, n_ind), 2, 2, 3, NA),
  Parent = c(rep(c("P1", "P2"), each = 4), "Index", "Index", NA, NA),
  Direction = c(sample(c(1, 1, -1), n_ind, replace = TRUE), 1, 1, 1, NA),
  Weight = c(round(runif(n_ind, 0.2, 3), 2), 1, 2, 1, NA),
  Type = c(rep("Indicator", n_ind), "Aggregate", "Aggregate", "Aggregate", "Group"))
meta$iName <- meta$iCode
rows <- expand.grid(u = 1:n_unit, Time = years)
vals <- matrix(round(rnorm(nrow(rows) * n_ind, 50, 15), 1), nrow(rows))
vals[sample(length(vals), round(0.15 * length(vals)))] <- NA     # gaps
colnames(vals) <- meta$iCode[1:n_ind]
iData <- data.frame(uCode = sprintf("R%02d", rows$u), uName = sprintf("Unit %d", rows$u),
                    Grp = c("a", "b", "c", "b")[(rows$u %% 4) + 1], Time = rows$Time, vals)
iData[iData$uCode == "R03", "y2"] <- NA                          # series with no value
iData[iData$uCode == "R11", "y7"] <- NA
iData <- iData[-sample(nrow(iData), 8), ]                        # absent unit-years
# COINr's linear imputation stops on a series with one value: give such series a second one
for (u in unique(iData$uCode)) for (i in meta$iCode[1:n_ind]) {
  r <- which(iData$uCode == u)
  if (sum(!is.na(iData[r, i])) == 1) iData[r[is.na(iData[r, i])][1], i] <- 42
}
out(meta, "random-panel-linear", "iMeta.csv")
out(iData, "random-panel-linear", "iData_p.csv")
purse <- new_coin(iData, meta, split_to = "all", quietly = TRUE)
purse <- Impute(purse, dset = "Raw", f_i = "impute_panel", f_i_para = list(imp_type = "linear"))
purse <- Impute(purse, dset = "Imputed", f_i = "i_mean_grp", use_group = "Grp",
                write_to = "Imputed2")
purse <- Normalise(purse, dset = "Imputed2", global = TRUE)
purse <- Aggregate(purse, dset = "Normalised")
out(get_dset(purse, "Imputed"), "random-panel-linear", "dset_PanelImputed.csv")
out(get_dset(purse, "Imputed2"), "random-panel-linear", "dset_Imputed.csv")
out(get_dset(purse, "Aggregated"), "random-panel-linear", "dset_Aggregated.csv")
out(get_trends(purse, dset = "Aggregated", f_trend = "CAGR", interp_at = "all")$Trends,
    "random-panel-linear", "trends_CAGR.csv")
out(get_trends(purse, dset = "Aggregated", f_trend = "prc_change", interp_at = "all")$Trends,
    "random-panel-linear", "trends_prc_change.csv")

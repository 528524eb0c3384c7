# Makes this folder's reference: COINr's documented example build (build_example_coin(), the
# calls below copied from COINr 1.1.14's R/examples.R), every data set written unrounded.
# Run from this folder: Rscript make_reference.R
suppressPackageStartupMessages(library(COINr))
coin <- new_coin(COINr::ASEM_iData, COINr::ASEM_iMeta,
                 level_names = c("Indicator", "Pillar", "Sub-index", "Index"))
coin <- Denominate(coin, dset = "Raw")
coin <- Impute(coin, dset = "Denominated", f_i = "i_mean_grp", use_group = "EurAsia_group")
coin <- Screen(coin, dset = "Imputed", dat_thresh = 0.9, unit_screen = "byNA")
coin <- Treat(coin, dset = "Screened", global_specs = list(f1_para = list(winmax = 5)))
coin <- Normalise(coin, dset = "Treated", global_specs = list(f_n = "n_minmax",
                                                                f_n_para = list(c(0, 100))))
coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_amean")

# The same build as the one-liner COINr documents: any difference here means the calls above
# are not COINr's example.
stopifnot(isTRUE(all.equal(coin$Data, build_example_coin(quietly = TRUE)$Data)))

write17 <- function(df, file) {
  num <- vapply(df, is.numeric, logical(1))
  df[num] <- lapply(df[num], function(v) ifelse(is.na(v), NA, sprintf("%.17g", v)))
  # 17 significant digits: every double read back exactly; text quoted (names hold commas)
  write.csv(df, file, row.names = FALSE, na = "", quote = which(!num))
}
for (stage in c("Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated")) {
  write17(get_dset(coin, stage), paste0("dset_", stage, ".csv"))
}
agg <- get_dset(coin, "Aggregated")
ranks <- data.frame(uCode = agg$uCode,
                    lapply(agg[-1], function(v) rank(-v, ties.method = "min", na.last = "keep")),
                    check.names = FALSE)
write.csv(ranks, "ranks_Aggregated.csv", row.names = FALSE, na = "", quote = FALSE)
scr <- coin$Analysis$Screened$DataSummary
write.csv(scr[c("uCode", "N_missing", "Dat_Avail", "Included")], "screening.csv",
          row.names = FALSE, quote = FALSE)
imp <- get_dset(coin, "Denominated")
imp_after <- get_dset(coin, "Imputed")
num <- vapply(imp, is.numeric, logical(1))
flags <- data.frame(uCode = imp$uCode, is.na(imp[num]) & !is.na(imp_after[num]))
write.csv(flags, "imputed_points.csv", row.names = FALSE, quote = FALSE)
writeLines(c(R.version.string, paste("COINr", as.character(packageVersion("COINr")))),
           "versions.txt")

# The inputs, as the test reads them.
write17(COINr::ASEM_iData, "ASEM_iData.csv")
write.csv(COINr::ASEM_iMeta, "ASEM_iMeta.csv", row.names = FALSE, na = "")

# COINr 1.1.14 references for steps reading an earlier stage (COINr's `dset` argument; issue 20,
# "treat from an earlier stage"). Run from this folder: Rscript make_references.R
suppressPackageStartupMessages(library(COINr))
write17 <- function(df, file) {
  dir.create(dirname(file), showWarnings = FALSE, recursive = TRUE)
  num <- vapply(df, is.numeric, logical(1))
  df[num] <- lapply(df[num], function(v) ifelse(is.na(v), NA, sprintf("%.17g", v)))
  # 17 significant digits: every double read back exactly; text quoted (names hold commas)
  write.csv(df, file, row.names = FALSE, na = "", quote = which(!num))
}
dump <- function(coin, folder) {
  for (stage in setdiff(names(coin$Data), "Raw")) {
    write17(get_dset(coin, stage), file.path(folder, paste0("dset_", stage, ".csv")))
  }
}
minmax <- list(f_n = "n_minmax", f_n_para = list(c(0, 100)))

# Impute (from Raw), Treat, Normalise (n_minmax onto [0, 100]) and Aggregate (a_amean), each
# reading the data set named here
impute_treat_normalise_aggregate <- function(f_i, treat_dset, normalise_dset, aggregate_dset) {
  coin <- new_coin(ASEM_iData, ASEM_iMeta, quietly = TRUE)
  coin <- Impute(coin, dset = "Raw", f_i = f_i)
  coin <- Treat(coin, dset = treat_dset)
  coin <- Normalise(coin, dset = normalise_dset, global_specs = minmax)
  Aggregate(coin, dset = aggregate_dset, f_ag = "a_amean")
}

# impute-treat-raw: impute, then treat the raw data (the imputed values are not treated)
dump(impute_treat_normalise_aggregate("i_mean", "Raw", "Treated", "Normalised"),
     "impute-treat-raw")

# screen-impute-denominated: screen on the denominated data, then impute from before the
# screening (every unit comes back), treat, normalise, aggregate
coin <- new_coin(ASEM_iData, ASEM_iMeta, quietly = TRUE)
coin <- Denominate(coin, dset = "Raw")
coin <- Screen(coin, dset = "Denominated", unit_screen = "byNA", dat_thresh = 0.9)
coin <- Impute(coin, dset = "Denominated", f_i = "i_mean_grp", use_group = "EurAsia_group")
coin <- Treat(coin, dset = "Imputed", global_specs = list(f1_para = list(winmax = 5)))
coin <- Normalise(coin, dset = "Treated", global_specs = minmax)
coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_amean")
dump(coin, "screen-impute-denominated")
write.csv(data.frame(uCode = coin$Analysis$Screened$RemovedUnits),
          "screen-impute-denominated/removed.csv", row.names = FALSE)

# normalise-aggregate-earlier: normalise the imputed data (skipping the treated), and aggregate
# the treated data (skipping the normalised)
dump(impute_treat_normalise_aggregate("i_median", "Imputed", "Imputed", "Treated"),
     "normalise-aggregate-earlier")

writeLines(c(R.version.string, paste("COINr", as.character(packageVersion("COINr")))),
           "versions.txt")

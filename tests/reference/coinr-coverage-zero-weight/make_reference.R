# COINr 1.1.14 reference: Aggregate's data availability threshold (dat_thresh) with a child of
# weight 0 (COINr counts every child of a parent, whatever its weight).
# Run from this folder: Rscript make_reference.R
suppressPackageStartupMessages(library(COINr))
meta <- ASEM_iMeta
meta$Weight[meta$iCode == "Pat"] <- 0  # P2P: Pat (6 units missing) weighs nothing
coin <- new_coin(ASEM_iData, meta, quietly = TRUE)
coin <- Normalise(coin, dset = "Raw", global_specs = list(f_n = "n_minmax",
                                                          f_n_para = list(c(0, 100))))
coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_amean", dat_thresh = 0.8)
agg <- get_dset(coin, "Aggregated")
num <- vapply(agg, is.numeric, logical(1))
agg[num] <- lapply(agg[num], function(v) ifelse(is.na(v), NA, sprintf("%.17g", v)))
write.csv(agg, "dset_Aggregated.csv", row.names = FALSE, na = "", quote = FALSE)
write.csv(meta, "iMeta.csv", row.names = FALSE, na = "")
writeLines(c(R.version.string, paste("COINr", as.character(packageVersion("COINr")))),
           "versions.txt")
# the generalised mean (a_genmean sets the weight of a missing child to NA, so its sum is NA:
# a missing child of weight 0 blanks the parent too)
coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_genmean", f_ag_para = list(p = 2))
agg <- get_dset(coin, "Aggregated")
num <- vapply(agg, is.numeric, logical(1))
agg[num] <- lapply(agg[num], function(v) ifelse(is.na(v), NA, sprintf("%.17g", v)))
write.csv(agg, "dset_Aggregated_genmean2.csv", row.names = FALSE, na = "", quote = FALSE)

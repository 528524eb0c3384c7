# COINr 1.1.14 reference: the generalised mean with a missing child of weight 0, on the tests'
# toy index (toy/iMeta.csv: indicator b weighs 0; toy/iData.csv: unit BBB lacks b only).
# Run from this folder: Rscript make_toy_genmean.R
suppressPackageStartupMessages(library(COINr))
meta <- read.csv("toy/iMeta.csv", na.strings = "")
data <- read.csv("toy/iData.csv", na.strings = "")
coin <- new_coin(data, meta, quietly = TRUE)
coin <- Normalise(coin, dset = "Raw", global_specs = list(f_n = "n_minmax",
                                                          f_n_para = list(c(1, 100))))
coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_genmean", f_ag_para = list(p = 2))
agg <- get_dset(coin, "Aggregated")
num <- vapply(agg, is.numeric, logical(1))
agg[num] <- lapply(agg[num], function(v) ifelse(is.na(v), NA, sprintf("%.17g", v)))
write.csv(agg, "toy/dset_Aggregated_genmean2.csv", row.names = FALSE, na = "", quote = FALSE)

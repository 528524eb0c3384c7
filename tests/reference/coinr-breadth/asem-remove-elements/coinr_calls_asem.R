# COINr 1.1.14: remove_elements on the main ASEM build at levels 1 (indicators) and 3 (sub-indices).
# Run from this folder: writes mean_abs_diff_L1.csv, scores_L1.csv, mean_abs_diff_L3.csv, scores_L3.csv.
library(COINr)
coin <- new_coin(ASEM_iData, ASEM_iMeta, quietly = TRUE)
coin <- Denominate(coin, dset = "Raw")
coin <- Impute(coin, dset = "Denominated", f_i = "i_mean")
coin <- Treat(coin, dset = "Imputed")
coin <- Normalise(coin, dset = "Treated",
                  global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100))))
coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_amean")
for (lev in c(1, 3)) {
  re <- remove_elements(coin, Level = lev, dset = "Aggregated", iCode = "Index", quietly = TRUE)
  write.csv(data.frame(iCode = names(re$MeanAbsDiff), MeanAbsDiff = sprintf("%.17g", re$MeanAbsDiff)),
            sprintf("mean_abs_diff_L%d.csv", lev), row.names = FALSE, quote = FALSE)
  s <- re$Scores
  s[-1] <- lapply(s[-1], function(v) sprintf("%.17g", v))
  write.csv(s, sprintf("scores_L%d.csv", lev), row.names = FALSE, quote = FALSE)
}

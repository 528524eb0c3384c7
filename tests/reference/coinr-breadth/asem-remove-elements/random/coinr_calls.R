# COINr 1.1.14: remove_elements on random data (iMeta.csv, iData.csv) at levels 1-3, two builds.
library(COINr)
iMeta <- read.csv("iMeta.csv", na.strings = "")
iData <- read.csv("iData.csv")
for (build in c("amean", "gmean")) {
  coin <- new_coin(iData, iMeta, quietly = TRUE)
  l_u <- if (build == "amean") c(0, 100) else c(1, 100)
  coin <- Normalise(coin, dset = "Raw", global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = l_u)))
  coin <- Aggregate(coin, dset = "Normalised", f_ag = paste0("a_", build))
  for (lev in 1:3) {
    re <- remove_elements(coin, Level = lev, dset = "Aggregated", iCode = "Index", quietly = TRUE)
    write.csv(data.frame(iCode = names(re$MeanAbsDiff), MeanAbsDiff = sprintf("%.17g", re$MeanAbsDiff)),
              sprintf("%s_mean_abs_diff_L%d.csv", build, lev), row.names = FALSE, quote = FALSE)
    if (lev == 1) {
      s <- re$Scores
      s[-1] <- lapply(s[-1], function(v) ifelse(is.na(v), "", sprintf("%.17g", v)))
      write.csv(s, sprintf("%s_scores_L1.csv", build), row.names = FALSE, quote = FALSE)
    }
  }
}

# COINr 1.1.14 references for issue 20 (screening, Cronbach, strengths and weaknesses, results).
# Run from this folder: Rscript make_references.R
suppressMessages(library(COINr))
w <- function(df, path) {
  dir.create(dirname(path), showWarnings = FALSE, recursive = TRUE)
  df[] <- lapply(df, function(v) if (is.numeric(v)) ifelse(is.na(v), NA, sprintf("%.17g", v)) else v)
  write.csv(df, path, row.names = FALSE, na = "")
}
coin <- new_coin(ASEM_iData, ASEM_iMeta, quietly = TRUE)

# screening by zeros: nonzero_thresh = 0.95 (unit_screen = "byzeros")
s <- Screen(coin, dset = "Raw", unit_screen = "byzeros", nonzero_thresh = 0.95, out2 = "list")
w(data.frame(uCode = s$RemovedUnits), "screen-byzeros/removed.csv")
# the same with Force: include two removed units, exclude two kept ones
force <- data.frame(uCode = c(s$RemovedUnits[1:2], "AUT", "JPN"),
                    Include = c(TRUE, TRUE, FALSE, FALSE))
s2 <- Screen(coin, dset = "Raw", unit_screen = "byzeros", nonzero_thresh = 0.95,
             Force = force, out2 = "list")
w(force, "screen-force/force.csv")
w(data.frame(uCode = s2$RemovedUnits), "screen-force/removed.csv")
# byNAandzeros with dat_thresh 0.9
s3 <- Screen(coin, dset = "Raw", unit_screen = "byNAandzeros", dat_thresh = 0.9,
             nonzero_thresh = 0.95, out2 = "list")
w(data.frame(uCode = s3$RemovedUnits), "screen-bynaandzeros/removed.csv")

# Cronbach's alpha on the Raw data (gaps) of every pillar (Level 1 members of each level-2 group)
pillars <- ASEM_iMeta$iCode[ASEM_iMeta$Level == 2 & ASEM_iMeta$Type == "Aggregate"]
alpha <- data.frame(
  iCode = pillars,
  Pairwise = sapply(pillars, function(p) get_cronbach(coin, dset = "Raw", iCodes = p, Level = 1)),
  Complete = sapply(pillars, function(p) get_cronbach(coin, dset = "Raw", iCodes = p, Level = 1,
                                                      use = "complete.obs")))
w(alpha, "cronbach-raw/alpha.csv")

# strengths and weaknesses on Raw (default dset) and on a normalised stage
coin <- qNormalise(coin, dset = "Raw")
for (u in c("AUT", "CHN", "NZL", "MLT", "KHM")) {
  for (dset in c("Raw", "Normalised")) {
    sw <- get_str_weak(coin, dset = dset, usel = u, topN = 5, bottomN = 5, sig_figs = NULL)
    w(sw$Strengths, sprintf("str-weak/%s_%s_strengths.csv", u, dset))
    w(sw$Weaknesses, sprintf("str-weak/%s_%s_weaknesses.csv", u, dset))
  }
}

# results tables: Normalise (n_minmax onto [0, 100]) and Aggregate (a_amean) on the raw data
built <- new_coin(ASEM_iData, ASEM_iMeta, quietly = TRUE)
built <- Normalise(built, dset = "Raw")
built <- Aggregate(built, dset = "Normalised")
w(get_results(built, dset = "Aggregated", tab_type = "Aggs", also_get = "uName", nround = 15),
  "results/aggs.csv")
w(get_results(built, dset = "Aggregated", tab_type = "Aggs", use = "groupranks",
              use_group = "GDP_group", nround = 15), "results/groupranks_GDP_group.csv")
w(get_unit_summary(built, usel = "KHM", Levels = c(4, 3, 2), dset = "Aggregated", nround = 15),
  "results/unit_summary_KHM.csv")

# analysis of a stage: the raw data
raw <- new_coin(ASEM_iData, ASEM_iMeta, quietly = TRUE)
w(get_corr_flags(raw, dset = "Raw", cor_thresh = 0.6, thresh_type = "high", roundto = NULL),
  "analysis-raw/corr_flags_high_0.6.csv")
w(get_corr_flags(raw, dset = "Raw", cor_thresh = -0.2, thresh_type = "low", roundto = NULL),
  "analysis-raw/corr_flags_low_-0.2.csv")
w(get_denom_corr(raw, dset = "Raw", cor_thresh = 0.6, nround = NULL),
  "analysis-raw/denom_corr_0.6.csv")
avail <- get_data_avail(raw, dset = "Raw", out2 = "list")
w(avail$Summary, "analysis-raw/data_avail_summary.csv")
w(avail$ByGroup, "analysis-raw/data_avail_bygroup.csv")
p2p <- ASEM_iMeta$iCode[ASEM_iMeta$Parent %in% "P2P"]
pv <- get_pvals(get_dset(raw, "Raw")[p2p])
w(data.frame(Var1 = rep(rownames(pv), ncol(pv)), Var2 = rep(colnames(pv), each = nrow(pv)),
             P = as.vector(pv)), "analysis-raw/pvals_P2P.csv")

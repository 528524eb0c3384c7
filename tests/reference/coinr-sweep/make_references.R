# COINr 1.1.14 references of issue 20's operations on two synthetic coins (not ASEM).
# Run from this folder: Rscript make_references.R
# 1. makes the inputs  <coin>/iMeta.csv, <coin>/iData.csv  (seeded; values rounded to 4 decimals
#    so that R and Python read the same doubles);
# 2. reads them back and writes COINr's outputs under <coin>/.
suppressMessages(library(COINr))
w <- function(df, path) {
  dir.create(dirname(path), showWarnings = FALSE, recursive = TRUE)
  df <- as.data.frame(df)
  df[] <- lapply(df, function(v) if (is.numeric(v)) ifelse(is.na(v), NA, sprintf("%.17g", v)) else v)
  write.csv(df, path, row.names = FALSE, na = "")
}
codes_of <- function(n) {  # n distinct three-letter unit codes, not in alphabetical order
  all <- apply(expand.grid(LETTERS, LETTERS, LETTERS)[sample(26^3, 4 * n), ], 1, paste, collapse = "")
  unique(all)[1:n]
}

# ---------------------------------------------------------------------------------------------
# inputs
# coin "four": 40 units, 12 indicators, pillars -> sub-indices -> index (4 levels), uneven weights,
# pillar codes whose file order and case differ from COINr's sorted order, 2 group columns (one
# unit without a Region), 2 denominators, ~10% gaps, zeros, ties, negative values, direction -1.
set.seed(20)
n <- 40
u <- codes_of(n)
pop <- round(exp(rnorm(n, 3, 1.2)), 4)
gdp <- round(pop * exp(rnorm(n, 2, 0.5)), 4)
iData <- data.frame(
  uCode = u, uName = paste("Country", u),
  Income = sample(c("H", "M", "L"), n, TRUE),
  Region = c(sample(c("North", "South", "East", "West"), n - 1, TRUE), NA),
  Pop = pop, GDP = gdp,
  t_pat = as.numeric(rpois(n, 1.2)),                       # counts: zeros and ties
  t_rnd = round(rnorm(n, 2, 1) + 0.002 * gdp, 4),
  t_hitech = round(pmax(rnorm(n, 3, 3), 0), 4),            # zeros
  t_score = as.numeric(sample(1:5, n, TRUE)),              # ties
  h_edu = round(rnorm(n, 60, 15), 4),
  h_ter = round(rnorm(n, 40, 12)),                         # ties
  h_net = round(rnorm(n, 0, 10), 4),                       # negative values
  e_gdp = round(exp(rnorm(n, 2, 1.3)), 4),                 # skewed (treatment)
  e_exp = round(rnorm(n, 30, 8) + 0.1 * pop^0.5, 4),
  e_fdi = round(rnorm(n, 1, 4), 4),                        # negative values
  i_ict = round(runif(n, 20, 100), 4),
  i_road = round(runif(n, 1, 50), 4)                       # direction -1
)
ind <- c("t_pat", "t_rnd", "t_hitech", "t_score", "h_edu", "h_ter", "h_net",
         "e_gdp", "e_exp", "e_fdi", "i_ict", "i_road")
gaps <- matrix(runif(n * 12) < 0.09, n)
for (j in seq_along(ind)) iData[[ind[j]]][gaps[, j]] <- NA
# units on screening cut-offs (12 indicators): 3 missing -> Dat_Avail 0.75;
# 4 missing -> 2/3; 3 zeros of 12 present -> Non_Zero 0.75; 2 zeros of 10 present -> 0.8;
# 1 zero of 10 present -> 0.9; 6 zeros of 12 -> 0.5
set_row <- function(i, missing = character(), zeros = character()) {
  for (c in ind) if (is.na(iData[i, c])) iData[i, c] <<- 1 + i / 100
  for (c in ind[ind != "t_pat"]) if (iData[i, c] == 0) iData[i, c] <<- 0.5
  if (iData[i, "t_pat"] == 0) iData[i, "t_pat"] <<- 1
  iData[i, missing] <<- NA
  iData[i, zeros] <<- 0
}
set_row(3, missing = c("t_rnd", "h_edu", "e_exp"))
set_row(7, missing = c("t_rnd", "h_edu", "e_exp", "i_ict"))
set_row(11, zeros = c("t_pat", "t_hitech", "h_net"))
set_row(15, missing = c("e_gdp", "i_road"), zeros = c("t_pat", "e_fdi"))
set_row(19, missing = c("t_score", "h_ter"), zeros = c("t_hitech"))
set_row(23, zeros = c("t_pat", "t_hitech", "h_net", "e_fdi", "t_score", "h_ter"))
set_row(27, missing = c("t_pat", "t_rnd", "t_hitech", "h_ter", "e_fdi"))
iData[31, c(ind, "Pop", "GDP")] <- iData[32, c(ind, "Pop", "GDP")]  # two equal units, the
iData[31:32, c("uCode", "uName")] <- c("QQZ", "QQA", "Country QQZ", "Country QQA")  # later code first
iMeta <- data.frame(
  iCode = c(ind, "Tech", "Human", "eco", "Infra", "Outputs", "Inputs", "Index",
            "Income", "Region", "Pop", "GDP"),
  iName = c(paste("Indicator", ind), "Technology", "Human capital", "Economy",
            "Infrastructure", "Outputs", "Inputs", "Sweep index",
            "Income group", "Region", "Population", "GDP"),
  Level = c(rep(1, 12), 2, 2, 2, 2, 3, 3, 4, NA, NA, NA, NA),
  Parent = c(rep("Tech", 4), rep("Human", 3), rep("eco", 3), rep("Infra", 2),
             "Outputs", "Inputs", "Outputs", "Inputs", "Index", "Index", NA, NA, NA, NA, NA),
  Direction = c(rep(1, 11), -1, rep(1, 7), NA, NA, NA, NA),
  Weight = c(1, 2, 1, 0.5, 1, 1, 3, 2, 1, 1, 1, 2, 1, 2, 1, 1, 0.6, 0.4, 1, NA, NA, NA, NA),
  Type = c(rep("Indicator", 12), rep("Aggregate", 7), "Group", "Group", "Denominator",
           "Denominator"),
  Unit = c(rep("score", 12), rep(NA, 11)))
dir.create("four", showWarnings = FALSE)
write.csv(iData, "four/iData.csv", row.names = FALSE, na = "")
write.csv(iMeta, "four/iMeta.csv", row.names = FALSE, na = "")

# coin "two": 25 units, 10 indicators in two pillars (3 levels), a unit with 8 of 10 values
# missing (Dat_Avail 1 - 8/10 just below 0.2), zeros on p = 10 present values; pillar codes
# "In1" (first in the file) and "in_2", which R's collation puts first ("_" before digits)
set.seed(21)
n <- 25
u <- codes_of(n)
X <- matrix(round(rnorm(n * 10, 10, 5), 4), n)
X[, 3] <- round(X[, 3] - 12, 4)                             # mostly negative
X[, 7] <- pmax(round(X[, 7] - 8), 0)                         # zeros and ties
X[runif(n * 10) < 0.08] <- NA
X[5, ] <- c(1, NA, NA, NA, NA, NA, NA, NA, NA, 2)            # 8 missing
X[9, ] <- c(0, 0, 0, 0, 0, 0, 0, 1, 2, 3)                    # 7 zeros of 10 -> Non_Zero 1 - 0.7
X[13, ] <- c(0, 4, 5, 6, 7, 8, 9, 10, 11, 12)                # 1 zero of 10 -> 0.9
ind2 <- sprintf("x%02d", 1:10)
iData2 <- data.frame(uCode = u, uName = paste("Unit", u),
                     Size = sample(c("small", "big"), n, TRUE), Area = round(runif(n, 1, 9), 4))
iData2[ind2] <- X
iMeta2 <- data.frame(
  iCode = c(ind2, "In1", "in_2", "Top", "Size", "Area"),
  iName = c(paste("Indicator", ind2), "Pillar B", "Pillar A", "Top", "Size", "Area"),
  Level = c(rep(1, 10), 2, 2, 3, NA, NA),
  Parent = c(rep("In1", 5), rep("in_2", 5), "Top", "Top", NA, NA, NA),
  Direction = c(1, 1, -1, 1, 1, 1, 1, 1, -1, 1, 1, 1, 1, NA, NA),
  Weight = c(1, 1, 1, 2, 1, 1, 3, 1, 1, 1, 1, 2, 1, NA, NA),
  Type = c(rep("Indicator", 10), rep("Aggregate", 3), "Group", "Denominator"))
dir.create("two", showWarnings = FALSE)
write.csv(iData2, "two/iData.csv", row.names = FALSE, na = "")
write.csv(iMeta2, "two/iMeta.csv", row.names = FALSE, na = "")

# ---------------------------------------------------------------------------------------------
# outputs, per coin
for (name in c("four", "two")) {
  iData <- read.csv(file.path(name, "iData.csv"), na.strings = "")
  iMeta <- read.csv(file.path(name, "iMeta.csv"), na.strings = "")
  out <- function(df, file) w(df, file.path(name, file))
  coin <- new_coin(iData, iMeta, quietly = TRUE)
  lin <- coin$Meta$Lineage
  maxlev <- coin$Meta$maxlev
  aggs <- iMeta$iCode[iMeta$Type == "Aggregate"]
  group_cols <- iMeta$iCode[iMeta$Type == "Group"]
  ind <- iMeta$iCode[iMeta$Type == "Indicator"]

  # Screen ------------------------------------------------------------------------------------
  cases <- list(
    list("byNA", 0.75, NULL), list("byNA", 2 / 3, NULL), list("byNA", 0.8, NULL),
    list("byNA", 0.2, NULL), list("byNA", 0.9, NULL),
    list("byzeros", NULL, 0.95), list("byzeros", NULL, 0.9), list("byzeros", NULL, 0.8),
    list("byzeros", NULL, 0.75), list("byzeros", NULL, 0.5), list("byzeros", NULL, 0.3),
    list("byNAandzeros", 0.75, 0.8), list("byNAandzeros", 0.2, 0.9))
  rows <- lapply(cases, function(k) {
    s <- Screen(coin, dset = "Raw", unit_screen = k[[1]], dat_thresh = k[[2]],
                nonzero_thresh = k[[3]], out2 = "list")
    data.frame(unit_screen = k[[1]], dat_thresh = if (is.null(k[[2]])) NA else k[[2]],
               nonzero_thresh = if (is.null(k[[3]])) NA else k[[3]],
               removed = paste(sort(s$RemovedUnits), collapse = ";"))
  })
  out(do.call(rbind, rows), "screen/removed.csv")
  s <- Screen(coin, dset = "Raw", unit_screen = "byNAandzeros", dat_thresh = 0.75,
              nonzero_thresh = 0.8, out2 = "list")
  out(s$DataSummary, "screen/summary.csv")
  kept <- setdiff(coin$Data$Raw$uCode, s$RemovedUnits)
  force <- data.frame(uCode = c(sort(s$RemovedUnits)[1], sort(kept)[1:2]),
                      Include = c(TRUE, FALSE, FALSE))
  sf <- Screen(coin, dset = "Raw", unit_screen = "byNAandzeros", dat_thresh = 0.75,
               nonzero_thresh = 0.8, Force = force, out2 = "list")
  out(force, "screen/force.csv")
  out(data.frame(uCode = sort(sf$RemovedUnits)), "screen/force_removed.csv")

  # the build: control = Treat (defaults), Normalise (minmax [0, 100]), Aggregate (amean) ------
  built <- Aggregate(Normalise(coin, dset = "Raw"), dset = "Normalised")
  treated <- Aggregate(Normalise(Treat(coin, dset = "Raw"), dset = "Treated"), dset = "Normalised")
  for (d in c("Normalised", "Aggregated")) out(get_dset(built, d), sprintf("build/%s.csv", d))
  for (d in c("Treated", "Aggregated")) out(get_dset(treated, d), sprintf("control/%s.csv", d))

  # Cronbach: every aggregate over every level below it, on Raw, Normalised and Aggregated ------
  rows <- list()
  for (d in c("Raw", "Normalised", "Aggregated")) for (a in aggs) {
    alev <- iMeta$Level[iMeta$iCode == a]
    for (lev in seq_len(alev - 1)) {
      if (d != "Aggregated" && lev > 1) next
      one <- function(use) tryCatch(get_cronbach(built, dset = d, iCodes = a, Level = lev, use = use),
                                    error = function(e) NA)
      rows[[length(rows) + 1]] <- data.frame(dset = d, iCode = a, Level = lev,
                                             Pairwise = one("pairwise.complete.obs"),
                                             Complete = one("complete.obs"))
    }
  }
  out(do.call(rbind, rows), "cronbach.csv")

  # correlations ----------------------------------------------------------------------------------
  for (d in c("Raw", "Normalised")) for (m in c("pearson", "spearman")) {
    out(get_corr(built, dset = d, Levels = 1, grouplev = 2, cortype = m, pval = 0),
        sprintf("corr/within_%s_%s.csv", d, m))
  }
  for (m in c("pearson", "spearman")) for (lev in 1:(maxlev - 1)) {
    out(get_corr(built, dset = "Aggregated", Levels = c(lev, lev + 1), withparent = TRUE,
                 cortype = m, pval = 0), sprintf("corr/parent_Aggregated_%s_%d.csv", m, lev))
  }
  # get_corr with its default pval = 0.05: insignificant correlations become NA
  out(get_corr(built, dset = "Raw", Levels = 1, grouplev = 2), "corr/within_Raw_pval0.05.csv")
  for (p in unique(lin[[2]])) for (m in c("pearson", "spearman")) {
    pv <- suppressWarnings(get_pvals(get_data(built, "Raw", iCodes = p, Level = 1,
                                              also_get = "none"), method = m))
    out(data.frame(Var1 = rep(rownames(pv), ncol(pv)), Var2 = rep(colnames(pv), each = nrow(pv)),
                   P = as.vector(pv)), sprintf("pvals/%s_%s.csv", p, m))
  }
  for (d in c("Raw", "Normalised")) for (g in 2:maxlev) {
    for (k in list(c("high", 0.5), c("high", 0.3), c("low", 0), c("low", -0.2), c("low", 0.1))) {
      f <- get_corr_flags(built, dset = d, cor_thresh = as.numeric(k[2]), thresh_type = k[1],
                          grouplev = g, roundto = NULL)
      out(f, sprintf("corr_flags/%s_%s_%s_lev%d.csv", d, k[1], k[2], g))
    }
  }
  dens <- iMeta$iCode[iMeta$Type == "Denominator"]
  for (t in c(0.6, 0.3, 0)) {
    out(get_denom_corr(built, dset = "Raw", cor_thresh = t, nround = NULL),
        sprintf("denom_corr_%s.csv", t))
  }

  # data availability ---------------------------------------------------------------------------
  av <- get_data_avail(built, dset = "Raw", out2 = "list")
  out(av$Summary, "avail/summary.csv")
  out(av$ByGroup, "avail/bygroup.csv")

  # PCA per pillar on Raw and per level-2 group on Aggregated: variance shares and |loadings| ----
  rows <- list()
  for (spec in list(c("Raw", 1), c("Aggregated", 2))) {
    p <- suppressWarnings(get_PCA(built, dset = spec[1], Level = as.numeric(spec[2]),
                                  nowarnings = TRUE, out2 = "list"))
    for (g in names(p$PCAresults)) {
      r <- p$PCAresults[[g]]$PCAres
      share <- r$sdev^2 / sum(r$sdev^2)
      rows[[length(rows) + 1]] <- data.frame(dset = spec[1], Group = g, iCode = rownames(r$rotation),
                                             N = nrow(r$x), PC1.Share = share[1],
                                             AbsLoading1 = abs(r$rotation[, 1]))
    }
  }
  out(do.call(rbind, rows), "pca.csv")

  # results ---------------------------------------------------------------------------------------
  g1 <- group_cols[1]
  for (t in c("Summ", "Aggs", "Full")) {
    out(get_results(built, dset = "Aggregated", tab_type = t, also_get = "uName", nround = 15),
        sprintf("results/%s.csv", t))
    out(get_results(built, dset = "Aggregated", tab_type = t, use = "ranks"),
        sprintf("results/%s_ranks.csv", t))
  }
  for (g in group_cols) {
    out(get_results(built, dset = "Aggregated", tab_type = "Full", use = "groupranks",
                    use_group = g), sprintf("results/groupranks_%s.csv", g))
  }
  units <- get_dset(built, "Aggregated")$uCode
  top <- get_results(built, dset = "Aggregated", tab_type = "Summ", nround = 15)$uCode
  pick <- unique(c(top[1], top[length(top)], units[c(3, 7, 11, 23, 27, 31, 32)]))
  pick <- pick[!is.na(pick)]
  for (unit in pick) {
    out(get_unit_summary(built, usel = unit, Levels = maxlev:1, dset = "Aggregated", nround = 15),
        sprintf("unit_summary/%s.csv", unit))
    for (d in c("Raw", "Normalised")) for (topn in c(3, 5)) {
      sw <- get_str_weak(built, dset = d, usel = unit, topN = topn, bottomN = topn, sig_figs = NULL)
      out(sw$Strengths, sprintf("str_weak/%s_%s_%d_strengths.csv", unit, d, topn))
      out(sw$Weaknesses, sprintf("str_weak/%s_%s_%d_weaknesses.csv", unit, d, topn))
    }
  }
  writeLines(pick, file.path(name, "unit_summary/units.txt"))
  # screening, then the build on the screened units
  scr <- Screen(coin, dset = "Raw", unit_screen = "byNAandzeros", dat_thresh = 0.75,
                nonzero_thresh = 0.8)
  scr <- Aggregate(Normalise(scr, dset = "Screened"), dset = "Normalised")
  out(get_results(scr, dset = "Aggregated", tab_type = "Aggs", nround = 15),
      "screen/then_built_aggs.csv")

  # get_data selectors ------------------------------------------------------------------------------
  top_aggs <- iMeta$iCode[iMeta$Type == "Aggregate" & iMeta$Level == maxlev - 1]
  out(get_data(built, dset = "Raw", iCodes = lin[[2]][1], Level = 1), "get_data/raw_under_pillar.csv")
  out(get_data(built, dset = "Aggregated", iCodes = top_aggs[1], Level = 1),
      "get_data/agg_under_top_level1.csv")
  out(get_data(built, dset = "Aggregated", iCodes = iMeta$iCode[iMeta$Level %in% maxlev], Level = 2),
      "get_data/agg_level2.csv")
  gval <- sort(unique(na.omit(iData[[g1]])))[1]
  sel <- list(gval); names(sel) <- g1
  out(get_data(built, dset = "Normalised", iCodes = lin[[2]][2], Level = 1, use_group = sel,
               also_get = "uName"), "get_data/normalised_group.csv")
  writeLines(c(lin[[2]][1], top_aggs[1], g1, gval, lin[[2]][2]),
             file.path(name, "get_data/args.txt"))

  # change_ind: drop an indicator and regenerate; add it back ------------------------------------
  dropped <- ind[2]
  less <- change_ind(built, drop = dropped, regen = TRUE)
  out(get_dset(less, "Aggregated"), "change_ind/dropped.csv")
  back <- change_ind(less, add = dropped, regen = TRUE)
  out(get_dset(back, "Aggregated"), "change_ind/added_back.csv")
  writeLines(dropped, file.path(name, "change_ind/dropped.txt"))
}

# Spearman p-values (COINr's get_pvals(method = "spearman") calls stats::cor.test): 300 pairs,
# n = 3 to 60, with and without ties, exact (n <= 9), Edgeworth series (AS 89) and t branches
set.seed(22)
rows <- lapply(1:300, function(k) {
  n <- sample(c(3:12, 15, 20, 30, 40, 60), 1)
  ties <- runif(1) < 0.4
  x <- if (ties) sample(1:4, n, TRUE) else round(rnorm(n), 6)
  y <- if (runif(1) < 0.5) x + rnorm(n, 0, runif(1, 0.1, 3)) else rnorm(n)
  y <- round(if (runif(1) < 0.3) -y else y, 6)
  if (ties && runif(1) < 0.5) y <- round(y)
  p <- suppressWarnings(stats::cor.test(x, y, method = "spearman")$p.value)
  data.frame(n = n, x = paste(x, collapse = ";"), y = paste(y, collapse = ";"), P = p)
})
w(do.call(rbind, rows), "spearman_pvalues.csv")

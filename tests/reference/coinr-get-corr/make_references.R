# COINr 1.1.14's get_corr on two coins, every case listed in cases.csv.
# Run from this folder: Rscript make_references.R
suppressPackageStartupMessages(library(COINr))

w17 <- function(df, path, row_names = FALSE) {
  df <- as.data.frame(df)
  if (row_names) df <- cbind(Row = rownames(df), df)
  df[] <- lapply(df, function(v) if (is.numeric(v)) ifelse(is.na(v), NA, sprintf("%.17g", v)) else v)
  write.csv(df, path, row.names = FALSE, na = "")
}

# ASEM: COINr's build_example_coin(), the coin its vignettes call get_corr on
asem <- build_example_coin(quietly = TRUE)

# the sweep coin "four" (tests/reference/coinr-sweep/four), read as the sweep's script reads it
iData <- read.csv("../coinr-sweep/four/iData.csv", na.strings = "")
iMeta <- read.csv("../coinr-sweep/four/iMeta.csv", na.strings = "")
four <- new_coin(iData, iMeta, quietly = TRUE)
four <- Aggregate(Normalise(four, dset = "Raw"), dset = "Normalised")
coins <- list(asem = asem, four = four)

# one case a row: iCodes "" = NULL, "A;B" = one selection, "A;B|C" = two (list(c(A, B), C));
# Levels "1" or "1;3"; withparent TRUE / FALSE / family; grouplev "" = NULL; use_group "" = NULL,
# "col=value" = list(col = "value") (get_data's, through get_corr's ...)
cases <- read.csv(text = "
coin,dset,iCodes,Levels,withparent,grouplev,cortype,pval,make_long,use_group,use_directions
asem,Aggregated,,1;2,TRUE,,pearson,0,TRUE,,FALSE
asem,Aggregated,,1;2,TRUE,,spearman,0.05,TRUE,,FALSE
asem,Aggregated,,1;3,FALSE,,pearson,0.05,TRUE,,FALSE
asem,Aggregated,,3;1,FALSE,,kendall,0,TRUE,,FALSE
asem,Aggregated,,2;4,TRUE,,pearson,0,TRUE,,FALSE
asem,Aggregated,,2;3,TRUE,,kendall,0.05,TRUE,,FALSE
asem,Aggregated,,1,family,,pearson,0.05,TRUE,,FALSE
asem,Aggregated,,2,family,,spearman,0,TRUE,,FALSE
asem,Raw,,1,FALSE,2,pearson,0.05,TRUE,,FALSE
asem,Raw,,1,FALSE,3,kendall,0.01,TRUE,,FALSE
asem,Aggregated,,2,FALSE,3,spearman,0,TRUE,,FALSE
asem,Aggregated,,2,FALSE,,pearson,0.05,TRUE,,FALSE
asem,Aggregated,,1;2,FALSE,,pearson,0.05,FALSE,,FALSE
asem,Raw,Physical,1,FALSE,,spearman,0,FALSE,,FALSE
asem,Aggregated,Conn|Sust,2;1,FALSE,,pearson,0.05,TRUE,,FALSE
asem,Aggregated,Conn|Sust,1;2,TRUE,,pearson,0,TRUE,,FALSE
asem,Raw,Physical|P2P,1,FALSE,2,pearson,0,TRUE,,FALSE
asem,Aggregated,Physical;P2P,1;2,TRUE,,spearman,0,TRUE,,FALSE
asem,Normalised,Conn,1,FALSE,2,kendall,0.05,TRUE,,FALSE
four,Aggregated,,1;2,TRUE,,pearson,0,TRUE,,FALSE
four,Aggregated,,1;2,TRUE,,kendall,0.05,TRUE,,FALSE
four,Aggregated,,1;4,FALSE,,spearman,0.05,TRUE,,FALSE
four,Aggregated,,2;3,TRUE,,spearman,0,TRUE,,FALSE
four,Aggregated,,1,family,,kendall,0,TRUE,,FALSE
four,Aggregated,,2,family,,pearson,0.05,TRUE,,FALSE
four,Raw,,1,FALSE,2,spearman,0.05,TRUE,,FALSE
four,Raw,,1,FALSE,3,kendall,0.05,TRUE,,FALSE
four,Raw,,1,FALSE,4,pearson,0,TRUE,,FALSE
four,Raw,,1,FALSE,,kendall,0,TRUE,,FALSE
four,Aggregated,,2,FALSE,3,pearson,0.1,TRUE,,FALSE
four,Raw,,1,FALSE,,pearson,0.05,FALSE,,FALSE
four,Aggregated,,2;1,FALSE,,kendall,0,FALSE,,FALSE
four,Aggregated,Outputs,1;2,TRUE,,pearson,0.05,TRUE,,FALSE
four,Raw,Tech|eco,1,FALSE,,spearman,0,TRUE,,FALSE
four,Aggregated,Human;eco,1;3,TRUE,,kendall,0,TRUE,,FALSE
asem,Raw,,1,FALSE,2,pearson,0.05,TRUE,EurAsia_group=Asia,FALSE
asem,Aggregated,,1;2,TRUE,,spearman,0,TRUE,EurAsia_group=Europe,FALSE
four,Raw,,1,FALSE,2,pearson,0,TRUE,,TRUE
four,Raw,Infra,1,FALSE,,kendall,0.05,FALSE,Income=H,TRUE
", colClasses = "character")

dir.create("calls", showWarnings = FALSE)  # not out/, which .gitignore hides
cases$file <- sprintf("calls/%02d_%s.csv", seq_len(nrow(cases)), cases$coin)
for (i in seq_len(nrow(cases))) {
  k <- cases[i, ]
  iCodes <- if (k$iCodes == "") NULL else lapply(strsplit(k$iCodes, "|", fixed = TRUE)[[1]],
                                                 function(s) strsplit(s, ";")[[1]])
  withparent <- if (k$withparent == "family") "family" else as.logical(k$withparent)
  grouplev <- if (k$grouplev == "") NULL else as.numeric(k$grouplev)
  use_group <- if (k$use_group == "") NULL else {
    kv <- strsplit(k$use_group, "=", fixed = TRUE)[[1]]; setNames(list(kv[2]), kv[1])
  }
  out <- get_corr(coins[[k$coin]], dset = k$dset, iCodes = iCodes, use_group = use_group,
                  use_directions = as.logical(k$use_directions),
                  Levels = as.numeric(strsplit(k$Levels, ";")[[1]]), withparent = withparent,
                  grouplev = grouplev, cortype = k$cortype, pval = as.numeric(k$pval),
                  make_long = as.logical(k$make_long))
  w17(out, k$file, row_names = !as.logical(k$make_long))
}
write.csv(cases, "cases.csv", row.names = FALSE)
writeLines(c(R.version.string, paste("COINr", packageVersion("COINr")),
             paste("collation", icuGetCollate())), "versions.txt")

# p-values of the pairs get_corr blanks (COINr's get_pvals calls stats::cor.test): 240 seeded
# pairs, n = 3 to 70 (either side of Kendall's exact limit n < 50), with and without ties and
# gaps, for each cortype. One row per pair and method; x and y joined by ";" ("" = NA).
set.seed(5)
rows <- list()
for (i in 1:80) {
  n <- sample(c(3:12, 20, 33, 34, 45, 49, 50, 51, 70), 1)
  x <- round(rnorm(n), 4); y <- round(0.5 * x + rnorm(n), 4)
  if (i %% 3 == 0) { x <- round(x); y <- round(y * 2) }   # ties
  if (i %% 4 == 0 && n > 5) { x[sample(n, 2)] <- NA }     # gaps (pairwise complete)
  ok <- complete.cases(x, y)
  for (m in c("pearson", "spearman", "kendall")) {
    fit <- suppressWarnings(cor(x, y, method = m, use = "pairwise.complete.obs"))
    p <- if (sum(ok) < 3) NA else suppressWarnings(cor.test(x, y, method = m)$p.value)
    rows[[length(rows) + 1]] <- data.frame(
      method = m, x = paste(ifelse(is.na(x), "", sprintf("%.4f", x)), collapse = ";"),
      y = paste(sprintf("%.4f", y), collapse = ";"), r = fit, p = p)
  }
}
w17(do.call(rbind, rows), "pvalues.csv")

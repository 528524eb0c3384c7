# COINr 1.1.14 reference: the data summary of a screening by zeros (issue 20: result.screening()
# shows the zero share the screen step records). Run from this folder: Rscript make_reference.R
suppressPackageStartupMessages(library(COINr))
coin <- new_coin(ASEM_iData, ASEM_iMeta, quietly = TRUE)
s <- Screen(coin, dset = "Raw", unit_screen = "byzeros", nonzero_thresh = 0.95, out2 = "list")
out <- s$DataSummary[c("uCode", "Dat_Avail", "Non_Zero", "Included")]
out[c("Dat_Avail", "Non_Zero")] <- lapply(out[c("Dat_Avail", "Non_Zero")],
                                          function(v) sprintf("%.17g", v))
write.csv(out, "summary.csv", row.names = FALSE, quote = FALSE)
writeLines(c(R.version.string, paste("COINr", as.character(packageVersion("COINr")))),
           "versions.txt")

# COINr 1.1.14 references of get_data's row selection by units and their peers (uCodes with
# use_group naming a group column), on the sweep coins' inputs (made by make_references.R).
# Run from this folder: Rscript make_peers.R
suppressMessages(library(COINr))
for (name in c("four", "two")) {
  iMeta <- read.csv(file.path(name, "iMeta.csv"), na.strings = "")
  iData <- read.csv(file.path(name, "iData.csv"), na.strings = "")
  coin <- new_coin(iData, iMeta, quietly = TRUE)
  groups <- iMeta$iCode[iMeta$Type == "Group"]
  units <- iData$uCode
  # a unit with no value in a group column (coin "four": the last unit has no Region), and two others
  chosen <- list(units[c(2, 5)], units[length(units)], units[7])
  dir.create(file.path(name, "peers"), showWarnings = FALSE)
  rows <- list()
  for (g in groups) for (k in seq_along(chosen)) {
    got <- get_data(coin, dset = "Raw", uCodes = chosen[[k]], use_group = g, also_get = "none")
    rows[[length(rows) + 1]] <- data.frame(group = g, case = k, units = paste(chosen[[k]], collapse = " "),
                                           peers = paste(sort(get_data(coin, dset = "Raw", uCodes = chosen[[k]],
                                                                       use_group = g)$uCode), collapse = " "))
  }
  only <- get_data(coin, dset = "Raw", uCodes = chosen[[1]])
  write.csv(do.call(rbind, rows), file.path(name, "peers", "peers.csv"), row.names = FALSE)
  writeLines(sort(only$uCode), file.path(name, "peers", "units_only.txt"))
}

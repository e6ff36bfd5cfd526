-- wrk script: readers' searches, rotating through plain words, a phrase,
-- a typo and filters, so no single query's cache line flatters the figure.
local queries = {
  "q=ceasefire",
  "q=central+bank+interest+rates",
  "q=%22World+Economic+Forum%22",
  "q=ceasfire+negotiatons",
  "q=election&section=politics",
  "q=grain+exports&from=2020-01-01",
  "q=Blinken+Davos",
  "q=energy+prices&page=2",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/search.json?" .. queries[(i % #queries) + 1])
end

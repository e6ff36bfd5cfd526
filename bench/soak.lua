-- wrk script for the soak: a mix of readers across the whole site. Article
-- addresses come from bench's path list (one per line); listings are asked
-- for at random pages, feeds in every format, searches with rotating words.
local paths = {}
local file = io.open(os.getenv("SOAK_PATHS") or "soak-paths.txt", "r")
if file then
  for line in file:lines() do paths[#paths + 1] = line end
  file:close()
end
local listings = { "/", "/world", "/politics", "/business", "/tag/ukraine", "/author/elena-marchetti" }
local feeds = { "/feed.xml", "/feed.atom", "/feed.json", "/world/feed.xml", "/business/feed.json" }
local words = { "ceasefire", "bank", "election", "energy", "grain", "talks", "minister", "court", "ceasfire", "markets" }
local i = 0
math.randomseed(os.time())
request = function()
  i = i + 1
  local kind = i % 10
  local path
  if kind < 5 and #paths > 0 then
    path = paths[math.random(#paths)]
  elseif kind < 7 then
    path = listings[math.random(#listings)] .. "?page=" .. math.random(1, 40)
  elseif kind < 8 then
    path = feeds[math.random(#feeds)]
  else
    path = "/search.json?q=" .. words[math.random(#words)] .. "+" .. words[math.random(#words)]
  end
  return wrk.format("GET", path)
end

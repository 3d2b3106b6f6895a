-- GET /api/v1/merchants/<id>/credit/ for a merchant drawn at random from the list in
-- BENCH_MERCHANTS (comma-separated public ids), with the API key in BENCH_API_KEY.
local ids = {}
for id in string.gmatch(os.getenv("BENCH_MERCHANTS"), "[^,]+") do
  ids[#ids + 1] = id
end
local key = os.getenv("BENCH_API_KEY")

request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/api/v1/merchants/" .. id .. "/credit/", {["X-Api-Key"] = key})
end

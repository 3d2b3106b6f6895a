-- POST /api/v1/lookup/bulk/ with 100 merchants drawn at random from BENCH_MERCHANTS.
local ids = {}
for id in string.gmatch(os.getenv("BENCH_MERCHANTS"), "[^,]+") do
  ids[#ids + 1] = id
end
local key = os.getenv("BENCH_API_KEY")
local size = tonumber(os.getenv("BENCH_BULK_SIZE") or "100")

request = function()
  local chosen = {}
  for i = 1, size do
    chosen[i] = '"' .. ids[math.random(#ids)] .. '"'
  end
  local body = '{"merchants": [' .. table.concat(chosen, ",") .. ']}'
  return wrk.format("POST", "/api/v1/lookup/bulk/", {
    ["X-Api-Key"] = key,
    ["Content-Type"] = "application/json",
  }, body)
end

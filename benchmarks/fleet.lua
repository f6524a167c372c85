-- wrk script for benchmarks/fleet.py: each wrk thread posts its share of the
-- prepared batches exactly once (line i goes to thread i % threads), counts
-- what was stored, answered as a retry or refused, and stops when all of its
-- batches are answered. A connection ready to send after its thread has no
-- batch left sends GET /api/v1/health instead (at most one per connection).
--
-- args: bodies file (token TAB body per line), folder for "done" files, threads

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } fleet_timespec;
int clock_gettime(int clock, fleet_timespec *ts);
]]
local clock = ffi.new("fleet_timespec")
local function now()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end

local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path, folder, nthreads = args[1], args[2], tonumber(args[3])
  posts = {}
  local n = 0
  for line in io.lines(path) do
    if n % nthreads == id then
      local tab = line:find("\t", 1, true)
      posts[#posts + 1] = wrk.format("POST", "/api/v1/summaries", {
        ["Authorization"] = "Bearer " .. line:sub(1, tab - 1),
        ["Content-Type"] = "application/json",
      }, line:sub(tab + 1))
    end
    n = n + 1
  end
  nposts = #posts
  filler = wrk.format("GET", "/api/v1/health")
  done_file = folder .. "/done-" .. id
  sent, stored, retries, refused, answered = 0, 0, 0, 0, 0
  started, finished = 0, 0
  -- wrk calls request() once on thread 0's state before it starts, to see
  -- how many requests it returns; that call must not use up a batch.
  verifying = id == 0
end

function request()
  if verifying then
    verifying = false
    return filler
  end
  sent = sent + 1
  if sent == 1 then
    started = now()
  end
  if sent <= #posts then
    return posts[sent]
  end
  return filler
end

function response(status, headers, body)
  if status ~= 200 then
    refused = refused + 1
    answered = answered + 1
  elseif body:find('"duplicate":%s*false') then
    stored = stored + 1
    answered = answered + 1
  elseif body:find('"duplicate":%s*true') then
    retries = retries + 1
    answered = answered + 1
  end
  if answered == #posts and finished == 0 then
    finished = now()
    local f = io.open(done_file, "w")
    f:write(string.format("%d %d %d\n", stored, retries, refused))
    f:close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local first, last, s, r, x, p = math.huge, 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    first = math.min(first, t:get("started"))
    last = math.max(last, t:get("finished"))
    s = s + t:get("stored")
    r = r + t:get("retries")
    x = x + t:get("refused")
    p = p + t:get("nposts")
  end
  local e = summary.errors
  io.write(string.format(
    'FLEET {"seconds": %.6f, "posts": %d, "stored": %d, "retries": %d, "refused": %d, ' ..
    '"p50_ms": %.3f, "p99_ms": %.3f, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d}\n',
    last - first, p, s, r, x, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect, e.read, e.write, e.timeout))
end

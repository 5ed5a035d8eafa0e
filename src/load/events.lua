-- wrk body generator for Sluice's POST /v1/events.
-- Every request carries fresh event ids (run + thread + counter), so nothing is a duplicate, also
-- when several runs go to the same gateway: RUN (environment variable) names the run; without it
-- the run is named after the clock.
-- BATCH (environment variable, default 1) events per request; each event is about 1 KB.
-- IDS (environment variable) how event and order ids look:
--   sequential (default)  "load-<run>-<thread>-<counter>" and "o-<counter>": the counter is not
--                         zero-padded, so in the indexes' (text) order a new id lands after the
--                         earlier ones with the same leading digits, near but not at the end
--   uuid7                 time-ordered version-7 UUIDs as event ids (RFC 9562; ULIDs sort the
--                         same way): each thread's ids increase, so they land at the end of the
--                         dedup index; order ids as for sequential
--   uuid                  random version-4 UUIDs as event ids (what most senders use), order ids
--                         sequential (what most shops number orders by)
--   uuid-all              random UUIDs for both
-- SHOPPERS (environment variable) how many distinct shoppers (shopper<n>@example.com, cust-<n>)
--   the events cycle through; without it every event of a thread has its own. SHOPPERS=1 makes
--   every event one person's, as a placeholder email shared by every guest checkout would.
-- Random keys land on a random page of every index keyed by them, which costs the single writer
-- a page per index per event (docs/benchmarks.md, session 9).
local batch = tonumber(os.getenv("BATCH") or "1")
local key = os.getenv("SLUICE_KEY") or "slk_demo_local_only"
local threads = {}
local counter = 0
local thread_id = 0
local run = os.getenv("RUN") or string.format("%x%04x", os.time(), math.floor(os.clock() * 1e6) % 65536)

local ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 " .. string.rep("x", 220)
local ids = os.getenv("IDS") or "sequential"
local shoppers = tonumber(os.getenv("SHOPPERS") or "0")
assert(ids == "sequential" or ids == "uuid7" or ids == "uuid" or ids == "uuid-all",
  "IDS must be sequential, uuid7, uuid or uuid-all")
local template = '{"event_id":"%s","event_name":"Purchase","event_time":%d,"action_source":"website",' ..
  '"event_source_url":"https://shop.example/checkout?step=confirm",' ..
  '"user":{"email":"shopper%d@example.com","phone":"+1 650 555 %04d","first_name":"Jane","last_name":"Doe",' ..
  '"city":"Menlo Park","state":"CA","zip":"94025","country":"US","external_id":"cust-%d",' ..
  '"client_ip":"203.0.113.7","user_agent":"' .. ua .. '",' ..
  '"click_ids":{"fbp":"fb.1.1596403881668.1116446470","gclid":"Cj0KCQiA-load-test"}},' ..
  '"custom":{"value":"129.90","currency":"EUR","order_id":"%s","content_ids":["sku-1","sku-2"],"num_items":2},' ..
  '"attribution":{"utm_source":"facebook","utm_campaign":"bf-2026"},' ..
  '"consent":{"ad_user_data":"granted","ad_personalization":"denied","gpc":false}}'

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  -- Each thread of each run draws its own sequence: the seed mixes the run's name and the thread.
  local seed = 0
  for i = 1, #run do seed = (seed * 31 + run:byte(i)) % 2147483647 end
  math.randomseed(seed + (tid or 0) * 7919)
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }
end

local function uuid()
  return string.format("%08x-%04x-4%03x-%04x-%04x%08x", math.random(0, 0x7fffffff), math.random(0, 0xffff),
    math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff), math.random(0, 0xffff), math.random(0, 0x7fffffff))
end

-- Version 7: 48 bits of Unix milliseconds, then a 12-bit sequence within the millisecond (RFC 9562,
-- method 1), then random bits. wrk's Lua clock has whole seconds; past 4,096 ids in a millisecond
-- the millisecond moves on, so a thread's ids always increase.
local last_ms = 0
local seq = 0
local function uuid7()
  local now = os.time() * 1000
  if now > last_ms then
    last_ms = now
    seq = 0
  else
    seq = seq + 1
    if seq > 4095 then
      last_ms = last_ms + 1
      seq = 0
    end
  end
  return string.format("%08x-%04x-7%03x-%04x-%04x%08x", math.floor(last_ms / 65536), last_ms % 65536, seq,
    0x8000 + math.random(0, 0x3fff), math.random(0, 0xffff), math.random(0, 0x7fffffff))
end

local function event()
  counter = counter + 1
  local n = counter % 10000
  local shopper = shoppers > 0 and counter % shoppers or counter
  local event_id
  if ids == "sequential" then
    event_id = string.format("load-%s-%d-%d", run, tid, counter)
  elseif ids == "uuid7" then
    event_id = uuid7()
  else
    event_id = uuid()
  end
  local order_id = ids == "uuid-all" and uuid() or ("o-" .. counter)
  return string.format(template, event_id, os.time() - 60, shopper, n, shopper, order_id)
end

function request()
  local body
  if batch == 1 then
    body = event()
  else
    local parts = {}
    for i = 1, batch do parts[i] = event() end
    body = '{"events":[' .. table.concat(parts, ",") .. ']}'
  end
  return wrk.format("POST", "/v1/events", headers, body)
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  -- p99.9 and the slowest request after the fields the scripts read by name: a stop-the-world
  -- pause shows there first (docs/benchmarks.md, session 38).
  io.write(string.format("RESULT requests=%d events_per_s=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d p999_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.requests * batch / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end

-- wrk body generator for Sluice's POST /v1/events.
-- Every request carries fresh event ids (run + thread + counter), so nothing is a duplicate, also
-- when several runs go to the same gateway: RUN (environment variable) names the run; without it
-- the run is named after the clock.
-- BATCH (environment variable, default 1) events per request; each event is about 1 KB.
local batch = tonumber(os.getenv("BATCH") or "1")
local key = os.getenv("SLUICE_KEY") or "slk_demo_local_only"
local threads = {}
local counter = 0
local thread_id = 0
local run = os.getenv("RUN") or string.format("%x%04x", os.time(), math.floor(os.clock() * 1e6) % 65536)

local ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 " .. string.rep("x", 220)
local template = '{"event_id":"load-%s-%d-%d","event_name":"Purchase","event_time":%d,"action_source":"website",' ..
  '"event_source_url":"https://shop.example/checkout?step=confirm",' ..
  '"user":{"email":"shopper%d@example.com","phone":"+1 650 555 %04d","first_name":"Jane","last_name":"Doe",' ..
  '"city":"Menlo Park","state":"CA","zip":"94025","country":"US","external_id":"cust-%d",' ..
  '"client_ip":"203.0.113.7","user_agent":"' .. ua .. '",' ..
  '"click_ids":{"fbp":"fb.1.1596403881668.1116446470","gclid":"Cj0KCQiA-load-test"}},' ..
  '"custom":{"value":"129.90","currency":"EUR","order_id":"o-%d","content_ids":["sku-1","sku-2"],"num_items":2},' ..
  '"attribution":{"utm_source":"facebook","utm_campaign":"bf-2026"},' ..
  '"consent":{"ad_user_data":"granted","ad_personalization":"denied","gpc":false}}'

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }
end

local function event()
  counter = counter + 1
  local n = counter % 10000
  return string.format(template, run, tid, counter, os.time() - 60, counter, n, counter, counter)
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
  io.write(string.format("RESULT requests=%d events_per_s=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.requests * batch / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
